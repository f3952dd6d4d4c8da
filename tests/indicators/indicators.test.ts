import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, declaredUnit } from '../../assembly';
import type { Observation } from '../../ingest/observation';
import {
  CATALOGUE,
  cellRef,
  computeIndicators,
  DEFAULT_INDICATORS,
  explain,
  formatExplain,
  formulas as f,
  indicatorCoverage,
  indicatorDefinitionSchema,
  loadFactors,
  parseCellRef,
  STUDY_VARIABLES,
} from '../../indicators';
import { FACTORS_DIR } from '../../indicators/factors';

const factors = loadFactors(DEFAULT_INDICATORS.factors);
const rawCoal = factors.fuels.fuels.raw_coal;
const gas = factors.fuels.fuels.natural_gas;

describe('formulas added for issue 6, by hand', () => {
  it('CO2 of a fuel: E × NCV × CC × O × 44/12', () => {
    // Raw coal, 100 × 10^4 t = 10^9 kg; × 20,908 kJ/kg = 2.0908e13 kJ = 2.0908e7 GJ;
    // × 25.8 kg C/GJ = 5.394264e8 kg C; × 44/12 = 1.9778968e9 kg CO2 = 1.9778968 Mt.
    expect(f.fuelCo2(100, rawCoal, 1)).toBeCloseTo(1.9778968, 10);
    // Gas, 10 × 10^8 m3 = 10^9 m3; × 38,931 kJ/m3 = 3.8931e7 GJ; × 15.3 = 5.956443e8 kg C;
    // × 44/12 = 2.1840291e9 kg = 2.1840291 Mt; with the CEADs oxidation 0.99: 2.162188809 Mt.
    expect(f.fuelCo2(10, gas, 1)).toBeCloseTo(2.1840291, 10);
    expect(f.fuelCo2(10, gas, gas.oxidation.ceads)).toBeCloseTo(2.162188809, 9);
  });

  it('standard coal: 100 × 10^4 t raw coal × 0.7143 = 71.43 × 10^4 tce; 10 × 10^8 m3 gas × 1.33 kgce = 133 × 10^4 tce', () => {
    expect(f.fuelStandardCoal(100, rawCoal)).toBeCloseTo(71.43, 10);
    expect(f.fuelStandardCoal(10, gas)).toBeCloseTo(133, 10);
  });

  it('OPEN from USD: 10,000 million USD × 6.5 = 6.5e10 CNY over 13,000 亿元 = 1.3e12 CNY = 0.05', () => {
    expect(f.opennessUsd(10000, 6.5, 13000)).toBeCloseTo(0.05, 14);
    expect(f.coalShare(300, 1200)).toBe(0.25);
    expect(f.industrialStructure(600, 400)).toBe(1.5);
  });

  it('deflator chain: 105 then 110 → 1.05 × 1.10 = 1.155', () => {
    const idx = new Map([
      [2012, 105],
      [2013, 110],
    ]);
    expect(f.chainedDeflator(idx, 2011, 2011)).toBe(1);
    expect(f.chainedDeflator(idx, 2011, 2013)).toBeCloseTo(1.155, 12);
    expect(f.chainedDeflator(idx, 2011, 2014)).toBeUndefined();
  });

  it('perpetual inventory: I = 100, 110, 121, 133.1, δ = 0.1, g over 3 years', () => {
    // g = mean(0.1, 0.1, 0.1) = 0.1; K0 = 100 / (0.1 + 0.1) = 500;
    // K1 = 0.9 × 500 + 110 = 560; K2 = 0.9 × 560 + 121 = 625; K3 = 0.9 × 625 + 133.1 = 695.6.
    const pim = f.perpetualInventory([100, 110, 121, 133.1], 0.1, 3)!;
    expect(pim.growth).toBeCloseTo(0.1, 12);
    pim.stock.forEach((k, i) => expect(k).toBeCloseTo([500, 560, 625, 695.6][i], 9));
    expect(f.perpetualInventory([100, 110], 0.1, 3)).toBeUndefined();
  });

  it('production function: within estimator agrees with R plm', () => {
    // R: plm(lnY ~ lnK + lnL, index = c("p","t"), model = "within") on the data below gives
    // lnK 0.714285714285714, lnL 0.359605911330049.
    const lnY = [1.0, 1.3, 1.5, 1.9, 2.0, 2.2, 2.7, 2.9, 0.5, 0.9, 1.0, 1.6];
    const lnK = [2.0, 2.4, 2.5, 3.1, 3.0, 3.1, 3.8, 3.9, 1.0, 1.6, 1.7, 2.5];
    const lnL = [0.5, 0.6, 0.8, 0.8, 1.0, 1.2, 1.1, 1.3, 0.2, 0.3, 0.5, 0.6];
    const obs = lnY.map((y, i) => ({ province: 'ABC'[Math.floor(i / 4)], lnY: y, lnK: lnK[i], lnL: lnL[i] }));
    const pf = f.productionFunction(obs)!;
    expect(pf.alpha).toBeCloseTo(0.714285714285714, 12);
    expect(pf.beta).toBeCloseTo(0.359605911330049, 12);
    // ln K a province constant: nothing within provinces to identify α.
    expect(f.productionFunction(obs.map((o) => ({ ...o, lnK: o.province.charCodeAt(0) })))).toBeUndefined();
  });

  it('FRD: two provinces, Y = 60/40, K = 50/50, L = 30/70', () => {
    // s = 0.6, 0.4. P1: γK = 0.5/0.6, τK = 1.2 − 1 = 0.2; γL = 0.3/0.6 = 0.5, τL = 1; FRD = 0.6.
    // P2: γK = 0.5/0.4 = 1.25, τK = −0.2; γL = 0.7/0.4 = 1.75, τL = 4/7 − 1 = −3/7; FRD = (0.2 + 3/7)/2 = 11/35.
    const [a, b] = f.factorMisallocation([
      { Y: 60, K: 50, L: 30 },
      { Y: 40, K: 50, L: 70 },
    ]);
    expect(a.tauK).toBeCloseTo(0.2, 12);
    expect(a.tauL).toBeCloseTo(1, 12);
    expect(a.frd).toBeCloseTo(0.6, 12);
    expect(b.tauL).toBeCloseTo(-3 / 7, 12);
    expect(b.frd).toBeCloseTo(11 / 35, 12);
  });

  it('RE: Y 100 → 110, K 200 → 210, L 50 → 51, CI 2 → 1.8, α = 0.4, β = 0.5', () => {
    // g_Y = 0.1, g_K = 0.05, g_L = 0.02; g_A = 0.1 − 0.4·0.05 − 0.5·0.02 = 0.07; δ = 0.7;
    // S = (2 − 1.8)·110 = 22; R = 0.7·(110 − 100)·1.8 = 12.6; RE = 12.6/22 = 0.5727…
    const prev = { Y: 100, K: 200, L: 50, CI: 2 };
    const re = f.reboundEffect(prev, { Y: 110, K: 210, L: 51, CI: 1.8 }, 0.4, 0.5);
    expect('value' in re && re.value).toBeCloseTo(12.6 / 22, 12);
    // CI rising to 2.1: S = (2 − 2.1)·110 = −11 ≤ 0, so RE is undefined and says why.
    expect(f.reboundEffect(prev, { Y: 110, K: 210, L: 51, CI: 2.1 }, 0.4, 0.5)).toEqual({
      reason: 'carbon intensity did not fall (S = -11.00 ≤ 0): RE is undefined',
    });
  });

  it('ROBOT: shares 0.25 and 0.75, robots per 10k workers 1000/500 = 2 and 300/100 = 3 → 0.5 + 2.25 = 2.75', () => {
    expect(
      f.robotExposure([
        { share: 0.25, robots: 1000, nationalWorkers: 500 },
        { share: 0.75, robots: 300, nationalWorkers: 100 },
      ]),
    ).toBeCloseTo(2.75, 12);
  });
});

const ob = (variable: string, province: string, year: number, value: number): Observation => ({
  province,
  year,
  variable,
  value,
  unit: declaredUnit(variable) ?? 'x',
  method: 'observed',
  source: { file: `${variable}.csv`, sha256: 'abc', cell: `${province} ${year}` },
});

describe('computeIndicators on a hand panel', () => {
  const years = [2011, 2012, 2013, 2014, 2015, 2016];
  const observations: Observation[] = [];
  for (const [p, scale] of [
    ['BJ', 1],
    ['TJ', 2],
  ] as const) {
    years.forEach((y, i) => {
      // Investment grows 10 % a year at constant prices: 10, 11, 12.1, … (× scale).
      observations.push(ob('gfcf', p, y, scale * 10 * 1.1 ** i));
      if (i > 0) observations.push(ob('fai_price_index', p, y, 100));
      observations.push(ob('gdp_index', p, y, 100 + 5 * scale));
      observations.push(ob('employment_urban_units', p, y, scale * 100 + 10 * i * i));
      observations.push(ob('co2_inventory', p, y, scale * (100 - 2 * i)));
    });
    observations.push(ob('gdp', p, 2011, scale * 1000));
  }
  observations.push(ob('coal_total', 'BJ', 2011, 300), ob('energy_total', 'BJ', 2011, 1200));
  observations.push(ob('coal_share_final', 'TJ', 2011, 0.4));
  observations.push(ob('trade_usd', 'BJ', 2011, 10000), ob('cny_per_usd', 'CN', 2011, 6.5));
  observations.push(ob('trade_cny', 'TJ', 2011, 500));
  for (const fuel of [
    'raw_coal',
    'coke',
    'crude_oil',
    'gasoline',
    'kerosene',
    'diesel',
    'fuel_oil',
    'natural_gas',
  ])
    observations.push(ob(`fuel_${fuel}`, 'BJ', 2011, fuel === 'raw_coal' ? 100 : 0));
  const panel = assemble(observations, { years: [2011, 2016], interpolation: 'linear' });
  const definition = indicatorDefinitionSchema.parse({ capital: { depreciation: 0.1 } });
  const table = computeIndicators(panel, definition);
  const cell = (v: string, p: string, y: number) => table.cells[`${v}|${p}/${y}`];

  it('shows the inventory and CO2 from fuels side by side; the order decides which is CO2', () => {
    expect(cell('CO2', 'BJ', 2011)).toMatchObject({ value: 100, inputs: ['co2_inventory|BJ/2011'] });
    expect(cell('CO2_FUEL', 'BJ', 2011).value).toBeCloseTo(1.9778968, 10); // raw coal 100 × 10^4 t, as above
    const fuelsFirst = computeIndicators(
      panel,
      indicatorDefinitionSchema.parse({ co2: { order: ['fuels', 'inventory'] } }),
    );
    expect(fuelsFirst.cells['CO2|BJ/2011']).toMatchObject({ inputs: ['CO2_FUEL|BJ/2011'] });
    expect(fuelsFirst.cells['CO2|BJ/2011'].value).toBeCloseTo(1.9778968, 10);
    // TJ has no fuel data: CO2_FUEL is missing with the reason, CO2 falls back to the inventory.
    expect(fuelsFirst.cells['CO2_FUEL|TJ/2011'].reason).toBe('no fuel consumption (fuel_<fuel>) for TJ 2011');
    expect(fuelsFirst.cells['CO2|TJ/2011'].value).toBe(200);
  });

  it('ECS and OPEN take the first definition that the data support, and say which', () => {
    expect(cell('ECS', 'BJ', 2011)).toMatchObject({ value: 0.25, formula: 'coal_total / energy_total' });
    expect(cell('ECS', 'TJ', 2011)).toMatchObject({ value: 0.4, formula: 'coal_share_final (proxy)' });
    // BJ: 10,000 million USD × 6.5 / (1,000 亿元 × 100) = 0.65. TJ: 500 / 2,000 = 0.25 (CNY).
    expect(cell('OPEN', 'BJ', 2011).value).toBeCloseTo(0.65, 12);
    expect(cell('OPEN', 'BJ', 2011).inputs).toEqual([
      'trade_usd|BJ/2011',
      'cny_per_usd|CN/2011',
      'gdp|BJ/2011',
    ]);
    expect(cell('OPEN', 'TJ', 2011)).toMatchObject({ value: 0.25, formula: 'trade_cny / gdp' });
    expect(cell('OPEN', 'BJ', 2012).reason).toBe(
      'trade_usd × cny_per_usd / (gdp × 100): missing trade_usd, cny_per_usd (CN), gdp; trade_cny / gdp: missing trade_cny, gdp (BJ 2012)',
    );
  });

  it('capital stock by perpetual inventory, with the investment cells behind it', () => {
    // BJ: g = 0.1 (five growth rates of 10 %), δ = 0.1 → K2011 = 10/0.2 = 50; K2012 = 0.9 × 50 + 11 = 56.
    expect(cell('K', 'BJ', 2011).value).toBeCloseTo(50, 10);
    expect(cell('K', 'BJ', 2012).value).toBeCloseTo(56, 10);
    expect(cell('K', 'BJ', 2012).inputs).toContain('gfcf|BJ/2016'); // the initial stock uses 2011–2016
    expect(cell('K', 'SH', 2012).reason).toBe('missing gfcf for 2011 (SH)');
  });

  it('FRD over the provinces with data; RE from the estimated production function, first year lost', () => {
    const y = 2013;
    const units = ['BJ', 'TJ'].map((p) => ({
      Y: cell('RGDP', p, y).value!,
      K: cell('K', p, y).value!,
      L: 100 * (p === 'BJ' ? 1 : 2) + 10 * 2 * 2,
    }));
    expect(cell('FRD', 'TJ', y).value).toBeCloseTo(f.factorMisallocation(units)[1].frd, 12);
    expect(cell('FRD', 'SH', y).reason).toBe('missing RGDP, K, employment_urban_units for SH 2013');

    const pf = table.parameters.productionFunction;
    if (!('alpha' in pf)) throw new Error(pf.reason);
    expect(pf.n).toBe(12);
    expect(cell('RE', 'BJ', 2011).reason).toBe('first year lost (growth needs 2010) for BJ');
    const at = (yy: number) => ({
      Y: cell('RGDP', 'BJ', yy).value!,
      K: cell('K', 'BJ', yy).value!,
      L: 100 + 10 * (yy - 2011) ** 2,
      CI: cell('CI', 'BJ', yy).value!,
    });
    const re = f.reboundEffect(at(2012), at(2013), pf.alpha, pf.beta);
    expect(cell('RE', 'BJ', 2013).value).toBeCloseTo((re as { value: number }).value, 12);
  });

  it('every missing cell has a reason, and rows carry province, year, region and every variable', () => {
    for (const [key, c] of Object.entries(table.cells))
      if (c.value === null) expect(c.reason, key).toBeTruthy();
    expect(table.rows).toHaveLength(30 * 6);
    expect(Object.keys(table.rows[0])).toEqual(['province', 'year', 'region', ...table.variables]);
    expect(table.rows[0]).toMatchObject({ province: 'BJ', year: 2011, region: 'East' });
  });

  it('explain walks CI down to the source cells', () => {
    const chain = explain(table, panel, { variable: 'CI', province: 'BJ', year: 2012 });
    expect(chain).toMatchObject({ ref: 'CI|BJ/2012', kind: 'indicator' });
    expect(chain.inputs.map((n) => n.ref)).toEqual(['CO2|BJ/2012', 'RGDP|BJ/2012']);
    const leaves = (n: typeof chain): string[] =>
      n.kind === 'assembled' ? n.sources!.map((s) => `${s.file}!${s.cell}`) : n.inputs.flatMap(leaves);
    expect(leaves(chain)).toEqual(['co2_inventory.csv!BJ 2012', 'gdp.csv!BJ 2011', 'gdp_index.csv!BJ 2012']);
    expect(formatExplain(chain)[0]).toBe(
      `CI|BJ/2012 = ${cell('CI', 'BJ', 2012).value} [computed]  CO2 × 10^6 / (RGDP × 10^4)`,
    );
    expect(() => explain(table, panel, { variable: 'CI', province: 'BJ', year: 2030 })).toThrow(
      'no value CI|BJ/2030 in this run',
    );
  });
});

describe('definition and factor tables', () => {
  it('the schema names the path of a bad choice', () => {
    const r = indicatorDefinitionSchema.safeParse({ co2: { order: ['coal'] } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['co2', 'order', 0]);
  });

  it('a bad factor table is reported by file and key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'factors-'));
    const table = JSON.parse(readFileSync(join(FACTORS_DIR, 'fuels-v1.json'), 'utf8'));
    table.fuels.coke.cc = -29.2;
    writeFileSync(join(dir, 'fuels.json'), JSON.stringify(table));
    expect(() => loadFactors({ fuels: join(dir, 'fuels.json'), capital: 'capital-v1.json' })).toThrow(
      `${join(dir, 'fuels.json')}: fuels.coke.cc: Too small`,
    );
  });

  it('the shipped tables carry a source for every kind of constant', () => {
    expect(Object.keys(factors.fuels.sources)).toEqual([
      'ncv',
      'cc',
      'standardCoal',
      'oxidation.ipcc',
      'oxidation.ceads',
    ]);
    expect(factors.capital.depreciation).toBe(0.096);
  });
});

describe('values computed from filled cells are flagged', () => {
  it('OPEN from an interpolated trade value names that cell, and so does nothing observed', () => {
    // trade_cny observed 2011 (100) and 2013 (300): 2012 interpolated = 200; GDP 1,000 each year.
    const panel = assemble(
      [
        ob('trade_cny', 'GD', 2011, 100),
        ob('trade_cny', 'GD', 2013, 300),
        ...[2011, 2012, 2013].map((y) => ob('gdp', 'GD', y, 1000)),
      ],
      { years: [2011, 2013], interpolation: 'linear' },
    );
    const table = computeIndicators(panel, DEFAULT_INDICATORS);
    expect(table.cells['OPEN|GD/2012']).toMatchObject({ value: 0.2, filledInputs: ['trade_cny|GD/2012'] });
    expect(table.cells['OPEN|GD/2011'].value).toBe(0.1);
    expect(table.cells['OPEN|GD/2011'].filledInputs).toBeUndefined();
  });
});

describe('ECS from raw-coal consumption and the indicator coverage', () => {
  it('raw coal 100 × 10^4 t × 0.7143 = 71.43 × 10^4 tce over 142.86 → 0.5; coverage counts and reasons', () => {
    const panel = assemble([ob('fuel_raw_coal', 'SX', 2019, 100), ob('energy_total', 'SX', 2019, 142.86)], {
      years: [2019, 2019],
      interpolation: 'none',
    });
    const table = computeIndicators(panel, DEFAULT_INDICATORS);
    expect(table.cells['ECS|SX/2019'].value).toBeCloseTo(0.5, 12);
    expect(table.cells['ECS|SX/2019'].inputs).toEqual(['fuel_raw_coal|SX/2019', 'energy_total|SX/2019']);
    const ecs = indicatorCoverage(table).find((c) => c.variable === 'ECS')!;
    // 30 provinces × 1 year: SX computed, 29 missing, each with its reason.
    expect(ecs).toMatchObject({ computed: 1, extrapolated: 0, fromFilled: 0, missing: 29 });
    expect(ecs.missingCells.find((m) => m.cell === 'BJ/2019')!.reason).toBe(
      'coal_total / energy_total: missing coal_total, energy_total; fuel_raw_coal × 0.7143 kgce/kg / energy_total: missing fuel_raw_coal, energy_total; coal_share_final (proxy): missing coal_share_final (BJ 2019)',
    );
  });
});

describe('the catalogue', () => {
  it('declares each study variable once, in the order of the table’s columns, saying what it measures', () => {
    expect(new Set(STUDY_VARIABLES).size).toBe(CATALOGUE.length);
    expect(CATALOGUE.map((d) => d.name)).toEqual(STUDY_VARIABLES);
    for (const d of CATALOGUE) expect(d.about.length, d.name).toBeGreaterThan(10);
  });

  it('a cell reference is one format, read back by parseCellRef', () => {
    expect(cellRef('CI', 'BJ', 2012)).toBe('CI|BJ/2012');
    expect(parseCellRef('co2_inventory|CN/2019')).toEqual({
      variable: 'co2_inventory',
      cell: 'CN/2019',
      province: 'CN',
      year: 2019,
    });
  });
});
