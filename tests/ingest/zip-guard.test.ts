/**
 * Zip bombs posing as workbooks are refused before a spreadsheet library sees them: by their declared
 * sizes before anything is inflated (honest headers), by their structure (overlapping entries, local
 * headers that disagree with the directory), and by the bytes actually inflated, stopped at the
 * declared size (lying headers). Peak memory is measured in `npm run bench:ingest`, not here.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { ingestFile } from '../../ingest';
import { checkZipSizes, STREAMED_WORKBOOK_LIMITS, WORKBOOK_LIMITS } from '../../ingest/zip-guard';
import { spacesDeflated, writeZip } from '../helpers/zip';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zip-guard-'));
});

const SHEET = 'xl/worksheets/sheet1.xml';

describe('the zip guard', () => {
  it('passes real workbooks (the sample CEADs inventory, exceljs output)', async () => {
    const ceads = join(
      PROJECT_ROOT,
      'data',
      'sample',
      'real',
      'ceads',
      'Emission_Inventories_for_30_Provinces_2019.xlsx',
    );
    await expect(checkZipSizes(ceads, 'ceads.xlsx')).resolves.toBeUndefined();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    for (let r = 0; r < 2000; r++) ws.addRow([r, `row ${r}`, r * 1.5]);
    const path = join(dir, 'exceljs.xlsx');
    await wb.xlsx.writeFile(path); // data descriptors after each entry, as archiver writes them
    await expect(checkZipSizes(path, 'exceljs.xlsx')).resolves.toBeUndefined();
  });

  it('refuses an honest 1.1 MB archive declaring 1.1 GB, by its declared sizes', async () => {
    const bomb = spacesDeflated(1100);
    const path = join(dir, 'honest.xlsx');
    const size = await writeZip(path, [{ name: SHEET, data: bomb.data, uncompressed: bomb.size }]);
    expect(size).toBeLessThan(1.5e6);
    await expect(checkZipSizes(path, 'honest.xlsx', WORKBOOK_LIMITS)).rejects.toThrow(
      /^honest\.xlsx \(ZIP entry xl\/worksheets\/sheet1\.xml\): expands [\d,]+ bytes to 1,153,433,600 bytes \(ratio over 100\); refused as a likely zip bomb$/,
    );
    // Streamed exports allow more in total, but not the ratio.
    await expect(checkZipSizes(path, 'honest.xlsx', STREAMED_WORKBOOK_LIMITS)).rejects.toThrow(
      /ratio over 100/,
    );
    // Through a layout: bad input naming the file.
    await expect(ingestFile(path, 'csy-gdp', { name: 'gdp.xlsx' })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^gdp\.xlsx \(ZIP entry .*refused as a likely zip bomb/),
    });
  });

  it('refuses many entries each under the ratio floor, by the total and the overall ratio', async () => {
    const part = spacesDeflated(9); // 9 MiB each, under the 10 MB floor of a single entry
    const entries = Array.from({ length: 40 }, (_, i) => ({
      name: `xl/worksheets/sheet${i + 1}.xml`,
      data: part.data,
      uncompressed: part.size,
    }));
    const path = join(dir, 'many.xlsx');
    await writeZip(path, entries);
    await expect(checkZipSizes(path, 'many.xlsx', WORKBOOK_LIMITS)).rejects.toThrow(
      'many.xlsx: expands to 377,487,360 bytes (limit 100,000,000 bytes); refused as a likely zip bomb',
    );
    await expect(checkZipSizes(path, 'many.xlsx', STREAMED_WORKBOOK_LIMITS)).rejects.toThrow(
      /^many\.xlsx: its 40 entries expand [\d,]+ bytes to 377,487,360 bytes \(ratio over 100\)/,
    );
  });

  it('refuses a lying header after inflating no more than it declared', async () => {
    const bomb = spacesDeflated(1500);
    const path = join(dir, 'lying.xlsx');
    const declared = 1_000_000;
    await writeZip(path, [{ name: SHEET, data: bomb.data, uncompressed: declared }]);
    // The declared ratio is under 1: the headers pass; the inflated bytes do not.
    const error = (await checkZipSizes(path, 'lying.xlsx').catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(
      /^lying\.xlsx \(ZIP entry xl\/worksheets\/sheet1\.xml\): declares 1,000,000 bytes but inflates to more \(stopped after [\d,]+ bytes\); refused as a zip bomb with a lying header$/,
    );
    const stoppedAfter = Number(/stopped after ([\d,]+)/.exec(error.message)![1].replace(/,/g, ''));
    // One inflate chunk past the declared size at most, nowhere near the 1.5 GB it would expand to.
    expect(stoppedAfter).toBeGreaterThan(declared);
    expect(stoppedAfter).toBeLessThan(declared + (1 << 20));
  });

  it('refuses overlapping entries and local headers that disagree with the directory', async () => {
    const part = spacesDeflated(2);
    const overlapping = join(dir, 'overlap.xlsx');
    await writeZip(overlapping, [
      { name: SHEET, data: part.data, uncompressed: part.size },
      { name: 'xl/worksheets/sheet2.xml', data: part.data, uncompressed: part.size, sameDataAs: 0 },
    ]);
    await expect(checkZipSizes(overlapping, 'overlap.xlsx')).rejects.toThrow(
      'overlap.xlsx: ZIP entry xl/worksheets/sheet2.xml overlaps the entry before it; refused (a corrupt or crafted archive)',
    );
    const renamed = join(dir, 'renamed.xlsx');
    await writeZip(renamed, [
      { name: SHEET, data: part.data, uncompressed: part.size, localName: 'xl/worksheets/other.xml' },
    ]);
    await expect(checkZipSizes(renamed, 'renamed.xlsx')).rejects.toThrow(
      /renamed\.xlsx: the local header of ZIP entry xl\/worksheets\/sheet1\.xml names "xl\/worksheets\/other\.xml"/,
    );
  });
});
