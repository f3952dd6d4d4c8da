/**
 * exceljs, loaded on first use: a large module graph (about a quarter of a second of the main thread
 * to load) that a command which reads no workbook and writes none yet — a memoised `run`, a refresh
 * whose files are all stored, a worker starting — should not pay for. Ingestion reads workbooks with
 * it, publishing writes one; `loadExcelJS()` without awaiting loads it ahead, at a moment the thread
 * would otherwise wait (activities/publish.ts preloadPublishing).
 */
import type ExcelJS from 'exceljs';

let loading: Promise<typeof ExcelJS> | undefined;

export function loadExcelJS(): Promise<typeof ExcelJS> {
  return (loading ??= import('exceljs').then((m) => m.default));
}
