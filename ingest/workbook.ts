/** Opening spreadsheets with errors that say what the file is and what to do. */
import { execFile } from 'node:child_process';
import { mkdtemp, open, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { InputError } from '../common/errors';
import { checkZipSizes } from './zip-guard';

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** Refuses what exceljs cannot or should not open: .xls (BIFF), non-ZIP files, truncated or bomb ZIPs. */
export async function checkWorkbookFile(path: string, name: string): Promise<string> {
  const handle = await open(path, 'r');
  const head = Buffer.alloc(4);
  await handle.read(head, 0, 4, 0);
  await handle.close();
  if (head.equals(OLE2)) {
    const converted = await convertWithLibreOffice(path);
    if (converted) return checkWorkbookFile(converted, `${name} (converted by LibreOffice)`);
    throw new InputError(
      `${name}: an old binary Excel (.xls) file, which exceljs cannot read. Convert it to .xlsx ` +
        `(e.g. \`soffice --headless --convert-to xlsx "${name}"\`) and list the .xlsx in the manifest.`,
      name,
    );
  }
  if (!head.equals(ZIP)) throw new InputError(`${name}: not an .xlsx workbook (no ZIP signature)`, name);
  await checkZipSizes(path, name);
  return path;
}

/** The .xlsx LibreOffice makes of an .xls, or undefined when soffice is not installed. */
async function convertWithLibreOffice(path: string): Promise<string | undefined> {
  const outdir = await mkdtemp(join(tmpdir(), 'aicarbon-xls-'));
  try {
    await promisify(execFile)('soffice', ['--headless', '--convert-to', 'xlsx', '--outdir', outdir, path], {
      timeout: 120_000,
    });
  } catch {
    return undefined;
  }
  const out = join(outdir, basename(path).replace(/\.xls$/i, '') + '.xlsx');
  return (await stat(out).catch(() => undefined)) ? out : undefined;
}

export async function openWorkbook(path: string, name: string): Promise<ExcelJS.Workbook> {
  const readable = await checkWorkbookFile(path, name);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(readable);
  } catch (e) {
    throw new InputError(`${name}: unreadable .xlsx workbook (${(e as Error).message})`, name);
  }
  return wb;
}
