/**
 * The Excel workbook analysts open: one sheet per table laid out like the paper. Numbers stay numbers
 * (with number formats), so they can be re-used; stars and parentheses come from the formats.
 */
import ExcelJS from 'exceljs';
import type { TableLayout } from './layout';

const COEF = '0.0000';
const SE = '(0.0000)';
const formatFor = (stars: string) => `0.0000"${stars}";-0.0000"${stars}"`;

export async function writeWorkbook(
  path: string,
  tables: TableLayout[],
  meta: { runId: string; study: string },
) {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'aicarbon';
  wb.title = meta.study;
  for (const t of tables) {
    const ws = wb.addWorksheet(t.id.slice(0, 31));
    ws.addRow([t.title]).font = { bold: true };
    const header = ws.addRow(['', ...t.columns]);
    header.font = { bold: true };
    header.alignment = { horizontal: 'center' };
    for (const r of t.rows) {
      const row = ws.addRow([r.label, ...r.cells.map((c) => c.value)]);
      r.cells.forEach((c, i) => {
        const cell = row.getCell(i + 2);
        cell.alignment = { horizontal: 'center' };
        if (c.value === null) return;
        cell.numFmt =
          c.kind === 'coef'
            ? c.stars
              ? formatFor(c.stars)
              : COEF
            : c.kind === 'se'
              ? SE
              : Number.isInteger(c.value)
                ? '0'
                : COEF;
      });
    }
    const notes = [t.notes, '* p < 0.1, ** p < 0.05, *** p < 0.01.', `Run ${meta.runId}.`]
      .filter(Boolean)
      .join(' ');
    ws.addRow([]);
    ws.addRow([notes]).font = { italic: true, size: 9 };
    ws.getColumn(1).width = 16;
    for (let c = 2; c <= t.columns.length + 1; c++) ws.getColumn(c).width = 14;
  }
  await wb.xlsx.writeFile(path);
}
