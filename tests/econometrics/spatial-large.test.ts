/**
 * The large-N path chosen automatically above N = 400 (sparse Cholesky log-determinant, observed-Hessian
 * covariance, impacts from traces) against spatialreg method "LU" with its numerical-Hessian covariance
 * on a 24 × 24 rook grid (N = 576, T = 3; reference/spatial_large.R → reference/golden/spatial_large.json).
 * SEs come from numerical Hessians on both sides (different step rules), so they agree to 1e-4.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jacobian } from '../../econometrics/spatial/ml';
import { moranByTime } from '../../econometrics/spatial/moran';
import { spatialDurbin, spatialError } from '../../econometrics/spatial/models';
import { weightsFromDense, type WeightsMatrix } from '../../econometrics/spatial/weights';
import { Panel } from '../../panel';
import { expectClose, fixtureRows, type ModelGolden } from './spatial-golden';

interface LargeGolden {
  moran: { I: number; expected: number; variance: number; z: number; p_value: number }[];
  sdm: ModelGolden;
  sem: ModelGolden;
  impacts_sdm: { term: string[]; direct: number[]; indirect: number[]; total: number[] };
}

const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/spatial_large.json', import.meta.url), 'utf8'),
) as LargeGolden;
const panel = Panel.fromRows(fixtureRows('spatial_grid24'), {
  entity: 'id',
  time: 'time',
  source: 'spatial_grid24.csv',
});

function rookGrid(g: number): WeightsMatrix {
  // Cells numbered row by row, as spdep's cell2nb.
  const ids = Array.from({ length: g * g }, (_, i) => `c${String(i + 1).padStart(3, '0')}`);
  const dense = ids.map((_, i) =>
    ids.map((__, j) =>
      Math.abs(Math.floor(i / g) - Math.floor(j / g)) + Math.abs((i % g) - (j % g)) === 1 ? 1 : 0,
    ),
  );
  return weightsFromDense(ids, dense, 'grid24');
}

const w = rookGrid(24);
const options = { y: 'y', x: ['x1', 'x2'], weights: w, simulations: 200, seed: 3, lrTests: false };
const rName = (t: string) => (t.startsWith('W*') ? `lag.${t.slice(2)}` : t);

function compare(coefficients: { term: string; estimate: number; std_error: number }[], ref: ModelGolden) {
  expect(coefficients.map((c) => rName(c.term))).toEqual(ref.vcov_names);
  coefficients.forEach((c, i) => {
    const key = ref.vcov_names[i];
    const est = key === 'rho' || key === 'lambda' ? ref.rho : ref.coefficients[key];
    expectClose(c.estimate, est, 1e-6, key);
    expectClose(c.std_error, Math.sqrt(ref.vcov[i][i]), 1e-4, `se ${key}`);
  });
}

describe('large-N spatial path against spatialreg "LU" (N = 576)', () => {
  it('auto picks the sparse Cholesky log-determinant at this N', () => {
    expect(jacobian(w).method).toBe('cholesky');
  });

  it('SDM: estimates, log-likelihood, SEs and exact impacts', () => {
    const res = spatialDurbin(panel, options);
    compare(res.coefficients, golden.sdm);
    expectClose(res.statistics.loglik, golden.sdm.loglik, 1e-6, 'loglik');
    expectClose(res.statistics.sigma2_ml, golden.sdm.sigma2, 1e-6, 'sigma2');
    expect(res.effects!.map((e) => e.term)).toEqual(golden.impacts_sdm.term);
    res.effects!.forEach((e, k) => {
      for (const part of ['direct', 'indirect', 'total'] as const)
        expectClose(e[part], golden.impacts_sdm[part][k], 1e-6, `${part} ${e.term}`);
    });
  });

  it('SEM: estimates, log-likelihood and SEs', () => {
    const res = spatialError(panel, options);
    compare(res.coefficients, golden.sem);
    expectClose(res.statistics.loglik, golden.sem.loglik, 1e-6, 'loglik');
  });

  it("Moran's I per period", () => {
    const out = moranByTime(w, panel.entityKeys, panel.times, panel.column('y'), { pooled: false });
    golden.moran.forEach((ref, b) => {
      for (const k of ['I', 'expected', 'variance', 'z', 'p_value'] as const)
        expectClose(out[b][k], ref[k], 1e-6, `period ${b + 1} ${k}`);
    });
  });
});
