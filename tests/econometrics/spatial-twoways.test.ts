/**
 * SAR, SEM and SDM with two-way fixed effects (entity and period) against spatialreg on the two-way
 * demeaned panel stacked with I_T ⊗ W (reference/spatial_twoways.R → reference/golden/spatial_twoways.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EstimationResult } from '../../econometrics/result';
import { spatialDurbin, spatialError, spatialLag, spatialLmTests } from '../../econometrics/spatial/models';
import { weightsFromDense, type WeightsMatrix } from '../../econometrics/spatial/weights';
import { provinceContiguity } from '../../study/weights';
import { Panel } from '../../panel';
import { expectClose, fixtureRows, type FitGolden, type ModelGolden } from './spatial-golden';

type TwoWayGolden = Omit<FitGolden, 'sdm_lu' | 'sem_lu' | 'impacts_sar' | 'interval'>;
const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/spatial_twoways.json', import.meta.url), 'utf8'),
) as Record<'provinces_cont' | 'grid', TwoWayGolden>;

function rookGrid(g: number): WeightsMatrix {
  // Cells numbered row by row, as spdep's cell2nb.
  const ids = Array.from({ length: g * g }, (_, i) => `g${String(i + 1).padStart(2, '0')}`);
  const dense = ids.map((_, i) =>
    ids.map((__, j) => {
      const d = Math.abs(Math.floor(i / g) - Math.floor(j / g)) + Math.abs((i % g) - (j % g));
      return d === 1 ? 1 : 0;
    }),
  );
  return weightsFromDense(ids, dense, 'grid');
}

const cases = [
  {
    name: 'provinces, contiguity',
    data: 'spatial_provinces',
    entity: 'province',
    time: 'year',
    key: 'provinces_cont',
    w: () => provinceContiguity(),
  },
  { name: '7×7 grid', data: 'spatial_grid', entity: 'id', time: 'time', key: 'grid', w: () => rookGrid(7) },
] as const;

const rName = (t: string) => (t.startsWith('W*') ? `lag.${t.slice(2)}` : t);

function compareModel(res: EstimationResult, ref: ModelGolden, what: string) {
  expect(res.coefficients.map((c) => rName(c.term))).toEqual(ref.vcov_names);
  res.coefficients.forEach((c, i) => {
    const key = ref.vcov_names[i];
    const est = key === 'rho' || key === 'lambda' ? ref.rho : ref.coefficients[key];
    expectClose(c.estimate, est, 1e-6, `${what} ${key}`);
    expectClose(c.std_error, Math.sqrt(ref.vcov[i][i]), 1e-6, `${what} se ${key}`);
  });
  expectClose(res.statistics.loglik, ref.loglik, 1e-6, `${what} loglik`);
  expectClose(res.statistics.sigma2_ml, ref.sigma2, 1e-6, `${what} sigma2`);
}

describe.each(cases)(
  'two-way FE spatial models against spatialreg: $name',
  ({ data, entity, time, key, w }) => {
    const ref = golden[key];
    const panel = Panel.fromRows(fixtureRows(data), { entity, time, source: `${data}.csv` });
    const options = {
      y: 'y',
      x: ['x1', 'x2'],
      weights: w(),
      effects: 'twoways' as const,
      simulations: 2000,
      seed: 5,
      lrTests: true,
    };

    it('SDM: estimates, SEs, log-likelihood, LR tests, impacts', () => {
      const res = spatialDurbin(panel, options);
      compareModel(res, ref.sdm, 'sdm');
      expectClose(res.statistics.lr_sar, ref.lr_sdm_sar, 1e-6, 'LR sar');
      expectClose(res.statistics.lr_sem, ref.lr_sdm_sem, 1e-6, 'LR sem');
      expect(res.effects!.map((e) => e.term)).toEqual(ref.impacts_sdm.term);
      res.effects!.forEach((e, k) => {
        for (const part of ['direct', 'indirect', 'total'] as const) {
          expectClose(e[part], ref.impacts_sdm[part][k], 1e-6, `${part} ${e.term}`);
          // SD of simulated draws: relative SE ≈ 1/√(2R) per side (R = 2,000 and 1,000), ≈ 2.7% combined.
          expect(Math.abs(e[`${part}_se`] / ref.impacts_sdm[`${part}_se`][k] - 1)).toBeLessThan(0.11);
        }
      });
    });

    it('SAR and SEM', () => {
      compareModel(spatialLag(panel, options), ref.sar, 'sar');
      compareModel(spatialError(panel, options), ref.sem, 'sem');
    });

    it('LM tests on the two-way FE model', () => {
      const t = spatialLmTests(panel, options);
      expectClose(t.lm_error, ref.lm.LMerr.statistic, 1e-6, 'LMerr');
      expectClose(t.lm_lag, ref.lm.LMlag.statistic, 1e-6, 'LMlag');
      expectClose(t.rlm_error, ref.lm.RLMerr.statistic, 1e-6, 'RLMerr');
      expectClose(t.rlm_lag, ref.lm.RLMlag.statistic, 1e-6, 'RLMlag');
      expectClose(t.lm_lag_p, ref.lm.LMlag.p_value, 1e-6, 'LMlag p');
    });
  },
);
