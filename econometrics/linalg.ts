/**
 * Least squares on column-major designs (one Float64Array per regressor), solved by Householder QR
 * (ml-matrix) so that (X'X)⁻¹ is formed as R⁻¹R⁻ᵀ from the triangular factor, never by inverting X'X.
 * Collinear and constant regressors are found first, by a Gram–Schmidt pass with the same relative
 * tolerance as R's `lm` (1e-7 on the residual column norm), and named in the report.
 */
import { Matrix, QrDecomposition } from 'ml-matrix';

export type Columns = Float64Array[];

export interface DroppedTerm {
  term: string;
  reason: string;
}

const COLLINEAR_TOL = 1e-7;

/**
 * Which columns to keep, in order: a column whose residual norm after projection on the columns kept
 * before it falls below tol·(its own norm) is dropped, with the reason naming what it is collinear with.
 * `constantName` labels an all-equal column (e.g. 'the constant' or 'the entity fixed effects').
 */
export function findCollinear(
  columns: Columns,
  names: readonly string[],
  options: { alwaysKeep?: number[]; zeroMeaning?: string } = {},
): { keep: number[]; dropped: DroppedTerm[] } {
  const n = columns.length ? columns[0].length : 0;
  const basis: Float64Array[] = [];
  const basisIdx: number[] = [];
  const keep: number[] = [];
  const dropped: DroppedTerm[] = [];
  const order = [
    ...(options.alwaysKeep ?? []),
    ...columns.map((_, j) => j).filter((j) => !options.alwaysKeep?.includes(j)),
  ];
  for (const j of order) {
    const v = new Float64Array(columns[j]);
    const norm0 = Math.sqrt(dot(v, v));
    if (norm0 === 0) {
      dropped.push({
        term: names[j],
        reason: `is zero in every used row${options.zeroMeaning ? ` (${options.zeroMeaning})` : ''}`,
      });
      continue;
    }
    const coefs: number[] = [];
    // Modified Gram–Schmidt, twice, for a stable residual norm.
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < basis.length; b++) {
        const c = dot(basis[b], v);
        if (pass === 0) coefs[b] = c;
        else coefs[b] += c;
        const q = basis[b];
        for (let i = 0; i < n; i++) v[i] -= c * q[i];
      }
    }
    const norm = Math.sqrt(dot(v, v));
    if (norm < COLLINEAR_TOL * norm0) {
      const with_ = basisIdx.filter((_, b) => Math.abs(coefs[b]) > 1e-9 * norm0).map((b) => names[b]);
      dropped.push({
        term: names[j],
        reason: `is collinear with ${with_.join(', ') || 'the other regressors'}`,
      });
      continue;
    }
    for (let i = 0; i < n; i++) v[i] /= norm;
    basis.push(v);
    basisIdx.push(j);
    keep.push(j);
  }
  keep.sort((a, b) => a - b);
  return { keep, dropped };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export interface QrFit {
  coef: Float64Array;
  /** (X'X)⁻¹ = R⁻¹R⁻ᵀ. */
  bread: Matrix;
  residuals: Float64Array;
}

export function toMatrix(columns: Columns): Matrix {
  const n = columns[0].length;
  const k = columns.length;
  const m = new Matrix(n, k);
  for (let j = 0; j < k; j++) {
    const c = columns[j];
    for (let i = 0; i < n; i++) m.set(i, j, c[i]);
  }
  return m;
}

/** Least squares of y on the columns (which must have full column rank: call findCollinear first). */
export function qrLeastSquares(columns: Columns, y: Float64Array): QrFit {
  const k = columns.length;
  const n = y.length;
  if (k === 0) return { coef: new Float64Array(0), bread: new Matrix(0, 0), residuals: new Float64Array(y) };
  const qr = new QrDecomposition(toMatrix(columns));
  const coef = Float64Array.from(qr.solve(Matrix.columnVector(Array.from(y))).getColumn(0));
  const R = qr.upperTriangularMatrix;
  const Rinv = upperTriangularInverse(R);
  const bread = Rinv.mmul(Rinv.transpose());
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let j = 0; j < k; j++) f += columns[j][i] * coef[j];
    residuals[i] = y[i] - f;
  }
  return { coef, bread, residuals };
}

/** Inverse of an upper-triangular matrix by back substitution (k is small: the number of regressors). */
export function upperTriangularInverse(R: Matrix): Matrix {
  const k = R.rows;
  const inv = new Matrix(k, k);
  for (let j = 0; j < k; j++) {
    inv.set(j, j, 1 / R.get(j, j));
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let l = i + 1; l <= j; l++) s += R.get(i, l) * inv.get(l, j);
      inv.set(i, j, -s / R.get(i, i));
    }
  }
  return inv;
}

/** b′A⁻¹b by a QR solve of A x = b (Wald statistics), without forming A⁻¹. */
export function quadraticFormInverse(A: Matrix, b: ArrayLike<number>): number {
  const x = new Matrix([Array.from(b)]).transpose();
  const sol = new QrDecomposition(A).solve(x);
  let s = 0;
  for (let i = 0; i < b.length; i++) s += b[i] * sol.get(i, 0);
  return s;
}

/** Means by group code (codes 0..ngroups-1) of the given rows. */
export function groupMeans(x: Float64Array, codes: Int32Array, ngroups: number): Float64Array {
  const sum = new Float64Array(ngroups);
  const cnt = new Float64Array(ngroups);
  for (let i = 0; i < x.length; i++) {
    sum[codes[i]] += x[i];
    cnt[codes[i]]++;
  }
  for (let g = 0; g < ngroups; g++) sum[g] /= cnt[g];
  return sum;
}

/** x − group mean (the within transformation for one grouping). */
export function demean(x: Float64Array, codes: Int32Array, ngroups: number): Float64Array {
  const m = groupMeans(x, codes, ngroups);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - m[codes[i]];
  return out;
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

export function sumSquares(x: ArrayLike<number>, centre = 0): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - centre) ** 2;
  return s;
}

export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
