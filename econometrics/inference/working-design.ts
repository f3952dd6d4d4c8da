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
 * Hand-written: no TypeScript library computes cluster blocks of a hat matrix.
 */
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { InputError } from '../../common/errors';
import { demeanBy } from '../../panel';
import { findCollinear, qrLeastSquares, type Columns } from '../linalg';

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
    let cols: Columns = fit.design;
    let index = fit.design.map((_, j) => j);
    let m: Matrix | undefined;
    if (abs) {
      this.groupSize = new Float64Array(abs.ngroups);
      for (const g of abs.codes) this.groupSize[g]++;
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
    } else {
      this.groupSize = new Float64Array(0);
    }
    this.xw = cols;
    this.xwIndex = index;
    this.m = m ?? crossInverse(cols) ?? qrLeastSquares(cols, new Float64Array(n)).bread;
  }

  /** True when every absorbed group lies within one cluster (or nothing is absorbed). */
  get nested(): boolean {
    const abs = this.fit.absorbed;
    if (!abs) return true;
    const seen = new Int32Array(abs.ngroups).fill(-1);
    for (let i = 0; i < this.n; i++) {
      const g = abs.codes[i];
      if (seen[g] < 0) seen[g] = this.fit.clusters[i];
      else if (seen[g] !== this.fit.clusters[i]) return false;
    }
    return true;
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
    const nj = h.rows;
    const ih = Matrix.eye(nj).sub(h);
    // Symmetrise against rounding before the symmetric eigen solver.
    for (let a = 0; a < nj; a++)
      for (let b = 0; b < a; b++) {
        const v = (ih.get(a, b) + ih.get(b, a)) / 2;
        ih.set(a, b, v);
        ih.set(b, a, v);
      }
    const eig = new EigenvalueDecomposition(ih, { assumeSymmetric: true });
    const vals = eig.realEigenvalues;
    const vecs = eig.eigenvectorMatrix;
    const out = new Matrix(nj, nj);
    for (let e = 0; e < nj; e++) {
      if (!(vals[e] > 1e-12)) continue;
      const s = vals[e] ** power;
      for (let a = 0; a < nj; a++) {
        const va = vecs.get(a, e) * s;
        if (va === 0) continue;
        for (let b = 0; b < nj; b++) out.set(a, b, out.get(a, b) + va * vecs.get(b, e));
      }
    }
    return out;
  }

  /** The rows of cluster j of a length-N vector. */
  block(j: number, v: ArrayLike<number>): Float64Array {
    return Float64Array.from(this.rows[j], (i) => v[i]);
  }
}

/** (X'X)⁻¹ by Cholesky of the cross-product, or undefined when it is not positive definite. */
export function crossInverse(cols: Columns): Matrix | undefined {
  const q = cols.length;
  const xtx = new Matrix(q, q);
  for (let a = 0; a < q; a++) {
    const ca = cols[a];
    for (let b = a; b < q; b++) {
      const cb = cols[b];
      let s = 0;
      for (let i = 0; i < ca.length; i++) s += ca[i] * cb[i];
      xtx.set(a, b, s);
      xtx.set(b, a, s);
    }
  }
  const chol = new CholeskyDecomposition(xtx);
  if (!chol.isPositiveDefinite()) return undefined;
  // Relative conditioning guard: reject a near-singular cross-product (rank decided as findCollinear does).
  const L = chol.lowerTriangularMatrix;
  for (let a = 0; a < q; a++) if (!(L.get(a, a) > 1e-7 * Math.sqrt(xtx.get(a, a)))) return undefined;
  return chol.solve(Matrix.eye(q));
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
