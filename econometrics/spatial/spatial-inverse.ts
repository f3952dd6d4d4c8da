/**
 * (aI − bW)⁻¹ as a dense N×N matrix (row-major Float64Array), for the quantities of the dynamic spatial
 * model that are not functions of W's spectrum alone — tr(G'G), diag(G), G·v — at one parameter value
 * per call.
 *   'dense': LU with partial pivoting (ml-matrix), for the eigenvalue path (small N);
 *   'banded': W's entities in reverse Cuthill–McKee order of the symmetrised pattern (a band, unlike the
 *     fill-reducing order of the sparse log-determinant, so that every solve is a band sweep), LU without
 *     pivoting, then the N unit right-hand sides: cost about 3N²·bw for bandwidth bw,
 *     against N³ for a dense inverse. Without pivoting this needs |b/a| < 1: aI − bW with a
 *     row-standardised, zero-diagonal W is then strictly diagonally dominant by rows, which Gaussian
 *     elimination preserves, so every pivot is non-zero.
 * Hand-written because no maintained TypeScript sparse LU exists.
 */
import { Matrix } from 'ml-matrix';
import { DataError, InputError } from '../../common/errors';
import { inverseOf } from '../linalg';
import { bandOrder, toDense, type WeightsMatrix } from './weights';

export type InverseMethod = 'dense' | 'banded';

export function spatialInverse(w: WeightsMatrix, a: number, b: number, method: InverseMethod): Float64Array {
  return method === 'dense' ? denseInverse(w, a, b) : bandedInverse(w, a, b);
}

function denseInverse(w: WeightsMatrix, a: number, b: number): Float64Array {
  const n = w.n;
  const W = toDense(w);
  const M = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M.set(i, j, (i === j ? a : 0) - b * W[i][j]);
  const inv = inverseOf(M, `${a}·I − ${b}·W`);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = inv.get(i, j);
  return out;
}

const orders = new WeakMap<WeightsMatrix, { pos: Int32Array; bw: number }>();

function bandedInverse(w: WeightsMatrix, a: number, b: number): Float64Array {
  if (!w.rowStandardised || !(Math.abs(b) < Math.abs(a))) {
    throw new InputError(
      `${w.label}: the banded inverse of ${a}·I − ${b}·W needs a row-standardised W and |${b}| < |${a}|`,
    );
  }
  const n = w.n;
  let order = orders.get(w);
  if (!order) orders.set(w, (order = bandOrder(w)));
  const { pos, bw } = order;
  const width = 2 * bw + 1;
  // Entry (i, j) of the permuted matrix at A[i·width + (j − i + bw)]; factorised in place (L below the
  // diagonal with a unit diagonal, U on and above).
  const A = new Float64Array(n * width);
  for (let i = 0; i < n; i++) A[i * width + bw] = a;
  for (let i = 0; i < n; i++) {
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) {
      const pi = pos[i];
      A[pi * width + (pos[w.colIdx[k]] - pi + bw)] -= b * w.values[k];
    }
  }
  for (let k = 0; k < n; k++) {
    const pivot = A[k * width + bw];
    if (!(Math.abs(pivot) > 0))
      throw new DataError(
        `${w.label}: the banded inverse of ${a}·I − ${b}·W has a zero pivot at ${k}`,
        'weights',
      );
    const last = Math.min(n - 1, k + bw);
    const rowK = k * width - k + bw;
    for (let i = k + 1; i <= last; i++) {
      const rowI = i * width - i + bw;
      const lik = A[rowI + k] / pivot;
      A[rowI + k] = lik;
      if (lik === 0) continue;
      for (let j = k + 1; j <= last; j++) A[rowI + j] -= lik * A[rowK + j];
    }
  }
  // Column c of the permuted inverse: L z = e_c (z is zero above c), U x = z.
  const out = new Float64Array(n * n);
  const x = new Float64Array(n);
  const original = new Int32Array(n);
  for (let i = 0; i < n; i++) original[pos[i]] = i;
  for (let c = 0; c < n; c++) {
    x.fill(0);
    x[c] = 1;
    for (let i = c + 1; i < n; i++) {
      const rowI = i * width - i + bw;
      const j0 = Math.max(c, i - bw);
      let s = 0;
      for (let j = j0; j < i; j++) s += A[rowI + j] * x[j];
      x[i] = -s;
    }
    for (let i = n - 1; i >= 0; i--) {
      const rowI = i * width - i + bw;
      const j1 = Math.min(n - 1, i + bw);
      let s = x[i];
      for (let j = i + 1; j <= j1; j++) s -= A[rowI + j] * x[j];
      x[i] = s / A[rowI + i];
    }
    // inv[i, j] of the original order is x[pos[i]] for the column c = pos[j].
    const j = original[c];
    for (let p = 0; p < n; p++) out[original[p] * n + j] = x[p];
  }
  return out;
}
