/**
 * Opening spreadsheets with errors that say what the file is and what to do. An .xlsx passes the zip
 * guard (ingest/zip-guard.ts) before exceljs sees it; an old binary .xls is converted by LibreOffice
 * first, each conversion with its own LibreOffice profile and scratch folder (LibreOffice refuses a
 * profile another instance is using), removed when the file has been read.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type ExcelJS from 'exceljs';
import { InputError } from '../common/errors';
import { loadWorkbook } from '../common/exceljs';
import type { LayoutContext } from './layout';
import { checkZipSizes, WORKBOOK_LIMITS, type ZipLimits } from './zip-guard';

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** Where a workbook's readable .xlsx is, and how to remove what was made to get it. */
export interface ReadableWorkbook {
  path: string;
  dispose(): Promise<void>;
}

type WorkbookContext = Pick<LayoutContext, 'path' | 'name' | 'tools'>;

/**
 * Runs `read` on a readable .xlsx of the context's file: the file itself, or its LibreOffice
 * conversion when it is an .xls (removed afterwards). Refuses non-ZIP files and zip bombs.
 */
export async function withWorkbookFile<T>(
  ctx: WorkbookContext,
  read: (path: string, name: string) => Promise<T>,
  limits: ZipLimits = WORKBOOK_LIMITS,
): Promise<T> {
  const readable = await readableWorkbook(ctx, limits);
  try {
    return await read(
      readable.path,
      readable.path === ctx.path ? ctx.name : `${ctx.name} (converted by LibreOffice)`,
    );
  } finally {
    await readable.dispose();
  }
}

/** The .xlsx to read for the context's file; call `dispose` when done (streaming readers). */
export async function readableWorkbook(
  ctx: WorkbookContext,
  limits: ZipLimits = WORKBOOK_LIMITS,
): Promise<ReadableWorkbook> {
  const handle = await open(ctx.path, 'r');
  const head = Buffer.alloc(4);
  await handle.read(head, 0, 4, 0);
  await handle.close();
  if (head.equals(OLE2)) {
    const converted = await convertWithLibreOffice(ctx);
    try {
      await checkZipSizes(converted.path, `${ctx.name} (converted by LibreOffice)`, limits);
    } catch (e) {
      await converted.dispose();
      throw e;
    }
    return converted;
  }
  if (!head.equals(ZIP))
    throw new InputError(`${ctx.name}: not an .xlsx workbook (no ZIP signature)`, ctx.name);
  await checkZipSizes(ctx.path, ctx.name, limits);
  return { path: ctx.path, dispose: async () => {} };
}

const CONVERSION_TIMEOUT_MS = 120_000;

/** The .xlsx LibreOffice makes of an .xls, in a scratch folder of its own with its own profile. */
async function convertWithLibreOffice(ctx: WorkbookContext): Promise<ReadableWorkbook> {
  const soffice = ctx.tools?.soffice ?? 'soffice';
  const parent = ctx.tools?.scratchDir ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const scratch = await mkdtemp(join(parent, 'aicarbon-xls-'));
  const dispose = () => rm(scratch, { recursive: true, force: true });
  try {
    // A plain copy name: LibreOffice names its output (and a text import's sheet) after the input.
    const stem =
      basename(ctx.name)
        .replace(/\.xls$/i, '')
        .replace(/[^\p{L}\p{N}_-]+/gu, '_') || 'input';
    const input = join(scratch, `${stem}.xls`);
    await copyFile(ctx.path, input);
    const outDir = join(scratch, 'out');
    const result = await new Promise<{ code: string | number | null; stderr: string; stdout: string }>(
      (resolve) =>
        execFile(
          soffice,
          [
            `-env:UserInstallation=${pathToFileURL(join(scratch, 'profile')).href}`,
            '--headless',
            '--norestore',
            '--convert-to',
            'xlsx',
            '--outdir',
            outDir,
            input,
          ],
          { timeout: CONVERSION_TIMEOUT_MS },
          (error, stdout, stderr) =>
            resolve({
              code: error ? ((error as NodeJS.ErrnoException).code ?? 'failed') : 0,
              stdout,
              stderr,
            }),
        ),
    );
    if (result.code === 'ENOENT')
      throw new InputError(
        `${ctx.name}: an old binary Excel (.xls) file, and LibreOffice (${soffice}) is not installed to ` +
          `convert it. Install LibreOffice, or convert it yourself (\`soffice --headless --convert-to xlsx ` +
          `"${ctx.name}"\`) and list the .xlsx in the manifest.`,
        ctx.name,
      );
    const out = join(outDir, `${stem}.xlsx`);
    if (await stat(out).catch(() => undefined)) return { path: out, dispose };
    const said = `${result.stderr} ${result.stdout}`.trim().replace(/\s+/g, ' ').slice(0, 300);
    // LibreOffice exits 0 when it cannot load a file: that is the file's fault. A crash or a timeout is not.
    if (result.code === 0)
      throw new InputError(
        `${ctx.name}: LibreOffice could not read it as a spreadsheet${said ? ` (${said})` : ''}`,
        ctx.name,
      );
    throw new Error(
      `${ctx.name}: LibreOffice failed converting it to .xlsx (${result.code}${said ? `: ${said}` : ''})`,
    );
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** A workbook read whole (small tables); the converted copy of an .xls is removed once read. */
export async function openWorkbook(ctx: WorkbookContext): Promise<ExcelJS.Workbook> {
  const Workbook = await loadWorkbook();
  return withWorkbookFile(ctx, async (path, name) => {
    const wb = new Workbook();
    try {
      await wb.xlsx.readFile(path);
    } catch (e) {
      throw new InputError(`${name}: unreadable .xlsx workbook (${(e as Error).message})`, ctx.name);
    }
    return wb;
  });
}
