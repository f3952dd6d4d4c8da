/**
 * Maximum likelihood of the spatial lag (SAR), Durbin (SDM: the lag model with WX among the regressors)
 * and error (SEM) models on a stacked panel, time-major blocks of N, with weights I_T ⊗ W — spatialreg's
 * lagsarlm / errorsarlm (method "eigen") applied to the within-demeaned panel.
 *
 * Lag: y = ρWy + Xβ + ε. Concentrated over β, σ²: with e0, e1 the OLS residuals of y and Wy on X,
 *   SSE(ρ) = (e0 − ρe1)'(e0 − ρe1),  ℓ(ρ) = −n/2 (log 2π + 1 + log(SSE/n)) + T·log|I_N − ρW|,
 * maximised over ρ in (1/λ_min, 1/λ_max); β = β0 − ρβ1, σ² = SSE/n.
 * Error: y − λWy = (X − λWX)β + ε, concentrated the same way.
 * Asymptotic covariance (as spatialreg's eigen method): the inverse of the information matrix
 *   lag: I_σσ = n/(2σ⁴), I_σρ = tr(G)/σ², I_ρρ = tr(G²) + tr(G'G) + (GXβ)'(GXβ)/σ², I_ρβ = X'GXβ/σ²,
 *        I_ββ = X'X/σ², with G = (I_T ⊗ W)(I − ρ I_T ⊗ W)⁻¹ (traces are T times those of the N×N block);
 *   error: I_σσ = n/(2σ⁴), I_σλ = tr(G)/σ², I_λλ = tr(G²) + tr(G'G), I_ββ = X̃'X̃/σ² (X̃ = X − λWX), G at λ.
 * Hand-written because no TypeScript library fits these models.
 */
import { Matrix } from 'ml-matrix';
import { DataError } from '../../common/errors';
import { fullRankQr, inverseOf, type Columns, type HouseholderQr } from '../linalg';
import { sparseLogDet } from './logdet';
import {
  eigenvalues,
  logDetEigen,
  panelSpatialLag,
  rhoInterval,
  toDense,
  type WeightsMatrix,
} from './weights';

export type { Columns };

export interface SpatialFit {
  model: 'sar' | 'sdm' | 'sem';
  /** ρ (lag models) or λ (error model). */
  rho: number;
  beta: Float64Array;
  sigma2: number;
  loglik: number;
  /** Covariance of (ρ, β…) in that order; σ² excluded (as R's vcov of these fits). */
  vcov: Matrix;
  nobs: number;
  interval: [number, number];
  residuals: Float64Array;
  /** The log-determinant method used, with its traces (for impacts). */
  jacobian: Jacobian;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** OLS coefficients and residuals of y on X by QR (no constant: the data are demeaned). */
function ols(qr: HouseholderQr, y: Float64Array): { b: Float64Array; e: Float64Array } {
  const b = qr.coefficients(y);
  return { b, e: qr.residuals(y, b) };
}

/**
 * Brent's method for the maximum of f on [lo, hi] (golden section with parabolic steps), to an
 * absolute tolerance in x of about `tol`.
 */
export function brentMaximise(f: (x: number) => number, lo: number, hi: number, tol = 1e-10): number {
  const g = (3 - Math.sqrt(5)) / 2;
  let a = lo;
  let b = hi;
  let x = a + g * (b - a);
  let w = x;
  let v = x;
  let fx = -f(x);
  let fw = fx;
  let fv = fx;
  let d = 0;
  let e = 0;
  for (let iter = 0; iter < 500; iter++) {
    const m = (a + b) / 2;
    const tol1 = tol + 1e-12 * Math.abs(x);
    const tol2 = 2 * tol1;
    if (Math.abs(x - m) <= tol2 - (b - a) / 2) break;
    let useGolden = true;
    if (Math.abs(e) > tol1) {
      let r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      else q = -q;
      r = e;
      e = d;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = x < m ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) {
      e = (x < m ? b : a) - x;
      d = g * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    const fu = -f(u);
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return x;
}

function checkData(w: WeightsMatrix, y: Float64Array, X: Columns): number {
  const n = y.length;
  const T = n / w.n;
  if (!Number.isInteger(T) || T < 1)
    throw new DataError(`spatial model: ${n} observations is not T × N (N = ${w.n})`, 'nobs');
  if (n <= X.length + 1)
    throw new DataError(`spatial model: ${n} observations for ${X.length + 1} parameters`, 'nobs');
  for (const c of X) if (c.length !== n) throw new Error('spatial model: columns of unequal length');
  return T;
}

/**
 * How log|I − ρW| is computed: 'eigen' (all eigenvalues once; spatialreg's method "eigen", with the
 * information-matrix covariance) or 'cholesky' (an exact sparse factorisation per ρ for large N in an
 * approximate-minimum-degree order — L D Lᵀ when W is similar to a symmetric matrix, L D U otherwise,
 * e.g. kNN — see logdet.ts; ρ searched in (−1, 0.999) as spatialreg's sparse methods, covariance from the
 * observed Hessian). 'auto' picks eigen up to N = 400.
 */
export type LogDetMethod = 'eigen' | 'cholesky' | 'auto';

export interface Jacobian {
  method: 'eigen' | 'cholesky';
  interval: [number, number];
  logdet(rho: number): number;
  /** tr(W(I − ρW)⁻¹) and tr([W(I − ρW)⁻¹]²) of the N×N block. */
  trG(rho: number): number;
  trG2(rho: number): number;
}

export function jacobian(w: WeightsMatrix, method: LogDetMethod = 'auto'): Jacobian {
  const m = method === 'auto' ? (w.n <= 400 ? 'eigen' : 'cholesky') : method;
  if (m === 'eigen') {
    const ev = eigenvalues(w);
    // g = λ/(1 − ρλ) in complex arithmetic (complex pairs of an asymmetric W); the traces are the
    // sums of Re g and Re g².
    const traceOf = (power: 1 | 2) => (rho: number) => {
      let s = 0;
      for (let i = 0; i < ev.re.length; i++) {
        const a = 1 - rho * ev.re[i];
        const b = -rho * ev.im[i];
        const d = a * a + b * b;
        const gr = (ev.re[i] * a + ev.im[i] * b) / d;
        const gi = (ev.im[i] * a - ev.re[i] * b) / d;
        s += power === 1 ? gr : gr * gr - gi * gi;
      }
      return s;
    };
    return {
      method: 'eigen',
      interval: rhoInterval(ev),
      logdet: (r) => logDetEigen(ev, r),
      trG: traceOf(1),
      trG2: traceOf(2),
    };
  }
  // Sparse L D Lᵀ (W similar to a symmetric matrix) or L D U (asymmetric W, e.g. kNN), exact.
  const ld = sparseLogDet(w);
  // tr(G²) = d/dρ tr(G) = −d²/dρ² log|I − ρW|: central second differences of the exact log-determinant
  // with one Richardson step (truncation O(h⁴)); five factorisations, no selected inverse.
  const h = 1e-3;
  const d2 = (r: number, k: number) => (ld(r + k) - 2 * ld(r) + ld(r - k)) / (k * k);
  return {
    method: 'cholesky',
    interval: [-1, 0.999],
    logdet: ld,
    trG: ld.trG,
    trG2: (r) => -(4 * d2(r, h / 2) - d2(r, h)) / 3,
  };
}

/** G = W(I − ρW)⁻¹ for the N×N block (dense; the eigen method, small N). */
function gMatrix(w: WeightsMatrix, rho: number): Matrix {
  const W = new Matrix(toDense(w));
  const A = Matrix.eye(w.n).sub(W.clone().mul(rho));
  return W.mmul(inverseOf(A, `I − ρW at ρ = ${rho}`));
}

function traces(G: Matrix): { tr: number; trGG: number; trGtG: number } {
  const n = G.rows;
  let tr = 0;
  let trGG = 0;
  let trGtG = 0;
  for (let i = 0; i < n; i++) {
    tr += G.get(i, i);
    for (let j = 0; j < n; j++) {
      trGG += G.get(i, j) * G.get(j, i);
      trGtG += G.get(i, j) ** 2;
    }
  }
  return { tr, trGG, trGtG };
}

/** (I_T ⊗ G)v. */
function blockApply(G: Matrix, v: Float64Array): Float64Array {
  const n = G.rows;
  const out = new Float64Array(v.length);
  for (let off = 0; off < v.length; off += n) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += G.get(i, j) * v[off + j];
      out[off + i] = s;
    }
  }
  return out;
}

/** SAR (X as given) or SDM (pass X already extended with WX): the lag model by ML. */
export function spatialLagFit(
  w: WeightsMatrix,
  y: Float64Array,
  X: Columns,
  model: 'sar' | 'sdm' = 'sar',
  method: LogDetMethod = 'auto',
): SpatialFit {
  const T = checkData(w, y, X);
  const n = y.length;
  const J = jacobian(w, method);
  const interval = J.interval;
  const qr = fullRankQr(X, `spatial ${model} model`);
  const Wy = panelSpatialLag(w, y);
  const f0 = ols(qr, y);
  const f1 = ols(qr, Wy);
  const e00 = dot(f0.e, f0.e);
  const e01 = dot(f0.e, f1.e);
  const e11 = dot(f1.e, f1.e);
  const sse = (r: number) => e00 - 2 * r * e01 + r * r * e11;
  const ll = (r: number) => -(n / 2) * (Math.log(2 * Math.PI) + 1 + Math.log(sse(r) / n)) + T * J.logdet(r);
  const rho = brentMaximise(ll, interval[0], interval[1]);
  const beta = f0.b.map((b, a) => b - rho * f1.b[a]);
  const sigma2 = sse(rho) / n;
  const residuals = f0.e.map((e, i) => e - rho * f1.e[i]);
  const k = X.length;
  const base = { model, rho, beta, sigma2, loglik: ll(rho), nobs: n, interval, residuals, jacobian: J };
  if (J.method === 'cholesky')
    return { ...base, vcov: lagObservedCovariance(J, T, X, Wy, residuals, sigma2, rho) };
  // Information matrix over (σ², ρ, β).
  const G = gMatrix(w, rho);
  const tr = traces(G);
  const xb = new Float64Array(n);
  for (let a = 0; a < k; a++) for (let i = 0; i < n; i++) xb[i] += beta[a] * X[a][i];
  const Gxb = blockApply(G, xb);
  const info = new Matrix(k + 2, k + 2);
  info.set(0, 0, n / (2 * sigma2 * sigma2));
  info.set(0, 1, (T * tr.tr) / sigma2);
  info.set(1, 0, (T * tr.tr) / sigma2);
  info.set(1, 1, T * (tr.trGG + tr.trGtG) + dot(Gxb, Gxb) / sigma2);
  for (let a = 0; a < k; a++) {
    const v = dot(X[a], Gxb) / sigma2;
    info.set(1, a + 2, v);
    info.set(a + 2, 1, v);
    for (let c = 0; c < k; c++) info.set(a + 2, c + 2, dot(X[a], X[c]) / sigma2);
  }
  const full = inverseOf(info, 'the information matrix of the spatial lag model');
  return { ...base, vcov: full.subMatrix(1, k + 1, 1, k + 1) };
}

/**
 * Large-N covariance of (ρ, β) for the lag models: the inverse of the observed information (minus the
 * analytic Hessian of ℓ(ρ, β, σ²)), which needs only tr(G²) — what spatialreg's sparse methods
 * approximate by finite differences:
 *   −H_ρρ = T tr(G²) + (Wy)'Wy/σ², −H_ρβ = X'Wy/σ², −H_ρσ = (Wy)'e/σ⁴, −H_ββ = X'X/σ²,
 *   −H_βσ = X'e/σ⁴, −H_σσ = e'e/σ⁶ − n/(2σ⁴).
 */
function lagObservedCovariance(
  J: Jacobian,
  T: number,
  X: Columns,
  Wy: Float64Array,
  e: Float64Array,
  sigma2: number,
  rho: number,
): Matrix {
  const k = X.length;
  const n = e.length;
  const s4 = sigma2 * sigma2;
  const I = new Matrix(k + 2, k + 2);
  I.set(0, 0, T * J.trG2(rho) + dot(Wy, Wy) / sigma2);
  const last = k + 1;
  I.set(0, last, dot(Wy, e) / s4);
  I.set(last, 0, dot(Wy, e) / s4);
  for (let a = 0; a < k; a++) {
    I.set(0, a + 1, dot(X[a], Wy) / sigma2);
    I.set(a + 1, 0, dot(X[a], Wy) / sigma2);
    I.set(a + 1, last, dot(X[a], e) / s4);
    I.set(last, a + 1, dot(X[a], e) / s4);
    for (let c = 0; c < k; c++) I.set(a + 1, c + 1, dot(X[a], X[c]) / sigma2);
  }
  I.set(last, last, dot(e, e) / (s4 * sigma2) - n / (2 * s4));
  return inverseOf(I, 'the observed information of the spatial lag model').subMatrix(0, k, 0, k);
}

/** SEM by ML: y − λWy = (X − λWX)β + ε. */
export function spatialErrorFit(
  w: WeightsMatrix,
  y: Float64Array,
  X: Columns,
  method: LogDetMethod = 'auto',
): SpatialFit {
  const T = checkData(w, y, X);
  const n = y.length;
  const J = jacobian(w, method);
  const interval = J.interval;
  const Wy = panelSpatialLag(w, y);
  const WX = X.map((c) => panelSpatialLag(w, c));
  const filtered = (lambda: number) => {
    const ys = y.map((v, i) => v - lambda * Wy[i]);
    const Xs = X.map((c, a) => c.map((v, i) => v - lambda * WX[a][i]));
    const qr = fullRankQr(Xs, 'spatial error model (filtered X)');
    return { Xs, qr, ...ols(qr, ys) };
  };
  const ll = (lambda: number) => {
    const { e } = filtered(lambda);
    return -(n / 2) * (Math.log(2 * Math.PI) + 1 + Math.log(dot(e, e) / n)) + T * J.logdet(lambda);
  };
  const lambda = brentMaximise(ll, interval[0], interval[1]);
  const fit = filtered(lambda);
  const sigma2 = dot(fit.e, fit.e) / n;
  const k = X.length;
  const base = {
    model: 'sem' as const,
    rho: lambda,
    beta: fit.b,
    sigma2,
    loglik: ll(lambda),
    nobs: n,
    interval,
    residuals: fit.e,
    jacobian: J,
  };
  if (J.method === 'cholesky') {
    // Observed information by central differences of the full log-likelihood (as spatialreg's sparse methods).
    const logdetMemo = new Map<number, number>();
    const logdetAt = (lam: number) => {
      let v = logdetMemo.get(lam);
      if (v === undefined) logdetMemo.set(lam, (v = J.logdet(lam)));
      return v;
    };
    const full = (theta: number[]) => {
      const [lam, ...rest] = theta;
      const b = rest.slice(0, k);
      const s2 = rest[k];
      let ee = 0;
      for (let i = 0; i < n; i++) {
        let r = y[i] - lam * Wy[i];
        for (let a = 0; a < k; a++) r -= b[a] * (X[a][i] - lam * WX[a][i]);
        ee += r * r;
      }
      return -(n / 2) * Math.log(2 * Math.PI * s2) + T * logdetAt(lam) - ee / (2 * s2);
    };
    const H = numericalHessian(full, [lambda, ...fit.b, sigma2]);
    const vcov = inverseOf(H.mul(-1), 'the observed information of the spatial error model');
    return { ...base, vcov: vcov.subMatrix(0, k, 0, k) };
  }
  const tr = traces(gMatrix(w, lambda));
  const info2 = new Matrix([
    [n / (2 * sigma2 * sigma2), (T * tr.tr) / sigma2],
    [(T * tr.tr) / sigma2, T * (tr.trGG + tr.trGtG)],
  ]);
  const vcov = new Matrix(k + 1, k + 1);
  vcov.set(0, 0, inverseOf(info2, 'the information matrix of (σ², λ)').get(1, 1));
  const vb = fit.qr.bread().mul(sigma2);
  for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) vcov.set(a + 1, c + 1, vb.get(a, c));
  return { ...base, vcov };
}

/** Central-difference Hessian, steps 1e-4·max(1, |θ_i|). */
function numericalHessian(f: (theta: number[]) => number, theta: number[]): Matrix {
  const p = theta.length;
  const h = theta.map((t) => 1e-4 * Math.max(1, Math.abs(t)));
  const at = (di: number, si: number, dj: number, sj: number) => {
    const t = [...theta];
    t[di] += si * h[di];
    t[dj] += sj * h[dj];
    return f(t);
  };
  const H = new Matrix(p, p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h[i] * h[j]);
      H.set(i, j, v);
      H.set(j, i, v);
    }
  }
  return H;
}
