/**
 * Old binary .xls inputs through LibreOffice: several converted at once all succeed (each conversion
 * has its own profile), give the same observations as the .xlsx they were made from, and leave no
 * converted copy behind; a file LibreOffice cannot read is bad input naming it. Needs LibreOffice
 * (scripts/provision-test-deps.sh installs it); the refusal without LibreOffice is in bad-input.test.ts.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { ingestFile, LAYOUTS, readLayoutDeclarations, type LayoutDeclaration } from '../../ingest';

// A real Wind workbook of the sample, read by its declared layout (data/sample/layouts/wind.json).
const SAMPLE = join(PROJECT_ROOT, 'data', 'sample');
const XLSX = join(SAMPLE, 'real', 'capital', 'fai_price_index_wind.xlsx');
const LAYOUT = 'wind-province-rows';
const options = { variable: 'fai_price_index', indicator: '固定资产投资价格指数', years: [2011, 2019] };
let declarations: LayoutDeclaration[];
let dir: string;
let xls: string;

beforeAll(async () => {
  declarations = (await readLayoutDeclarations(SAMPLE, ['layouts/wind.json'], Object.keys(LAYOUTS)))
    .declarations;
  dir = await mkdtemp(join(tmpdir(), 'xls-'));
  // The test's own .xls, made from a sample workbook by LibreOffice directly (not by the code under test).
  await copyFile(XLSX, join(dir, 'tertiary.xlsx'));
  await promisify(execFile)(
    'soffice',
    [
      `-env:UserInstallation=${pathToFileURL(join(dir, 'setup-profile')).href}`,
      '--headless',
      '--convert-to',
      'xls',
      '--outdir',
      dir,
      join(dir, 'tertiary.xlsx'),
    ],
    { timeout: 120_000 },
  );
  xls = join(dir, 'tertiary.xls');
}, 180_000);

describe('.xls inputs converted by LibreOffice', () => {
  it('five at once all convert, read like the .xlsx, and leave no scratch behind', async () => {
    const scratchDir = join(dir, 'scratch');
    const expected = await ingestFile(XLSX, LAYOUT, { name: 'tertiary', options, declarations });
    const copies = await Promise.all(
      [1, 2, 3, 4, 5].map(async (i) => {
        const path = join(dir, `copy ${i}.xls`);
        await copyFile(xls, path);
        return path;
      }),
    );
    const results = await Promise.all(
      copies.map((path) =>
        ingestFile(path, LAYOUT, { name: 'tertiary', options, declarations, tools: { scratchDir } }),
      ),
    );
    const values = (r: typeof expected) =>
      r.observations.map((o) => [o.province, o.year, o.variable, o.value, o.source.cell]);
    expect(expected.observations.length).toBe(270);
    for (const r of results) expect(values(r)).toEqual(values(expected));
    expect(await readdir(scratchDir)).toEqual([]);
  }, 300_000);

  it('a file that is no spreadsheet is bad input naming it, and its scratch is removed too', async () => {
    const scratchDir = join(dir, 'scratch-bad');
    const bad = join(dir, 'broken.xls');
    // An OLE2 signature and then nothing a spreadsheet reader understands.
    await writeFile(bad, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), Buffer.alloc(600, 7)]));
    await expect(
      ingestFile(bad, LAYOUT, { options, declarations, tools: { scratchDir } }),
    ).rejects.toMatchObject({
      name: 'InputError',
      // LibreOffice either refuses it or imports it as text, which then fails the layout.
      message: expect.stringMatching(/^broken\.xls(: LibreOffice could not read it|!broken: no header cell)/),
    });
    expect(await readdir(scratchDir)).toEqual([]);
  }, 180_000);
});
