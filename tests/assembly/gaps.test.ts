import { describe, expect, it } from 'vitest';
import { assemble, extrapolate, interpolate } from '../../assembly';
import type { Observation } from '../../ingest/observation';

// One series, 2011–2019, observed in 2013 (10), 2014 (12) and 2017 (24): gaps at both ends and in the middle.
const points = [
  { year: 2013, value: 10 },
  { year: 2014, value: 12 },
  { year: 2017, value: 24 },
];
const years = [2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019];

describe('gap filling, by hand', () => {
  it('linear: 2015 = 12 + (1/3)(24 − 12) = 16, 2016 = 12 + (2/3)(12) = 20; the ends stay empty', () => {
    expect(interpolate(points, years, 'linear')).toEqual([
      { year: 2015, value: 16, from: [2014, 2017] },
      { year: 2016, value: 20, from: [2014, 2017] },
    ]);
  });

  it('log-linear: constant growth, 24/12 = 2 over 3 years: 2015 = 12 · 2^(1/3), 2016 = 12 · 2^(2/3)', () => {
    const filled = interpolate(points, years, 'log-linear');
    expect(filled.map((f) => f.year)).toEqual([2015, 2016]);
    expect(filled[0].value).toBeCloseTo(12 * 1.2599210498948732, 12);
    expect(filled[1].value).toBeCloseTo(12 * 1.5874010519681994, 12);
  });

  it('extrapolation only when asked: nearest repeats the end; trend continues the end segment', () => {
    expect(extrapolate(points, years, 'none')).toEqual([]);
    expect(extrapolate(points, years, 'nearest')).toEqual([
      { year: 2011, value: 10, from: [2013] },
      { year: 2012, value: 10, from: [2013] },
      { year: 2018, value: 24, from: [2017] },
      { year: 2019, value: 24, from: [2017] },
    ]);
    // Start: slope (12 − 10)/1 = 2 → 2012 = 8, 2011 = 6. End: slope (24 − 12)/3 = 4 → 2018 = 28, 2019 = 32.
    expect(extrapolate(points, years, 'trend')).toEqual([
      { year: 2011, value: 6, from: [2013, 2014] },
      { year: 2012, value: 8, from: [2013, 2014] },
      { year: 2018, value: 28, from: [2014, 2017] },
      { year: 2019, value: 32, from: [2014, 2017] },
    ]);
  });

  it('assemble flags each filled cell, keeps its source cells, and counts coverage by method', () => {
    const observations: Observation[] = points.map((p) => ({
      province: 'HB',
      year: p.year,
      variable: 'energy_total',
      value: p.value,
      unit: '10k tce',
      method: 'observed',
      source: { file: 'energy.xlsx', sha256: 'h', sheet: 'E1', cell: `B${p.year - 2000}` },
    }));
    const plain = assemble(observations, { years: [2011, 2019], interpolation: 'linear' });
    const hb = (y: number) => plain.variables.energy_total.cells[`HB/${y}`];
    expect(hb(2015)).toMatchObject({ value: 16, method: 'interpolated' });
    expect(hb(2015).sources.map((s) => s.cell)).toEqual(['B14', 'B17']);
    expect(hb(2011)).toBeUndefined();
    const row = plain.coverage[0];
    // 30 provinces × 9 years = 270 cells: 3 observed, 2 interpolated, 0 extrapolated, 265 missing.
    expect(row).toMatchObject({
      variable: 'energy_total',
      observed: 3,
      interpolated: 2,
      extrapolated: 0,
      missing: 265,
    });
    expect(row.interpolatedCells).toEqual(['HB/2015', 'HB/2016']);
    expect(row.missingCells).toContain('HB/2011');

    const asked = assemble(observations, {
      years: [2011, 2019],
      interpolation: 'linear',
      extrapolation: 'nearest',
    });
    expect(asked.variables.energy_total.cells['HB/2019']).toMatchObject({
      value: 24,
      method: 'extrapolated',
    });
    expect(asked.coverage[0]).toMatchObject({ observed: 3, interpolated: 2, extrapolated: 4, missing: 261 });
    expect(asked.coverage[0].extrapolatedCells).toEqual(['HB/2011', 'HB/2012', 'HB/2018', 'HB/2019']);
  });
});
