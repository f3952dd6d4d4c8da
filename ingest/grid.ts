/**
 * The evaluator of declared layouts (ingest/layout-declaration.ts): a sheet or CSV read as a grid of
 * cells, turned into observations with the cell address as lineage.
 *
 * It finds the header row (a fixed row, a cell matching `header.find`, or the label column's header),
 * joins the labels of all header rows down to the first body row (merged and multi-row headers: exceljs
 * repeats a merged cell's value in every cell it covers, and duplicates are dropped), takes each body
 * row's province and year from its label column, the column headers, a fixed value or the title, and the
 * unit from a `(unit)` in the column label, the item, a unit column, a `单位：…` / `Unit: …` line above
 * the header, or the declaration. Missing marks (`…`, `-`) are gaps; a footer row ends the table; any
 * other text where a number belongs, an unknown or repeated key, an undeclared unit, or a missing year,
 * item or label column is an InputError naming the file, sheet and cell.
 */
import type ExcelJS from 'exceljs';
import { z } from 'zod';
import { InputError } from '../common/errors';
import type { Layout, LayoutContext } from './layout';
import type { ColumnRef, LayoutDeclaration } from './layout-declaration';
import { valueNumber } from './number-cell';
import { layoutOptions } from './layouts/options';
import type { Observation } from './observation';
import { isFootnote, provinceLabel } from './province-cell';
import { csvBatches, type CsvBatch } from './csv-file';
import { unitFactor } from './units';
import { openWorkbook } from './workbook';

/** Per-file settings a manifest entry may give any declared layout. */
const optionsSchema = z.strictObject({
  /** Sheet name, overriding the declaration. */
  sheet: z.string().optional(),
  /** The years that must be present (a missing year is an error) and are kept. */
  years: z.tuple([z.number().int(), z.number().int()]).optional(),
  /** The table's year when its title does not say it (one-year tables). */
  year: z.number().int().optional(),
  /** Items that must be present; all by default. */
  require: z.array(z.string()).optional(),
  /** The variable, when the declaration leaves it to the file (one layout, several indicators). */
  variable: z.string().optional(),
  /** The unit, when neither the file nor the declaration gives it. */
  unit: z.string().optional(),
  /** The indicator the key labels must name, overriding the declaration's. */
  indicator: z.string().optional(),
});

/**
 * One sheet or CSV as rows × columns of raw values, with the address of each cell for lineage. A
 * workbook's rows are all in reach; a CSV streams: its head (the first `CSV_HEAD_ROWS` rows, where
 * titles and headers are) stays in reach, and each body row is in reach from `reach(r)` until the next.
 */
interface Grid {
  /** `file!sheet` or `file`. */
  where: string;
  sheet?: string;
  /** Rows in reach without reading on: all of a sheet, the head of a CSV. */
  rowCount: number;
  columnCount: number;
  /** Reads on to row r (true) or says the table ended before it (false); a promise only when it must read. */
  reach(row: number): boolean | Promise<boolean>;
  value(row: number, col: number): ExcelJS.CellValue;
  /** Lineage address: `C7` in a workbook, `line 4, column 3` in a CSV. */
  address(row: number, col: number): string;
  /** The address as an error names it: `file!sheet!C7`, `file line 4, column 3`. */
  at(row: number, col: number): string;
  /** Stops reading (a footer ended the table, or an error). */
  close(): Promise<void>;
}

/** Rows of a CSV kept for finding the title, header and first body row (a yearbook header is ~10). */
export const CSV_HEAD_ROWS = 200;
/** …and at most about this many characters of them. */
const CSV_HEAD_CHARS = 16 << 20;

const letters = (col: number): string => {
  let s = '';
  for (let c = col; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
};
const letterIndex = (l: string) => [...l].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

export const cellText = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return cellText((v.result ?? null) as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v);
};
const squash = (s: string) => s.normalize('NFKC').replace(/[\s\u3000]+/g, '');

/** `fn` with its results kept for the last 10,000 distinct arguments (a throw is not kept). */
function memo<T>(fn: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let v = cache.get(text);
    if (v === undefined && !cache.has(text)) {
      v = fn(text);
      if (cache.size >= 10_000) cache.clear();
      cache.set(text, v);
    }
    return v as T;
  };
}
const regex = (p: string) => new RegExp(p, 'iu');

async function openGrid(d: LayoutDeclaration, ctx: LayoutContext, sheetOption?: string): Promise<Grid> {
  if (d.format === 'csv') return openCsvGrid(d, ctx);
  const wb = await openWorkbook(ctx);
  const wanted = sheetOption ?? d.sheet;
  const ws =
    wanted === undefined
      ? wb.worksheets[0]
      : typeof wanted === 'string'
        ? wb.getWorksheet(wanted)
        : wb.worksheets.find((w) => regex(wanted.matches).test(w.name));
  if (!ws) {
    const name =
      wanted === undefined ? 'a first sheet' : typeof wanted === 'string' ? wanted : wanted.matches;
    throw new InputError(
      `${ctx.name}: no sheet ${name} (sheets: ${wb.worksheets.map((w) => w.name).join(', ') || 'none'})`,
      ctx.name,
    );
  }
  if (ws.actualRowCount === 0)
    throw new InputError(`${ctx.name}!${ws.name}: empty sheet`, `${ctx.name}!${ws.name}`);
  return {
    where: `${ctx.name}!${ws.name}`,
    sheet: ws.name,
    rowCount: ws.rowCount,
    columnCount: ws.columnCount,
    reach: (r) => r <= ws.rowCount,
    close: async () => {},
    value: (r, c) => ws.getRow(r).getCell(c).value,
    address: (r, c) => `${letters(c)}${r}`,
    at: (r, c) => `${ctx.name}!${ws.name}!${letters(c)}${r}`,
  };
}

/**
 * A declared CSV as a grid, streamed (ingest/csv-file.ts: the encoding, NUL, field and row limits of
 * every CSV layout): memory holds the head and one body row, whatever the file's length. Rows are
 * records, empty lines included (so `header.row` counts as a person counts); an address names the
 * record's true line.
 */
async function openCsvGrid(d: LayoutDeclaration, ctx: LayoutContext): Promise<Grid> {
  const batches = csvBatches(
    { path: ctx.path, name: ctx.name },
    {
      encoding: d.encoding,
      skipEmptyLines: false,
      relaxQuotes: true,
      signal: ctx.signal,
      onProgress: (bytes, size) => ctx.onProgress?.(bytes, size),
    },
  )[Symbol.asyncIterator]();
  const head: { line: number; record: string[] }[] = [];
  let ended = false;
  // The batch being read (a chunk of the file's records) and the next record's place in it.
  let batch: CsvBatch = { records: [], lines: [] };
  let next = 0;
  const refill = async () => {
    while (!ended && next >= batch.records.length) {
      const r = await batches.next();
      if (r.done) ended = true;
      else [batch, next] = [r.value, 0];
    }
  };
  const pull = async () => {
    await refill();
    if (ended) return undefined;
    next += 1;
    return { line: batch.lines[next - 1], record: batch.records[next - 1] };
  };
  // The head is bounded in bytes too: 200 rows at the 4 MiB row limit would be 800 MiB.
  let headChars = 0;
  while (head.length < CSV_HEAD_ROWS && headChars < CSV_HEAD_CHARS) {
    const r = await pull();
    if (!r) break;
    head.push(r);
    for (const field of r.record) headChars += field.length;
  }
  // The body row in reach: its number and its place in the batch in hand.
  let currentRow = 0;
  let currentAt = -1;
  const row = (r: number) =>
    r <= head.length
      ? head[r - 1]
      : currentRow === r && currentAt >= 0
        ? { line: batch.lines[currentAt], record: batch.records[currentAt] }
        : undefined;
  const recordOf = (r: number) =>
    r <= head.length
      ? head[r - 1].record
      : currentRow === r && currentAt >= 0
        ? batch.records[currentAt]
        : undefined;
  /** Moves on to row r within the batch in hand: true, false (the file ended) or undefined (read on). */
  const step = (r: number): boolean | undefined => {
    while (Math.max(currentRow, head.length) < r) {
      if (next >= batch.records.length) {
        if (ended) return false;
        currentAt = -1; // the batch in hand is about to be replaced
        return undefined;
      }
      currentRow = Math.max(currentRow, head.length) + 1;
      currentAt = next;
      next += 1;
    }
    return currentRow === r && currentAt >= 0;
  };
  return {
    where: ctx.name,
    rowCount: head.length,
    columnCount: Math.max(0, ...head.map((r) => r.record.length)),
    reach(r) {
      if (r <= head.length) return true;
      const now = step(r);
      if (now !== undefined) return now;
      return (async () => {
        for (;;) {
          await refill();
          const then = step(r);
          if (then !== undefined) return then;
        }
      })();
    },
    value(r, c) {
      const found = recordOf(r);
      if (!found && r > head.length && !ended)
        throw new Error(`${ctx.name}: row ${r} read out of order (the grid streams its body)`);
      return found?.[c - 1]?.trim() ?? null;
    },
    close: async () => void (await batches.return?.(undefined)),
    address: (r, c) => `line ${row(r)?.line ?? r}, column ${c}`,
    at: (r, c) => `${ctx.name} line ${row(r)?.line ?? r}, column ${c}`,
  };
}

/** The key text a pattern extracts: group `key`, else the first group, else the whole text. */
function extract(text: string, p: string | undefined): { key?: string; indicator?: string } {
  if (!p) return { key: text };
  const m = regex(p).exec(text);
  if (!m) return {};
  return { key: m.groups?.key ?? m[1] ?? m[0], indicator: m.groups?.indicator };
}

const YEAR = /^((?:19|20)\d{2})(?!\d)/;
const yearOf = (text: string) => {
  const m = YEAR.exec(text);
  return m ? Number(m[1]) : undefined;
};

export async function parseDeclared(d: LayoutDeclaration, ctx: LayoutContext): Promise<Observation[]> {
  const opts = layoutOptions(optionsSchema, ctx);
  const grid = await openGrid(d, ctx, opts.sheet);
  try {
    return await parseGrid(d, ctx, grid, opts);
  } finally {
    await grid.close();
  }
}

async function parseGrid(
  d: LayoutDeclaration,
  ctx: LayoutContext,
  grid: Grid,
  opts: z.infer<typeof optionsSchema>,
): Promise<Observation[]> {
  const text = (r: number, c: number) => cellText(grid.value(r, c));
  const flat = (r: number, c: number) => squash(text(r, c));
  const within = Math.min(grid.rowCount, d.header?.within ?? 30);
  const describe = `${d.id} (${d.description})`;

  const findCell = (p: string, rows: [number, number]): { row: number; col: number } | undefined => {
    const re = regex(p);
    for (let r = rows[0]; r <= rows[1]; r++)
      for (let c = 1; c <= grid.columnCount; c++) if (re.test(flat(r, c))) return { row: r, col: c };
    return undefined;
  };

  // Header row.
  const labelRef = (k: LayoutDeclaration['province'] | LayoutDeclaration['year']) =>
    'in' in k && k.in === 'rows' ? k.column : undefined;
  const provinceRef = labelRef(d.province);
  const yearRef = labelRef(d.year);
  const firstRef = provinceRef ?? yearRef!;
  let headerRow: number;
  if (d.header?.row !== undefined) headerRow = d.header.row;
  else {
    const find = d.header?.find ?? ('header' in firstRef ? firstRef.header : undefined);
    if (find === undefined) headerRow = 1;
    else {
      const hit = findCell(find, [1, within]);
      if (!hit)
        throw new InputError(
          `${grid.where}: no header cell matching /${find}/ in rows 1–${d.header?.within ?? 30} ` +
            `(is this the ${describe} table?)`,
          grid.where,
        );
      headerRow = hit.row;
    }
  }

  const resolveColumn = (ref: ColumnRef, what: string): number => {
    if ('letter' in ref) return letterIndex(ref.letter);
    const hit = findCell(ref.header, [headerRow, Math.min(grid.rowCount, headerRow + 5)]);
    if (!hit) {
      const seen = Array.from({ length: grid.columnCount }, (_, i) => flat(headerRow, i + 1)).filter(Boolean);
      throw new InputError(
        `${grid.at(headerRow, 1)}: no ${what} column matching /${ref.header}/ in the header ` +
          `(found ${seen.join(', ') || 'nothing'})`,
        grid.at(headerRow, 1),
      );
    }
    return hit.col;
  };
  const provinceCol = provinceRef ? resolveColumn(provinceRef, 'province') : undefined;
  const yearCol = yearRef ? resolveColumn(yearRef, 'year') : undefined;
  const unitCol =
    d.unit !== undefined && typeof d.unit !== 'string' ? resolveColumn(d.unit.column, 'unit') : undefined;
  const keepCol = d.keep ? resolveColumn(d.keep.column, 'filter') : undefined;
  const labelCols = new Set([provinceCol, yearCol, unitCol, keepCol].filter((c) => c !== undefined));
  const footers = (d.footer ?? []).map(regex);
  const skips = d.skip.map(regex);
  const expectedIndicator = opts.indicator ?? d.indicator;

  const provinceKey = d.province;
  const yearKey = d.year;
  /** A body row's province: a code, null (a row outside the study: skip) or an error. */
  const rowProvince = (r: number, check = true): string | null | undefined => {
    if (provinceCol === undefined || !('in' in provinceKey) || provinceKey.in !== 'rows') return undefined;
    const raw = text(r, provinceCol);
    if (!squash(raw) || skips.some((s) => s.test(squash(raw)))) return null;
    const { key, indicator } = extract(raw.normalize('NFKC').trim(), provinceKey.pattern);
    if (key === undefined)
      throw new InputError(
        `${grid.at(r, provinceCol)}: "${raw.trim()}" does not match the province pattern /${provinceKey.pattern}/`,
        grid.at(r, provinceCol),
      );
    if (check) checkIndicator(indicator, r, provinceCol);
    return provinceLabel(key, grid.at(r, provinceCol)) ?? null;
  };
  const rowYear = (r: number): number | null | undefined => {
    if (yearCol === undefined || !('in' in yearKey) || yearKey.in !== 'rows') return undefined;
    const raw = text(r, yearCol);
    if (!squash(raw) || skips.some((s) => s.test(squash(raw)))) return null;
    const { key } = extract(squash(raw), yearKey.pattern);
    const year = key === undefined ? undefined : yearOf(key);
    if (year === undefined)
      throw new InputError(`${grid.at(r, yearCol)}: "${raw.trim()}" is not a year`, grid.at(r, yearCol));
    return year;
  };
  function checkIndicator(found: string | undefined, r: number, c: number) {
    if (found === undefined || expectedIndicator === undefined) return;
    if (squash(found) !== squash(expectedIndicator))
      throw new InputError(
        `${grid.at(r, c)}: indicator "${found}", expected "${expectedIndicator}"`,
        grid.at(r, c),
      );
  }
  // A long CSV repeats its labels row after row: each distinct text is judged once (bounded caches).
  const footerText = memo((t: string) =>
    footers.length ? footers.some((f) => f.test(squash(t))) : isFootnote(t),
  );
  const isFooter = (r: number) => {
    for (let c = 1; c <= grid.columnCount; c++) {
      const t = text(r, c).trim();
      if (!t) continue;
      return footerText(t);
    }
    return false;
  };
  const keepPattern = d.keep ? regex(d.keep.matches) : undefined;
  const kept = memo((t: string) => keepPattern!.test(squash(t)));

  // First body row: the first row under the header whose key cell reads as a key (or a row outside
  // the study); header lines in the label column (an English sub-header) are passed over.
  let dataRow = 0;
  if (d.header?.rows !== undefined) dataRow = headerRow + d.header.rows;
  else
    for (let r = headerRow + 1; r <= grid.rowCount && !dataRow; r++) {
      const col = provinceCol ?? yearCol!;
      if (!squash(text(r, col))) continue;
      if (isFooter(r)) break;
      try {
        const key = provinceCol !== undefined ? rowProvince(r, false) : rowYear(r);
        if (
          key !== undefined &&
          (key !== null || /^(全国|national|total|合计|中国|china)/i.test(flat(r, col)))
        )
          dataRow = r;
      } catch {
        // a header line in the label column: keep looking
      }
    }
  if (!dataRow)
    throw new InputError(
      `${grid.at(headerRow, 1)}: no ${provinceCol !== undefined ? 'province' : 'year'} rows under the header`,
      grid.at(headerRow, 1),
    );

  // Column labels: header rows joined top to bottom, repeats (merged cells) dropped.
  const labels = new Map<number, string>();
  for (let c = 1; c <= grid.columnCount; c++) {
    if (labelCols.has(c)) continue;
    const parts: string[] = [];
    for (let r = headerRow; r < dataRow; r++) {
      const t = flat(r, c);
      if (t && !parts.includes(t)) parts.push(t);
    }
    if (parts.length) labels.set(c, parts.join('|'));
  }
  const candidates = (label: string) => [label, ...label.split('|')];

  // Unit printed above the header (`单位：亿元`, `Unit: 100 million yuan`), and the title's text.
  let printedUnit: string | undefined;
  let title = '';
  for (let r = 1; r < headerRow; r++)
    for (let c = 1; c <= grid.columnCount; c++) {
      const t = text(r, c).normalize('NFKC').trim();
      if (!t) continue;
      title += ` ${t}`;
      const m = /^(?:单位|unit)\s*[:：]\s*(.+)$/i.exec(t);
      if (m) printedUnit = m[1].trim();
    }
  const unitOfLabel = (label: string) => /[(（]([^()（）]+)[)）]/.exec(label)?.[1];
  const declaredUnit = opts.unit ?? (typeof d.unit === 'string' ? d.unit : undefined);

  // The table-wide year or province, when not on each row or column.
  const fixedYear = (): number | undefined => {
    if (opts.year !== undefined) return opts.year;
    if ('value' in yearKey) return yearKey.value;
    if ('in' in yearKey && yearKey.in === 'title') {
      const y = Number(/((?:19|20)\d{2})/.exec(title)?.[1] ?? NaN);
      if (!Number.isInteger(y))
        throw new InputError(
          `${grid.where}: the table's year is not in its title (rows 1–${headerRow - 1}); ` +
            `set options.year in the manifest`,
          grid.where,
        );
      return y;
    }
    return undefined;
  };
  const tableYear = fixedYear();
  const tableProvince = 'value' in provinceKey ? provinceKey.value : undefined;

  interface Target {
    col: number;
    variable: string;
    year?: number;
    province?: string;
    /** The unit printed or declared for this column; undefined: the row's unit column. */
    unit?: string;
  }
  const targets: Target[] = [];
  const headerAt = (c: number) => grid.at(headerRow, c);
  const yearsAcross = 'in' in yearKey && yearKey.in === 'columns';
  const provincesAcross = 'in' in provinceKey && provinceKey.in === 'columns';
  if (yearsAcross || provincesAcross) {
    const variable = opts.variable ?? d.variable;
    if (!variable)
      throw new InputError(
        `manifest entry ${ctx.name}: options.variable: layout ${d.id} leaves the variable to the file; name it`,
        `${ctx.name}#options`,
      );
    for (const [c, label] of labels) {
      const unit = unitOfLabel(label) ?? printedUnit ?? declaredUnit;
      if (yearsAcross) {
        let year: number | undefined;
        for (const part of candidates(label)) {
          const { key } = extract(part, yearKey.pattern);
          year = key === undefined ? undefined : yearOf(key);
          if (year !== undefined) break;
        }
        if (year === undefined) continue;
        if (opts.years && (year < opts.years[0] || year > opts.years[1])) continue;
        targets.push({ col: c, variable, year, unit });
      } else if ('in' in provinceKey) {
        const raw = text(headerRow, c).normalize('NFKC').trim() || label;
        const { key, indicator } = extract(raw, provinceKey.pattern);
        if (key === undefined) continue;
        checkIndicator(indicator, headerRow, c);
        const province = provinceLabel(key, headerAt(c));
        if (!province) continue;
        targets.push({ col: c, variable, province, unit });
      }
    }
    if (targets.length === 0)
      throw new InputError(
        yearsAcross
          ? `${grid.at(headerRow, 1)}: no year columns (e.g. "2019" or "2019年") in the header`
          : `${grid.at(headerRow, 1)}: no province columns in the header`,
        grid.at(headerRow, 1),
      );
    if (yearsAcross && opts.years) {
      for (let y = opts.years[0]; y <= opts.years[1]; y++)
        if (!targets.some((t) => t.year === y))
          throw new InputError(
            `${grid.where} header row ${headerRow}: no column for year ${y} ` +
              `(expected ${opts.years[0]}–${opts.years[1]}; found ${targets.map((t) => t.year).join(', ')})`,
            grid.at(headerRow, 1),
          );
    }
  } else {
    for (const item of d.items ?? []) {
      const re = regex(item.header);
      const hit = [...labels].find(([, label]) => candidates(label).some((part) => re.test(part)));
      if (!hit) {
        if (!opts.require || opts.require.includes(item.variable))
          throw new InputError(
            `${grid.where} header rows ${headerRow}–${dataRow - 1}: no column for ${item.variable} ` +
              `(expected a header matching /${item.header}/; found ${[...labels.values()].join(', ')})`,
            grid.at(headerRow, 1),
          );
        continue;
      }
      const [c, label] = hit;
      targets.push({
        col: c,
        variable: item.variable,
        unit: unitOfLabel(label) ?? item.unit ?? printedUnit ?? declaredUnit,
      });
    }
  }

  const factors = new Map<string, { unit: string; factor: number }>();
  const conversion = (variable: string, unit: string | undefined, where: string) => {
    if (!unit)
      throw new InputError(
        `${where}: no unit for ${variable} (expected "单位：…" above the header, a unit in the column ` +
          `label${unitCol !== undefined ? ', a unit on the row' : ''}, or one declared by layout ${d.id})`,
        where,
      );
    const key = `${variable}|${unit}`;
    let f = factors.get(key);
    if (!f) {
      f = unitFactor(unit, variable, where);
      factors.set(key, f);
    }
    return f;
  };
  // Every column's unit is checked before any row is read: a wrong unit names the header cell.
  for (const t of targets) if (unitCol === undefined) conversion(t.variable, t.unit, headerAt(t.col));

  const out: Observation[] = [];
  const seen = new Map<string, string>();
  const years = new Set<number>();
  // Rows in the batch in hand are reached without awaiting (an await per row costs a turn of the loop).
  for (let r = dataRow; ; r++) {
    const now = grid.reach(r);
    if (!(typeof now === 'boolean' ? now : await now)) break;
    if (isFooter(r)) break;
    if (keepCol !== undefined && !kept(text(r, keepCol))) continue;
    const province = rowProvince(r);
    const year = rowYear(r);
    if (province === null || year === null) continue;
    if (year !== undefined) {
      if (opts.years && (year < opts.years[0] || year > opts.years[1])) continue;
      years.add(year);
    }
    const keyCol = provinceCol ?? yearCol!;
    const rowKey = [province, year].filter((k) => k !== undefined).join(' ');
    const before = seen.get(rowKey);
    if (before) {
      const label = text(r, keyCol).trim();
      const what = province !== undefined && year === undefined ? `province "${label}"` : rowKey;
      throw new InputError(
        `${grid.at(r, keyCol)}: ${what} appears twice (first at ${before})`,
        grid.at(r, keyCol),
      );
    }
    seen.set(rowKey, grid.address(r, keyCol));
    const rowUnit = unitCol !== undefined ? text(r, unitCol).normalize('NFKC').trim() : undefined;
    for (const t of targets) {
      const value = cellNumber(grid.value(r, t.col), () => grid.at(r, t.col));
      if (value === undefined) continue;
      const unit = t.unit ?? (rowUnit || undefined);
      const { unit: canonical, factor } = conversion(
        t.variable,
        unit,
        t.unit === undefined && unitCol !== undefined ? grid.at(r, unitCol) : headerAt(t.col),
      );
      const p = province ?? t.province ?? tableProvince;
      const y = year ?? t.year ?? tableYear;
      if (p === undefined || y === undefined) continue; // unreachable: the schema asks for both keys
      out.push({
        province: p,
        year: y,
        variable: t.variable,
        value: value * d.scale * factor,
        unit: canonical,
        method: 'observed',
        source: {
          file: ctx.name,
          sha256: ctx.sha256,
          ...(grid.sheet ? { sheet: grid.sheet } : {}),
          cell: grid.address(r, t.col),
        },
      });
    }
    if (d.format !== 'csv') ctx.onProgress?.(r - dataRow + 1, grid.rowCount - dataRow + 1);
  }
  if (yearCol !== undefined && opts.years)
    for (let y = opts.years[0]; y <= opts.years[1]; y++)
      if (!years.has(y))
        throw new InputError(
          `${grid.where}: no row for year ${y} (expected ${opts.years[0]}–${opts.years[1]})`,
          grid.where,
        );
  return out;
}

/** A cell's number by the strict-value rule, the cell's name built only when it is refused. */
function cellNumber(v: ExcelJS.CellValue, where: () => string): number | undefined {
  try {
    return valueNumber(v, '');
  } catch {
    return valueNumber(v, where());
  }
}

/** A declaration as a registry layout. */
export const declaredLayout = (d: LayoutDeclaration): Layout => ({
  id: d.id,
  description: d.description,
  parse: (ctx) => parseDeclared(d, ctx),
});
