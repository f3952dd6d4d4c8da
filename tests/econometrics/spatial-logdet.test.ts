/**
 * The exact sparse log-determinant (L D Lᵀ / L D U in a minimum-degree order) and its trace against the
 * eigenvalue method, hand calculations, and the interpolation bound of the impact traces.
 */
import { describe, expect, it } from 'vitest';
import { chebyshevDegree, traceInterpolant } from '../../econometrics/spatial/impacts';
import { sparseLogDet } from '../../econometrics/spatial/logdet';
import { jacobian } from '../../econometrics/spatial/ml';
import { spatialDurbin, spatialError } from '../../econometrics/spatial/models';
import {
  eigenvalues,
  logDetEigen,
  nearestNeighbourWeights,
  weightsFromDense,
} from '../../econometrics/spatial/weights';
import { provinceContiguity } from '../../study/weights';
import { Panel } from '../../panel';
import { provinces } from '../../regions/provinces';
import { expectClose, fixtureRows, spatialGolden } from './spatial-golden';

function grid(g: number, queen = false) {
  const ids = Array.from({ length: g * g }, (_, i) => `g${String(i + 1).padStart(2, '0')}`);
  const dense = ids.map((_, i) =>
    ids.map((__, j) => {
      const dr = Math.abs(Math.floor(i / g) - Math.floor(j / g));
      const dc = Math.abs((i % g) - (j % g));
      return i !== j && (queen ? dr <= 1 && dc <= 1 : dr + dc === 1) ? 1 : 0;
    }),
  );
  return weightsFromDense(ids, dense, 'grid');
}

const points = provinces().map((p) => ({ id: p.code, lat: p.lat, lon: p.lon }));
const rhos = [-0.9, -0.5, 0, 0.3, 0.7, 0.95, 0.999];

describe('sparse log-determinant', () => {
  it('Cholesky path: equals the eigenvalue log-determinant and traces (provinces, 7×7 grid) across ρ', () => {
    for (const w of [provinceContiguity(), grid(7)]) {
      const ld = sparseLogDet(w);
      expect(ld.factorisation).toBe('cholesky');
      const ev = eigenvalues(w);
      const e = jacobian(w, 'eigen');
      for (const rho of rhos) {
        expect(ld(rho)).toBeCloseTo(logDetEigen(ev, rho), 10);
        expectClose(ld.trG(rho), e.trG(rho), 1e-10, `tr G at ${rho}`);
      }
    }
  });

  it('LU path: equals them for asymmetric kNN weights (k = 3, 5) across ρ', () => {
    for (const k of [3, 5]) {
      const w = nearestNeighbourWeights(points, k);
      expect(w.symmetricBaseRowSums).toBeUndefined();
      const ld = sparseLogDet(w);
      expect(ld.factorisation).toBe('lu');
      const ev = eigenvalues(w);
      const e = jacobian(w, 'eigen');
      for (const rho of rhos) {
        expect(ld(rho)).toBeCloseTo(logDetEigen(ev, rho), 10);
        expectClose(ld.trG(rho), e.trG(rho), 1e-10, `tr G at ${rho}`);
      }
    }
  });

  it('hand calculation: one-way chain a→b, b→a, c→b gives det(I − ρW) = 1 − ρ², tr G = 2ρ/(1 − ρ²)', () => {
    // W = [[0,1,0],[1,0,0],[0,1,0]]: the c row does not change the determinant; G's diagonal is
    // ρ/(1 − ρ²) for a and b (the 2-cycle) and 0 for c.
    const w = weightsFromDense(
      ['a', 'b', 'c'],
      [
        [0, 1, 0],
        [1, 0, 0],
        [0, 1, 0],
      ],
      'chain',
    );
    expect(sparseLogDet(w)(0.6)).toBeCloseTo(Math.log(1 - 0.36), 14);
    expect(sparseLogDet(w).trG(0.6)).toBeCloseTo(1.2 / 0.64, 13);
  });

  it('hand calculation: the directed 3-cycle has tr G = 3ρ²/(1 − ρ³) (complex eigenvalues)', () => {
    const w = weightsFromDense(
      ['a', 'b', 'c'],
      [
        [0, 1, 0],
        [0, 0, 1],
        [1, 0, 0],
      ],
      'cycle',
    );
    for (const r of [-0.7, 0.5]) {
      expect(sparseLogDet(w)(r)).toBeCloseTo(Math.log(1 - r ** 3), 14);
      expect(sparseLogDet(w).trG(r)).toBeCloseTo((3 * r * r) / (1 - r ** 3), 13);
    }
  });

  it('the minimum-degree order fills less than 0.6 of the banded factor of a 40×40 queen grid', () => {
    // Row-by-row numbering: row i of L is full from its first neighbour, i − g − 1 (i − g in the first
    // column), so rows 2..g hold (g − 1)(g + 1) + g entries each and row 1 holds g − 1:
    // 39·(39·41 + 40) + 39 = 63,960 (CHOLMOD's AMD order gives 0.52 of that).
    const band = 39 * (39 * 41 + 40) + 39;
    expect(sparseLogDet(grid(40, true)).fill).toBeLessThan(0.6 * band);
  });

  it('outside the valid interval the log-determinant is −∞ (a pivot ≤ 0)', () => {
    expect(sparseLogDet(grid(5))(1.2)).toBe(-Infinity);
  });
});

describe('interpolated impact traces', () => {
  it('meet the stated bound: |s1 − p| ≤ 1e-10·N over the span (kNN and grid)', () => {
    for (const w of [nearestNeighbourWeights(points, 4), grid(7)]) {
      const e = jacobian(w, 'eigen');
      for (const [lo, hi] of [
        [0.3, 0.5],
        [-0.6, 0.2],
        [0.82, 0.9],
      ]) {
        const p = traceInterpolant(e.trG, lo, hi)!;
        let worst = 0;
        for (let k = 0; k <= 200; k++) {
          const r = lo + ((hi - lo) * k) / 200;
          worst = Math.max(worst, Math.abs(p(r) - e.trG(r)));
        }
        expect(worst).toBeLessThanOrEqual(1e-10 * w.n);
      }
    }
  });

  it('degree grows as the span approaches the singularity at ρ = 1 and is refused past degree 64', () => {
    expect(chebyshevDegree(0.4, 0.02)).toBeLessThan(chebyshevDegree(0.4, 0.2));
    expect(chebyshevDegree(0.9, 0.05)).toBeGreaterThan(chebyshevDegree(0.4, 0.05));
    expect(chebyshevDegree(0.99, 0.0099)).toBe(Infinity);
    expect(chebyshevDegree(0.4, 0)).toBe(0);
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
