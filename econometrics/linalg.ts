/**
 * Least squares on column-major designs (one Float64Array per regressor), solved by Householder QR so
 * that (X'X)⁻¹ is formed as R⁻¹R⁻ᵀ from the triangular factor, never by inverting X'X. Collinear and
 * constant regressors are found in the same pass, as R's `lm` (LINPACK dqrdc2) does: a column whose norm
 * after the reflections of the columns kept before it falls below 1e-7 × its own norm is dropped, and
 * the report names what it is collinear with.
 *
 * Hand-written rather than ml-matrix's QrDecomposition because that one reads and writes element by
 * element through accessors on row arrays: on a 33,000 × 6 panel design this kernel over contiguous
 * columns is about ten times faster with the same algorithm (left-looking Householder).
 */
import {
  CholeskyDecomposition,
  EigenvalueDecomposition,
  LuDecomposition,
  Matrix,
  pseudoInverse,
  QrDecomposition,
} from 'ml-matrix';
import { DataError } from '../common/errors';

export type Columns = Float64Array[];

export interface DroppedTerm {
  term: string;
  reason: string;
}

const COLLINEAR_TOL = 1e-7;

/** Householder QR of the kept columns; reflections are stored so that Q'y costs O(nk). */
export class HouseholderQr {
  /** Indices (into the input columns) of the kept columns, in input order. */
  readonly keep: number[] = [];
  /** Dropped column index → coefficients of its projection on the kept columns (kept order). */
  readonly droppedProjections = new Map<number, Float64Array>();
  readonly zeroColumns: number[] = [];
  private readonly vs: Float64Array[] = [];
  private readonly betas: number[] = [];
  /** R by columns: rcols[j] holds R[0..j, j]. */
  private readonly rcols: Float64Array[] = [];
  readonly n: number;

  constructor(
    private readonly columns: Columns,
    options: { order?: number[]; detect?: boolean } = {},
  ) {
    this.n = columns.length ? columns[0].length : 0;
    const order = options.order ?? columns.map((_, j) => j);
    const detect = options.detect ?? true;
    const n = this.n;
    const kept: number[] = [];
    for (const j of order) {
      const x = new Float64Array(columns[j]);
      const norm0 = Math.sqrt(dot(x, x, 0));
      if (detect && norm0 === 0) {
        this.zeroColumns.push(j);
        continue;
      }
      this.applyReflections(x);
      const r = this.vs.length;
      const tail = Math.sqrt(dot(x, x, r));
      if (detect && tail < COLLINEAR_TOL * norm0) {
        this.droppedProjections.set(j, this.backSolve(x.subarray(0, r)));
        continue;
      }
      // v = x[r:] + sign(x_r)·‖x[r:]‖·e₁, β = 2 / v'v; R[r,r] = −sign(x_r)·‖x[r:]‖.
      const alpha = x[r] >= 0 ? -tail : tail;
      const v = new Float64Array(n - r);
      for (let i = r; i < n; i++) v[i - r] = x[i];
      v[0] -= alpha;
      const vtv = dot(v, v, 0);
      this.vs.push(v);
      this.betas.push(vtv === 0 ? 0 : 2 / vtv);
      const rc = new Float64Array(r + 1);
      for (let i = 0; i < r; i++) rc[i] = x[i];
      rc[r] = alpha;
      this.rcols.push(rc);
      kept.push(j);
    }
    this.keep.push(...kept);
  }

  get rank(): number {
    return this.vs.length;
  }

  /** Applies H_{r−1}…H_0 to z in place (z ← Q'z restricted to the reflections built so far). */
  private applyReflections(z: Float64Array): void {
    for (let r = 0; r < this.vs.length; r++) {
      const v = this.vs[r];
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i] * z[r + i];
      s *= this.betas[r];
      if (s === 0) continue;
      for (let i = 0; i < v.length; i++) z[r + i] -= s * v[i];
    }
  }

  private backSolve(z: ArrayLike<number>): Float64Array {
    const k = z.length;
    const c = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      let s = z[i];
      for (let j = i + 1; j < k; j++) s -= this.rcols[j][i] * c[j];
      c[i] = s / this.rcols[i][i];
    }
    return c;
  }

  /** Least-squares coefficients of y on the kept columns (kept order). */
  coefficients(y: Float64Array): Float64Array {
    const z = new Float64Array(y);
    this.applyReflections(z);
    return this.backSolve(z.subarray(0, this.rank));
  }

  /** R as an ml-matrix (rank × rank). */
  r(): Matrix {
    const k = this.rank;
    const R = new Matrix(k, k);
    for (let j = 0; j < k; j++) for (let i = 0; i <= j; i++) R.set(i, j, this.rcols[j][i]);
    return R;
  }

  /** (X'X)⁻¹ of the kept columns = R⁻¹R⁻ᵀ. */
  bread(): Matrix {
    const Rinv = upperTriangularInverse(this.r());
    return Rinv.mmul(Rinv.transpose());
  }

  /** y − X_kept·coef. */
  residuals(y: Float64Array, coef: ArrayLike<number>): Float64Array {
    const e = new Float64Array(y);
    this.keep.forEach((j, c) => {
      const col = this.columns[j];
      const b = coef[c];
      for (let i = 0; i < e.length; i++) e[i] -= b * col[i];
    });
    return e;
  }
}

/**
 * Which columns to keep (in input order, `alwaysKeep` ones considered first) and which to drop, with
 * the reason naming the kept columns each dropped one is collinear with.
 */
export function findCollinear(
  columns: Columns,
  names: readonly string[],
  options: { alwaysKeep?: number[]; zeroMeaning?: string } = {},
): { keep: number[]; dropped: DroppedTerm[] } {
  const first = options.alwaysKeep ?? [];
  const order = [...first, ...columns.map((_, j) => j).filter((j) => !first.includes(j))];
  const qr = new HouseholderQr(columns, { order });
  const dropped: DroppedTerm[] = [];
  for (const j of order) {
    if (qr.zeroColumns.includes(j)) {
      dropped.push({
        term: names[j],
        reason: `is zero in every used row${options.zeroMeaning ? ` (${options.zeroMeaning})` : ''}`,
      });
    }
    const proj = qr.droppedProjections.get(j);
    if (proj) {
      const with_ = qr.keep.filter((_, c) => Math.abs(proj[c]) > 1e-9).map((k) => names[k]);
      dropped.push({
        term: names[j],
        reason: `is collinear with ${with_.join(', ') || 'the other regressors'}`,
      });
    }
  }
  return { keep: [...qr.keep].sort((a, b) => a - b), dropped };
}

function dot(a: Float64Array, b: Float64Array, from: number): number {
  let s = 0;
  for (let i = from; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export interface QrFit {
  coef: Float64Array;
  /** (X'X)⁻¹ = R⁻¹R⁻ᵀ. */
  bread: Matrix;
  residuals: Float64Array;
}

/**
 * The QR of a design that must have full column rank (a spatial model's demeaned X, a filtered X):
 * a zero or collinear column is a DataError naming it, raised before any coefficient is computed.
 */
export function fullRankQr(columns: Columns, what: string, names?: readonly string[]): HouseholderQr {
  const qr = new HouseholderQr(columns);
  if (qr.rank < columns.length) {
    const bad = columns
      .map((_, j) => j)
      .filter((j) => !qr.keep.includes(j))
      .map((j) => names?.[j] ?? `column ${j + 1}`);
    throw new DataError(
      `${what}: the design is rank-deficient (${bad.join(', ')} zero or collinear with the other regressors)`,
      bad[0],
    );
  }
  return qr;
}

/** Least squares of y on the columns (which must have full column rank: call findCollinear first). */
export function qrLeastSquares(columns: Columns, y: Float64Array): QrFit {
  if (columns.length === 0)
    return { coef: new Float64Array(0), bread: new Matrix(0, 0), residuals: new Float64Array(y) };
  const qr = new HouseholderQr(columns, { detect: false });
  const coef = qr.coefficients(y);
  return { coef, bread: qr.bread(), residuals: qr.residuals(y, coef) };
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

/**
 * The square solves every estimator uses for matrices that are not least-squares designs (information
 * matrices, GMM weighting, Hessians): a singular or non-positive-definite matrix is a DataError naming
 * `what`, raised here where it arises, so the column is recorded as failed and never retried.
 */
const SINGULAR_TOL = 1e-13;

/**
 * A⁻¹·B by partial-pivoting LU (ml-matrix's), refusing a (numerically) singular A: a pivot at or below
 * 1e-13 × the largest one, or × `scale` when the matrix has a natural one (a block of an orthogonal
 * matrix has scale 1, so a 1 × 1 block of 1e-17 is singular too).
 */
export function solveSquare(A: Matrix, B: Matrix, what: string, scale = 0): Matrix {
  const lu = new LuDecomposition(A);
  const U = lu.upperTriangularMatrix;
  let max = scale;
  let min = Infinity;
  for (let i = 0; i < U.rows; i++) {
    const d = Math.abs(U.get(i, i));
    if (d > max) max = d;
    if (d < min) min = d;
  }
  if (!Number.isFinite(max) || lu.isSingular() || min <= SINGULAR_TOL * max)
    throw new DataError(
      `${what} is singular (${A.rows} × ${A.columns}); the model is not identified on this data`,
      what,
    );
  return lu.solve(B);
}

/** A⁻¹ by LU, refusing a singular A (see solveSquare). */
export function inverseOf(A: Matrix, what: string): Matrix {
  return solveSquare(A, Matrix.eye(A.rows), what);
}

const GENERALISED_EPS = 1e-9;

/**
 * A⁻¹ of a symmetric positive semi-definite weighting matrix, or its Moore–Penrose generalised inverse
 * when it is numerically singular, as plm's pgmm does (smallest eigenvalue below 1e-9), with a warning
 * naming `what`. A failed or nearly singular Cholesky factor (pivot² < 1e-9) is the same test without
 * the eigen-decomposition.
 */
export function inverseOrGeneralised(A: Matrix, what: string, warnings: string[]): Matrix {
  const sym = A.clone().add(A.transpose()).div(2);
  const chol = new CholeskyDecomposition(sym);
  const Lc = chol.lowerTriangularMatrix;
  let ok = chol.isPositiveDefinite();
  for (let i = 0; ok && i < Lc.rows; i++) if (Lc.get(i, i) ** 2 < GENERALISED_EPS) ok = false;
  if (!ok) {
    const ev = new EigenvalueDecomposition(sym, { assumeSymmetric: true }).realEigenvalues;
    if (Math.min(...ev) < GENERALISED_EPS) {
      warnings.push(`the ${what} matrix is singular; a generalised inverse is used (as plm)`);
      return pseudoInverse(A);
    }
  }
  return chol.solve(Matrix.eye(A.rows));
}

/**
 * x with A x = b for a symmetric A by Cholesky, or undefined when A is not positive definite (a
 * bootstrap replicate whose draw cannot identify the model is counted, not raised).
 */
export function solvePositiveDefinite(A: Matrix, b: Matrix): number[] | undefined {
  const chol = new CholeskyDecomposition(A);
  if (!chol.isPositiveDefinite()) return undefined;
  return chol.solve(b).getColumn(0);
}

/** The Cholesky factor of a symmetric positive-definite A, refusing one that is not. */
export function choleskyOf(A: Matrix, what: string): CholeskyDecomposition {
  const chol = new CholeskyDecomposition(A);
  if (!chol.isPositiveDefinite())
    throw new DataError(`${what} is not positive definite (${A.rows} × ${A.columns})`, what);
  return chol;
}

/**
 * (X'X)⁻¹ of named columns that must have full column rank, as R⁻¹R⁻ᵀ from their Householder QR (the
 * rule of this module: X'X is never inverted); a zero or collinear column is a DataError naming `what`
 * and the column.
 */
export function crossProductInverse(columns: Columns, what: string, names?: readonly string[]): Matrix {
  if (columns.length === 0) return new Matrix(0, 0);
  return fullRankQr(columns, what, names).bread();
}

/**
 * Cholesky A = LL′ of a symmetric positive-definite q × q matrix, pivot by pivot:
 *   L_jj = √(A_jj − Σ_{k<j} L_jk²),  L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj  (i > j),
 * and a pivot j fails when L_jj² ≤ tol²·A_jj, i.e. column j of A is (nearly) a combination of the
 * columns before it. For a cross-product X′X, L_jj = |R_jj| of X's QR and √A_jj = ‖x_j‖, so tol = 1e-7
 * (GRAM_TOL) is findCollinear's rule; tol = 0 asks only for positive pivots. A covariance built as a
 * sum of outer products (Σ_g s_g s_g′ of cluster scores, B·Meat·B) that is singular in exact arithmetic
 * (fewer clusters than moments, scores that sum to zero by construction) keeps pivots of the order of
 * the rounding squared, ~1e-32 of its largest diagonal, while a column of its own small scale keeps its
 * diagonal: so ofCovariance also fails a pivot below 1e-20 (COVARIANCE_FLOOR) of the largest diagonal.
 * Hand-written over a flat
 * row-major array: the inner loops of the cluster diagnostics and the WRE bootstrap solve a small system
 * per cluster or per draw, where ml-matrix's accessors cost more than the arithmetic.
 */
export const GRAM_TOL = COLLINEAR_TOL;
export const COVARIANCE_FLOOR = 1e-20;

export class Cholesky {
  private constructor(
    readonly q: number,
    /** L row-major (q × q, upper part zero). */
    private readonly l: Float64Array,
    /** Scratch for solves. */
    private readonly y: Float64Array,
  ) {}

  /** The factor of row-major `a` (or a Matrix), or the index of the first failed pivot. */
  static factor(a: ArrayLike<number> | Matrix, tol = 0, floor = 0): Cholesky | { pivot: number } {
    const q = a instanceof Matrix ? a.rows : Math.round(Math.sqrt(a.length));
    const at =
      a instanceof Matrix ? (i: number, j: number) => a.get(i, j) : (i: number, j: number) => a[i * q + j];
    const l = new Float64Array(q * q);
    const tol2 = tol * tol;
    let maxDiag = 0;
    for (let i = 0; floor > 0 && i < q; i++) maxDiag = Math.max(maxDiag, Math.abs(at(i, i)));
    const least = floor * maxDiag;
    for (let i = 0; i < q; i++) {
      for (let j = 0; j <= i; j++) {
        let s = at(i, j);
        for (let k = 0; k < j; k++) s -= l[i * q + k] * l[j * q + k];
        if (i === j) {
          if (!(s > tol2 * Math.abs(at(i, i))) || !(s > least)) return { pivot: i };
          l[i * q + i] = Math.sqrt(s);
        } else l[i * q + j] = s / l[j * q + j];
      }
    }
    return new Cholesky(q, l, new Float64Array(q));
  }

  /** The factor, or undefined when A is not positive definite under `tol` (a degenerate draw). */
  static tryOf(a: ArrayLike<number> | Matrix, tol = 0): Cholesky | undefined {
    const c = Cholesky.factor(a, tol);
    return c instanceof Cholesky ? c : undefined;
  }

  /**
   * The factor of A, or a DataError naming `what` and the column (`names[pivot]`) at which A stops
   * being positive definite: raised where the matrix arises, so the estimation is recorded as failed.
   */
  static of(a: Matrix, what: string, names?: readonly string[], tol = GRAM_TOL, floor = 0): Cholesky {
    const c = Cholesky.factor(a, tol, floor);
    if (c instanceof Cholesky) return c;
    const col = names?.[c.pivot] ?? `column ${c.pivot + 1}`;
    throw new DataError(
      `${what} is singular or not positive definite (${a.rows} × ${a.columns}): ${col} ` +
        (c.pivot === 0 ? 'is zero' : 'is a linear combination of the columns before it'),
      names?.[c.pivot] ?? what,
    );
  }

  /** The factor of a covariance (a sum of outer products; see the header), refusing as `of` does. */
  static ofCovariance(a: Matrix, what: string, names?: readonly string[]): Cholesky {
    return Cholesky.of(a, what, names, GRAM_TOL, COVARIANCE_FLOOR);
  }

  /** x with A x = b, written into `out` (which may be b). */
  solveInto(b: ArrayLike<number>, out: Float64Array): Float64Array {
    const { q, l, y } = this;
    for (let i = 0; i < q; i++) {
      let s = b[i];
      for (let k = 0; k < i; k++) s -= l[i * q + k] * y[k];
      y[i] = s / l[i * q + i];
    }
    for (let i = q - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k < q; k++) s -= l[k * q + i] * out[k];
      out[i] = s / l[i * q + i];
    }
    return out;
  }

  /** A⁻¹B, column by column. */
  solve(B: Matrix): Matrix {
    const out = new Matrix(this.q, B.columns);
    const x = new Float64Array(this.q);
    for (let c = 0; c < B.columns; c++) {
      this.solveInto(B.getColumn(c), x);
      for (let i = 0; i < this.q; i++) out.set(i, c, x[i]);
    }
    return out;
  }

  inverse(): Matrix {
    return this.solve(Matrix.eye(this.q));
  }

  /** L as an ml-matrix. */
  lower(): Matrix {
    const L = new Matrix(this.q, this.q);
    for (let i = 0; i < this.q; i++) for (let j = 0; j <= i; j++) L.set(i, j, this.l[i * this.q + j]);
    return L;
  }
}

/**
 * A^p of a symmetric positive semi-definite A on its range: A = V diag(λ) V′ (symmetric eigen-solver on
 * (A + A′)/2, against rounding asymmetry), A^p = Σ_{λ_e > floor} λ_e^p v_e v_e′. Eigenvalues at or below
 * `floor` (rounding of a singular A, or its null space for p < 0) contribute 0: p = ½ with floor 0 is the
 * PSD square root with negative rounding clamped; p = −½, −1 with floor 1e-12 is clubSandwich's
 * matrix_power on the range of I − H_jj.
 */
export function symmetricPower(a: Matrix, power: number, floor: number): Matrix {
  const n = a.rows;
  const sym = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v = (a.get(i, j) + a.get(j, i)) / 2;
      sym.set(i, j, v);
      sym.set(j, i, v);
    }
  const eig = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const vals = eig.realEigenvalues;
  const vecs = eig.eigenvectorMatrix;
  const out = new Matrix(n, n);
  for (let e = 0; e < n; e++) {
    if (!(vals[e] > floor)) continue;
    const s = vals[e] ** power;
    for (let i = 0; i < n; i++) {
      const vi = vecs.get(i, e) * s;
      if (vi === 0) continue;
      for (let j = 0; j < n; j++) out.set(i, j, out.get(i, j) + vi * vecs.get(j, e));
    }
  }
  return out;
}

/** b′A⁻¹b by a QR solve of A x = b (Wald statistics), without forming A⁻¹. */
export function quadraticFormInverse(A: Matrix, b: ArrayLike<number>): number {
  const x = new Matrix([Array.from(b)]).transpose();
  const qr = new QrDecomposition(A);
  if (!qr.isFullRank()) throw new DataError('the Wald covariance is singular', 'wald');
  const sol = qr.solve(x);
  let s = 0;
  for (let i = 0; i < b.length; i++) s += b[i] * sol.get(i, 0);
  return s;
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
