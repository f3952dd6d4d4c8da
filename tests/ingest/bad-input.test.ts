import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { ingestFile } from '../../ingest';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-bad-'));
});

const tidy = (columns: Record<string, { variable: string; unit: string }>) => ({
  province: 'province',
  year: 'year',
  columns,
});

async function csv(name: string, text: string) {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('bad input is refused with a message naming the place', () => {
  it('a text cell where a number belongs', async () => {
    const path = await csv('t.csv', 'province,year,gdp\n北京,2011,16251.9\n天津,2011,n/a\n');
    await expect(
      ingestFile(path, 'tidy-csv', { options: tidy({ gdp: { variable: 'gdp', unit: '亿元' } }) }),
    ).rejects.toThrow('t.csv line 3, column "gdp": "n/a" is not a number');
  });

  it('an unknown province and a duplicated one', async () => {
    const unknown = await csv('u.csv', 'province,year,gdp\nAtlantis,2011,1\n');
    await expect(
      ingestFile(unknown, 'tidy-csv', { options: tidy({ gdp: { variable: 'gdp', unit: '亿元' } }) }),
    ).rejects.toThrow('u.csv line 2, column "province": unknown province "Atlantis"');
    const dup = await csv('d.csv', 'province,year,gdp\n北京,2011,1\nBeijing,2011,2\n');
    await expect(
      ingestFile(dup, 'tidy-csv', { options: tidy({ gdp: { variable: 'gdp', unit: '亿元' } }) }),
    ).rejects.toThrow('d.csv line 3: BJ 2011 appears twice');
  });

  it('an unknown unit', async () => {
    const path = await csv('unit.csv', 'province,year,gdp\n北京,2011,1\n');
    await expect(
      ingestFile(path, 'tidy-csv', { options: tidy({ gdp: { variable: 'gdp', unit: 'furlongs' } }) }),
    ).rejects.toThrow(
      /unit\.csv column "gdp": unknown unit "furlongs" for gdp \(expected a unit convertible to 100 million CNY/,
    );
  });

  it('a missing year column, and an NBS export of the wrong indicator', async () => {
    const path = await csv('noyear.csv', 'province,gdp\n北京,1\n');
    await expect(
      ingestFile(path, 'tidy-csv', { options: tidy({ gdp: { variable: 'gdp', unit: '亿元' } }) }),
    ).rejects.toThrow('noyear.csv line 1: no column "year"');
    const nbs = join(dir, 'nbs.csv');
    await writeFile(
      nbs,
      iconv.encode(
        '数据库：分省年度数据\n指标：人口(万人)\n时间：最近1年\n地区,2019年\n北京市,2154\n',
        'gbk',
      ),
    );
    await expect(
      ingestFile(nbs, 'nbs-portal-csv', { options: { variable: 'gdp', indicator: '地区生产总值' } }),
    ).rejects.toThrow('nbs.csv line 2: indicator "人口", expected "地区生产总值"');
  });

  it('an empty file, a truncated workbook, a non-spreadsheet and an old .xls', async () => {
    const empty = await csv('empty.csv', '');
    await expect(ingestFile(empty, 'tidy-csv', { options: tidy({}) })).rejects.toThrow(
      'empty.csv: empty file',
    );
    const notXlsx = await csv('fake.xlsx', 'hello, I am text');
    await expect(ingestFile(notXlsx, 'ceads-provincial')).rejects.toThrow('fake.xlsx: not an .xlsx workbook');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Beijing2019').addRow(['x']);
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    const truncated = join(dir, 'truncated.xlsx');
    await writeFile(truncated, buffer.subarray(0, Math.floor(buffer.length / 2)));
    await expect(ingestFile(truncated, 'ceads-provincial')).rejects.toThrow(
      'truncated.xlsx: truncated .xlsx (no ZIP end-of-directory record)',
    );
    const xls = join(dir, 'gdp.xls');
    await copyFile(join(PROJECT_ROOT, '..', 'shared', 'data', 'nbs', 'AnnualbyProvince_GRP.xls'), xls).catch(
      () => writeFile(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])),
    );
    // Without LibreOffice: refused with the command that converts it.
    await expect(
      ingestFile(xls, 'ceads-provincial', { tools: { soffice: join(dir, 'no-such-soffice') } }),
    ).rejects.toThrow(
      /gdp\.xls: an old binary Excel \(\.xls\) file[\s\S]*soffice --headless --convert-to xlsx/,
    );
  });

  it('a CEADs sheet without its total', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Beijing2019');
    ws.addRow(['Emission_Inventory', 'Raw_Coal', 'Scope_1_Total']);
    ws.addRow(['unit', 'Mt CO2', 'Mt CO2']);
    ws.addRow([]);
    ws.addRow(['TotalEmissions', 2.5, 'lots']);
    const path = join(dir, 'ceads.xlsx');
    await wb.xlsx.writeFile(path);
    await expect(ingestFile(path, 'ceads-provincial')).rejects.toThrow(
      'ceads.xlsx!Beijing2019!C4: "lots" is not a number',
    );
  });
});
