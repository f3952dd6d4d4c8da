/**
 * Layouts as data: a spreadsheet or CSV layout declared in a JSON file (the built-in yearbook tables in
 * ingest/layouts/yearbook-tables.json, a user's own in the inputs folder, listed by the manifest's
 * `layouts`). A declaration says where the header is, where each body row's province and year are (a
 * label column, the column headers, a fixed value or the table's title), which variable or items the
 * values are, their unit, and which rows end or are outside the table. ingest/grid.ts evaluates it.
 *
 * Validation names the path in the declaration (`layouts/wind.json: province.column.header: …`), so
 * a user fixes the file, not the code.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError, issuePath, parseOrThrow } from '../common/errors';
import { inputFilePath } from './input-files';
import { canonicalUnit, unitFactor } from './units';

/** A regular expression as a string, matched case-insensitively against NFKC text without spaces. */
const pattern = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s, 'iu');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression (${(e as Error).message})` });
  }
});

/** A column: by its letter, or by a pattern its header label matches. */
const columnRef = z.union([
  z.strictObject({ letter: z.string().regex(/^[A-Z]{1,3}$/, 'a column letter, e.g. "B"') }),
  z.strictObject({ header: pattern }),
]);

/** Where a body row's key comes from. `pattern`: its first group (or group `key`) is the key's text. */
const keySource = <T extends z.ZodType>(value: T) =>
  z.union([
    /** A label column: each body row's cell in it. */
    z.strictObject({ in: z.literal('rows'), column: columnRef, pattern: pattern.optional() }),
    /** The header labels of the value columns. */
    z.strictObject({ in: z.literal('columns'), pattern: pattern.optional() }),
    /** One value for the whole table. */
    z.strictObject({ value }),
  ]);

const itemSchema = z.strictObject({
  /** Matches the column's header label (header rows joined with `|`) or one of its parts. */
  header: pattern,
  variable: z.string(),
  /** Declared unit when neither the label nor the table prints one. */
  unit: z.string().optional(),
});

export const layoutDeclarationSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-" only'),
    description: z.string().min(1),
    format: z.enum(['xlsx', 'csv']).default('xlsx'),
    /** CSV only: the text encoding (a BOM is dropped). */
    encoding: z.string().default('utf8'),
    /** xlsx only: the sheet by name, or a pattern its name matches; the first sheet when absent. */
    sheet: z.union([z.string(), z.strictObject({ matches: pattern })]).optional(),
    /**
     * The (first) header row: a row number, or the first row within `within` rows with a cell
     * matching `find`. Absent: the row holding the header of the label column. `rows`: how many header
     * rows to join (default: down to the first body row).
     */
    header: z
      .strictObject({
        row: z.number().int().min(1).optional(),
        find: pattern.optional(),
        within: z.number().int().min(1).default(30),
        rows: z.number().int().min(1).optional(),
      })
      .optional(),
    province: keySource(z.string()),
    year: z.union([
      keySource(z.number().int()),
      /** The first year (19xx/20xx) printed above the header (a one-year table's title). */
      z.strictObject({ in: z.literal('title') }),
    ]),
    /** The variable of every value when the province or the year is in the columns. */
    variable: z.string().optional(),
    /** A column per variable when neither the province nor the year is in the columns. */
    items: z.array(itemSchema).min(1).optional(),
    /** The unit, or the column that prints it on each row; a `单位：` line or `(unit)` in a label wins. */
    unit: z.union([z.string(), z.strictObject({ column: columnRef })]).optional(),
    /** Multiplier applied before the unit conversion (a table printed in thousands of its unit). */
    scale: z.number().positive().default(1),
    /** The indicator every key label's `indicator` group must name (e.g. Wind's `北京:RPI`). */
    indicator: z.string().optional(),
    /** Rows whose first non-empty cell matches one of these end the table (default: 注：, 数据来源：…). */
    footer: z.array(pattern).optional(),
    /** Body-row labels that are neither keys nor errors (e.g. regional aggregates). */
    skip: z.array(pattern).default([]),
    /** Only body rows whose cell in `column` matches are read (e.g. one country of a long file). */
    keep: z.strictObject({ column: columnRef, matches: pattern }).optional(),
  })
  .superRefine((d, ctx) => {
    const across = [d.province, d.year].filter((k) => 'in' in k && k.in === 'columns').length;
    if (across === 2)
      ctx.addIssue({
        code: 'custom',
        path: ['year', 'in'],
        message: 'the province and the year cannot both be in the columns',
      });
    if (!('in' in d.province && d.province.in === 'rows') && !('in' in d.year && d.year.in === 'rows'))
      ctx.addIssue({
        code: 'custom',
        path: ['province'],
        message: 'the province or the year must come from a label column ("in": "rows")',
      });
    const checkVariable = (variable: string, path: (string | number)[], unit?: string) => {
      try {
        canonicalUnit(variable);
        if (unit) unitFactor(unit, variable, '');
      } catch (e) {
        ctx.addIssue({ code: 'custom', path, message: (e as Error).message.replace(/^: /, '') });
      }
    };
    const fixedUnit = typeof d.unit === 'string' ? d.unit : undefined;
    if (across === 1) {
      if (d.items)
        ctx.addIssue({
          code: 'custom',
          path: ['items'],
          message: 'items are for tables with a column per variable; this one has a column per key',
        });
      if (d.variable) checkVariable(d.variable, ['variable'], fixedUnit);
    } else {
      if (!d.items)
        ctx.addIssue({
          code: 'custom',
          path: ['items'],
          message:
            'expected items (a column per variable): neither the province nor the year is in the columns',
        });
      if (d.variable)
        ctx.addIssue({ code: 'custom', path: ['variable'], message: 'give items, not one variable' });
      d.items?.forEach((item, i) =>
        checkVariable(item.variable, ['items', i, 'variable'], item.unit ?? fixedUnit),
      );
    }
    if (d.format === 'csv' && d.sheet !== undefined)
      ctx.addIssue({ code: 'custom', path: ['sheet'], message: 'a CSV file has no sheets' });
    if (d.header?.row !== undefined && d.header.find !== undefined)
      ctx.addIssue({ code: 'custom', path: ['header'], message: 'give header.row or header.find, not both' });
  });

export type LayoutDeclaration = z.infer<typeof layoutDeclarationSchema>;
export type ColumnRef = z.infer<typeof columnRef>;

/**
 * Validates the JSON of a declaration file: one declaration or an array of them. `where` names the
 * file in errors, with the path inside it.
 */
export function parseLayoutDeclarations(json: unknown, where: string): LayoutDeclaration[] {
  const list = Array.isArray(json) ? json : [json];
  const out: LayoutDeclaration[] = [];
  list.forEach((item, i) => {
    const declaration = parseOrThrow(layoutDeclarationSchema, item, {
      source: where,
      prefix: Array.isArray(json) ? `[${i}]` : '',
    });
    const seen = out.findIndex((d) => d.id === declaration.id);
    if (seen >= 0) {
      const at = issuePath([i, 'id']);
      throw new InputError(`${where}: ${at}: duplicate layout id "${declaration.id}"`, `${where}#${at}`);
    }
    out.push(declaration);
  });
  return out;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${where}: not valid JSON (${(e as Error).message})`, where);
  }
}

/** The built-in declarations shipped with the code (the yearbook tables). */
export function builtinDeclarations(file: URL): LayoutDeclaration[] {
  const where = `ingest/layouts/${file.pathname.split('/').pop()}`;
  return parseLayoutDeclarations(parseJson(readFileSync(file, 'utf8'), where), where);
}

export interface DeclaredLayouts {
  declarations: LayoutDeclaration[];
  /** Each declaration file with the hash of its bytes (part of the run's inputs). */
  files: { path: string; sha256: string }[];
}

/**
 * The declaration files a manifest lists (paths inside the inputs folder), validated. A path that
 * leaves the folder (`..`, absolute, a symlink pointing out) is refused before it is read.
 */
export async function readLayoutDeclarations(
  inputsDir: string,
  paths: string[],
  reserved: string[] = [],
): Promise<DeclaredLayouts> {
  const declarations: LayoutDeclaration[] = [];
  const files: DeclaredLayouts['files'] = [];
  for (const [i, path] of paths.entries()) {
    // The same containment as every manifest entry (ingest/input-files.ts).
    const real = await inputFilePath(inputsDir, path, `manifest.json layouts[${i}] "${path}"`);
    const bytes = await readFile(real);
    files.push({ path, sha256: createHash('sha256').update(bytes).digest('hex') });
    for (const d of parseLayoutDeclarations(parseJson(bytes.toString('utf8'), path), path)) {
      const clash = declarations.find((x) => x.id === d.id);
      if (clash || reserved.includes(d.id))
        throw new InputError(
          `${path}: id: layout "${d.id}" is already ${clash ? 'declared by another file' : 'a built-in layout'}`,
          `${path}#id`,
        );
      declarations.push(d);
    }
  }
  return { declarations, files };
}
