/**
 * The large-N path with an asymmetric W (k = 4 nearest neighbours, N = 576): 'auto' takes the sparse LU
 * log-determinant; SDM and SEM against spatialreg method "LU" with its numerical-Hessian covariance
 * (reference/spatial_knn.R → reference/golden/spatial_knn.json). SEs: numerical Hessians on both sides
 * (nlme::fdHess steps in R, central differences here), which differ by up to 1.3e-4 relative here: 5e-4.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jacobian } from '../../econometrics/spatial/ml';
import { spatialDurbin, spatialError } from '../../econometrics/spatial/models';
import { weightsFromDense } from '../../econometrics/spatial/weights';
import { Panel } from '../../panel';
import { expectClose, fixtureRows, type ModelGolden } from './spatial-golden';

interface KnnGolden {
  neighbours: number[][];
  sdm: ModelGolden;
  sem: ModelGolden;
  impacts_sdm: { term: string[]; direct: number[]; indirect: number[]; total: number[] };
}

const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/spatial_knn.json', import.meta.url), 'utf8'),
) as KnnGolden;
const n = golden.neighbours.length;
const ids = Array.from({ length: n }, (_, i) => `c${String(i + 1).padStart(3, '0')}`);
const w = weightsFromDense(
  ids,
  golden.neighbours.map((nb) => {
    const row = new Array<number>(n).fill(0);
    for (const j of nb) row[j] = 1;
    return row;
  }),
  'knn4',
);
const panel = Panel.fromRows(fixtureRows('spatial_grid24'), { entity: 'id', time: 'time' });
const options = { y: 'y', x: ['x1', 'x2'], weights: w, simulations: 200, seed: 3, lrTests: false };
const rName = (t: string) => (t.startsWith('W*') ? `lag.${t.slice(2)}` : t);

function compare(coefficients: { term: string; estimate: number; std_error: number }[], ref: ModelGolden) {
  expect(coefficients.map((c) => rName(c.term))).toEqual(ref.vcov_names);
  coefficients.forEach((c, i) => {
    const key = ref.vcov_names[i];
    expectClose(c.estimate, key === 'rho' || key === 'lambda' ? ref.rho : ref.coefficients[key], 1e-6, key);
    expectClose(c.std_error, Math.sqrt(ref.vcov[i][i]), 5e-4, `se ${key}`);
  });
}

describe('asymmetric kNN weights at N = 576 against spatialreg "LU"', () => {
  it('auto takes the sparse path although W has no symmetric base', () => {
    expect(w.symmetricBaseRowSums).toBeUndefined();
    expect(jacobian(w).method).toBe('cholesky');
  });

  it('SDM: estimates, log-likelihood, SEs and exact impacts', () => {
    const res = spatialDurbin(panel, options);
    compare(res.coefficients, golden.sdm);
    expectClose(res.statistics.loglik, golden.sdm.loglik, 1e-6, 'loglik');
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
});
