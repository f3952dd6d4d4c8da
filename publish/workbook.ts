/**
 * The Excel workbook analysts open: one sheet per table laid out like the paper, then the run's
 * provenance and the data coverage. Numbers stay numbers with number formats (stars and parentheses
 * come from the formats), so they can be re-used in formulas.
 */
import { writeFile } from 'node:fs/promises';
import type ExcelJS from 'exceljs';
import { loadWorkbook } from '../common/exceljs';
import { cellText, type LayoutCell, type TableLayout } from './layout';
import { setZipDates } from './zip-dates';
import { provenanceRows, type CoverageLine, type RunMetadata } from './run';

const DECIMALS = '0.000';
export const numberFormat = (cell: LayoutCell): string | undefined => {
  if (cell.kind === 'text' || cell.kind === 'pvalues' || cell.value === null) return undefined;
  if (cell.kind === 'coef')
    return cell.stars ? `${DECIMALS}"${cell.stars}";-${DECIMALS}"${cell.stars}"` : DECIMALS;
  if (cell.kind === 'se') return `(${DECIMALS})`;
  return Number.isInteger(cell.value) ? '0' : DECIMALS;
};

const cellValue = (cell: LayoutCell): string | number =>
  cell.kind === 'text'
    ? cell.text
    : cell.kind === 'pvalues'
      ? cellText(cell)
      : cell.value === null
        ? '-'
        : cell.value;

/** Sheet names: at most 31 characters, none of : \ / ? * [ ]. */
const sheetName = (id: string) => id.replace(/[:\\/?*[\]]/g, '_').slice(0, 31);

const colLetter = (n: number): string =>
  n <= 26 ? String.fromCharCode(64 + n) : colLetter(Math.floor((n - 1) / 26)) + colLetter(((n - 1) % 26) + 1);

// Landscape A4 at the widths below: about this many body rows fit one page.
const ROWS_PER_PAGE = 42;
const LABEL_WIDTH = 26;
const COLUMN_WIDTH = 13;

/**
 * A line of text across the table's width, wrapped inside its merged cells; Excel and LibreOffice do
 * not grow a merged row to its text, so the height is set from the text's length.
 */
function wideText(
  ws: ExcelJS.Worksheet,
  text: string,
  lastCol: number,
  font: Partial<ExcelJS.Font>,
  chars = LABEL_WIDTH + COLUMN_WIDTH * (lastCol - 1),
) {
  const row = ws.addRow([text]);
  row.font = font;
  row.alignment = { wrapText: true, vertical: 'top' };
  if (lastCol > 1) ws.mergeCells(row.number, 1, row.number, lastCol);
  const size = font.size ?? 11;
  const lines = Math.max(1, Math.ceil((text.length * (size / 11)) / (chars * 1.1)));
  row.height = Math.ceil(lines * size * 1.35 + 2);
  return row;
}

function bannerRow(ws: ExcelJS.Worksheet, banner: string, lastCol: number, chars?: number) {
  wideText(ws, banner, lastCol, { bold: true, color: { argb: 'FF9C0006' } }, chars).fill = {
    type: 'pattern',
    pattern: 'solid',
    fgColor: { argb: 'FFFFEB9C' },
  };
}

/** Landscape A4, the sheet's width on one page, `repeat` top rows on every page. */
function printSetup(ws: ExcelJS.Worksheet, lastCol: number, repeat: number, onePage = false) {
  ws.pageSetup = {
    orientation: 'landscape',
    paperSize: 9, // A4
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: onePage ? 1 : 0,
    horizontalCentered: true,
    margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    printArea: `A1:${colLetter(lastCol)}${ws.rowCount}`,
    ...(repeat > 0 ? { printTitlesRow: `1:${repeat}` } : {}),
  };
  ws.headerFooter = { oddFooter: `&L${ws.name}&RPage &P of &N` };
}

function addTableSheet(wb: ExcelJS.Workbook, t: TableLayout, banner: string | undefined) {
  const width = t.headers[0]?.length ?? 0;
  const lastCol = Math.max(width + 1, 2);
  const top = (banner ? 1 : 0) + 1 + t.headers.length; // banner, title, header rows
  const ws = wb.addWorksheet(sheetName(t.id), {
    views: [{ state: 'frozen', xSplit: 1, ySplit: top }],
  });
  if (banner) bannerRow(ws, banner, lastCol);
  ws.addRow([t.title]).font = { bold: true };
  t.headers.forEach((labels, h) => {
    const row = ws.addRow([t.stubs[h] ?? '', ...labels]);
    row.font = { bold: true };
    row.alignment = { horizontal: 'center' };
    row.getCell(1).alignment = { horizontal: 'left' };
    row.border = h === t.headers.length - 1 ? { bottom: { style: 'thin' } } : {};
    // Equal neighbours of the upper header rows span their columns, as in the paper.
    if (h < t.headers.length - 1) {
      for (let i = 0; i < labels.length;) {
        let j = i + 1;
        while (j < labels.length && labels[j] === labels[i]) j++;
        if (j - i > 1 && labels[i]) ws.mergeCells(row.number, i + 2, row.number, j + 1);
        i = j;
      }
    }
  });
  for (const r of t.rows) {
    const row = ws.addRow([r.label, ...r.cells.map(cellValue)]);
    r.cells.forEach((c, i) => {
      const cell = row.getCell(i + 2);
      cell.alignment = { horizontal: 'center' };
      const fmt = numberFormat(c);
      if (fmt) cell.numFmt = fmt;
    });
  }
  const last = ws.lastRow;
  if (last) for (let c = 1; c <= width + 1; c++) last.getCell(c).border = { bottom: { style: 'thin' } };
  for (const note of t.notes) wideText(ws, note, lastCol, { italic: true, size: 9 });
  ws.getColumn(1).width = LABEL_WIDTH;
  for (let c = 2; c <= width + 1; c++) ws.getColumn(c).width = COLUMN_WIDTH;
  // Print as a paper table: landscape, the full width on one page, the whole table on one page when it
  // fits (else pages as long as needed, each repeating the title and header rows), notes included.
  printSetup(ws, lastCol, top, ws.rowCount <= ROWS_PER_PAGE);
}

export async function writeWorkbook(
  path: string,
  tables: TableLayout[],
  run: RunMetadata,
  coverage: CoverageLine[] = [],
  /** What the results rest on, when any input is synthetic: the first row of every sheet. */
  banner?: string,
  /** The assembled series' coverage (before the indicator step), below the study variables'. */
  assembled: CoverageLine[] = [],
): Promise<void> {
  const Workbook = await loadWorkbook();
  const wb = new Workbook();
  // Dated by the run, not the clock: a run's workbook renders to the same bytes each time.
  const madeAt = run.startedAt ? new Date(run.startedAt) : new Date(Date.UTC(1980, 0, 1));
  wb.created = madeAt;
  wb.modified = madeAt;
  wb.creator = 'aicarbon';
  wb.title = run.studyTitle;
  wb.subject = run.runId;
  for (const t of tables) addTableSheet(wb, t, banner);

  const prov = wb.addWorksheet('run');
  if (banner) bannerRow(prov, banner, 2, 110);
  prov.addRow(['Provenance']).font = { bold: true };
  for (const r of provenanceRows(run)) {
    const row = prov.addRow(r);
    row.alignment = { wrapText: true, vertical: 'top' };
    // LibreOffice and Excel keep a row one line high unless told: the height of the wrapped value.
    const lines = Math.max(1, Math.ceil((r[1].length * 1.05) / 70));
    if (lines > 1) row.height = Math.ceil(lines * 15);
  }
  if (run.inputs?.length) {
    prov.addRow([]);
    prov.addRow(['Input file', 'SHA-256']).font = { bold: true };
    for (const f of run.inputs) prov.addRow([f.path, f.sha256]);
  }
  prov.getColumn(1).width = 40;
  prov.getColumn(2).width = 70;
  printSetup(prov, 2, banner ? 1 : 0);

  const cov = wb.addWorksheet('coverage');
  if (banner) bannerRow(cov, banner, 8, 26 + 5 * 12 + 36 + 60);
  const header = (title: string) => {
    cov.addRow([title]).font = { bold: true };
    cov.addRow([
      'Variable',
      'Observed',
      'Interpolated',
      'Substituted',
      'Extrapolated',
      'Missing',
      'Synthetic inputs',
      'Missing cells',
    ]).font = { bold: true };
  };
  const line = (c: CoverageLine) => {
    const synthetic = (c.syntheticInputs ?? []).join(', ');
    const missing = c.missingCells.join(' ');
    const row = cov.addRow([
      c.variable,
      c.observed,
      c.interpolated,
      c.substituted ?? 0,
      c.extrapolated ?? 0,
      c.missing,
      synthetic,
      missing,
    ]);
    row.alignment = { wrapText: true, vertical: 'top' };
    const lines = Math.max(1, Math.ceil(synthetic.length / 34), Math.ceil(missing.length / 58));
    if (lines > 1) row.height = Math.ceil(lines * 15);
  };
  header('Study variables after the indicator step (the values the tables use)');
  coverage.forEach(line);
  if (assembled.length) {
    cov.addRow([]);
    header('Assembled source series, before the indicator step');
    assembled.forEach(line);
  }
  cov.getColumn(1).width = 26;
  for (let c = 2; c <= 6; c++) cov.getColumn(c).width = 12;
  cov.getColumn(7).width = 36;
  cov.getColumn(8).width = 60;
  printSetup(cov, 8, banner ? 1 : 0);

  await writeFile(path, setZipDates(Buffer.from(await wb.xlsx.writeBuffer()), madeAt));
}
