/**
 * The wild restricted efficient (WRE) cluster bootstrap of 2SLS (Davidson & MacKinnon 2010; the cluster
 * form of Finlay & Magnusson 2009 and boottest's WRE) for H0: β_k = r on the one endogenous regressor
 * x_k, with X₋ the exogenous regressors (in the within design: controls, time dummies, constant) and W
 * all instruments (excluded ones and X₋):
 *
 *   restricted structural fit   y − r x_k = X₋γ̃ + ũ            (OLS)
 *   efficient reduced form      x_k = Wπ̃ + c ũ + e,  ṽ = x_k − Wπ̃  (ũ added as a regressor)
 *   bootstrap sample            x* = Wπ̃ + v_g ṽ,  y* = r x* + X₋γ̃ + v_g ũ   (one weight per cluster)
 *   statistic                   t*(r) = (β*_k − r) / √(Σ_h (e_k′M*⁻¹ X̂*_h′e*_h)²)
 *
 * β* is 2SLS of y* on X* = [x*, X₋] with instruments W: M* = X*′P_W X*, β* = M*⁻¹X*′P_W y*, e* = y* − X*β*,
 * X̂* = P_W X*; the CRV1 sandwich without its small-sample factor (it cancels against t̂). With v ≡ 1 the
 * sample is the data, so t̂(r) is the statistic of v ≡ 1 (the same arithmetic).
 *
 *   p(r) = #{b : |t*_b(r)| > |t̂(r)|} / B   (ties within 1e-9 relative do not count)
 *
 * No refit per draw: everything a draw needs is a sum over clusters of W_h′-cross-products fixed per r
 * (a_h = W_h′ṽ_h, b_h = W_h′ũ_h, c_h = W_h′W_hπ̃, d_h = W_h′X₋,hγ̃, E_h = W_h′X₋,h), so a draw costs
 * O(G·L·K + K³) for L instruments and K regressors. Unlike WCR, ũ and ṽ depend on r non-linearly (ṽ
 * through the ũ regressor), so each p(r) of the test inversion re-runs the draws; the interval is
 * {r : p(r) > 1 − level}, searched as in wild-bootstrap.ts (steps of the CRV1 half-width, doubling,
 * then bisection) to 1e-10 of the standard error; a set still unbounded 2^20 steps out is ±∞ (weak
 * instruments). W and X₋ enter through orthonormal bases (the test does not depend on the basis; the
 * draws' normal equations then keep their digits).
 *
 * Hand-written: no TypeScript library implements the wild bootstrap of instrumental-variable models.
 */
import { DataError } from '../../common/errors';
import { Cholesky, crossProductInverse, qrLeastSquares, type Columns } from '../linalg';
import {
  countClusters,
  drawsClusters,
  inversionStep,
  type WildDraws,
  type WildOptions,
  type WildTest,
} from './wild-bootstrap';
import { invertTest } from './test-inversion';
import { exceedanceCut } from './wild-p-curve';

export interface WildIvInput {
  /** Regressors X (actual, not projected) and instruments W, on the estimator's (within) design. */
  regressors: Columns;
  instruments: Columns;
  y: Float64Array;
  /** The 2SLS estimate of x_k. */
  estimate: number;
  clusters: Int32Array;
}

/**
 * The WRE p-value of H0: β_k = r as a function of r, and the statistic of the data t̂(r), for the
 * endogenous regressor k of `regressors` on the given draws.
 */
export function wreTest(
  input: WildIvInput,
  k: number,
  draws: WildDraws,
): { pAt: (r: number) => number; tHatAt: (r: number) => number } {
  const { regressors, y, clusters } = input;
  // Orthonormal bases of W and of the other regressors: P_W, β_k, its residuals and its CRV1 standard
  // error do not depend on the basis, and the draws' normal equations (cross-products, which square a
  // design's condition number) are then well conditioned even with grand means added back.
  const W = orthonormalBasis(input.instruments, 'instrument');
  const others = orthonormalBasis(
    regressors.filter((_, j) => j !== k),
    'exogenous regressor',
  );
  const n = y.length;
  const G = drawsClusters(clusters, draws);
  const L = W.length;
  const xk = regressors[k];
  const exo = others;
  const q = exo.length;
  const p = q + 1;
  // (W′W)⁻¹, row-major (W is orthonormal, so this only removes its rounding).
  const Q = Float64Array.from(
    crossProductInverse(
      W,
      "the WRE bootstrap's instruments W′W",
      W.map((_, a) => `instrument ${a + 1}`),
    ).to1DArray(),
  );

  // Fixed per cluster: E_h = W_h′X₋,h (L×q, row-major), and the rows of each cluster.
  const E = new Float64Array(G * L * q);
  const C = new Float64Array(G * L * L);
  for (let i = 0; i < n; i++) {
    const g = clusters[i];
    for (let a = 0; a < L; a++) {
      const wa = W[a][i];
      if (wa === 0) continue;
      for (let c = 0; c < q; c++) E[(g * L + a) * q + c] += wa * exo[c][i];
      for (let b = 0; b < L; b++) C[(g * L + a) * L + b] += wa * W[b][i];
    }
  }
  // WE = Σ_h E_h, QWE = Q·WE (L×q), and the fixed block WE′Q WE (q×q).
  const WE = new Float64Array(L * q);
  for (let g = 0; g < G; g++) for (let j = 0; j < L * q; j++) WE[j] += E[g * L * q + j];
  const QWE = new Float64Array(L * q);
  for (let a = 0; a < L; a++)
    for (let c = 0; c < q; c++) {
      let s = 0;
      for (let b = 0; b < L; b++) s += Q[a * L + b] * WE[b * q + c];
      QWE[a * q + c] = s;
    }
  const EQE = new Float64Array(q * q);
  for (let c = 0; c < q; c++)
    for (let d = 0; d < q; d++) {
      let s = 0;
      for (let a = 0; a < L; a++) s += WE[a * q + c] * QWE[a * q + d];
      EQE[c * q + d] = s;
    }

  const ones = new Float64Array(G).fill(1);
  // Scratch for one draw.
  const wx = new Float64Array(L);
  const wy = new Float64Array(L);
  const Qwx = new Float64Array(L);
  const M = new Float64Array(p * p);
  const m = new Float64Array(p);
  const beta = new Float64Array(p);
  const u = new Float64Array(p);
  const w = new Float64Array(L);
  const e0 = new Float64Array(p);
  e0[0] = 1;

  /** Statistics t*(r) of all draws (and of v ≡ 1, the data) at one r. */
  const statisticsAt = (r: number) => {
    const yr = y.map((v, i) => v - r * xk[i]);
    const restricted = q > 0 ? qrLeastSquares(exo, yr) : { residuals: yr, coef: new Float64Array(0) };
    const ut = restricted.residuals;
    const gamma = restricted.coef;
    const rf = qrLeastSquares([...W, ut], xk);
    const pi = rf.coef.subarray(0, L);
    const vt = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let f = 0;
      for (let a = 0; a < L; a++) f += W[a][i] * pi[a];
      vt[i] = xk[i] - f;
    }
    // a_h, b_h, c_h = C_h π̃, d_h = E_h γ̃ (each L per cluster), and their totals.
    const A = new Float64Array(G * L);
    const Bv = new Float64Array(G * L);
    for (let i = 0; i < n; i++) {
      const g = clusters[i];
      for (let a = 0; a < L; a++) {
        const wa = W[a][i];
        A[g * L + a] += wa * vt[i];
        Bv[g * L + a] += wa * ut[i];
      }
    }
    const Cp = new Float64Array(G * L);
    const Dg = new Float64Array(G * L);
    const cTot = new Float64Array(L);
    const dTot = new Float64Array(L);
    for (let g = 0; g < G; g++)
      for (let a = 0; a < L; a++) {
        let sc = 0;
        for (let b = 0; b < L; b++) sc += C[(g * L + a) * L + b] * pi[b];
        let sd = 0;
        for (let c = 0; c < q; c++) sd += E[(g * L + a) * q + c] * gamma[c];
        Cp[g * L + a] = sc;
        Dg[g * L + a] = sd;
        cTot[a] += sc;
        dTot[a] += sd;
      }

    const tOf = (v: Float64Array, off: number): number => {
      // W′x* and W′y*.
      for (let a = 0; a < L; a++) {
        let sx = cTot[a];
        let sy = dTot[a];
        for (let g = 0; g < G; g++) {
          const vg = v[off + g];
          sx += vg * A[g * L + a];
          sy += vg * Bv[g * L + a];
        }
        wx[a] = sx;
        wy[a] = sy + r * sx;
      }
      for (let a = 0; a < L; a++) {
        let s = 0;
        for (let b = 0; b < L; b++) s += Q[a * L + b] * wx[b];
        Qwx[a] = s;
      }
      // M* = [wx, WE]′Q[wx, WE], m* = [Qwx, QWE]′wy.
      let s00 = 0;
      let m0 = 0;
      for (let a = 0; a < L; a++) {
        s00 += wx[a] * Qwx[a];
        m0 += Qwx[a] * wy[a];
      }
      M[0] = s00;
      m[0] = m0;
      for (let c = 0; c < q; c++) {
        let s = 0;
        let mc = 0;
        for (let a = 0; a < L; a++) {
          s += Qwx[a] * WE[a * q + c];
          mc += QWE[a * q + c] * wy[a];
        }
        M[c + 1] = s;
        M[(c + 1) * p] = s;
        m[c + 1] = mc;
        for (let d = 0; d < q; d++) M[(c + 1) * p + d + 1] = EQE[c * q + d];
      }
      // Not positive definite: a degenerate draw, left out of the count.
      const chol = Cholesky.tryOf(M);
      if (!chol) return NaN;
      chol.solveInto(m, beta);
      chol.solveInto(e0, u);
      // w = Π*u = Qwx·u₀ + QWE·u₁…
      for (let a = 0; a < L; a++) {
        let s = Qwx[a] * u[0];
        for (let c = 0; c < q; c++) s += QWE[a * q + c] * u[c + 1];
        w[a] = s;
      }
      const shift = r - beta[0];
      let den = 0;
      for (let g = 0; g < G; g++) {
        const vg = v[off + g];
        let s = 0;
        for (let a = 0; a < L; a++) {
          const row = g * L + a;
          let eb = 0;
          for (let c = 0; c < q; c++) eb += E[row * q + c] * beta[c + 1];
          s += w[a] * (Dg[row] + shift * (Cp[row] + vg * A[row]) + vg * Bv[row] - eb);
        }
        den += s * s;
      }
      return (beta[0] - r) / Math.sqrt(den);
    };

    const tHat = tOf(ones, 0);
    const ts = new Float64Array(draws.reps);
    for (let b = 0; b < draws.reps; b++) ts[b] = tOf(draws.v, b * G);
    return { tHat, ts };
  };

  const pAt = (r: number): number => {
    const { tHat, ts } = statisticsAt(r);
    const cut = exceedanceCut(tHat);
    let count = 0;
    for (const x of ts) if (Math.abs(x) > cut) count++;
    return count / ts.length;
  };

  return { pAt, tHatAt: (r) => statisticsAt(r).tHat };
}

/** The WRE test of β_k = 0 and its inverted interval, for the endogenous regressor k of `regressors`. */
export function wildRestrictedEfficient(
  input: WildIvInput,
  k: number,
  options: WildOptions,
  draws: WildDraws,
): WildTest & { reps: number; enumerated: boolean } {
  const { pAt, tHatAt } = wreTest(input, k, draws);
  const G = countClusters(input.clusters);
  const bk = input.estimate;
  const t0 = tHatAt(0);
  const seHat = Math.abs(bk / t0);
  const p_value = pAt(0);
  // Not rejected 2^20 steps (~10⁶ SEs) out is ±∞: the arithmetic of y − r·x_k means little beyond.
  const ci = invertTest(pAt, bk, inversionStep(options.level, G, seHat), 1 - options.level, {
    maxDoublings: 20,
    converged: (lo, hi) => Math.abs(hi - lo) <= 1e-10 * seHat,
  });
  return {
    p_value,
    ci_lower: ci.lower,
    ci_upper: ci.upper,
    reps: draws.reps,
    enumerated: draws.enumerated,
  };
}

/** An orthonormal basis of the span of independent columns (Gram–Schmidt, each step done twice). */
function orthonormalBasis(cols: Columns, what: string): Columns {
  const out: Columns = [];
  for (const c of cols) {
    const v = Float64Array.from(c);
    for (let pass = 0; pass < 2; pass++)
      for (const u of out) {
        let d = 0;
        for (let i = 0; i < v.length; i++) d += u[i] * v[i];
        for (let i = 0; i < v.length; i++) v[i] -= d * u[i];
      }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    if (!(norm > 0))
      throw new DataError(
        `the WRE bootstrap: ${what} ${out.length + 1} is a linear combination of the ones before it`,
        'inference.wild',
      );
    for (let i = 0; i < v.length; i++) v[i] /= norm;
    out.push(v);
  }
  return out;
}
