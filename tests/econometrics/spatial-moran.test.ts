import { describe, expect, it } from 'vitest';
import { localMoran, moranByTime, moranI } from '../../econometrics/spatial/moran';
import { inverseDistanceWeights, weightsFromDense } from '../../econometrics/spatial/weights';
import { provinceContiguity } from '../../study/weights';
import { provinces } from '../../regions/provinces';
import { expectClose, fixtureRows, spatialGolden } from './spatial-golden';

const golden = spatialGolden();
const rows = fixtureRows('spatial_provinces');
const entities = rows.map((r) => r.province);
const times = rows.map((r) => Number(r.year));
const y = rows.map((r) => Number(r.y));
const wCont = provinceContiguity();

function yearValues(t: number): number[] {
  return wCont.ids.map((id) => y[rows.findIndex((r) => r.province === id && Number(r.year) === t)]);
}

function expectMoran(
  row: { I: number; expected: number; variance: number; z: number; p_value: number },
  ref: typeof row,
  what: string,
) {
  for (const k of ['I', 'expected', 'variance', 'z', 'p_value'] as const)
    expectClose(row[k], ref[k], 1e-6, `${what} ${k}`);
}

describe("Moran's I against spdep", () => {
  it('per year and pooled under contiguity (randomisation), each year under normality', () => {
    const out = moranByTime(wCont, entities, times, y, { pooled: true });
    golden.years.forEach((t, b) => {
      expect(out[b].time).toBe(t);
      expectMoran(out[b], golden.moran_cont[b], `contiguity ${t}`);
      expectMoran(
        moranI(wCont, yearValues(t), t, { randomisation: false }),
        golden.moran_cont_normality[b],
        `normality ${t}`,
      );
    });
    expect(out.at(-1)!.time).toBe('pooled');
    expectMoran(out.at(-1)!, golden.moran_pooled, 'pooled');
  });

  it('per year under inverse distance (a dense, asymmetric row-standardised W)', () => {
    const wDist = inverseDistanceWeights(provinces().map((p) => ({ id: p.code, lat: p.lat, lon: p.lon })));
    const out = moranByTime(wDist, entities, times, y, { pooled: false });
    golden.years.forEach((t, b) => expectMoran(out[b], golden.moran_dist[b], `distance ${t}`));
  });

  it('permutation p-value is reproducible under a seed and within Monte-Carlo error of moran.mc', () => {
    const x = yearValues(golden.years[0]);
    const a = moranI(wCont, x, golden.years[0], { permutations: 9999, seed: 42 });
    const b = moranI(wCont, x, golden.years[0], { permutations: 9999, seed: 42 });
    expect(a.p_permutation).toBe(b.p_permutation);
    const ref = golden.moran_mc_first_year.p_value;
    // Binomial SE of a permutation p near 0.05 with 9,999 draws is about 0.0022; allow 4 SE.
    const se = Math.sqrt((ref * (1 - ref)) / 9999);
    expect(Math.abs(a.p_permutation! - ref)).toBeLessThan(4 * se);
  });

  it('hand calculation: path a–b–c–d with x = (1, 2, 3, 4)', () => {
    const w = weightsFromDense(
      ['a', 'b', 'c', 'd'],
      [
        [0, 1, 0, 0],
        [1, 0, 1, 0],
        [0, 1, 0, 1],
        [0, 0, 1, 0],
      ],
      'path',
    );
    // Row-standardised rows: a→b, b→½(a+c), c→½(b+d), d→c. z = (−1.5, −.5, .5, 1.5);
    // Wz = (−.5, −.5, .5, .5); z'Wz = .75 + .25 + .25 + .75 = 2; z'z = 5; S0 = 4; I = (4/4)(2/5).
    const r = moranI(w, [1, 2, 3, 4], 1);
    expect(r.I).toBeCloseTo(0.4, 14);
    expect(r.expected).toBeCloseTo(-1 / 3, 14);
  });

  it('errors name the entity and time of a gap', () => {
    expect(() =>
      moranByTime(wCont, entities.slice(1), times.slice(1), y.slice(1), { variable: 'y' }),
    ).toThrow(/y: missing for entity BJ, time 2011/);
  });
});

describe('local Moran (LISA) against spdep localmoran', () => {
  const x = yearValues(golden.years[0]);
  it('conditional (spdep default) and total randomisation moments', () => {
    const cond = localMoran(wCont, x);
    const total = localMoran(wCont, x, { conditional: false });
    cond.forEach((r, i) => {
      expectClose(r.Ii, golden.lisa_first_year.Ii[i], 1e-6, `Ii ${r.id}`);
      expectClose(r.expected, golden.lisa_first_year.expected[i], 1e-6, `E ${r.id}`);
      expectClose(r.variance, golden.lisa_first_year.variance[i], 1e-6, `Var ${r.id}`);
      expectClose(r.zScore, golden.lisa_first_year.z[i], 1e-6, `z ${r.id}`);
      expectClose(r.p_value, golden.lisa_first_year.p_value[i], 1e-6, `p ${r.id}`);
      expectClose(total[i].variance, golden.lisa_first_year_total.variance[i], 1e-6, `Var total ${r.id}`);
      expectClose(total[i].zScore, golden.lisa_first_year_total.z[i], 1e-6, `z total ${r.id}`);
    });
  });

  it('labels significant entities by quadrant and the rest not significant', () => {
    const lisa = localMoran(wCont, x);
    for (const r of lisa) {
      if (r.p_value >= 0.05) expect(r.cluster).toBe('Not significant');
      else expect(r.cluster).toBe(`${r.z > 0 ? 'High' : 'Low'}-${r.lag > 0 ? 'High' : 'Low'}`);
    }
  });
});
