/**
 * Yearbook tables read from generated workbooks laid out as the yearbooks print them: titles, a
 * `单位：` line, merged and two-row bilingual headers, spaced and full-width names, footnotes, `…`.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, LAYOUTS } from '../../ingest';
import { checkZipSizes } from '../../ingest/zip-guard';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-yearbook-'));
});

async function save(name: string, fill: (ws: ExcelJS.Worksheet) => void, sheet = '2-15') {
  const wb = new ExcelJS.Workbook();
  fill(wb.addWorksheet(sheet));
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

/** CSY 3-9 style: title, unit line, header `地区 | 2019 | 2020 | 2021`, provinces, a footnote. */
function gdpTable(ws: ExcelJS.Worksheet, rows: (string | number)[][], years = [2019, 2020, 2021]) {
  ws.addRow(['3-9  地区生产总值']);
  ws.addRow(['单位：亿元']);
  ws.addRow(['地  区', ...years]);
  for (const r of rows) ws.addRow(r);
  ws.addRow(['注：本表按当年价格计算。']);
  ws.addRow(['Beijing', 1, 2, 3]); // below the footnote: never read
}

describe('years-across yearbook tables', () => {
  it('reads values with units, cell lineage, spaced / full-width / bilingual names and gaps', async () => {
    const path = await save('gdp.xlsx', (ws) =>
      gdpTable(ws, [
        ['全  国', 986515, 1013567, 1143670],
        ['北  京', 35445.1, 36102.6, 40269.6],
        ['天津　Tianjin', '１４１０４．３', 14007.99, '…'],
        ['西  藏', 1697.8, 1902.7, 2080.2],
        ['东部地区', 1, 2, 3],
        ['内蒙古自治区*', 17212.5, '-', 20514.2],
      ]),
    );
    const r = await ingestFile(path, 'csy-gdp', { options: { years: [2019, 2021] } });
    const byKey = Object.fromEntries(r.observations.map((o) => [`${o.province}/${o.year}`, o]));
    expect(Object.keys(byKey).sort()).toEqual(
      ['BJ/2019', 'BJ/2020', 'BJ/2021', 'TJ/2019', 'TJ/2020', 'NM/2019', 'NM/2021'].sort(),
    );
    expect(byKey['BJ/2020']).toMatchObject({
      value: 36102.6,
      unit: '100 million CNY',
      variable: 'gdp',
      source: { file: 'gdp.xlsx', sheet: '2-15', cell: 'C5' },
    });
    expect(byKey['TJ/2019'].value).toBe(14104.3); // full-width digits
  });

  it('converts a printed unit to the canonical one (万人 stays, 人 is divided by 10,000)', async () => {
    const path = await save('pop.xlsx', (ws) => {
      ws.addRow(['年末常住人口']);
      ws.addRow(['地区', '2020(人)', '2021(人)']);
      ws.addRow(['Beijing', 21893095, 21886000]);
    });
    const r = await ingestFile(path, 'csy-population');
    expect(r.observations[0].value).toBeCloseTo(21893095 / 1e4, 9);
    expect(r.observations[1].value).toBeCloseTo(21886000 / 1e4, 9);
    expect(r.observations[0].unit).toBe('10k persons');
  });

  it('refuses a text cell where a number belongs, naming file, sheet and cell', async () => {
    const path = await save('text.xlsx', (ws) => gdpTable(ws, [['北京', 1, 'n.a.', 3]]));
    await expect(ingestFile(path, 'csy-gdp')).rejects.toThrow(
      'text.xlsx!2-15!C4: "n.a." is not a number (expected e.g. 1234.5 or 1,234.5; … or - for missing)',
    );
  });

  it('refuses unknown and duplicated provinces', async () => {
    const unknown = await save('unknown.xlsx', (ws) =>
      gdpTable(ws, [
        ['北京', 1, 2, 3],
        ['亚特兰蒂斯', 1, 2, 3],
      ]),
    );
    await expect(ingestFile(unknown, 'csy-gdp')).rejects.toThrow(
      'unknown.xlsx!2-15!A5: unknown province "亚特兰蒂斯"',
    );
    const dup = await save('dup.xlsx', (ws) =>
      gdpTable(ws, [
        ['北京', 1, 2, 3],
        ['Beijing', 1, 2, 3],
      ]),
    );
    await expect(ingestFile(dup, 'csy-gdp')).rejects.toThrow(
      'dup.xlsx!2-15!A5: province "Beijing" appears twice (first at A4)',
    );
  });

  it('refuses an unknown unit and a table with no unit at all', async () => {
    const odd = await save('odd.xlsx', (ws) => {
      ws.addRow(['单位：亿卢布']);
      ws.addRow(['地区', 2020]);
      ws.addRow(['北京', 1]);
    });
    await expect(ingestFile(odd, 'csy-gdp')).rejects.toThrow(
      /odd\.xlsx!2-15!B2: unknown unit "亿卢布" for gdp \(expected a unit convertible to 100 million CNY/,
    );
    const none = await save('none.xlsx', (ws) => {
      ws.addRow(['地区', 2020]);
      ws.addRow(['北京', 1]);
    });
    await expect(ingestFile(none, 'csy-gdp')).rejects.toThrow('none.xlsx!2-15!B1: no unit for gdp');
  });

  it('refuses a missing year column and a sheet that is not the table', async () => {
    const path = await save('gap.xlsx', (ws) => gdpTable(ws, [['北京', 1, 3]], [2019, 2021]));
    await expect(ingestFile(path, 'csy-gdp', { options: { years: [2019, 2021] } })).rejects.toThrow(
      'gap.xlsx!2-15 header row 3: no column for year 2020 (expected 2019–2021; found 2019, 2021)',
    );
    const other = await save('other.xlsx', (ws) => ws.addRow(['指标', '数值']));
    await expect(ingestFile(other, 'csy-gdp')).rejects.toThrow(
      /other\.xlsx!2-15: no header cell matching .* in rows 1–30/,
    );
  });

  it('refuses an empty sheet', async () => {
    const path = await save('empty.xlsx', () => undefined);
    await expect(ingestFile(path, 'csy-gdp')).rejects.toThrow('empty.xlsx!2-15: empty sheet');
  });
});

describe('items-across yearbook tables', () => {
  it('reads a merged two-row bilingual header, the year from the title, and fuels in physical units', async () => {
    const path = await save(
      'fuels.xlsx',
      (ws) => {
        ws.addRow(['分地区能源消费量(2019年)']);
        ws.addRow(['地区', '煤炭(万吨)', '焦炭(万吨)', '石油', null, null, null, null, '天然气(亿立方米)']);
        ws.addRow([null, null, null, '原油(万吨)', '汽油(万吨)', '煤油(万吨)', '柴油(万吨)', '燃料油(万吨)']);
        ws.mergeCells('D2:H2');
        ws.mergeCells('A2:A3');
        ws.addRow(['北 京', 135, 5, 1, 480, 650, 170, 2, 189]);
        ws.addRow(['山  西', 38000, 9000, '…', 360, 8, 560, 3, 80]);
      },
      'Sheet1',
    );
    const r = await ingestFile(path, 'cesy-fuel-consumption');
    const bj = r.observations.filter((o) => o.province === 'BJ');
    expect(bj.map((o) => [o.variable, o.value, o.unit, o.year])).toEqual([
      ['fuel_raw_coal', 135, '10k t', 2019],
      ['fuel_coke', 5, '10k t', 2019],
      ['fuel_crude_oil', 1, '10k t', 2019],
      ['fuel_gasoline', 480, '10k t', 2019],
      ['fuel_kerosene', 650, '10k t', 2019],
      ['fuel_diesel', 170, '10k t', 2019],
      ['fuel_fuel_oil', 2, '10k t', 2019],
      ['fuel_natural_gas', 189, '100 million m3', 2019],
    ]);
    expect(
      r.observations.find((o) => o.province === 'SX' && o.variable === 'fuel_crude_oil'),
    ).toBeUndefined();
    expect(bj[3].source.cell).toBe('E4');
  });

  it('reads the environment table in 万元 and refuses a table whose year is nowhere', async () => {
    const path = await save('env.xlsx', (ws) => {
      ws.addRow(['各地区工业污染治理投资情况 (2016)']);
      ws.addRow(['单位：万元']);
      ws.addRow(['地 区', '工业污染治理完成投资', '治理废水']);
      ws.addRow(['河 北', 657000, 120000]);
    });
    const r = await ingestFile(path, 'env-pollution-investment');
    expect(r.observations).toMatchObject([
      { province: 'HE', year: 2016, variable: 'pollution_investment', value: 657000, unit: '10k CNY' },
    ]);
    const noYear = await save('noyear.xlsx', (ws) => {
      ws.addRow(['单位：万元']);
      ws.addRow(['地区', '工业污染治理完成投资']);
      ws.addRow(['河北', 1]);
    });
    await expect(ingestFile(noYear, 'env-pollution-investment')).rejects.toThrow(
      "noyear.xlsx!2-15: the table's year is not in its title (rows 1–1); set options.year in the manifest",
    );
    await expect(
      ingestFile(noYear, 'env-pollution-investment', { options: { year: 2017 } }),
    ).resolves.toMatchObject({ observations: [{ year: 2017, value: 1 }] });
  });

  it('names the missing item column', async () => {
    const path = await save('va.xlsx', (ws) => {
      ws.addRow(['地区生产总值 2020']);
      ws.addRow(['单位：亿元']);
      ws.addRow(['地区', '地区生产总值', '第二产业']);
      ws.addRow(['北京', 36102.6, 5716.4]);
    });
    await expect(ingestFile(path, 'csy-value-added')).rejects.toThrow(
      /va\.xlsx!2-15 header rows 3–3: no column for tertiary_va \(expected a header matching/,
    );
    const r = await ingestFile(path, 'csy-value-added', { options: { require: ['gdp', 'secondary_va'] } });
    expect(r.observations.map((o) => [o.variable, o.value])).toEqual([
      ['gdp', 36102.6],
      ['secondary_va', 5716.4],
    ]);
  });

  it('registers every declared yearbook layout', () => {
    for (const id of [
      'csy-gdp',
      'csy-trade',
      'cesy-energy-total',
      'cesy-fuel-consumption',
      'env-pollution-investment',
    ])
      expect(LAYOUTS[id], id).toBeDefined();
  });
});

describe('a zip bomb posing as .xlsx', () => {
  it('is refused from its declared sizes before anything is inflated', async () => {
    // A stored ZIP whose central directory claims one entry of 3.9 GB compressed into 1 kB.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    const data = Buffer.alloc(1024);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(1024, 20);
    central.writeUInt32LE(3_900_000_000, 24);
    central.writeUInt16LE(name.length, 28);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(1, 8);
    eocd.writeUInt16LE(1, 10);
    eocd.writeUInt32LE(46 + name.length, 12);
    eocd.writeUInt32LE(30 + name.length + 1024, 16);
    const path = join(dir, 'bomb.xlsx');
    await writeFile(path, Buffer.concat([local, name, data, central, name, eocd]));
    await expect(ingestFile(path, 'csy-gdp')).rejects.toThrow(
      'bomb.xlsx (ZIP entry xl/worksheets/sheet1.xml): expands 1,024 bytes to 3,900,000,000 bytes (ratio over 100); refused as a likely zip bomb',
    );
    // A genuine workbook passes the same check.
    const ok = await save('ok.xlsx', (ws) => gdpTable(ws, [['北京', 1, 2, 3]]));
    await expect(checkZipSizes(ok, 'ok.xlsx')).resolves.toBeUndefined();
  });
});
