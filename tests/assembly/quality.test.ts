import { describe, expect, it } from 'vitest';
import { assemble, checkQuality } from '../../assembly';
import type { Observation } from '../../ingest/observation';

const o = (
  variable: string,
  province: string,
  year: number,
  value: number,
  unit: string,
  cell = 'C7',
): Observation => ({
  province,
  year,
  variable,
  value,
  unit,
  method: 'observed',
  source: { file: 'yearbook.xlsx', sha256: 'h', sheet: 'T1', cell },
});
const panelOf = (obs: Observation[]) => assemble(obs, { years: [2011, 2021], interpolation: 'none' });

describe('impossible values stop the run, naming province, year and source cell', () => {
  it('negative energy', () => {
    expect(() => checkQuality(panelOf([o('energy_total', 'GD', 2019, -5, '10k tce', 'D12')]))).toThrow(
      '1 impossible value in the assembled panel:\nenergy_total = -5 for GD 2019 at yearbook.xlsx!T1!D12: expected ≥ 0',
    );
  });

  it('a share outside [0, 1]', () => {
    expect(() => checkQuality(panelOf([o('coal_share_final', 'SX', 2015, 1.2, 'share', 'F3')]))).toThrow(
      'coal_share_final = 1.2 for SX 2015 at yearbook.xlsx!T1!F3: expected a share in [0, 1]',
    );
  });

  it('a GDP index ≤ 0, and every bad value at once', () => {
    const bad = panelOf([
      o('gdp_index', 'BJ', 2012, 0, 'previous year = 100', 'E5'),
      o('fuel_coke', 'HE', 2013, -1, '10k t', 'G9'),
    ]);
    let message = '';
    try {
      checkQuality(bad);
    } catch (e) {
      message = (e as Error).message;
      expect((e as Error).name).toBe('InputError');
    }
    expect(message).toContain('2 impossible values');
    expect(message).toContain('gdp_index = 0 for BJ 2012 at yearbook.xlsx!T1!E5: expected > 0');
    expect(message).toContain('fuel_coke = -1 for HE 2013 at yearbook.xlsx!T1!G9: expected ≥ 0');
  });
});

describe('outliers and jumps are reported, not dropped', () => {
  // GD energy 2011–2019: 100, 102, …, 116 except 2015 typed ×10 (1080 instead of 108).
  const series = [100, 102, 104, 106, 1080, 110, 112, 114, 116].map((v, i) =>
    o('energy_total', 'GD', 2011 + i, v, '10k tce', `B${i + 2}`),
  );

  it('flags the typo by its robust z-score and the jumps into and out of it', () => {
    const panel = panelOf(series);
    const report = checkQuality(panel);
    // Sorted: 100 102 104 106 110 112 114 116 1080 → median 110; absolute deviations
    // 10 8 6 4 970 0 2 4 6 → sorted 0 2 4 4 6 6 8 10 970 → MAD = 6;
    // z(1080) = 0.6745 × (1080 − 110) / 6 = 109.044. The others stay within |z| ≤ 0.6745 × 10/6 = 1.12.
    expect(report.outliers).toHaveLength(1);
    expect(report.outliers[0]).toMatchObject({
      province: 'GD',
      year: 2015,
      value: 1080,
      at: 'yearbook.xlsx!T1!B6',
    });
    expect(report.outliers[0].score).toBeCloseTo((0.6745 * 970) / 6, 10);
    // Jumps: 1080/106 − 1 = 9.1887 in 2015, 110/1080 − 1 = −0.8981 in 2016.
    expect(report.jumps.map((j) => [j.year, Number(j.score.toFixed(4))])).toEqual([
      [2015, 9.1887],
      [2016, -0.8981],
    ]);
    // Reported, not dropped.
    expect(panel.variables.energy_total.cells['GD/2015'].value).toBe(1080);
  });
});
