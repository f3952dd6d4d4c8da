/**
 * The study's fill rules (assembly/fill.ts), by hand on one province: growth past the last observation
 * and before the first, a substitute in the same unit, a trend at the start; every filled cell flagged
 * with its method, the rule in words and the cells it was computed from.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../assembly';
import type { Observation } from '../../ingest/observation';

const o = (variable: string, year: number, value: number, unit: string): Observation => ({
  province: 'GD',
  year,
  variable,
  value,
  unit,
  method: 'observed',
  source: { file: `${variable}.csv`, sha256: 'h', cell: `line ${year - 2000}` },
});

const observations = [
  // GFCF observed 2012–2013; investment growth 5 % in 2011 … 2015 (10 %, −20 %).
  o('gfcf', 2012, 100, '100 million CNY'),
  o('gfcf', 2013, 110, '100 million CNY'),
  o('fai_growth', 2012, 0.25, 'growth rate'),
  o('fai_growth', 2014, 0.1, 'growth rate'),
  o('fai_growth', 2015, -0.2, 'growth rate'),
  // The FAI price index to 2013, the retail price index every year.
  o('fai_price_index', 2012, 103, 'previous year = 100'),
  o('fai_price_index', 2013, 102, 'previous year = 100'),
  ...[2011, 2012, 2013, 2014, 2015].map((y) =>
    o('retail_price_index', y, 100 + y - 2010, 'previous year = 100'),
  ),
  // Tertiary VA from 2013: 2011 and 2012 continue the line through 2013 (50) and 2014 (56).
  o('tertiary_va', 2013, 50, '100 million CNY'),
  o('tertiary_va', 2014, 56, '100 million CNY'),
];

describe('fill rules of the study', () => {
  const panel = assemble(observations, {
    years: [2011, 2015],
    interpolation: 'linear',
    fill: [
      { variable: 'gfcf', rule: 'growth', by: 'fai_growth' },
      { variable: 'fai_price_index', rule: 'substitute', by: 'retail_price_index', years: [2014, 2015] },
      { variable: 'tertiary_va', rule: 'trend' },
    ],
  });
  const cell = (v: string, y: number) => panel.variables[v].cells[`GD/${y}`];
  const cov = (v: string) => panel.coverage.find((c) => c.variable === v)!;

  it('growth: 2014 = 110 × 1.1 = 121, 2015 = 121 × 0.8 = 96.8; 2011 = 100 / 1.25 = 80', () => {
    expect(cell('gfcf', 2014)).toMatchObject({
      method: 'extrapolated',
      rule: 'gfcf 2013 × (1 + fai_growth 2014)',
      sources: [{ file: 'gfcf.csv' }, { file: 'fai_growth.csv', cell: 'line 14' }],
    });
    expect(cell('gfcf', 2014).value).toBeCloseTo(121, 12);
    expect(cell('gfcf', 2015).value).toBeCloseTo(96.8, 12);
    expect(cell('gfcf', 2015).sources.map((s) => s.cell)).toEqual(['line 13', 'line 14', 'line 15']);
    expect(cell('gfcf', 2011)).toMatchObject({ value: 80, rule: 'gfcf 2012 / (1 + fai_growth 2012)' });
    expect(cov('gfcf')).toMatchObject({ observed: 2, extrapolated: 3, missing: 29 * 5 }); // the other provinces
  });

  it('substitute: the retail price index in 2014–2015 only, counted as substituted', () => {
    expect(cell('fai_price_index', 2014)).toMatchObject({
      value: 104,
      method: 'substituted',
      rule: 'retail_price_index 2014',
      sources: [{ file: 'retail_price_index.csv', cell: 'line 14' }],
    });
    expect(cell('fai_price_index', 2011)).toBeUndefined(); // outside the rule's years
    expect(cov('fai_price_index')).toMatchObject({
      observed: 2,
      substituted: 2,
      substitutedCells: ['GD/2014', 'GD/2015'],
      extrapolated: 0,
    });
  });

  it('trend: 2012 = 50 − 6 = 44, 2011 = 50 − 12 = 38, from the 2013 and 2014 cells', () => {
    expect(cell('tertiary_va', 2012)).toMatchObject({
      value: 44,
      method: 'extrapolated',
      rule: 'linear trend through tertiary_va 2013 and 2014',
    });
    expect(cell('tertiary_va', 2011).value).toBe(38);
    expect(cell('tertiary_va', 2011).sources.map((s) => s.cell)).toEqual(['line 13', 'line 14']);
  });

  it('refuses a substitute in another unit and a growth rate that is not one, naming the rule', () => {
    const base = { years: [2011, 2015] as [number, number], interpolation: 'linear' as const };
    expect(() =>
      assemble(observations, {
        ...base,
        fill: [{ variable: 'fai_price_index', rule: 'substitute', by: 'gfcf' }],
      }),
    ).toThrow(
      'study assembly.fill[0]: gfcf is in "100 million CNY", fai_price_index in "previous year = 100"; a substitute must share the unit',
    );
    expect(() =>
      assemble(observations, { ...base, fill: [{ variable: 'gfcf', rule: 'growth', by: 'tertiary_va' }] }),
    ).toThrow('study assembly.fill[0]: tertiary_va is in "100 million CNY"; growth must be a "growth rate"');
  });
});
