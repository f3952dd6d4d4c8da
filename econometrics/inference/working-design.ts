/**
 * The working design of the small-cluster corrections (CR2, the cluster jackknife, leverage): the
 * regressors on the absorbed design and the absorbed fixed effects' dummies, U = [X̃, D], whose hat
 * matrix H_U = X̃(X̃'X̃)⁻¹X̃' + D(D'D)⁻¹D' is the projection the residuals were made orthogonal to.
 *
 * X̃ is the estimator's design Z (X for OLS and FE, X̂ for 2SLS) demeaned by the absorbed groups, with
 * the columns that vanish (the constant) left out; X̃ ⟂ D, so the two projections add. Without absorbed
 * effects (pooled OLS) X̃ = Z and D is empty. D(D'D)⁻¹D' has entry 1/T_g where rows r and s lie in the
 * same absorbed group g of size T_g.
 *
 * This is clubSandwich's working model for `plm` within fits (`augmented_model_matrix`): with the fixed
 * effects nested in the clusters clubSandwich leaves D out, which gives the same CR2 and Satterthwaite
 * degrees of freedom for every slope (each within column and each residual block is orthogonal to the
 * dummies' columns), and keeps it otherwise.
 *
 * A fit that has X̃ and M = (X̃'X̃)⁻¹ already (FE: its within design, and the slopes' block of its bread,
 * which is (X̃'X̃)⁻¹ by the partitioned inverse because [X̃ + 1x̄', 1] = [X̃, 1]·T with X̃ ⟂ 1) passes them
 * as `within`; otherwise they are made here by demeaning Z and a Cholesky of X̃'X̃.
 *
 * Hand-written: no TypeScript library computes cluster blocks of a hat matrix.
 */
import { Matrix } from 'ml-matrix';
import { InputError } from '../../common/errors';
import { demeanBy } from '../../panel';
import {
  Cholesky,
  crossProductInverse,
  findCollinear,
  GRAM_TOL,
  symmetricPower,
  type Columns,
} from '../linalg';

export interface Absorbed {
  /** Absorbed group of each row (0..ngroups−1). */
  codes: Int32Array;
  ngroups: number;
}

export interface ClusteredFit {
  /** The estimator's design Z, one column per coefficient. */
  design: Columns;
  /** (Z'Z)⁻¹. */
  bread: Matrix;
  residuals: Float64Array;
  /** Cluster of each row (0..G−1). */
  clusters: Int32Array;
  /** The fixed effects the design was within-transformed by, if any. */
  absorbed?: Absorbed;
  /** X̃ and (X̃'X̃)⁻¹ as the estimator has them (see the header), so they are not made again. */
  within?: WithinDesign;
}

/** The absorbed design X̃: its columns, the design column each comes from, and M = (X̃'X̃)⁻¹. */
export interface WithinDesign {
  columns: Columns;
  index: number[];
  bread: Matrix;
}

export class WorkingDesign {
  readonly n: number;
  readonly nclusters: number;
  /** Rows of each cluster, in row order. */
  readonly rows: Int32Array[];
  /** X̃ by columns, the design column each comes from, and M = (X̃'X̃)⁻¹. */
  readonly xw: Columns;
  readonly xwIndex: number[];
  readonly m: Matrix;
  /** Size of each absorbed group (empty without absorption). */
  readonly groupSize: Float64Array;

  constructor(readonly fit: ClusteredFit) {
    const n = fit.residuals.length;
    this.n = n;
    let G = 0;
    for (const c of fit.clusters) if (c + 1 > G) G = c + 1;
    if (G < 2) throw new InputError('the cluster correction needs at least 2 clusters', 'vce');
    this.nclusters = G;
    const counts = new Int32Array(G);
    for (const c of fit.clusters) counts[c]++;
    this.rows = Array.from(counts, (k) => new Int32Array(k));
    const fill = new Int32Array(G);
    for (let i = 0; i < n; i++) this.rows[fit.clusters[i]][fill[fit.clusters[i]]++] = i;

    const abs = fit.absorbed;
    this.groupSize = new Float64Array(abs?.ngroups ?? 0);
    if (abs) for (const g of abs.codes) this.groupSize[g]++;
    if (fit.within) {
      this.xw = fit.within.columns;
      this.xwIndex = fit.within.index;
      this.m = fit.within.bread;
      return;
    }
    let cols: Columns = fit.design;
    let index = fit.design.map((_, j) => j);
    let m: Matrix | undefined;
    if (abs) {
      const dm = fit.design.map((c) => demeanBy(c, abs));
      // The constant (and any column constant within groups) vanishes: it lies in the span of D. A
      // projected constant (2SLS: P_W·1) vanishes only to rounding, so compare with the column's norm.
      const norm = (c: Float64Array) => Math.sqrt(c.reduce((s, v) => s + v * v, 0));
      const live = dm.flatMap((c, j) => (norm(c) > 1e-10 * norm(fit.design[j]) ? [j] : []));
      index = live;
      cols = live.map((j) => dm[j]);
      // The estimator has dropped collinear regressors already; a singular X̃'X̃ here is the rare case
      // of a regressor collinear with the fixed effects' span only after demeaning.
      m = crossInverse(cols);
      if (!m) {
        index = findCollinear(
          cols,
          cols.map((_, j) => `z${j}`),
        ).keep.map((i) => live[i]);
        cols = index.map((j) => dm[j]);
      }
    }
    this.xw = cols;
    this.xwIndex = index;
    this.m =
      m ??
      crossInverse(cols) ??
      crossProductInverse(
        cols,
        "the cluster correction's working design X̃",
        index.map((j) => `design column ${j + 1}`),
      );
  }

  /** True when every absorbed group lies within one cluster (or nothing is absorbed). */
  get nested(): boolean {
    return !this.fit.absorbed || nestedIn(this.fit.absorbed.codes, this.fit.clusters);
  }

  /** H_U restricted to the rows of cluster j (n_j × n_j). */
  hatBlock(j: number): Matrix {
    const r = this.rows[j];
    const nj = r.length;
    const q = this.xw.length;
    // XM = X̃_j M (n_j × q), then H = XM X̃_j'.
    const xj = new Matrix(nj, q);
    for (let a = 0; a < nj; a++) for (let c = 0; c < q; c++) xj.set(a, c, this.xw[c][r[a]]);
    const h = xj.mmul(this.m).mmul(xj.transpose());
    const abs = this.fit.absorbed;
    if (abs) {
      for (let a = 0; a < nj; a++) {
        const ga = abs.codes[r[a]];
        for (let b = 0; b < nj; b++) {
          if (abs.codes[r[b]] === ga) h.set(a, b, h.get(a, b) + 1 / this.groupSize[ga]);
        }
      }
    }
    return h;
  }

  /** (I − H_jj)^p on its range (eigenvalues ≤ 1e-12 give 0, as clubSandwich's matrix_power), p = −½ or −1. */
  adjustment(j: number, power: number): Matrix {
    const h = this.hatBlock(j);
    return symmetricPower(Matrix.eye(h.rows).sub(h), power, 1e-12);
  }

  /** The rows of cluster j of a length-N vector. */
  block(j: number, v: ArrayLike<number>): Float64Array {
    return Float64Array.from(this.rows[j], (i) => v[i]);
  }
}

/**
 * (X'X)⁻¹ by Cholesky of the cross-product, or undefined when a column is (nearly) collinear with the
 * ones before it (GRAM_TOL: findCollinear's rule), for the caller to drop it.
 */
export function crossInverse(cols: Columns): Matrix | undefined {
  const q = cols.length;
  const xtx = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    const ca = cols[a];
    for (let b = a; b < q; b++) {
      const cb = cols[b];
      let s = 0;
      for (let i = 0; i < ca.length; i++) s += ca[i] * cb[i];
      xtx[a * q + b] = s;
      xtx[b * q + a] = s;
    }
  }
  return Cholesky.tryOf(xtx, GRAM_TOL)?.inverse();
}

/** True when every group of `inner` lies within one group of `outer` (codes per row). */
export function nestedIn(inner: Int32Array, outer: Int32Array): boolean {
  const seen = new Map<number, number>();
  for (let i = 0; i < inner.length; i++) {
    const o = seen.get(inner[i]);
    if (o === undefined) seen.set(inner[i], outer[i]);
    else if (o !== outer[i]) return false;
  }
  return true;
}

/** y = A x for a dense square A and a vector x. */
export function matVec(a: Matrix, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.rows);
  for (let r = 0; r < a.rows; r++) {
    let s = 0;
    for (let c = 0; c < a.columns; c++) s += a.get(r, c) * x[c];
    out[r] = s;
  }
  return out;
}

/** M (Σ_j u_j u_j') M for score vectors u_j (each of length p). */
export function sandwichOfScores(bread: Matrix, scores: Float64Array[]): Matrix {
  const p = bread.rows;
  const meat = new Matrix(p, p);
  for (const u of scores) {
    for (let a = 0; a < p; a++) {
      const ua = u[a];
      if (ua === 0) continue;
      for (let b = 0; b < p; b++) meat.set(a, b, meat.get(a, b) + ua * u[b]);
    }
  }
  return bread.mmul(meat).mmul(bread);
}

/** Z_j' v for the rows of cluster j (v given over those rows). */
export function designCrossBlock(design: Columns, rows: Int32Array, v: Float64Array): Float64Array {
  const out = new Float64Array(design.length);
  for (let c = 0; c < design.length; c++) {
    const col = design[c];
    let s = 0;
    for (let a = 0; a < rows.length; a++) s += col[rows[a]] * v[a];
    out[c] = s;
  }
  return out;
}
