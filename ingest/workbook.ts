/** Opening spreadsheets with errors that say what the file is and what to do. */
import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { InputError } from '../common/errors';

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

export async function openWorkbook(path: string, name: string): Promise<ExcelJS.Workbook> {
  const handle = await open(path, 'r');
  const head = Buffer.alloc(4);
  await handle.read(head, 0, 4, 0);
  await handle.close();
  if (head.equals(OLE2)) {
    throw new InputError(
      `${name}: an old binary Excel (.xls) file, which exceljs cannot read. Convert it to .xlsx ` +
        `(e.g. \`soffice --headless --convert-to xlsx "${name}"\`) and list the .xlsx in the manifest.`,
      name,
    );
  }
  if (!head.equals(ZIP)) throw new InputError(`${name}: not an .xlsx workbook (no ZIP signature)`, name);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(path);
  } catch (e) {
    throw new InputError(`${name}: unreadable .xlsx workbook (${(e as Error).message})`, name);
  }
  return wb;
}
