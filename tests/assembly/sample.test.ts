/**
 * The whole assembly on the bundled sample inputs, with the default study's fill rules: a complete
 * 30 × 11 panel whose coverage report matches the gaps the sources are known to have
 * (data/sample/README.md, shared/data/PROVENANCE.md) and the cells the study's rules fill, and the
 * lineage of one CI value resolved back to the exact cells, read again from the files.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble, checkQuality, type AssembledPanel } from '../../assembly';
import { ingestManifest } from '../../ingest';
import { computeIndicators, explain, type ExplainNode, type IndicatorTable } from '../../indicators';
import { loadStudy } from '../../study';

const SAMPLE = join(import.meta.dirname, '../../data/sample');
const allProvinces = (years: number[]) =>
  [
    ...['BJ', 'TJ', 'HE', 'SX', 'NM', 'LN', 'JL', 'HL', 'SH', 'JS', 'ZJ', 'AH', 'FJ', 'JX', 'SD'],
    ...['HA', 'HB', 'HN', 'GD', 'GX', 'HI', 'CQ', 'SC', 'GZ', 'YN', 'SN', 'GS', 'QH', 'NX', 'XJ'],
  ].flatMap((p) => years.map((y) => `${p}/${y}`));

let panel: AssembledPanel;
let table: IndicatorTable;

const study = loadStudy(join(import.meta.dirname, '../../study/default-study.json'));

beforeAll(async () => {
  const observations = (await ingestManifest(SAMPLE)).flatMap((f) => f.observations);
  panel = assemble(observations, { years: study.years, ...study.assembly });
  table = computeIndicators(panel, study.indicators);
}, 60_000);

describe('assembly of the sample inputs', () => {
  it('covers 30 provinces × 2011–2021 with exactly the known gaps', () => {
    expect(panel.provinces).toHaveLength(30);
    const coverage = Object.fromEntries(panel.coverage.map((c) => [c.variable, c]));
    for (const c of panel.coverage)
      expect(
        c.observed + c.interpolated + c.extrapolated + (c.substituted ?? 0) + c.missing,
        c.variable,
      ).toBe(c.variable === 'robot_installations' ? 11 : 330);
    // CEADs provincial inventories end in 2019; NERI's index is read to 2019 (the source copies 2019 forward).
    expect(coverage.co2_inventory.missingCells.sort()).toEqual(allProvinces([2020, 2021]).sort());
    expect(coverage.marketization.missingCells.sort()).toEqual(allProvinces([2020, 2021]).sort());
    // Trade in panel_stata_ready_v2.csv is missing for all of 2015: interpolated for every province.
    expect(coverage.trade_cny.interpolatedCells.sort()).toEqual(allProvinces([2015]).sort());
    // Beijing's GDP index is absent there for 2015–2021: filled between 2014 and 2024.
    expect(coverage.gdp_index.interpolatedCells).toEqual(
      [2015, 2016, 2017, 2018, 2019, 2020, 2021].map((y) => `BJ/${y}`),
    );
    expect(panel.variables.gdp_index.cells['BJ/2017'].sources.map((s) => s.cell)).toHaveLength(2);
    // IFR installations are national: counted over the CN level, every study year.
    expect(coverage.robot_installations).toMatchObject({ observed: 11, missing: 0 });
    const complete = panel.coverage.filter((c) => c.observed === 330).map((c) => c.variable);
    expect(complete.sort()).toEqual(
      [
        'co2_alternative',
        'coal_share_final',
        'employment_industry',
        'employment_urban_units',
        'energy_total',
        'fai_growth',
        'gdp',
        'industrial_va',
        'patents_ai',
        'patents_ai_application',
        'patents_ai_foundation',
        'patents_ai_technology',
        'patents_invention',
        'pollution_investment',
        'population',
        'retail_price_index',
        'secondary_va',
      ].sort(),
    );
    expect(panel.conflicts).toEqual([]);
  });

  it('fills GFCF after 2017, the FAI price index after 2019 and tertiary VA in 2011 by the study’s rules, flagged', () => {
    const coverage = Object.fromEntries(panel.coverage.map((c) => [c.variable, c]));
    // Only the study's rules extrapolate or substitute; nothing else is filled past a series' ends.
    expect(panel.coverage.filter((c) => c.extrapolated > 0).map((c) => c.variable)).toEqual([
      'gfcf',
      'tertiary_va',
    ]);
    // The Wind GFCF file has 2018 for Beijing, Jiangxi and Hunan only: every other 2018–2021 cell grows
    // with FAI completed.
    const official2018 = ['BJ/2018', 'JX/2018', 'HN/2018'];
    expect(coverage.gfcf.extrapolatedCells.sort()).toEqual(
      allProvinces([2018, 2019, 2020, 2021])
        .filter((k) => !official2018.includes(k))
        .sort(),
    );
    // Guangdong 2021 = GFCF 2017 (T70) × (1 + 10.7 %)(1 + 11.1 %)(1 + 7.2 %)(1 + 6.3 %), growth cells M20…J20.
    const gd = panel.variables.gfcf.cells['GD/2021'];
    expect(gd.method).toBe('extrapolated');
    expect(gd.value).toBeCloseTo(38390.85 * 1.107 * 1.111 * 1.072 * 1.063, 6);
    expect(gd.sources.map((s) => s.cell)).toEqual(['T70', 'M20', 'L20', 'K20', 'J20']);
    expect(gd.rule).toBe('gfcf 2020 × (1 + fai_growth 2021)');
    // 2020–2021: the retail price index in place of the FAI price index (Guangdong 2021 = 101.4, J20).
    expect(coverage.fai_price_index.substitutedCells!.sort()).toEqual(allProvinces([2020, 2021]).sort());
    expect(panel.variables.fai_price_index.cells['GD/2021']).toMatchObject({
      value: 101.4,
      method: 'substituted',
      sources: [{ file: 'real/capital/retail_price_index_wind.xlsx', cell: 'J20' }],
    });
    // Tertiary VA 2011 continues the line through 2012 (28,000.1) and 2013 (31,537.9): 2 × 28,000.1 − 31,537.9.
    expect(coverage.tertiary_va.extrapolatedCells.sort()).toEqual(allProvinces([2011]).sort());
    expect(panel.variables.tertiary_va.cells['GD/2011'].value).toBeCloseTo(2 * 28000.1 - 31537.9, 9);
    // The indicators know which of their inputs were filled.
    expect(table.cells['K|GD/2021'].filledInputs?.sort()).toEqual(
      [
        'gfcf|GD/2018',
        'gfcf|GD/2019',
        'gfcf|GD/2020',
        'gfcf|GD/2021',
        'fai_price_index|GD/2020',
        'fai_price_index|GD/2021',
      ].sort(),
    );
    expect(table.cells['IS|GD/2011'].filledInputs).toEqual(['tertiary_va|GD/2011']);
  });

  it('forms ROBOT from real national installations: GD 2011 = (1,568 / 10,440.94) × 23,000 / 9,542.8', () => {
    // Industrial employment (GTMP, 2010) per resident × robots installed since 2011 (IFR) per industrial
    // worker of the 30 provinces in 2010 (their sum, 9,542.8 × 10k).
    expect(table.cells['ROBOT|GD/2011'].value).toBeCloseTo(((1568 / 10440.94) * 23000) / 9542.8, 9);
    expect(table.cells['ROBOT|GD/2013'].value).toBeCloseTo(
      ((1568 / 10440.94) * (23000 + 23000 + 37000)) / 9542.8,
      9,
    );
    expect(table.cells['ROBOT|GD/2013'].inputs).toContain('robot_installations|CN/2012');
  });

  it('passes the quality checks (no impossible value) and reports the 2013 break in urban-unit employment', () => {
    const report = checkQuality(panel);
    // NBS widened the urban-unit employment survey in 2013: Guangdong 2012 → 2013 rises by more than half.
    expect(
      report.jumps.some(
        (j) => j.variable === 'employment_urban_units' && j.province === 'GD' && j.year === 2013,
      ),
    ).toBe(true);
  });

  it('gives every study variable the inputs support, and a reason for each one they do not', () => {
    const nonNull = (v: string) => table.rows.filter((r) => r[v] !== null).length;
    for (const v of [
      'CO2',
      'RGDP',
      'CI',
      'AIT',
      'AIT1',
      'AIT2',
      'AIT3',
      'EE',
      'ED',
      'ER',
      'ECS',
      'WF',
      'OPEN',
      'MAR',
      'IS',
      'K',
      'FRD',
      'ROBOT',
    ])
      expect(nonNull(v), v).toBe(330);
    expect(table.cells['CO2|GD/2020'].method).toBe('extrapolated');
    expect(table.cells['MAR|GD/2021'].method).toBe('extrapolated');
    // RE: the first year is lost, and cells where intensity did not fall are undefined (paper: N = 242).
    expect(nonNull('RE')).toBe(252);
    expect(table.cells['RE|GD/2011'].reason).toMatch(/first year/);
    // No fuel-by-fuel consumption in the sample inputs: CO2 comes from the inventories.
    expect(nonNull('CO2_FUEL')).toBe(0);
    expect(table.cells['CO2_FUEL|GD/2019'].reason).toMatch(/fuel/);
  });
});

/** The number at a lineage cell, read again from the file without the parsers. */
async function readSourceCell(file: string, sheet: string | undefined, cell: string): Promise<number> {
  const path = join(SAMPLE, file);
  if (sheet) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    return Number(wb.getWorksheet(sheet)!.getCell(cell).value);
  }
  const [, line, column] = /^line (\d+), column (\d+)$/.exec(cell)!;
  const bytes = await readFile(path);
  const text = file.includes('gbk') ? iconv.decode(bytes, 'gbk') : bytes.toString('utf8');
  return Number(text.split(/\r?\n/)[Number(line) - 1].split(',')[Number(column) - 1]);
}

describe('lineage of CI for Guangdong 2019', () => {
  it('resolves to the CEADs cell, the GDP cell and the eight GDP index cells, which hold those values', async () => {
    const chain = explain(table, panel, { variable: 'CI', province: 'GD', year: 2019 });
    const leaves = (n: ExplainNode): ExplainNode[] =>
      n.kind === 'assembled' ? [n] : n.inputs.flatMap(leaves);
    const cells = leaves(chain).map((n) => ({ ref: n.ref, value: n.value, source: n.sources! }));
    expect(
      cells.map(
        (c) =>
          `${c.ref} ← ${c.source.map((s) => [s.file, s.sheet, s.cell].filter(Boolean).join('!')).join(' ')}`,
      ),
    ).toEqual([
      'co2_inventory|GD/2019 ← real/ceads/Emission_Inventories_for_30_Provinces_2019.xlsx!Guangdong2019!W4',
      'gdp|GD/2011 ← real/nbs/gdp_5th_census_gbk.csv!line 23, column 15',
      ...[2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019].map(
        (y, i) => `gdp_index|GD/${y} ← real/panels/panel_stata_ready_v2.csv!line ${369 + i}, column 6`,
      ),
    ]);
    for (const c of cells) {
      const s = c.source[0];
      expect(await readSourceCell(s.file, s.sheet, s.cell!), c.ref).toBe(c.value);
    }
    // CI = CO2 × 10^6 / (RGDP × 10^4), RGDP = GDP 2011 × Π index/100: recomputed from the leaves.
    const [co2, gdp, ...idx] = cells.map((c) => c.value!);
    const rgdp = idx.reduce((y, i) => (y * i) / 100, gdp);
    expect(chain.value).toBeCloseTo((co2 * 1e6) / (rgdp * 1e4), 12);
  });
});
