import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../common/config';
import { toDense } from '../../econometrics/spatial/weights';
import { buildStudyWeights, loadStudy } from '../../study';
import { provinces } from '../../regions/provinces';

const study = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
const rowSums = (m: number[][]) => m.map((r) => r.reduce((a, b) => a + b, 0));

describe("the study's weight matrices", () => {
  it('W1 contiguity: 30 provinces, Hainan linked to Guangdong only, rows sum to 1', () => {
    const w = buildStudyWeights(study, 'W1');
    const d = toDense(w);
    expect(w.n).toBe(30);
    const hi = w.ids.indexOf('HI');
    expect(d[hi][w.ids.indexOf('GD')]).toBe(1);
    for (const s of rowSums(d)) expect(s).toBeCloseTo(1, 12);
  });

  it('W3 inverse distance: Beijing weighs Tianjin (≈110 km) more than Urumqi (≈2,400 km)', () => {
    const w = buildStudyWeights(study, 'W3');
    const d = toDense(w);
    const bj = w.ids.indexOf('BJ');
    expect(d[bj][w.ids.indexOf('TJ')]).toBeGreaterThan(15 * d[bj][w.ids.indexOf('XJ')]);
    for (const s of rowSums(d)) expect(s).toBeCloseTo(1, 12);
  });

  it('W2 economic distance from the province means of GDP per capita = exp(ED) over the study years', () => {
    // GDP per capita = province index + year offset: the means differ by the index, so w_ij ∝ 1/|i − j|.
    const codes = provinces().map((p) => p.code);
    const rows = codes.flatMap((p, i) =>
      [2011, 2021, 2030].map((year) => ({
        province: p,
        year,
        ED: Math.log(i + 1 + (year === 2030 ? 1000 : year - 2011)),
      })),
    );
    const d = toDense(buildStudyWeights(study, 'W2', rows));
    // Row 0: weights 1/j for j = 1..29, normalised; 2030 lies outside the study years and is ignored.
    const harmonic = Array.from({ length: 29 }, (_, j) => 1 / (j + 1)).reduce((a, b) => a + b, 0);
    expect(d[0][1]).toBeCloseTo(1 / harmonic, 12);
    expect(d[0][2]).toBeCloseTo(0.5 / harmonic, 12);
  });

  it('names what is missing', () => {
    expect(() => buildStudyWeights(study, 'W9')).toThrow(
      'weights.W9: not declared in the study (weights: W1, W2, W3)',
    );
    expect(() => buildStudyWeights(study, 'W2', [{ province: 'BJ', year: 2011, ED: 1 }])).toThrow(
      /weights\.W2: economic distance needs "ED" in the panel for every province; none for TJ, HE/,
    );
  });
});
