/**
 * A patent portal's export (PatSnap / incoPat / CNIPA style, XLSX or CSV, Chinese or English headers):
 * streamed in batches of records, each record classified into AI sub-technologies by IPC and keyword
 * (the taxonomy's rule, ingest/patent-classifier.ts), attributed to a study province from the province
 * field or else the applicant's address, counted by application year and de-duplicated by application
 * number. A record's common shapes (a plain CNIPA number, a `YYYY-MM-DD` date, an address starting
 * with a province's name) are read without normalising; anything else takes the general path.
 *
 * Values are strict: the application date must be a real calendar date (ingest/date-cell.ts); a
 * workbook formula without a stored result is refused naming the cell. Records that repeat an
 * application number are other publications of one application (its A and B documents): the first
 * record is counted and the repeats are reported (a note on the file); a repeat with another
 * application year is refused naming both rows, since one application has one filing date.
 *
 * Output: for every study province and year of the range, the counts `patents_ai` (any branch, once),
 * `patents_ai_foundation`, `patents_ai_technology`, `patents_ai_application` — zeros included, since
 * a province with no AI patent in a year is an observed zero. Records of applicants outside the study
 * provinces (abroad, Hong Kong, Tibet…) and records matching no branch are not counted.
 */
import { z } from 'zod';
import { InputError } from '../../common/errors';
import { provinceCode, provinces } from '../../regions/provinces';
import { applicationFieldKey, ApplicationIndex } from '../application-index';
import { csvBatches } from '../csv-file';
import { calendarDate } from '../date-cell';
import { cellScalar } from '../number-cell';
import type { Layout, LayoutContext } from '../layout';
import type { Observation } from '../observation';
import { patentClassifier } from '../patent-classifier';
import { loadTaxonomy } from '../taxonomy';
import { loadExcelJS } from '../../common/exceljs';
import { readableWorkbook } from '../workbook';
import { STREAMED_WORKBOOK_LIMITS } from '../zip-guard';
import { layoutOptions } from './options';

const optionsSchema = z.strictObject({
  format: z.enum(['auto', 'csv', 'xlsx']).default('auto'),
  encoding: z.string().default('utf8'),
  taxonomy: z.string().default('ai-patents-v1'),
  /** Years to report (zeros included); by default the span of the counted records. */
  years: z.tuple([z.number().int(), z.number().int()]).optional(),
});

type Field =
  | 'applicationNumber'
  | 'publicationNumber'
  | 'applicationDate'
  | 'ipcMain'
  | 'ipc'
  | 'title'
  | 'abstract'
  | 'applicant'
  | 'address'
  | 'province';

/** Header spellings seen in exports, compared after NFKC, lower case, no spaces. */
const HEADERS: Record<Field, string[]> = {
  applicationNumber: ['申请号', 'applicationnumber', 'applicationno', 'applicationno.', 'applno'],
  publicationNumber: [
    '公开(公告)号',
    '公开号',
    '公告号',
    'publicationnumber',
    'publicationno',
    'publicationno.',
  ],
  applicationDate: ['申请日', '申请日期', 'applicationdate', 'filingdate'],
  ipcMain: ['ipc主分类', 'ipc主分类号', '主分类号', 'mainipc', 'ipcmainclass', 'ipcmain'],
  ipc: ['ipc分类号', 'ipc', '分类号', 'allipc', 'ipcclassification', 'ipccodes'],
  title: ['标题', '名称', '发明名称', '专利名称', 'title'],
  abstract: ['摘要', 'abstract'],
  applicant: ['申请人', '申请(专利权)人', '当前申请(专利权)人', 'applicant', 'applicants', 'assignee'],
  address: ['申请人地址', '地址', 'applicantaddress', 'address'],
  province: ['申请人省份', '省份', '省市', '国省代码', 'province', 'applicantprovince'],
};

const headerKey = (h: string) =>
  h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u3000]+/g, '');

function mapHeader(header: string[], where: string): Partial<Record<Field, number>> {
  const keys = header.map(headerKey);
  const cols: Partial<Record<Field, number>> = {};
  for (const [field, names] of Object.entries(HEADERS) as [Field, string[]][]) {
    const i = keys.findIndex((k) => names.includes(k));
    if (i >= 0) cols[field] = i;
  }
  const need = (ok: boolean, what: string, fields: Field[]) => {
    if (!ok)
      throw new InputError(
        `${where}: no column for ${what} (expected one of: ${fields.flatMap((f) => HEADERS[f]).join(', ')}; ` +
          `headers found: ${header.join(', ')})`,
        where,
      );
  };
  need(cols.applicationNumber !== undefined, 'the application number', ['applicationNumber']);
  need(cols.applicationDate !== undefined, 'the application date', ['applicationDate']);
  need(cols.ipc !== undefined || cols.ipcMain !== undefined, 'the IPC classes', ['ipcMain', 'ipc']);
  need(cols.title !== undefined, 'the title', ['title']);
  need(cols.province !== undefined || cols.address !== undefined, "the applicant's province or address", [
    'province',
    'address',
  ]);
  return cols;
}

/** Province from an address's leading name (`518000 广东省深圳市…`, `Beijing, Haidian…`). */
const ADDRESS_PREFIXES = provinces()
  .flatMap((p) => [
    [p.nameZh.replace(/(省|市|维吾尔自治区|壮族自治区|回族自治区|自治区)$/, ''), p.code],
    [p.nameEn.toLowerCase(), p.code],
  ])
  .sort((a, b) => b[0].length - a[0].length);

const LONGEST_PREFIX = Math.max(...ADDRESS_PREFIXES.map(([name]) => name.length));

/** Whether `a` has `name` (lower case) at `from`, ASCII letters compared in any case. */
function hasAt(a: string, from: number, name: string): boolean {
  if (a.length - from < name.length) return false;
  for (let j = 0; j < name.length; j++) {
    let c = a.charCodeAt(from + j);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== name.charCodeAt(j)) return false;
  }
  return true;
}

/** The characters an address may start with before its province: ASCII spaces, digits, `,;:-`. */
const leadingJunk = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || (c >= 48 && c <= 57) || c === 44 || c === 58 || c === 59 || c === 45;

function addressProvince(address: string): string | undefined {
  // The common case read in place: after leading spaces, digits and punctuation, only ASCII and CJK
  // ideographs (which NFKC leaves alone) as far as a name could reach.
  let from = 0;
  while (from < address.length && leadingJunk(address.charCodeAt(from))) from += 1;
  let plain = true;
  for (let i = from; i < Math.min(address.length, from + LONGEST_PREFIX + 1) && plain; i++) {
    const c = address.charCodeAt(i);
    plain = c < 0x80 || (c >= 0x4e00 && c <= 0x9fff);
  }
  if (plain) {
    if (hasAt(address, from, '陕西') || hasAt(address, from, 'shaanxi')) return 'SN';
    return ADDRESS_PREFIXES.find(([name]) => hasAt(address, from, name))?.[1];
  }
  const a = address
    .normalize('NFKC')
    .replace(/^[\s\d,;:-]+/, '')
    .toLowerCase();
  if (a.startsWith('陕西') || a.startsWith('shaanxi')) return 'SN';
  return ADDRESS_PREFIXES.find(([name]) => a.startsWith(name))?.[1];
}

const cellText = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && v !== null && 'richText' in v)
    return (v as { richText: { text: string }[] }).richText.map((t) => t.text).join('');
  if (typeof v === 'object' && v !== null && 'text' in v) return String((v as { text: unknown }).text);
  if (typeof v === 'object' && v !== null && 'result' in v)
    return String((v as { result: unknown }).result ?? '');
  if (typeof v === 'object' && v !== null && 'formula' in v) return '';
  return String(v);
};

/** Rows of the export in batches: their cells, and each row's place for messages (`prefix + position`). */
interface RowBatch {
  prefix: string;
  positions: number[];
  rows: unknown[][];
}

/** Rows of a CSV export, a batch per chunk of the file (ingest/csv-file.ts). */
async function* csvRows(ctx: LayoutContext, encoding: string): AsyncGenerator<RowBatch> {
  const prefix = `${ctx.name} line `;
  for await (const { records, lines } of csvBatches(ctx, { encoding, comment: '#', signal: ctx.signal }))
    yield { prefix, positions: lines, rows: records };
}

async function* xlsxRows(ctx: LayoutContext): AsyncGenerator<RowBatch> {
  // Streamed row by row, so the size limit is the streamed one; an .xls is converted first.
  const ExcelJS = await loadExcelJS();
  const readable = await readableWorkbook(ctx, STREAMED_WORKBOOK_LIMITS);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(readable.path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
  });
  try {
    for await (const ws of reader) {
      const name = (ws as unknown as { name?: string }).name ?? 'sheet 1';
      for await (const row of ws) {
        // exceljs row.values is 1-based
        yield {
          prefix: `${ctx.name}!${name}!row `,
          positions: [row.number],
          rows: [(row.values as unknown[]).slice(1)],
        };
      }
      return; // the export is the first sheet
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${ctx.name}: unreadable .xlsx export (${(e as Error).message})`, ctx.name);
  } finally {
    await readable.dispose();
  }
}

/** An application number as compared: NFKC, upper case, no spaces or dots, no leading `CN`. */
const applicationNumber = (field: string) =>
  field.normalize('NFKC').toUpperCase().replace(/[\s.]/g, '').replace(/^CN/, '');

/** The application date, read strictly; the cell's name is built only when it is refused. */
function applicationDate(v: unknown, where: () => string) {
  try {
    return calendarDate(cellScalar(v, ''), '');
  } catch {
    return calendarDate(cellScalar(v, where()), where());
  }
}

export interface PatentCounts {
  /** `province/year` → [total, foundation, technology, application] */
  counts: Map<string, [number, number, number, number]>;
  records: number;
  duplicates: number;
  outside: number;
  notAi: number;
}

/** Streams an export and counts AI patents by province and application year. */
export async function countPatents(ctx: LayoutContext): Promise<PatentCounts> {
  const opts = layoutOptions(optionsSchema, ctx);
  const format =
    opts.format !== 'auto'
      ? opts.format
      : /\.xlsx$/i.test(ctx.path)
        ? 'xlsx'
        : /\.csv$/i.test(ctx.path)
          ? 'csv'
          : undefined;
  if (!format)
    throw new InputError(`${ctx.name}: cannot tell CSV from XLSX by the name; set options.format`, ctx.name);
  const classifier = patentClassifier(loadTaxonomy(opts.taxonomy));
  const { foundation, technology, application } = classifier.layerMask;
  // Counts by province index (0–29), application year (1900–2099) and [total, foundation,
  // technology, application]; `order` keeps the province-years in the order they were first counted.
  const counts = new Float64Array(30 * 200 * 4);
  const order: number[] = [];
  const result: PatentCounts = { counts: new Map(), records: 0, duplicates: 0, outside: 0, notAi: 0 };
  // Application number → where its first record was and what it was counted as (packed, see below).
  const seen = new ApplicationIndex();
  let otherProvince = 0;
  let cols: Partial<Record<Field, number>> | undefined;
  let header: string[] = [];
  const rows = format === 'csv' ? csvRows(ctx, opts.encoding) : xlsxRows(ctx);
  const study = provinces();
  const provinceIndex = new Map(study.map((p, i) => [p.code, i]));
  /** Province index of a province field (31: none), each distinct field looked up once (bounded). */
  const provinceOfField = new Map<string, number>();
  const fieldProvince = (field: string) => {
    let i = provinceOfField.get(field);
    if (i === undefined) {
      if (provinceOfField.size > 10_000) provinceOfField.clear();
      const code = provinceCode(field);
      provinceOfField.set(field, (i = code ? provinceIndex.get(code)! : 31));
    }
    return i;
  };
  // Messages name the row and column; the text is built only when one is given.
  let prefix = '';
  let position = 0;
  const col = (f: Field) => `${prefix}${position}, column "${header[cols![f]!]}"`;
  /** A field's text, trimmed: CSV fields are text; a workbook cell is unwrapped strictly (a formula needs its stored result). */
  const get = (cells: unknown[], f: Field) => {
    const i = cols![f];
    if (i === undefined) return '';
    const v = cells[i];
    return (typeof v === 'string' ? v : String(cellScalar(v, col(f)) ?? '')).trim();
  };
  /** One row of the export: the header, or a record counted, repeated or left out. */
  const readRow = (cells: unknown[]): void => {
    if (!cols) {
      header = cells.map(cellText);
      if (header.every((h) => !h.trim())) return;
      cols = mapHeader(header, prefix + position);
      return;
    }
    // The application number as a key, read from the field in one pass when it is plain CNIPA digits.
    const number = get(cells, 'applicationNumber');
    let key: number | string | undefined = applicationFieldKey(number);
    if (key === undefined) {
      key = applicationNumber(number);
      if (!key && cells.every((c) => !cellText(c).trim())) return;
    }
    result.records += 1;
    if (result.records % 20000 === 0) {
      if (ctx.signal?.aborted) throw ctx.signal.reason ?? new Error('aborted');
      ctx.onProgress?.(result.records);
    }
    if (!key)
      throw new InputError(`${col('applicationNumber')}: empty application number`, prefix + position);
    const { year } = applicationDate(cells[cols.applicationDate!], () => col('applicationDate'));
    const provinceField = get(cells, 'province');
    let province = provinceField ? fieldProvince(provinceField) : 31;
    if (province === 31) {
      const code = addressProvince(get(cells, 'address'));
      if (code) province = provinceIndex.get(code)!;
    }
    // Packed: first record's row, application year (offset from 1900) and province index (31: none).
    const packed = position * 65536 + (year - 1900) * 256 + province;
    const first = seen.getOrSet(key, packed);
    if (first !== undefined) {
      // Another publication of the same application (its A and B documents, a corrected reprint).
      result.duplicates += 1;
      const firstYear = 1900 + (Math.floor(first / 256) % 256);
      const firstProvince = first % 256;
      if (firstYear !== year)
        throw new InputError(
          `${col('applicationDate')}: application ${applicationNumber(number)} again, with application year ` +
            `${year}, but its first record (${format === 'csv' ? 'line' : 'row'} ${Math.floor(first / 65536)}) ` +
            `gives ${firstYear}: one application has one filing date`,
          prefix + position,
        );
      if (firstProvince !== province) otherProvince += 1;
      return;
    }
    if (province === 31) {
      result.outside += 1;
      return;
    }
    const ipc = classifier.ipcMask(get(cells, 'ipcMain')) | classifier.ipcMask(get(cells, 'ipc'));
    const counted = classifier.counted(
      ipc,
      classifier.keywordMask(get(cells, 'title'), get(cells, 'abstract')),
    );
    if (counted === 0) {
      result.notAi += 1;
      return;
    }
    const cell = province * 200 + (year - 1900);
    if (counts[cell * 4] === 0) order.push(cell);
    counts[cell * 4] += 1;
    if (counted & foundation) counts[cell * 4 + 1] += 1;
    if (counted & technology) counts[cell * 4 + 2] += 1;
    if (counted & application) counts[cell * 4 + 3] += 1;
  };
  for await (const batch of rows) {
    prefix = batch.prefix;
    for (let i = 0; i < batch.rows.length; i++) {
      position = batch.positions[i];
      readRow(batch.rows[i]);
    }
  }
  for (const cell of order) {
    const at = cell * 4;
    result.counts.set(`${study[Math.floor(cell / 200)].code}/${1900 + (cell % 200)}`, [
      counts[at],
      counts[at + 1],
      counts[at + 2],
      counts[at + 3],
    ]);
  }
  if (!cols) throw new InputError(`${ctx.name}: no header row (empty export)`, ctx.name);
  if (result.records === 0) throw new InputError(`${ctx.name}: a header but no records`, ctx.name);
  if (result.duplicates > 0)
    ctx.note?.(
      `${result.duplicates.toLocaleString('en')} of ${result.records.toLocaleString('en')} records repeat an ` +
        `application number already read (another publication of the same application): each application ` +
        `is counted once, by its first record` +
        (otherProvince
          ? `; ${otherProvince.toLocaleString('en')} of the repeats name another province than the first ` +
            `record, which decides`
          : ''),
    );
  return result;
}

const VARIABLES = ['patents_ai', 'patents_ai_foundation', 'patents_ai_technology', 'patents_ai_application'];

export const patentExport: Layout = {
  id: 'patent-export',
  description: 'patent portal export (XLSX or CSV): AI patents by province and application year, by layer',
  async parse(ctx) {
    const opts = layoutOptions(optionsSchema, ctx);
    const { counts, records } = await countPatents(ctx);
    const years = [...counts.keys()].map((k) => Number(k.split('/')[1]));
    const [from, to] = opts.years ?? [Math.min(...years), Math.max(...years)];
    const out: Observation[] = [];
    for (const p of provinces()) {
      for (let year = from; year <= to; year++) {
        const n = counts.get(`${p.code}/${year}`) ?? [0, 0, 0, 0];
        VARIABLES.forEach((variable, i) =>
          out.push({
            province: p.code,
            year,
            variable,
            value: n[i],
            unit: 'count',
            method: 'observed',
            source: {
              file: ctx.name,
              sha256: ctx.sha256,
              cell: `records of ${p.code} with application year ${year} (${records} records read)`,
            },
          }),
        );
      }
    }
    ctx.onProgress?.(records, records);
    return out;
  },
};
