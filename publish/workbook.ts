/**
 * The Excel workbook analysts open: one sheet per table laid out like the paper, then the run's
 * provenance and the data coverage. Numbers stay numbers with number formats (stars and parentheses
 * come from the formats), so they can be re-used in formulas.
 */
import ExcelJS from 'exceljs';
import { cellText, type LayoutCell, type TableLayout } from './layout';
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

function addTableSheet(wb: ExcelJS.Workbook, t: TableLayout) {
  const ws = wb.addWorksheet(sheetName(t.id), {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 1 + t.headers.length }],
  });
  const width = t.headers[0]?.length ?? 0;
  ws.addRow([t.title]).font = { bold: true };
  t.headers.forEach((labels, h) => {
    const row = ws.addRow(['', ...labels]);
    row.font = { bold: true };
    row.alignment = { horizontal: 'center' };
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
  for (const note of t.notes) ws.addRow([note]).font = { italic: true, size: 9 };
  ws.getColumn(1).width = 26;
  for (let c = 2; c <= width + 1; c++) ws.getColumn(c).width = 13;
}

export async function writeWorkbook(
  path: string,
  tables: TableLayout[],
  run: RunMetadata,
  coverage: CoverageLine[] = [],
): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'aicarbon';
  wb.title = run.studyTitle;
  wb.subject = run.runId;
  for (const t of tables) addTableSheet(wb, t);

  const prov = wb.addWorksheet('run');
  prov.addRow(['Provenance']).font = { bold: true };
  for (const r of provenanceRows(run)) prov.addRow(r);
  if (run.inputs?.length) {
    prov.addRow([]);
    prov.addRow(['Input file', 'SHA-256']).font = { bold: true };
    for (const f of run.inputs) prov.addRow([f.path, f.sha256]);
  }
  prov.getColumn(1).width = 40;
  prov.getColumn(2).width = 70;

  const cov = wb.addWorksheet('coverage');
  cov.addRow(['Variable', 'Observed', 'Interpolated', 'Extrapolated', 'Missing', 'Missing cells']).font = {
    bold: true,
  };
  for (const c of coverage)
    cov.addRow([
      c.variable,
      c.observed,
      c.interpolated,
      c.extrapolated ?? 0,
      c.missing,
      c.missingCells.join(' '),
    ]);
  cov.getColumn(1).width = 26;
  cov.getColumn(6).width = 60;

  await wb.xlsx.writeFile(path);
}
