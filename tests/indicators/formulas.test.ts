import { describe, expect, it } from 'vitest';
import { assemble, declaredUnit } from '../../assembly';
import type { Observation } from '../../ingest/observation';
import { computeIndicators, DEFAULT_INDICATORS, formulas as f } from '../../indicators';

describe('indicator formulas, by hand', () => {
  it('real GDP chains the base year with the index', () => {
    // 2011: 1000; 2012 index 110 → 1100; 2013 index 105 → 1155.
    const idx = new Map([
      [2012, 110],
      [2013, 105],
    ]);
    expect(f.realGdpChain(1000, idx, 2011, 2011)).toBe(1000);
    expect(f.realGdpChain(1000, idx, 2011, 2013)).toBeCloseTo(1155, 10);
    expect(f.realGdpChain(1000, idx, 2011, 2014)).toBeUndefined();
  });

  it('carbon intensity is t CO2 per 10,000 CNY', () => {
    // 100 Mt = 1e8 t; 20,000 亿元 = 2e8 ten-thousand CNY → 0.5 t per 10k CNY.
    expect(f.carbonIntensity(100, 20000)).toBe(0.5);
  });

  it('the other formulas', () => {
    expect(f.logOnePlus(Math.E - 1)).toBeCloseTo(1, 12);
    expect(f.energyEfficiency(30000, 15000)).toBe(2); // 10k CNY per tce
    // GDP 20,000 亿元 over 2,000 万人 = 2e12 / 2e7 = 100,000 CNY per person.
    expect(f.economicDevelopment(20000, 2000)).toBeCloseTo(Math.log(100000), 12);
    // 50,000 万元 over 5,000 亿元 (= 5e7 万元) = 0.001.
    expect(f.environmentalRegulation(50000, 5000)).toBe(0.001);
    expect(f.labourForce(Math.exp(6))).toBeCloseTo(6, 12);
    expect(f.openness(5000, 20000)).toBe(0.25);
    // CEADs 2019 = 80 Mt; the other inventory 100 Mt in 2019 and 110 Mt in 2020 → 80 × 1.1 = 88.
    expect(f.co2ByGrowth(80, 100, 110)).toBeCloseTo(88, 12);
    // 2017 → 2019 from 6 to 7: +0.5 a year, so 2021 = 8.
    expect(
      f.trendExtension(
        [
          { year: 2017, value: 6 },
          { year: 2018, value: 6.2 },
          { year: 2019, value: 7 },
        ],
        2021,
      ),
    ).toBe(8);
  });
});

describe('computeIndicators', () => {
  const o = (variable: string, year: number, value: number): Observation => ({
    province: 'BJ',
    year,
    variable,
    value,
    unit: declaredUnit(variable)!,
    method: 'observed',
    source: { file: `${variable}.csv`, sha256: 'h', cell: `line ${year}` },
  });

  it('computes CI with lineage, extends CO2 by growth, and gives reasons for missing cells', () => {
    const panel = assemble(
      [
        o('gdp', 2011, 20000),
        o('gdp_index', 2012, 110),
        o('co2_inventory', 2011, 100),
        o('co2_alternative', 2011, 120),
        o('co2_alternative', 2012, 132),
      ],
      { years: [2011, 2012], interpolation: 'linear' },
    );
    const table = computeIndicators(panel, DEFAULT_INDICATORS);
    const bj = (year: number) => table.rows.find((r) => r.province === 'BJ' && r.year === year)!;
    expect(bj(2011).CI).toBe(0.5); // 100 Mt / 20,000 亿元
    // 2012: CO2 = 100 × 132/120 = 110 Mt; real GDP = 22,000 亿元 → CI = 1.1e8 / 2.2e8 = 0.5.
    expect(bj(2012).CO2).toBeCloseTo(110, 10);
    expect(bj(2012).CI).toBeCloseTo(0.5, 12);
    expect(table.cells['CO2|BJ/2012']).toMatchObject({
      method: 'extrapolated',
      inputs: ['co2_inventory|BJ/2011', 'co2_alternative|BJ/2011', 'co2_alternative|BJ/2012'],
    });
    expect(table.cells['CI|BJ/2012'].inputs).toEqual(['CO2|BJ/2012', 'RGDP|BJ/2012']);
    expect(bj(2011).AIT).toBeNull();
    expect(table.cells['AIT|BJ/2011'].reason).toBe('missing patents_ai for BJ 2011');
  });
});
