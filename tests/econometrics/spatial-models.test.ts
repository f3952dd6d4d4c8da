import { describe, expect, it } from 'vitest';
import { spatialDurbin, spatialError, spatialLag, spatialLmTests } from '../../econometrics/spatial/models';
import {
  inverseDistanceWeights,
  weightsFromDense,
  type WeightsMatrix,
} from '../../econometrics/spatial/weights';
import { provinceContiguity } from '../../study/weights';
import type { EstimationResult } from '../../econometrics/result';
import { Panel } from '../../panel';
import { provinces } from '../../regions/provinces';
import { expectClose, fixtureRows, spatialGolden, type FitGolden, type ModelGolden } from './spatial-golden';

const golden = spatialGolden();

function gridWeights(g: number): WeightsMatrix {
  // Rook contiguity on a g×g grid, cells numbered row by row (spdep's cell2nb order).
  const n = g * g;
  const ids = Array.from({ length: n }, (_, i) => `g${String(i + 1).padStart(2, '0')}`);
  const dense = ids.map((_, i) =>
    ids.map((__, j) => {
      const [ri, ci] = [Math.floor(i / g), i % g];
      const [rj, cj] = [Math.floor(j / g), j % g];
      return Math.abs(ri - rj) + Math.abs(ci - cj) === 1 ? 1 : 0;
    }),
  );
  return weightsFromDense(ids, dense, 'grid');
}

const cases: {
  name: string;
  data: string;
  entity: string;
  time: string;
  w: () => WeightsMatrix;
  ref: FitGolden;
}[] = [
  {
    name: 'provinces, contiguity',
    data: 'spatial_provinces',
    entity: 'province',
    time: 'year',
    w: () => provinceContiguity(),
    ref: golden.provinces_cont,
  },
  {
    name: 'provinces, inverse distance',
    data: 'spatial_provinces',
    entity: 'province',
    time: 'year',
    w: () => inverseDistanceWeights(provinces().map((p) => ({ id: p.code, lat: p.lat, lon: p.lon }))),
    ref: golden.provinces_dist,
  },
  {
    name: '7×7 grid',
    data: 'spatial_grid',
    entity: 'id',
    time: 'time',
    w: () => gridWeights(7),
    ref: golden.grid,
  },
];

function compareModel(res: EstimationResult, ref: ModelGolden, rName: (t: string) => string, what: string) {
  const names = res.coefficients.map((c) => rName(c.term));
  expect(names).toEqual(ref.vcov_names);
  res.coefficients.forEach((c, i) => {
    const key = ref.vcov_names[i];
    const est = key === 'rho' || key === 'lambda' ? ref.rho : ref.coefficients[key];
    expectClose(c.estimate, est, 1e-6, `${what} ${key}`);
    expectClose(c.std_error, Math.sqrt(ref.vcov[i][i]), 1e-6, `${what} se ${key}`);
  });
  expectClose(res.statistics.loglik, ref.loglik, 1e-6, `${what} loglik`);
  expectClose(res.statistics.sigma2_ml, ref.sigma2, 1e-6, `${what} sigma2`);
}

const rName = (t: string) => (t.startsWith('W*') ? `lag.${t.slice(2)}` : t);

describe.each(cases)('spatial panel models against spatialreg: $name', ({ data, entity, time, w, ref }) => {
  const panel = Panel.fromRows(fixtureRows(data), { entity, time, source: `${data}.csv` });
  const options = { y: 'y', x: ['x1', 'x2'], weights: w(), simulations: 2000, seed: 11, lrTests: true };

  it('SDM: ρ, β, θ, SEs, log-likelihood; LR and Wald tests against SAR and SEM; impacts', () => {
    const res = spatialDurbin(panel, options);
    compareModel(res, ref.sdm, rName, 'sdm');
    expectClose(res.statistics.lr_sar, ref.lr_sdm_sar, 1e-6, 'LR sar');
    expectClose(res.statistics.lr_sem, ref.lr_sdm_sem, 1e-6, 'LR sem');
    expectClose(res.statistics.wald_sar, ref.wald_sdm_sar, 1e-6, 'Wald sar');
    expectClose(res.statistics.wald_sem, ref.wald_sdm_sem, 1e-6, 'Wald sem');
    res.effects!.forEach((e, k) => {
      for (const key of ['direct', 'indirect', 'total'] as const) {
        expectClose(e[key], ref.impacts_sdm[key][k], 1e-6, `sdm ${key} ${e.term}`);
        // Simulated SEs: the SD of an SD from R draws has relative SE ≈ 1/√(2R); 2,000 and 1,000 draws
        // give a combined ≈ 2.7%; allow 4 of them.
        const se = e[`${key}_se`];
        expect(Math.abs(se / ref.impacts_sdm[`${key}_se`][k] - 1)).toBeLessThan(0.11);
      }
    });
  });

  it('SAR and SEM', () => {
    const sar = spatialLag(panel, options);
    compareModel(sar, ref.sar, rName, 'sar');
    sar.effects!.forEach((e, k) => {
      for (const key of ['direct', 'indirect', 'total'] as const)
        expectClose(e[key], ref.impacts_sar[key][k], 1e-6, `sar ${key}`);
    });
    compareModel(spatialError(panel, options), ref.sem, rName, 'sem');
  });

  it('LM tests on the FE model', () => {
    const t = spatialLmTests(panel, options);
    expectClose(t.lm_error, ref.lm.LMerr.statistic, 1e-6, 'LMerr');
    expectClose(t.lm_lag, ref.lm.LMlag.statistic, 1e-6, 'LMlag');
    expectClose(t.rlm_error, ref.lm.RLMerr.statistic, 1e-6, 'RLMerr');
    expectClose(t.rlm_lag, ref.lm.RLMlag.statistic, 1e-6, 'RLMlag');
    expectClose(t.rlm_error_p, ref.lm.RLMerr.p_value, 1e-6, 'RLMerr p');
  });
});

describe('spatial models: errors and options', () => {
  const panel = Panel.fromRows(fixtureRows('spatial_provinces'), { entity: 'province', time: 'year' });
  it('two-way effects: SDM on the panel demeaned by entity and year', () => {
    const res = spatialDurbin(panel, {
      y: 'y',
      x: ['x1', 'x2'],
      weights: provinceContiguity(),
      effects: 'twoways',
    });
    compareModel(res, golden.provinces_cont_sdm_twoways, rName, 'sdm twoways');
  });

  it('Lee–Yu σ² is σ²·T/(T−1); simulated SEs are reproducible under a seed', () => {
    const a = spatialDurbin(panel, {
      y: 'y',
      x: ['x1'],
      weights: provinceContiguity(),
      leeYu: true,
      seed: 3,
    });
    const b = spatialDurbin(panel, { y: 'y', x: ['x1'], weights: provinceContiguity(), seed: 3 });
    expect(a.statistics.sigma2).toBeCloseTo((b.statistics.sigma2 * 11) / 10, 14);
    expect(a.effects).toEqual(b.effects);
  });

  it('a gap in the panel names the variable, entity and year', () => {
    const gap = panel.filter((r) => !(panel.entityKeys[r] === 'SH' && panel.times[r] === 2015));
    expect(() => spatialDurbin(gap, { y: 'y', x: ['x1'], weights: provinceContiguity() })).toThrow(
      /y: missing for entity SH, time 2015/,
    );
    expect(() => spatialLag(panel, { y: 'y', x: ['nope'], weights: provinceContiguity() })).toThrow(
      /column 'nope'/,
    );
  });
});
