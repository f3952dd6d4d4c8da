/**
 * The dynamic spatial panel model with fixed effects by quasi-maximum likelihood, with the bias
 * correction of Yu, de Jong & Lee (2008, J. Econometrics 146) and, for time effects, the orthogonal
 * transformation of Lee & Yu (2010, Econometric Theory 26):
 *   y_t = τ y_{t−1} + ψ W y_{t−1} + ρ W y_t + X_t β + W X_t θ + μ (+ α_t) + v_t,   t = 1..T.
 * On the transformed design of dynamic-data.ts (nₑ = n, or n − 1 with time effects; Nₑ = nₑ·T):
 *   ℓ(ρ) = −(Nₑ/2)(log 2π + 1 + log(SSE(ρ)/Nₑ)) + T·log|I − ρW*|,
 *   log|I − ρW*| = log|I − ρW| (− log(1 − ρ) with time effects: W's unit eigenvalue leaves with l),
 * the regression of y − ρWy on Z = (L.y, W*L.y, X, WX) concentrated out, so ρ̂ is found by Brent's
 * method on the exact log-determinant (no grid) and δ̂ = δ₀ − ρ̂δ₁, σ̂² = SSE/Nₑ.
 *
 * Information (per observation), θ = (δ, ρ, σ²), G = W S⁻¹, S = I − ρW, traces over the nₑ dimensions:
 *   Σ_δδ = Z'Z/(σ²Nₑ), Σ_δρ = Z'(GZδ)/(σ²Nₑ), Σ_ρρ = (GZδ)'(GZδ)/(σ²Nₑ) + (tr G'G + tr G²)/nₑ,
 *   Σ_ρσ² = tr G/(σ² nₑ), Σ_σ²σ² = 1/(2σ⁴).
 * With time effects the traces are those of G* = F'GF: tr G − 1/(1 − ρ), tr G² − 1/(1 − ρ)²,
 * tr G'G − ‖G'l‖²/n, and GZδ is cross-section demeaned.
 * Bias (T → ∞, n/T → c): θ̂ − θ ≈ −Σ⁻¹a/T, so θ̂¹ = θ̂ + Σ̂⁻¹â/T, with B = (I − A)⁻¹S⁻¹ =
 * ((1 − τ)I − (ρ + ψ)W)⁻¹, A = S⁻¹(τI + ψW):
 *   a_τ = tr B/nₑ, a_ψ = tr WB/nₑ, a_ρ = (τ tr GB + ψ tr GWB + tr G)/nₑ, a_β = a_θ = 0, a_σ² = 1/(2σ²)
 * (time effects: each trace less the value of its function at W's unit eigenvalue).
 * Covariance: Σ⁻¹(Σ + Ω)Σ⁻¹/Nₑ at the reported estimates, Ω the fourth-moment term
 *   Ω_ρρ = κ Σ_i M_ii²/nₑ, Ω_ρσ² = κ Σ_i M_ii J_ii/(2σ² nₑ), Ω_σ²σ² = κ Σ_i J_ii²/(4σ⁴ nₑ),
 * κ = μ₄/σ⁴ − 3 estimated by the excess kurtosis of the residuals, M = G and J = I (entity effects) or
 * M = J_nGJ_n and J = J_n (F G* F' and F F' in the original coordinates; invariant to the choice of F).
 * The static special case (no lag, no correction) reports the ML information inverse Σ⁻¹/Nₑ instead:
 * spatialreg's lagsarlm on the demeaned panel.
 * Stability: the spectral radius of A, max |τ + ψω|/|1 − ρω| over W's eigenvalues ω (with time effects
 * without the unit one); above N = 400 a bound over ω ∈ [−1, 1], exact at ω = 1.
 * Hand-written because no TypeScript (or Python) library estimates this model.
 */
import { Matrix } from 'ml-matrix';
import { DataError } from '../../common/errors';
import { inverseOf } from '../linalg';
import { brentMaximise, jacobian, type Jacobian, type LogDetMethod } from './ml';
import { dynamicPanelData, type DynamicData, type DynamicDataOptions } from './dynamic-data';
import { spatialInverse, type InverseMethod } from './spatial-inverse';
import { eigenvalues, type WeightsMatrix } from './weights';

export type BiasCorrection = 'yu-dejong-lee' | 'none';

export interface DynamicFitOptions extends DynamicDataOptions {
  biasCorrection: BiasCorrection;
  logdet?: LogDetMethod;
}

export interface Stability {
  /** max |eigenvalue of A| (exact) or its bound. */
  radius: number;
  exact: boolean;
  /** The condition checked, in words, with the values. */
  condition: string;
  /** radius < 1 where exact; where a bound, whether the exact part (ω = 1) holds. */
  stationary: boolean;
  /** A bound ≥ 1 that does not prove non-stationarity. */
  unverified: boolean;
}

export interface DynamicFit {
  /** Coefficient names of δ (L.y, W*L.y, x…, W*x…); ρ follows in `params`. */
  names: string[];
  /** Reported (bias-corrected, unless 'none') δ and ρ, in `names` order then ρ. */
  params: Float64Array;
  sigma2: number;
  /** Covariance of `params`. */
  vcov: Matrix;
  qml: { params: Float64Array; sigma2: number; loglik: number };
  corrected: boolean;
  kurtosis: number;
  /** At the reported estimates, and (dynamic models) at the QML ones the bias correction starts from. */
  stability: Stability;
  qmlStability?: Stability;
  /** Traces at the reported estimates for the effects: tr S⁻¹, tr WS⁻¹, tr B, tr WB (n dimensions). */
  traces: { s0: number; s1: number; b0: number; b1: number };
  data: DynamicData;
  jacobian: Jacobian;
  interval: [number, number];
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** W·D for a dense row-major n×n D: row i is Σ_k w_ik D[k, ·]. */
function leftMultiply(w: WeightsMatrix, D: Float64Array): Float64Array {
  const n = w.n;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * n;
    for (let q = w.rowPtr[i]; q < w.rowPtr[i + 1]; q++) {
      const wk = w.values[q];
      const ok = w.colIdx[q] * n;
      for (let j = 0; j < n; j++) out[oi + j] += wk * D[ok + j];
    }
  }
  return out;
}

const trace = (D: Float64Array, n: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += D[i * n + i];
  return s;
};

/** tr(AB) = Σ_ij A_ij B_ji. */
function traceProduct(A: Float64Array, B: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += A[i * n + j] * B[j * n + i];
  return s;
}

/** (I_T ⊗ D)v, cross-section demeaned per period when `centre`. */
function blockApply(D: Float64Array, n: number, v: Float64Array, centre: boolean): Float64Array {
  const out = new Float64Array(v.length);
  for (let off = 0; off < v.length; off += n) {
    let m = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const oi = i * n;
      for (let j = 0; j < n; j++) s += D[oi + j] * v[off + j];
      out[off + i] = s;
      m += s / n;
    }
    if (centre) for (let i = 0; i < n; i++) out[off + i] -= m;
  }
  return out;
}

interface Evaluation {
  Sigma: Matrix;
  G: Float64Array;
  Sinv: Float64Array;
  trG: number;
}

export function dynamicSpatialFit(w: WeightsMatrix, d: DynamicData, options: DynamicFitOptions): DynamicFit {
  const { T, nEff, n, Z, names } = d;
  const twoways = options.effects === 'twoways';
  const Nstar = nEff * T;
  const k = Z.length;
  if (Nstar <= k + 2)
    throw new DataError(`dynamic spatial model: ${Nstar} observations for ${k + 2} parameters`, 'nobs');
  const J = jacobian(w, options.logdet ?? 'auto');
  const method: InverseMethod = J.method === 'eigen' ? 'dense' : 'banded';
  const interval = J.interval;
  const logdetStar = (r: number) => J.logdet(r) - (twoways ? Math.log(1 - r) : 0);

  // Concentrated likelihood: residuals e0, e1 of y and Wy on Z.
  const ZtZ = new Matrix(k, k);
  for (let a = 0; a < k; a++)
    for (let b = a; b < k; b++) {
      const v = dot(Z[a], Z[b]);
      ZtZ.set(a, b, v);
      ZtZ.set(b, a, v);
    }
  const ZtZinv = inverseOf(ZtZ, `the dynamic spatial model's Z'Z (L.y, W*L.y, x, W*x)`);
  const regress = (v: Float64Array) => {
    const Zv = Z.map((c) => dot(c, v));
    const b = new Float64Array(k);
    for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) b[a] += ZtZinv.get(a, c) * Zv[c];
    const e = Float64Array.from(v);
    for (let a = 0; a < k; a++) for (let i = 0; i < e.length; i++) e[i] -= b[a] * Z[a][i];
    return { b, e };
  };
  const f0 = regress(d.y);
  const f1 = regress(d.Wy);
  const e00 = dot(f0.e, f0.e);
  const e01 = dot(f0.e, f1.e);
  const e11 = dot(f1.e, f1.e);
  const sse = (r: number) => e00 - 2 * r * e01 + r * r * e11;
  const ll = (r: number) =>
    -(Nstar / 2) * (Math.log(2 * Math.PI) + 1 + Math.log(sse(r) / Nstar)) + T * logdetStar(r);
  const rhoHat = brentMaximise(ll, interval[0], interval[1]);
  const deltaHat = f0.b.map((b, a) => b - rhoHat * f1.b[a]);
  const s2Hat = sse(rhoHat) / Nstar;
  if (!(s2Hat > 1e-14 * (e00 / Nstar)))
    throw new DataError(
      `dynamic spatial model: ${options.y} is fitted exactly (σ² = 0); the model is not identified`,
    );
  const iTau = names.indexOf(`L.${options.y}`);
  const iPsi = names.indexOf(`W*L.${options.y}`);
  const tauOf = (delta: ArrayLike<number>) => (iTau >= 0 ? delta[iTau] : 0);
  const psiOf = (delta: ArrayLike<number>) => (iPsi >= 0 ? delta[iPsi] : 0);

  const evaluate = (delta: ArrayLike<number>, rho: number, s2: number): Evaluation => {
    const Sinv = spatialInverse(w, 1, rho, method);
    const G = leftMultiply(w, Sinv);
    let trG = trace(G, n);
    let trGG = traceProduct(G, G, n);
    let trGtG = dot(G, G);
    if (twoways) {
      const colSums = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) colSums[j] += G[i * n + j];
      trG -= 1 / (1 - rho);
      trGG -= 1 / (1 - rho) ** 2;
      trGtG -= dot(colSums, colSums) / n;
    }
    const zd = new Float64Array(d.y.length);
    for (let a = 0; a < k; a++) for (let i = 0; i < zd.length; i++) zd[i] += delta[a] * Z[a][i];
    const u = blockApply(G, n, zd, twoways);
    const M = new Matrix(k + 2, k + 2);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        M.set(a, b, ZtZ.get(a, b) / s2);
        M.set(b, a, ZtZ.get(a, b) / s2);
      }
      const v = dot(Z[a], u) / s2;
      M.set(a, k, v);
      M.set(k, a, v);
    }
    M.set(k, k, dot(u, u) / s2 + T * (trGtG + trGG));
    M.set(k, k + 1, (T * trG) / s2);
    M.set(k + 1, k, (T * trG) / s2);
    M.set(k + 1, k + 1, Nstar / (2 * s2 * s2));
    return { Sigma: M.div(Nstar), G, Sinv, trG };
  };

  /** tr B, tr WB, tr GB, tr GWB (n* dimensions), B = ((1 − τ)I − (ρ + ψ)W)⁻¹. */
  const bTraces = (delta: ArrayLike<number>, rho: number, G: Float64Array) => {
    const tau = tauOf(delta);
    const psi = psiOf(delta);
    const B = spatialInverse(w, 1 - tau, rho + psi, method);
    const WB = leftMultiply(w, B);
    const out = { b0: trace(B, n), b1: trace(WB, n), gb: traceProduct(G, B, n), gwb: traceProduct(G, WB, n) };
    const full = { ...out };
    if (twoways) {
      const m1 = 1 - tau - rho - psi;
      out.b0 -= 1 / m1;
      out.b1 -= 1 / m1;
      out.gb -= 1 / ((1 - rho) * m1);
      out.gwb -= 1 / ((1 - rho) * m1);
    }
    return { star: out, full };
  };

  const stabilityAt = (delta: ArrayLike<number>, rho: number, what: string) =>
    stability(w, J, tauOf(delta), psiOf(delta), rho, twoways, what);

  const dynamic = options.ylag || options.wylag;
  const correct = options.biasCorrection === 'yu-dejong-lee';
  const thetaHat = [...deltaHat, rhoHat, s2Hat];
  let theta = thetaHat;
  let ev = evaluate(deltaHat, rhoHat, s2Hat);
  const qmlStability = dynamic ? stabilityAt(deltaHat, rhoHat, 'the QML estimates') : undefined;
  if (correct) {
    const bt = bTraces(deltaHat, rhoHat, ev.G).star;
    const a = new Float64Array(k + 2);
    if (iTau >= 0) a[iTau] = bt.b0 / nEff;
    if (iPsi >= 0) a[iPsi] = bt.b1 / nEff;
    a[k] = (tauOf(deltaHat) * bt.gb + psiOf(deltaHat) * bt.gwb + ev.trG) / nEff;
    a[k + 1] = 1 / (2 * s2Hat);
    const step = inverseOf(ev.Sigma, 'the information matrix of the dynamic spatial model').mmul(
      Matrix.columnVector(Array.from(a)),
    );
    theta = thetaHat.map((v, i) => v + step.get(i, 0) / T);
    ev = evaluate(theta.slice(0, k), theta[k], theta[k + 1]);
  }
  const delta = theta.slice(0, k);
  const rho = theta[k];
  const sigma2 = theta[k + 1];

  // Residuals at the reported estimates, for the excess kurtosis κ.
  const v = d.y.map((yi, i) => yi - rho * d.Wy[i]);
  for (let a = 0; a < k; a++) for (let i = 0; i < v.length; i++) v[i] -= delta[a] * Z[a][i];
  let m2 = 0;
  let m4 = 0;
  for (const e of v) {
    m2 += (e * e) / v.length;
    m4 += (e * e * e * e) / v.length;
  }
  const kappa = m4 / (m2 * m2) - 3;
  const SigmaInv = inverseOf(ev.Sigma, 'the information matrix of the dynamic spatial model');
  let V: Matrix;
  if (dynamic || correct) {
    const G = ev.G;
    const Jd = twoways ? 1 - 1 / n : 1;
    let sMd2 = 0;
    let sMdJ = 0;
    if (twoways) {
      const rowS = new Float64Array(n);
      const colS = new Float64Array(n);
      let tot = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const g = G[i * n + j];
          rowS[i] += g;
          colS[j] += g;
          tot += g;
        }
      for (let i = 0; i < n; i++) {
        const md = G[i * n + i] - rowS[i] / n - colS[i] / n + tot / (n * n);
        sMd2 += md * md;
        sMdJ += md * Jd;
      }
    } else {
      for (let i = 0; i < n; i++) {
        sMd2 += G[i * n + i] ** 2;
        sMdJ += G[i * n + i];
      }
    }
    const Omega = new Matrix(k + 2, k + 2);
    Omega.set(k, k, (kappa * sMd2) / nEff);
    Omega.set(k, k + 1, (kappa * sMdJ) / (2 * sigma2 * nEff));
    Omega.set(k + 1, k, Omega.get(k, k + 1));
    Omega.set(k + 1, k + 1, (kappa * n * Jd * Jd) / (4 * sigma2 * sigma2 * nEff));
    V = SigmaInv.mmul(ev.Sigma.clone().add(Omega)).mmul(SigmaInv).div(Nstar);
  } else {
    V = SigmaInv.clone().div(Nstar);
  }
  const stab = dynamic
    ? stabilityAt(delta, rho, correct ? 'the bias-corrected estimates' : 'the QML estimates')
    : { radius: 0, exact: true, condition: 'static model', stationary: true, unverified: false };
  const bt = dynamic ? bTraces(delta, rho, ev.G).full : { b0: NaN, b1: NaN };
  const WSinv = trace(ev.G, n);
  return {
    names,
    params: Float64Array.from([...delta, rho]),
    sigma2,
    vcov: V.subMatrix(0, k, 0, k),
    qml: { params: Float64Array.from([...deltaHat, rhoHat]), sigma2: s2Hat, loglik: ll(rhoHat) },
    corrected: correct,
    kurtosis: kappa,
    stability: stab,
    qmlStability,
    traces: { s0: trace(ev.Sinv, n), s1: WSinv, b0: bt.b0, b1: bt.b1 },
    data: d,
    jacobian: J,
    interval,
  };
}

/** The stability check of the estimates (see the header). */
export function stability(
  w: WeightsMatrix,
  J: Jacobian,
  tau: number,
  psi: number,
  rho: number,
  twoways: boolean,
  what: string,
): Stability {
  const g = (re: number, im: number) => {
    // |τ + ψω| / |1 − ρω| for complex ω.
    const nr = tau + psi * re;
    const ni = psi * im;
    const dr = 1 - rho * re;
    const di = -rho * im;
    return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
  };
  const values = `τ = ${tau.toPrecision(6)}, ψ = ${psi.toPrecision(6)}, ρ = ${rho.toPrecision(6)}`;
  const sum = tau + psi + rho;
  if (J.method === 'eigen') {
    const ev = eigenvalues(w);
    let skip = -1;
    if (twoways) {
      let best = Infinity;
      for (let i = 0; i < ev.re.length; i++) {
        const dist = Math.abs(ev.re[i] - 1) + Math.abs(ev.im[i]);
        if (dist < best) [best, skip] = [dist, i];
      }
    }
    let radius = 0;
    for (let i = 0; i < ev.re.length; i++) if (i !== skip) radius = Math.max(radius, g(ev.re[i], ev.im[i]));
    const stationary = radius < 1;
    return {
      radius,
      exact: true,
      stationary,
      unverified: false,
      condition: `${what} (${values}) ${stationary ? 'satisfy' : 'leave'} the stationary region: the spectral radius of A = (I − ρW)⁻¹(τI + ψW), max |τ + ψω|/|1 − ρω| over the eigenvalues ω of W${twoways ? ' other than 1 (time effects remove it)' : ''}, is ${radius.toPrecision(6)}${stationary ? ' < 1' : ' ≥ 1'}${twoways ? '' : `; at ω = 1 the condition is τ + ψ + ρ < 1 (here ${sum.toPrecision(6)})`}`,
    };
  }
  // Large N, no eigenvalues: the spectrum of a row-standardised W lies in the unit disc, and for a real
  // one in [−1, 1], where the ratio is monotone; ω = 1 is an eigenvalue.
  // With time effects the unit eigenvalue is removed but the others may come arbitrarily close to it, so
  // ω = 1 stays in the bound and decides nothing.
  const atOne = g(1, 0);
  const atMinusOne = g(-1, 0);
  const real = !!w.symmetricBaseRowSums;
  const bound = real ? Math.max(atOne, atMinusOne) : (Math.abs(tau) + Math.abs(psi)) / (1 - Math.abs(rho));
  const stationary = twoways || atOne < 1;
  const unverified = stationary && !(bound < 1);
  return {
    radius: bound,
    exact: false,
    stationary,
    unverified,
    condition: `${what} (${values}) ${stationary ? (unverified ? 'could not be verified to satisfy' : 'satisfy') : 'leave'} the stationary region: ${
      twoways
        ? ''
        : `at ω = 1 the condition τ + ψ + ρ < 1 ${atOne < 1 ? 'holds' : 'fails'} (${sum.toPrecision(6)}); `
    }the bound ${real ? 'max |τ + ψω|/|1 − ρω| over ω ∈ [−1, 1]' : '(|τ| + |ψ|)/(1 − |ρ|)'} on the spectral radius of A = (I − ρW)⁻¹(τI + ψW) is ${bound.toPrecision(6)}`,
  };
}

export { dynamicPanelData };
