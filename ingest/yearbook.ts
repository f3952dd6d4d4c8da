/**
 * Statistical-yearbook tables (China Statistical Yearbook, China Energy Statistical Yearbook,
 * environment yearbook): one parser driven by a declared table layout (ingest/layouts/yearbook-tables.ts).
 *
 * The parser finds the header row by the province column's header text, joins the labels of all
 * header rows down to the first data row (merged and multi-row headers: exceljs repeats a merged
 * cell's value in every cell it covers, and duplicates are dropped), reads the unit from the column
 * label, a `单位：…` / `Unit: …` line above the header, or the layout, and turns every province row into
 * observations with the cell address as lineage. Missing marks (`…`, `-`) are gaps; any other text
 * where a number belongs, an unknown or repeated province, an undeclared unit, or a missing year or
 * item column is an InputError naming the file, sheet and cell.
 */
import type ExcelJS from 'exceljs';
import { z } from 'zod';
import { InputError } from '../common/errors';
import type { LayoutContext } from './layout';
import { cellNumber } from './layouts/ceads-provincial';
import { layoutOptions } from './layouts/options';
import type { Observation } from './observation';
import { isFootnote, studyProvince } from './province-cell';
import { unitFactor } from './units';
import { openWorkbook } from './workbook';

export interface YearbookItem {
  /** Matches the column's joined header label (NFKC, spaces removed). */
  header: RegExp;
  variable: string;
  /** Declared unit when neither the label nor the table prints one. */
  unit?: string;
}

export interface YearbookTable {
  id: string;
  description: string;
  /** Sheet name pattern; the first sheet when absent. */
  sheet?: RegExp;
  /** Header text of the province column (e.g. `地区` / `Region`). */
  provinceHeader: RegExp;
  /** `years`: one variable, a column per year. `items`: one year per table, a column per variable. */
  columns: { kind: 'years'; variable: string } | { kind: 'items'; items: YearbookItem[] };
  /** Unit of the whole table when it prints none. */
  unit?: string;
  /** Multiplier applied before the unit conversion (e.g. a table printed in thousands of its unit). */
  scale?: number;
}

const optionsSchema = z.strictObject({
  /** Sheet name, overriding the layout's pattern. */
  sheet: z.string().optional(),
  /** `years` tables: the years that must be present (a missing year column is an error) and kept. */
  years: z.tuple([z.number().int(), z.number().int()]).optional(),
  /** `items` tables: the year of the table when its title does not say it. */
  year: z.number().int().optional(),
  /** Items that must be present; all by default. */
  require: z.array(z.string()).optional(),
});

/** Regional aggregates some tables list between provinces: not provinces, not errors. */
const AGGREGATE = /^(东部|中部|西部|东北)(地区)?$|^(east|central|west|northeast)(ern)?(region)?$/i;

const text = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((t) => t.text).join('');
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '');
  if (v instanceof Date) return v.toISOString();
  return String(v);
};
const squash = (s: string) => s.normalize('NFKC').replace(/[\s\u3000]+/g, '');

/** A province label that may be bilingual (`北  京 Beijing`): the Chinese part, else the whole. */
function provinceOf(raw: string, where: string): string | undefined | null {
  const flat = squash(raw);
  if (!flat || AGGREGATE.test(flat)) return null;
  const zh = raw.normalize('NFKC').replace(/[A-Za-z .'’-]+$/u, '');
  if (zh.trim() && zh.trim() !== raw.trim() && /\p{Script=Han}/u.test(zh)) {
    const z2 = squash(zh);
    if (AGGREGATE.test(z2)) return null;
    return studyProvince(z2, where);
  }
  return studyProvince(raw, where);
}

export async function parseYearbook(table: YearbookTable, ctx: LayoutContext): Promise<Observation[]> {
  const opts = layoutOptions(optionsSchema, ctx);
  const wb = await openWorkbook(ctx.path, ctx.name);
  const ws = opts.sheet
    ? wb.getWorksheet(opts.sheet)
    : table.sheet
      ? wb.worksheets.find((w) => table.sheet!.test(w.name))
      : wb.worksheets[0];
  if (!ws) {
    const wanted = opts.sheet ?? String(table.sheet ?? 'a first sheet');
    throw new InputError(
      `${ctx.name}: no sheet ${wanted} (sheets: ${wb.worksheets.map((w) => w.name).join(', ') || 'none'})`,
      ctx.name,
    );
  }
  const at = (cell: string) => `${ctx.name}!${ws.name}!${cell}`;
  if (ws.actualRowCount === 0)
    throw new InputError(`${ctx.name}!${ws.name}: empty sheet`, `${ctx.name}!${ws.name}`);

  // Header row: the first row (of the first 30) with a cell naming the province column.
  let headerRow = 0;
  let provinceCol = 0;
  for (let r = 1; r <= Math.min(ws.rowCount, 30) && !headerRow; r++) {
    ws.getRow(r).eachCell((cell, c) => {
      if (!headerRow && table.provinceHeader.test(squash(text(cell.value)))) {
        headerRow = r;
        provinceCol = c;
      }
    });
  }
  if (!headerRow)
    throw new InputError(
      `${ctx.name}!${ws.name}: no header cell matching ${table.provinceHeader} in rows 1–30 ` +
        `(is this the ${table.description} table?)`,
      `${ctx.name}!${ws.name}`,
    );

  // Data start: the first row below the header whose province cell names a province (or aggregate).
  let dataRow = 0;
  for (let r = headerRow + 1; r <= ws.rowCount && !dataRow; r++) {
    const label = text(ws.getRow(r).getCell(provinceCol).value);
    if (!squash(label)) continue;
    try {
      if (provinceOf(label, '') !== undefined || /^(全国|national|total|合计)/i.test(squash(label)))
        dataRow = r;
    } catch {
      // a header line in the province column (e.g. an English sub-header): keep looking
    }
  }
  if (!dataRow)
    throw new InputError(`${at(`A${headerRow}`)}: no province rows under the header`, at(`A${headerRow}`));

  // Column labels: header rows joined top to bottom, repeats (merged cells) dropped.
  const labels = new Map<number, string>();
  for (let c = 1; c <= ws.columnCount; c++) {
    if (c === provinceCol) continue;
    const parts: string[] = [];
    for (let r = headerRow; r < dataRow; r++) {
      const t = squash(text(ws.getRow(r).getCell(c).value));
      if (t && !parts.includes(t)) parts.push(t);
    }
    if (parts.length) labels.set(c, parts.join('|'));
  }

  // Unit printed above the header (`单位：亿元`, `Unit: 100 million yuan`) or in a column label.
  let tableUnit = table.unit;
  let title = '';
  for (let r = 1; r < headerRow; r++) {
    ws.getRow(r).eachCell((cell) => {
      const t = text(cell.value).normalize('NFKC').trim();
      title += ` ${t}`;
      const m = /^(?:单位|unit)\s*[:：]\s*(.+)$/i.exec(t);
      if (m) tableUnit = m[1].trim();
    });
  }
  const unitOfLabel = (label: string) => /[(（]([^()（）]+)[)）]/.exec(label)?.[1];

  interface Target {
    col: number;
    year: number;
    variable: string;
    unit: string;
    factor: number;
  }
  const targets: Target[] = [];
  const headerAt = (c: number) => at(`${ws.getRow(headerRow).getCell(c).address}`);
  const conversion = (variable: string, unit: string | undefined, c: number) => {
    if (!unit)
      throw new InputError(
        `${headerAt(c)}: no unit for ${variable} (expected "单位：…" above the header, a unit in the ` +
          `column label, or one declared by layout ${table.id})`,
        headerAt(c),
      );
    return unitFactor(unit, variable, headerAt(c));
  };

  if (table.columns.kind === 'years') {
    const variable = table.columns.variable;
    for (const [c, label] of labels) {
      const y = /^(\d{4})(年)?/.exec(label);
      if (!y) continue;
      const year = Number(y[1]);
      if (opts.years && (year < opts.years[0] || year > opts.years[1])) continue;
      targets.push({ col: c, year, variable, ...conversion(variable, unitOfLabel(label) ?? tableUnit, c) });
    }
    if (targets.length === 0)
      throw new InputError(
        `${at(`A${headerRow}`)}: no year columns (e.g. "2019" or "2019年") in the header`,
        at(`A${headerRow}`),
      );
    if (opts.years) {
      for (let y = opts.years[0]; y <= opts.years[1]; y++) {
        if (!targets.some((t) => t.year === y))
          throw new InputError(
            `${ctx.name}!${ws.name} header row ${headerRow}: no column for year ${y} ` +
              `(expected ${opts.years[0]}–${opts.years[1]}; found ${targets.map((t) => t.year).join(', ')})`,
            at(`A${headerRow}`),
          );
      }
    }
  } else {
    const year = opts.year ?? Number(/((?:19|20)\d{2})/.exec(title)?.[1] ?? NaN);
    if (!Number.isInteger(year))
      throw new InputError(
        `${ctx.name}!${ws.name}: the table's year is not in its title (rows 1–${headerRow - 1}); ` +
          `set options.year in the manifest`,
        `${ctx.name}!${ws.name}`,
      );
    for (const item of table.columns.items) {
      const hit = [...labels].find(
        ([, label]) => item.header.test(label) || label.split('|').some((part) => item.header.test(part)),
      );
      if (!hit) {
        if (!opts.require || opts.require.includes(item.variable))
          throw new InputError(
            `${ctx.name}!${ws.name} header rows ${headerRow}–${dataRow - 1}: no column for ${item.variable} ` +
              `(expected a header matching ${item.header}; found ${[...labels.values()].join(', ')})`,
            at(`A${headerRow}`),
          );
        continue;
      }
      const [c, label] = hit;
      targets.push({
        col: c,
        year,
        variable: item.variable,
        ...conversion(item.variable, unitOfLabel(label) ?? item.unit ?? tableUnit, c),
      });
    }
  }

  const out: Observation[] = [];
  const seen = new Map<string, string>();
  const scale = table.scale ?? 1;
  for (let r = dataRow; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const labelCell = row.getCell(provinceCol);
    const label = text(labelCell.value);
    if (isFootnote(label)) break;
    if (!squash(label)) continue;
    const province = provinceOf(label, at(labelCell.address));
    if (!province) continue;
    const before = seen.get(province);
    if (before)
      throw new InputError(
        `${at(labelCell.address)}: province "${label.trim()}" appears twice (first at ${before})`,
        at(labelCell.address),
      );
    seen.set(province, labelCell.address);
    for (const t of targets) {
      const cell = row.getCell(t.col);
      const value = cellNumber(cell, at(cell.address));
      if (value === undefined) continue;
      out.push({
        province,
        year: t.year,
        variable: t.variable,
        value: value * scale * t.factor,
        unit: t.unit,
        method: 'observed',
        source: { file: ctx.name, sha256: ctx.sha256, sheet: ws.name, cell: cell.address },
      });
    }
    ctx.onProgress?.(r - dataRow + 1, ws.rowCount - dataRow + 1);
  }
  return out;
}
