import { describe, expect, it } from 'vitest';
import { assemble, linearInterpolate } from '../../assembly';
import { fromCellRows, toCellRows } from '../../assembly/cells';
import type { Observation } from '../../ingest/observation';

const obs = (file: string, province: string, year: number, value: number, variable = 'gdp'): Observation => ({
  province,
  year,
  variable,
  value,
  unit: '100 million CNY',
  method: 'observed',
  source: { file, sha256: file, cell: `A${year - 2000}` },
});

describe('linearInterpolate', () => {
  it('fills gaps between observations and never past the ends', () => {
    // observed 2012 = 10, 2015 = 16: 2013 = 10 + (1/3)(6) = 12, 2014 = 10 + (2/3)(6) = 14.
    const filled = linearInterpolate(
      [
        { year: 2012, value: 10 },
        { year: 2015, value: 16 },
        { year: 2017, value: 20 },
      ],
      [2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018],
    );
    expect(filled).toEqual([
      { year: 2013, value: 12, from: [2012, 2015] },
      { year: 2014, value: 14, from: [2012, 2015] },
      { year: 2016, value: 18, from: [2015, 2017] },
    ]);
  });
});

describe('assemble', () => {
  const observations = [
    obs('a.csv', 'BJ', 2011, 100),
    obs('a.csv', 'BJ', 2013, 120),
    obs('b.csv', 'BJ', 2011, 101),
    obs('b.csv', 'TJ', 2011, 50),
  ];

  it('flags interpolated cells with the cells they lie between, and reports coverage', () => {
    const panel = assemble(observations, { years: [2011, 2013], interpolation: 'linear' });
    const bj2012 = panel.variables.gdp.cells['BJ/2012'];
    expect(bj2012.value).toBe(110);
    expect(bj2012.method).toBe('interpolated');
    expect(bj2012.sources.map((s) => s.cell)).toEqual(['A11', 'A13']);
    const gdp = panel.coverage.find((c) => c.variable === 'gdp')!;
    // 30 provinces × 3 years = 90 cells: BJ 2011 and 2013 and TJ 2011 observed, BJ 2012 filled.
    expect(gdp).toMatchObject({ observed: 3, interpolated: 1, missing: 86 });
    expect(gdp.missingCells).toContain('TJ/2012');
  });

  it('resolves disagreeing sources by declared priority and reports the conflict', () => {
    const byArrival = assemble(observations, { years: [2011, 2013], interpolation: 'none' });
    expect(byArrival.variables.gdp.cells['BJ/2011'].value).toBe(100);
    const byPriority = assemble(observations, {
      years: [2011, 2013],
      interpolation: 'none',
      priority: ['b.csv'],
    });
    expect(byPriority.variables.gdp.cells['BJ/2011'].value).toBe(101);
    expect(byPriority.conflicts).toEqual([
      {
        variable: 'gdp',
        province: 'BJ',
        year: 2011,
        kept: { value: 101, file: 'b.csv', at: 'b.csv!A11' },
        discarded: [{ value: 100, file: 'a.csv', at: 'a.csv!A11' }],
        reason: 'assembly.priority ranks b.csv first',
      },
    ]);
  });

  it('without priority, the manifest order decides, whatever order the observations arrive in', () => {
    const reversed = [...observations].reverse();
    for (const arriving of [observations, reversed]) {
      const panel = assemble(arriving, {
        years: [2011, 2013],
        interpolation: 'none',
        order: ['b.csv', 'a.csv'],
      });
      expect(panel.variables.gdp.cells['BJ/2011'].value).toBe(101);
      expect(panel.conflicts[0].reason).toBe(
        'b.csv comes before a.csv in the manifest (assembly.priority names neither)',
      );
    }
    // The priority list comes before the manifest order.
    const ranked = assemble(reversed, {
      years: [2011, 2013],
      interpolation: 'none',
      order: ['b.csv', 'a.csv'],
      priority: ['a.csv'],
    });
    expect(ranked.variables.gdp.cells['BJ/2011'].value).toBe(100);
  });

  it('converts a declared unit to the canonical one and records the conversion', () => {
    // 25,000 万元 = 25,000 × 10^4 CNY = 2.5 × 10^8 CNY = 2.5 亿元.
    const mixed = [obs('a.csv', 'BJ', 2011, 1), { ...obs('c.csv', 'TJ', 2011, 25000), unit: '万元' }];
    const panel = assemble(mixed, { years: [2011, 2011], interpolation: 'none' });
    expect(panel.variables.gdp.unit).toBe('100 million CNY');
    expect(panel.variables.gdp.cells['TJ/2011']).toMatchObject({
      value: 2.5,
      converted: { from: '万元', factor: 1e-4 },
    });
  });

  it('refuses one undeclared variable in two units, naming both cells', () => {
    const mixed = [
      { ...obs('a.csv', 'BJ', 2011, 1), variable: 'my_index', unit: 'points' },
      { ...obs('c.csv', 'TJ', 2011, 1), variable: 'my_index', unit: 'percent' },
    ];
    expect(() => assemble(mixed, { years: [2011, 2011], interpolation: 'none' })).toThrow(
      'c.csv!A11: my_index in "percent" but a.csv!A11 gives it in "points"',
    );
  });

  it('round-trips through the stored row form', () => {
    const panel = assemble(observations, { years: [2011, 2013], interpolation: 'linear' });
    const { rows, frame } = toCellRows(panel);
    expect(fromCellRows(JSON.parse(JSON.stringify(rows)), JSON.parse(JSON.stringify(frame)))).toEqual(panel);
  });
});
