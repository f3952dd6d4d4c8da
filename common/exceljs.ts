/**
 * exceljs, loaded on first use: a large module graph that a command which reads no workbook and writes
 * none yet — a memoised `run`, a refresh whose files are all stored, a worker starting — should not pay
 * for. Two ways in, as each user needs:
 *  - `loadWorkbook()`: the Workbook class alone (exceljs/lib/doc/workbook, what the package's entry
 *    exports as `Workbook`): reading a workbook whole and writing one. About 100 ms to load, against
 *    250 ms for the whole package, whose streaming reader and writer bring a zip reader, archiver and
 *    their polyfills (278 modules against 660); publishing loads it ahead, at a moment the thread would
 *    otherwise wait (activities/publish.ts preloadPublishing), and a load blocks the thread throughout.
 *  - `loadExcelJS()`: the whole package, for the streaming reader (the patent export's large sheets).
 * The same module files either way, so a process that uses both loads the Workbook once.
 */
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';

// CommonJS: require() loads it synchronously, without the ES loader's scan of its exports.
const require = createRequire(import.meta.url);

let workbook: typeof ExcelJS.Workbook | undefined;
let whole: Promise<typeof ExcelJS> | undefined;

export async function loadWorkbook(): Promise<typeof ExcelJS.Workbook> {
  return (workbook ??= require('exceljs/lib/doc/workbook') as typeof ExcelJS.Workbook);
}

export function loadExcelJS(): Promise<typeof ExcelJS> {
  return (whole ??= import('exceljs').then((m) => m.default));
}
