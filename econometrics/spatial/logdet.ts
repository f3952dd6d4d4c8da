/**
 * log|I − ρW| and tr(G) = tr(W(I − ρW)⁻¹) for large N, exactly, by a sparse factorisation in a
 * fill-reducing (approximate minimum degree) order — the approach of spatialreg's sparse methods:
 * - W = D⁻¹C with C symmetric (contiguity, distance): I − ρW is similar to I − ρS, S = D^{-1/2}CD^{-1/2},
 *   and log|I − ρS| = Σ log d_j of its L D Lᵀ factor (spatialreg's "Matrix": a sparse Cholesky);
 * - any other row-standardised W (k nearest neighbours): L D U of I − ρW without pivoting, exact because
 *   the matrix is strictly diagonally dominant by rows for |ρ| < 1 (spatialreg's "LU" computes the same
 *   determinant with a pivoting sparse LU). A symmetric permutation leaves the determinant unchanged.
 * The trace uses the selected inverse Z = (I − ρW)⁻¹ on the factor's pattern, which holds the pattern
 * of Wᵀ: tr(G) = Σ_ij w_ij z_ji (with S for W in the symmetric case, since tr(W(I − ρW)⁻¹) =
 * tr(S(I − ρS)⁻¹)); then tr((I − ρW)⁻¹) = N + ρ tr(G).
 * The symbolic analysis (ordering, elimination tree, pattern) is done once per matrix and cached; each ρ
 * costs one numeric factorisation (and one selected inversion for the trace), Σ_j |L_j|² flops.
 */
import { InputError } from '../../common/errors';
import { approximateMinimumDegree, symmetrisedPattern } from './weights';
import { LduFactor, patternPosition, symbolicLdu } from './sparse-ldu';
import type { WeightsMatrix } from './weights';

export interface SparseLogDet {
  /** log|I − ρW|; −∞ outside the interval where the factorisation has positive pivots. */
  (rho: number): number;
  /** tr(W(I − ρW)⁻¹), exactly. */
  trG(rho: number): number;
  /** 'cholesky' (W similar to a symmetric matrix) or 'lu'. */
  factorisation: 'cholesky' | 'lu';
  /** Non-zeros of the factor L (below the diagonal), the fill of the ordering. */
  fill: number;
}

const cache = new WeakMap<WeightsMatrix, SparseLogDet>();

/** The exact sparse log-determinant of I − ρW, with its trace; cached per matrix. */
export function sparseLogDet(w: WeightsMatrix): SparseLogDet {
  const hit = cache.get(w);
  if (hit) return hit;
  const d = w.symmetricBaseRowSums;
  if (!d && !w.rowStandardised) {
    throw new InputError(
      `${w.label}: the sparse log-determinant needs a row-standardised W or W = D⁻¹C with C symmetric`,
    );
  }
  const n = w.n;
  const symmetric = d !== undefined;
  // Values as seen by the factorisation: S (symmetric case) or W.
  const value = (i: number, k: number) =>
    symmetric ? (Math.sqrt(d[i]) * w.values[k]) / Math.sqrt(d[w.colIdx[k]]) : w.values[k];
  for (let i = 0; i < n; i++) {
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++)
      if (w.colIdx[k] === i) throw new InputError(`${w.label}: self-link at ${w.ids[i]}`);
  }
  const sym = symmetrisedPattern(n, w.rowPtr, w.colIdx);
  const order = approximateMinimumDegree(sym);
  const pos = new Int32Array(n);
  order.forEach((v, k) => (pos[v] = k));
  // The permuted symmetric pattern, CSR.
  const pptr = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) pptr[a + 1] = pptr[a] + (sym.ptr[order[a] + 1] - sym.ptr[order[a]]);
  const pidx = new Int32Array(sym.idx.length);
  for (let a = 0; a < n; a++) {
    const v = order[a];
    let q = pptr[a];
    for (let k = sym.ptr[v]; k < sym.ptr[v + 1]; k++) pidx[q++] = pos[sym.idx[k]];
  }
  const pattern = symbolicLdu(n, pptr, pidx);
  // Off-diagonal entries of the permuted matrix, per column j of the lower triangle (rows i > j).
  const aPtr = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) {
    let c = 0;
    for (let q = pptr[j]; q < pptr[j + 1]; q++) if (pidx[q] > j) c++;
    aPtr[j + 1] = aPtr[j] + c;
  }
  const aRow = new Int32Array(aPtr[n]);
  const fillAt = aPtr.slice(0, n);
  for (let j = 0; j < n; j++)
    for (let q = pptr[j]; q < pptr[j + 1]; q++) if (pidx[q] > j) aRow[fillAt[j]++] = pidx[q];
  const aLower = new Float64Array(aRow.length);
  const aUpper = new Float64Array(aRow.length);
  const slotOf = (row: number, col: number) => {
    for (let q = aPtr[col]; q < aPtr[col + 1]; q++) if (aRow[q] === row) return q;
    throw new Error('sparseLogDet: entry outside the symmetrised pattern');
  };
  // For tr(G) = Σ w_ij z_ji: where z_ji lives in the selected inverse (Zl or Zu at a pattern position).
  const nnzW = w.rowPtr[n];
  const trValue = new Float64Array(nnzW);
  const trPos = new Int32Array(nnzW);
  const trUpper = new Uint8Array(nnzW);
  for (let i = 0; i < n; i++) {
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) {
      const pi = pos[i];
      const pj = pos[w.colIdx[k]];
      const v = value(i, k);
      if (pi > pj) aLower[slotOf(pi, pj)] = -v;
      else if (!symmetric) aUpper[slotOf(pj, pi)] = -v;
      trValue[k] = v;
      // z at (pj, pi): below the diagonal when pj > pi (Zl at (pj, pi)), else above (Zu at (pi, pj)).
      trPos[k] = pj > pi ? patternPosition(pattern, pj, pi) : patternPosition(pattern, pi, pj);
      trUpper[k] = pj > pi ? 0 : 1;
    }
  }
  const factor = new LduFactor(pattern, aPtr, aRow, aLower, aUpper, symmetric);
  let lastRho = NaN;
  let lastLogdet = NaN;
  const factorAt = (rho: number) => {
    if (rho !== lastRho) {
      lastRho = NaN;
      lastLogdet = factor.factor(rho);
      lastRho = rho;
    }
    return lastLogdet;
  };
  const f = ((rho: number) => factorAt(rho)) as SparseLogDet;
  f.trG = (rho: number) => {
    if (!Number.isFinite(factorAt(rho))) return NaN;
    factor.selectedInverse();
    const { Zl, Zu } = factor;
    let s = 0;
    for (let k = 0; k < nnzW; k++) s += trValue[k] * (trUpper[k] ? Zu[trPos[k]] : Zl[trPos[k]]);
    return s;
  };
  f.factorisation = symmetric ? 'cholesky' : 'lu';
  f.fill = pattern.rowIdx.length;
  cache.set(w, f);
  return f;
}
