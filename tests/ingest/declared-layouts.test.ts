/**
 * Layouts declared as data: each declaration of the bundled inputs (data/sample/layouts/) reads its real
 * file, with a few cells checked by hand against the file (the cell named) and against the figures in
 * the data's PROVENANCE; a malformed declaration is refused naming the path inside it.
 */
import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import {
  ingestFile,
  LAYOUTS,
  parseLayoutDeclarations,
  readLayoutDeclarations,
  readManifest,
  type LayoutDeclaration,
  type Observation,
} from '../../ingest';

const sample = join(PROJECT_ROOT, 'data', 'sample');
let declarations: LayoutDeclaration[];
beforeAll(async () => {
  const manifest = await readManifest(sample);
  declarations = (await readLayoutDeclarations(sample, manifest.layouts, Object.keys(LAYOUTS))).declarations;
});

async function read(path: string, layout: string, options: Record<string, unknown>) {
  const r = await ingestFile(join(sample, path), layout, { name: path, options, declarations });
  const at = (province: string, year: number): Observation => {
    const hit = r.observations.filter((o) => o.province === province && o.year === year);
    expect(hit, `${province} ${year}`).toHaveLength(1);
    return hit[0];
  };
  const sum = (year: number) =>
    r.observations.filter((o) => o.year === year).reduce((s, o) => s + o.value, 0);
  return { observations: r.observations, at, sum };
}

describe('the Wind layouts of the bundled real files', () => {
  it('wind-province-rows reads the FAI price index (one row per province, years newest first)', async () => {
    const r = await read('real/capital/fai_price_index_wind.xlsx', 'wind-province-rows', {
      variable: 'fai_price_index',
      indicator: '固定资产投资价格指数',
      years: [2011, 2019],
    });
    expect(r.observations).toHaveLength(30 * 9); // 30 provinces (the file has no Tibet) × 2011–2019
    // Cell I2 of sheet 北京_固定资产投资价格指数: 北京:固定资产投资价格指数, column 2019-12-31 = 102.098.
    expect(r.at('BJ', 2019)).toMatchObject({
      value: 102.098,
      unit: 'previous year = 100',
      variable: 'fai_price_index',
      source: { sheet: '北京_固定资产投资价格指数', cell: 'I2' },
    });
    expect(r.at('TJ', 2018)).toMatchObject({ value: 104.51, source: { cell: 'J3' } });
    expect(r.at('GD', 2011)).toMatchObject({ value: 105.53, source: { cell: 'Q20' } });
  });

  it('wind-province-rows reads the retail price index and FAI growth, converting % to a rate', async () => {
    const rpi = await read('real/capital/retail_price_index_wind.xlsx', 'wind-province-rows', {
      variable: 'retail_price_index',
      indicator: 'RPI',
      years: [2011, 2021],
    });
    expect(rpi.observations).toHaveLength(330); // the Tibet row (西藏:RPI) is outside the study
    expect(rpi.at('BJ', 2021)).toMatchObject({ value: 101.7, source: { sheet: '北京_RPI', cell: 'J2' } });
    expect(rpi.at('BJ', 2020)).toMatchObject({ value: 101, source: { cell: 'K2' } });
    const growth = await read('real/capital/fai_growth_wind.xlsx', 'wind-province-rows', {
      variable: 'fai_growth',
      indicator: '固定资产投资完成额:同比',
      years: [2011, 2021],
    });
    // M2: 北京:固定资产投资完成额:同比, 2018 = -5.5 (%, the 单位 column) = -0.055.
    expect(growth.at('BJ', 2018).value).toBeCloseTo(-0.055, 12);
    expect(growth.at('BJ', 2018)).toMatchObject({ unit: 'growth rate', source: { cell: 'M2' } });
  });

  it('wind-date-rows reads GFCF (one column per province, one row per year-end date)', async () => {
    const r = await read('real/capital/gfcf_wind.xlsx', 'wind-date-rows', {
      variable: 'gfcf',
      unit: '亿元',
      indicator: '资本形成总额:固定资本形成总额',
      years: [2011, 2017],
    });
    expect(r.observations).toHaveLength(30 * 7);
    // Row 64 is 2011-12-31, row 70 2017-12-31; column B 北京, K 江苏, T 广东 (PROVENANCE's figures).
    expect(r.at('BJ', 2011)).toMatchObject({
      value: 5953.86,
      unit: '100 million CNY',
      source: { cell: 'B64' },
    });
    expect(r.at('BJ', 2017)).toMatchObject({ value: 10375.27, source: { cell: 'B70' } });
    expect(r.at('JS', 2017)).toMatchObject({ value: 36416.79, source: { cell: 'K70' } });
    expect(r.at('GD', 2017)).toMatchObject({ value: 38390.85, source: { cell: 'T70' } });
  });

  it('refuses a Wind file of another indicator, naming the cell', async () => {
    await expect(
      read('real/capital/retail_price_index_wind.xlsx', 'wind-province-rows', {
        variable: 'fai_price_index',
        indicator: '固定资产投资价格指数',
      }),
    ).rejects.toThrow(
      'real/capital/retail_price_index_wind.xlsx!北京_RPI!B2: indicator "RPI", expected "固定资产投资价格指数"',
    );
  });
});

describe('the other declared layouts of the bundled real files', () => {
  it('nbs-csv-no-indicator reads NBS invention-patent applications (UTF-8, tab-padded cells)', async () => {
    const r = await read('real/nbs/invention_applications.csv', 'nbs-csv-no-indicator', {
      variable: 'patents_invention',
      unit: '件',
      years: [2011, 2021],
    });
    expect(r.observations).toHaveLength(330);
    // Line 4 is 北京市; column 16 is 2011年, column 6 2021年.
    expect(r.at('BJ', 2011)).toMatchObject({
      value: 45057,
      unit: 'count',
      source: { cell: 'line 4, column 16' },
    });
    expect(r.at('GD', 2021)).toMatchObject({ value: 242551, source: { cell: 'line 22, column 6' } });
    // 30-province sums of the PROVENANCE (Tibet excluded).
    expect(r.sum(2011)).toBe(403414);
    expect(r.sum(2019)).toBe(1230637);
    expect(r.sum(2021)).toBe(1414989);
  });

  it('owid-robot-installations reads China’s IFR installations as the national level', async () => {
    const r = await read('real/ifr/robot_installations.csv', 'owid-robot-installations', {
      years: [2011, 2021],
    });
    expect(r.observations).toHaveLength(11);
    expect(r.at('CN', 2011)).toMatchObject({
      value: 23000,
      variable: 'robot_installations',
      source: { cell: 'line 2, column 4' },
    });
    expect(r.at('CN', 2021)).toMatchObject({ value: 268000, source: { cell: 'line 12, column 4' } });
  });
});

describe('malformed declarations', () => {
  const valid = {
    id: 'mine',
    description: 'a test layout',
    province: { in: 'rows', column: { header: '^地区$' } },
    year: { in: 'columns' },
    variable: 'gdp',
  };
  const refuse = (json: unknown) => () => parseLayoutDeclarations(json, 'layouts/mine.json');

  it('name the path inside the file', () => {
    expect(refuse({ ...valid, province: { in: 'rows', column: { header: '^(地区' } } })).toThrow(
      /^layouts\/mine\.json: province\.column\.header: not a valid regular expression/,
    );
    expect(refuse({ ...valid, variable: 'gpd' })).toThrow(
      /^layouts\/mine\.json: variable: unknown variable "gpd" \(known: gdp, /,
    );
    expect(refuse({ ...valid, unit: '亿卢布' })).toThrow(
      /^layouts\/mine\.json: variable: unknown unit "亿卢布" for gdp/,
    );
    expect(refuse({ ...valid, year: { in: 'diagonal' } })).toThrow(/^layouts\/mine\.json: year(\.in)?: /);
    expect(refuse({ ...valid, colour: 'red' })).toThrow(
      /^layouts\/mine\.json: \(root\): Unrecognized key: "colour"/,
    );
    expect(
      refuse([valid, { ...valid, variable: undefined, items: [{ header: 'x', variable: 'gdpx' }] }]),
    ).toThrow(/^layouts\/mine\.json: \[1\]\.items: items are for tables with a column per variable/);
    expect(
      refuse({
        ...valid,
        year: { in: 'rows', column: { letter: 'A' } },
        variable: undefined,
        items: [{ header: '^x$', variable: 'gdpx' }],
      }),
    ).toThrow(/^layouts\/mine\.json: items\[0\]\.variable: unknown variable "gdpx"/);
    expect(refuse([valid, valid])).toThrow('layouts/mine.json: [1].id: duplicate layout id "mine"');
  });

  it('in the inputs folder: refused when outside it, clashing with a built-in id, or not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'declared-'));
    await mkdir(join(dir, 'layouts'));
    await writeFile(join(dir, 'layouts', 'bad.json'), '{ "id": ');
    await writeFile(join(dir, 'layouts', 'clash.json'), JSON.stringify({ ...valid, id: 'csy-gdp' }));
    await writeFile(join(tmpdir(), 'outside-layout.json'), JSON.stringify(valid));
    await symlink(join(tmpdir(), 'outside-layout.json'), join(dir, 'layouts', 'link.json'));
    const builtin = Object.keys(LAYOUTS);
    await expect(readLayoutDeclarations(dir, ['layouts/bad.json'], builtin)).rejects.toThrow(
      /^layouts\/bad\.json: not valid JSON/,
    );
    await expect(readLayoutDeclarations(dir, ['layouts/clash.json'], builtin)).rejects.toThrow(
      'layouts/clash.json: id: layout "csy-gdp" is already a built-in layout',
    );
    await expect(readLayoutDeclarations(dir, ['../outside-layout.json'], builtin)).rejects.toThrow(
      'manifest.json layouts[0] "../outside-layout.json": refused, a ".." segment',
    );
    await expect(readLayoutDeclarations(dir, ['layouts/link.json'], builtin)).rejects.toThrow(
      'manifest.json layouts[0] "layouts/link.json": refused, a symbolic link to a file outside the inputs folder',
    );
  });

  it('a declared layout a manifest names but nobody declares is an unknown layout', async () => {
    await expect(
      ingestFile(join(sample, 'real/ifr/robot_installations.csv'), 'owid-robots-typo', { declarations }),
    ).rejects.toThrow(/unknown layout "owid-robots-typo" \(known: .*owid-robot-installations/);
  });
});
