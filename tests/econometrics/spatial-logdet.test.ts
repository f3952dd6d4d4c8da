import { describe, expect, it } from 'vitest';
import { bandedLogDet } from '../../econometrics/spatial/logdet';
import { jacobian } from '../../econometrics/spatial/ml';
import { spatialDurbin, spatialError } from '../../econometrics/spatial/models';
import {
  eigenvalues,
  logDetEigen,
  provinceContiguity,
  weightsFromDense,
} from '../../econometrics/spatial/weights';
import { Panel } from '../../panel';
import { expectClose, fixtureRows, spatialGolden } from './spatial-golden';

function grid(g: number) {
  const ids = Array.from({ length: g * g }, (_, i) => `g${String(i + 1).padStart(2, '0')}`);
  const dense = ids.map((_, i) =>
    ids.map((__, j) =>
      Math.abs(Math.floor(i / g) - Math.floor(j / g)) + Math.abs((i % g) - (j % g)) === 1 ? 1 : 0,
    ),
  );
  return weightsFromDense(ids, dense, 'grid');
}

describe('banded Cholesky log-determinant', () => {
  it('equals the eigenvalue log-determinant (provinces, 7×7 grid) across ρ', () => {
    for (const w of [provinceContiguity(), grid(7)]) {
      const ld = bandedLogDet(w);
      const ev = eigenvalues(w);
      for (const rho of [-0.9, -0.3, 0, 0.35, 0.8, 0.98])
        expect(ld(rho)).toBeCloseTo(logDetEigen(ev, rho), 10);
    }
  });

  it('reverse Cuthill–McKee keeps a g×g grid banded (bandwidth ≤ g)', () => {
    expect(bandedLogDet(grid(20)).bandwidth).toBeLessThanOrEqual(20);
  });

  it('traces from derivatives of the log-determinant match the eigenvalue traces', () => {
    const w = grid(7);
    const e = jacobian(w, 'eigen');
    const c = jacobian(w, 'cholesky');
    for (const rho of [-0.5, 0.2, 0.6]) {
      expectClose(c.trG(rho), e.trG(rho), 1e-7, 'tr G');
      expectClose(c.trG2(rho), e.trG2(rho), 1e-6, 'tr G²');
    }
  });

  it('an asymmetric W is refused with a clear message', () => {
    const w = weightsFromDense(
      ['a', 'b', 'c'],
      [
        [0, 1, 0],
        [1, 0, 0],
        [1, 0, 0],
      ],
      'asym',
    );
    expect(() => bandedLogDet(w)).toThrow(/asym: the sparse log-determinant needs W = D⁻¹C with C symmetric/);
  });
});

describe('large-N path (cholesky) against spatialreg method "LU" on the 7×7 grid', () => {
  const ref = spatialGolden().grid;
  const panel = Panel.fromRows(fixtureRows('spatial_grid'), { entity: 'id', time: 'time' });
  const options = {
    y: 'y',
    x: ['x1', 'x2'],
    weights: grid(7),
    logdet: 'cholesky' as const,
    simulations: 500,
  };

  it('SDM: estimates, log-likelihood and SEs', () => {
    const res = spatialDurbin(panel, options);
    res.coefficients.forEach((c, i) => {
      const key = ref.sdm_lu.vcov_names[i];
      expectClose(c.estimate, key === 'rho' ? ref.sdm_lu.rho : ref.sdm_lu.coefficients[key], 1e-6, key);
      expectClose(c.std_error, Math.sqrt(ref.sdm_lu.vcov[i][i]), 1e-4, `se ${key}`);
    });
    expectClose(res.statistics.loglik, ref.sdm_lu.loglik, 1e-6, 'loglik');
    res.effects!.forEach((e, k) =>
      expectClose(e.direct, ref.impacts_sdm.direct[k], 1e-6, `direct ${e.term}`),
    );
  });

  it('SEM: estimates and SEs', () => {
    const res = spatialError(panel, options);
    res.coefficients.forEach((c, i) => {
      const key = ref.sem_lu.vcov_names[i];
      expectClose(c.estimate, key === 'lambda' ? ref.sem_lu.rho : ref.sem_lu.coefficients[key], 1e-6, key);
      expectClose(c.std_error, Math.sqrt(ref.sem_lu.vcov[i][i]), 1e-4, `se ${key}`);
    });
  });
});

describe('eigen traces with a complex spectrum', () => {
  it('tr(G) and tr(G²) of an asymmetric W equal the dense traces (hand check, N = 3 cycle)', () => {
    // Directed 3-cycle a→b→c→a: eigenvalues 1, e^{±2πi/3}. G = W(I − ρW)⁻¹ = Σ ρ^k W^{k+1};
    // tr(W^m) = 3 when 3 | m, else 0, so tr(G) = 3 Σ_{k: 3 | k+1} ρ^k = 3ρ²/(1 − ρ³) and
    // tr(G²) = Σ (k+1) ρ^k tr(W^{k+2}) = 3 Σ_{3 | k+2} (k+1) ρ^k = 3(2ρ + 5ρ⁴ + 8ρ⁷ + …) = 3ρ(2 + ρ³)/(1 − ρ³)².
    const w = weightsFromDense(
      ['a', 'b', 'c'],
      [
        [0, 1, 0],
        [0, 0, 1],
        [1, 0, 0],
      ],
      'cycle',
    );
    const J = jacobian(w, 'eigen');
    const r = 0.5;
    expect(J.trG(r)).toBeCloseTo((3 * r * r) / (1 - r ** 3), 12);
    expect(J.trG2(r)).toBeCloseTo((3 * r * (2 + r ** 3)) / (1 - r ** 3) ** 2, 12);
  });
});
