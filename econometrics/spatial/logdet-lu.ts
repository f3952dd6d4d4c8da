/**
 * log|I − ρW| for large N when W is not similar to a symmetric matrix (k nearest neighbours, any
 * asymmetric base), where the banded Cholesky of logdet.ts does not apply and dense eigenvalues are too
 * slow. Entities are reordered by reverse Cuthill–McKee on the symmetrised pattern (a symmetric
 * permutation leaves the determinant unchanged) and I − ρW is factorised by banded LU without pivoting:
 * for a row-standardised W with zero diagonal and |ρ| < 1, I − ρW is strictly diagonally dominant by
 * rows, a property Gaussian elimination preserves, so every pivot is positive and
 * log|I − ρW| = Σ log u_ii exactly (spatialreg's method "LU" computes the same quantity with a general
 * sparse LU). Cost N·b² per ρ, b the bandwidth.
 * Hand-written because no maintained TypeScript sparse LU exists.
 */
import { InputError } from '../../common/errors';
import type { WeightsMatrix } from './weights';

export interface BandedLuLogDet {
  (rho: number): number;
  bandwidth: number;
}

/** Neighbour lists of the symmetrised pattern (i ~ j when w_ij ≠ 0 or w_ji ≠ 0). */
function symmetrisedPattern(w: WeightsMatrix): number[][] {
  const adj = Array.from({ length: w.n }, () => new Set<number>());
  for (let i = 0; i < w.n; i++) {
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) {
      const j = w.colIdx[k];
      if (j === i) continue;
      adj[i].add(j);
      adj[j].add(i);
    }
  }
  return adj.map((s) => [...s]);
}

/** Reverse Cuthill–McKee order, component by component, lowest degree first. */
function reverseCuthillMcKee(adj: number[][]): Int32Array {
  const n = adj.length;
  const seen = new Uint8Array(n);
  const order: number[] = [];
  const byDegree = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => adj[a].length - adj[b].length || a - b,
  );
  for (const start of byDegree) {
    if (seen[start]) continue;
    seen[start] = 1;
    const queue = [start];
    for (let h = 0; h < queue.length; h++) {
      const v = queue[h];
      order.push(v);
      const next = adj[v].filter((u) => !seen[u]).sort((a, b) => adj[a].length - adj[b].length || a - b);
      for (const u of next) seen[u] = 1;
      queue.push(...next);
    }
  }
  return Int32Array.from(order.reverse());
}

/** A function ρ ↦ log|I − ρW| by banded LU; W must be row-standardised with a zero diagonal. */
export function bandedLuLogDet(w: WeightsMatrix): BandedLuLogDet {
  if (!w.rowStandardised) {
    throw new InputError(`${w.label}: the banded LU log-determinant needs a row-standardised W`);
  }
  const n = w.n;
  const adj = symmetrisedPattern(w);
  const bandwidthOf = (pos: Int32Array) => {
    let b = 0;
    for (let i = 0; i < n; i++) for (const j of adj[i]) b = Math.max(b, Math.abs(pos[i] - pos[j]));
    return b;
  };
  // The input order when it is already narrower (e.g. a grid numbered row by row), else RCM.
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const rcm = new Int32Array(n);
  reverseCuthillMcKee(adj).forEach((v, i) => (rcm[v] = i));
  const pos = bandwidthOf(identity) <= bandwidthOf(rcm) ? identity : rcm;
  const b = bandwidthOf(pos);
  const width = 2 * b + 1;
  // Entry (i, j) of the permuted matrix at band[i·width + (j − i + b)].
  const entries: { at: number; value: number }[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) {
      const pi = pos[i];
      const pj = pos[w.colIdx[k]];
      if (pi === pj) throw new InputError(`${w.label}: self-link at ${w.ids[i]}`);
      entries.push({ at: pi * width + (pj - pi + b), value: w.values[k] });
    }
  }
  const A = new Float64Array(n * width);
  const f = ((rho: number) => {
    A.fill(0);
    for (let i = 0; i < n; i++) A[i * width + b] = 1;
    for (const e of entries) A[e.at] = -rho * e.value;
    let logdet = 0;
    for (let k = 0; k < n; k++) {
      const pivot = A[k * width + b];
      if (!(pivot > 0)) return -Infinity; // outside the interval where I − ρW stays dominant
      logdet += Math.log(pivot);
      const last = Math.min(n - 1, k + b);
      for (let i = k + 1; i <= last; i++) {
        const rowI = i * width - i + b; // A[i, j] = A[rowI + j]
        const lik = A[rowI + k] / pivot;
        if (lik === 0) continue;
        const rowK = k * width - k + b;
        for (let j = k + 1; j <= last; j++) A[rowI + j] -= lik * A[rowK + j];
      }
    }
    return logdet;
  }) as BandedLuLogDet;
  f.bandwidth = b;
  return f;
}
