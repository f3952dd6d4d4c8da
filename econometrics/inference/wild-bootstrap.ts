/**
 * The wild cluster restricted bootstrap (WCR; Cameron, Gelbach & Miller 2008) of H0: β_k = r for a
 * linear fit (OLS, or FE on its within design when the clusters nest the fixed effects), with the
 * closed forms of Roodman, MacKinnon, Nielsen & Webb (2019, "Fast and wild", §3), so no draw refits:
 *
 *   restricted fit ũ(r) = M_{Z−k}(y − r z_k) = ũ⁰ + r·ũ¹,  s_g = Z_g'ũ_g,  A = (Z'Z)⁻¹,  α = A e_k,
 *   bootstrap y* = Zβ̃ + v_g ũ_g:   β*_k − r = Σ_g v_g a_g,   a_g = α's_g,
 *   bootstrap scores α'Z_h'û*_h = Σ_g K_hg v_g,   K_hg = δ_hg a_h − α'Z_h'Z_h A s_g,
 *   t*(v) = a'v / √(Σ_h (K v)_h²),   t̂ = (β̂_k − r) / √(Σ_h (α'Z_h'ê_h)²).
 *
 * Both t use the CRV1 sandwich without its small-sample factor, which cancels. a and K are affine in r,
 * so one pass over the draws stores a⁰'v, a¹'v and the three quadratic forms of the denominator, and
 * p(r) then costs O(B) for any r.
 *
 *   p(r) = #{b : |t*_b(r)| > |t̂(r)|} / B   (symmetric, strict; ties within 1e-9 relative do not count,
 *   as the draw v = ±1 reproduces t̂ exactly),
 *
 * and the confidence interval at `level` is {r : p(r) > 1 − level} by test inversion: from β̂ outwards
 * in steps of the CRV1 half-width t_{G−1}·se, doubling until p ≤ 1 − level, then bisection to 1e-12
 * relative; the crossing nearest β̂ on each side is reported.
 *
 * Weights: Rademacher (±1) or Webb's six points ±√(1/2), ±1, ±√(3/2), drawn by MT19937 under `seed`
 * (draw b, cluster g in that order). With Rademacher weights and 2^G ≤ reps, all 2^G sign vectors are
 * enumerated instead (deterministic, B = 2^G).
 *
 * Hand-written: no TypeScript library implements the wild cluster bootstrap.
 */
import mt19937 from '@stdlib/random-base-mt19937';
import type { Matrix } from 'ml-matrix';
import { InputError } from '../../common/errors';
import { tQuantileDf } from '../distributions';
import { qrLeastSquares, type Columns } from '../linalg';
import { invertTest } from './test-inversion';

export type WildWeights = 'webb' | 'rademacher';

export interface WildOptions {
  reps: number;
  weights: WildWeights;
  seed: number;
  level: number;
}

export interface WildInput {
  /** The design Z the coefficients come from, and y as regressed on it. */
  design: Columns;
  y: Float64Array;
  bread: Matrix;
  coef: ArrayLike<number>;
  /** Unrestricted residuals. */
  residuals: Float64Array;
  clusters: Int32Array;
}

export interface WildTest {
  p_value: number;
  ci_lower: number;
  ci_upper: number;
}

export interface WildDraws {
  /** B draws of G weights, draw-major (v[b·G + g]). */
  v: Float64Array;
  reps: number;
  enumerated: boolean;
}

export const WEBB = [-Math.sqrt(1.5), -1, -Math.sqrt(0.5), Math.sqrt(0.5), 1, Math.sqrt(1.5)];

/** The bootstrap weights: full enumeration for Rademacher with 2^G ≤ reps, else MT19937 draws. */
export function wildDraws(G: number, options: WildOptions): WildDraws {
  if (options.weights === 'rademacher' && G < 31 && 2 ** G <= options.reps) {
    const B = 2 ** G;
    const v = new Float64Array(B * G);
    for (let b = 0; b < B; b++) for (let g = 0; g < G; g++) v[b * G + g] = (b >>> g) & 1 ? 1 : -1;
    return { v, reps: B, enumerated: true };
  }
  const rng = mt19937.factory({ seed: options.seed });
  const scale = 1 / (mt19937.MAX + 1);
  const B = options.reps;
  const v = new Float64Array(B * G);
  for (let i = 0; i < B * G; i++) {
    const u = rng() * scale;
    v[i] = options.weights === 'rademacher' ? (u < 0.5 ? -1 : 1) : WEBB[Math.floor(6 * u)];
  }
  return { v, reps: B, enumerated: false };
}

/** Number of clusters of a code vector (codes 0..G−1). */
export function countClusters(codes: Int32Array): number {
  let G = 0;
  for (const c of codes) if (c + 1 > G) G = c + 1;
  return G;
}

/** G, after checking that there are at least 2 clusters and that the draws have one weight per cluster. */
export function drawsClusters(clusters: Int32Array, draws: WildDraws): number {
  const G = countClusters(clusters);
  if (G < 2) throw new InputError('the wild cluster bootstrap needs at least 2 clusters', 'inference.wild');
  if (draws.v.length !== draws.reps * G) throw new Error('wild bootstrap: draws do not match the clusters');
  return G;
}

/**
 * The bound a draw's |t*| must exceed to count against |t̂| in p = #{|t*| > |t̂|} / B: ties within 1e-9
 * relative do not count (the draw v = ±1 reproduces t̂ up to rounding).
 */
export function exceedanceCut(tHat: number): number {
  const t = Math.abs(tHat);
  return t + 1e-9 * Math.max(t, 1e-12);
}

/** The step of the test inversion's search: the CRV1 half-width t_{G−1}(1 − α/2)·se. */
export function inversionStep(level: number, G: number, se: number): number {
  return tQuantileDf(1 - (1 - level) / 2, G - 1) * se;
}

/**
 * Each draw's numerator pieces a⁰'v, a¹'v and denominator pieces Σ_h (K⁰v)_h², Σ_h (K⁰v)_h(K¹v)_h,
 * Σ_h (K¹v)_h² (K row-major, G × G). Four draws at a time, so each element of K is loaded once for
 * four draws (about 2.5× faster than one at a time); every sum runs over g, then h, in the same order
 * as for a single draw, so the pieces are bit-identical to the one-draw loop (the remainder's).
 */
export function drawPieces(
  v: Float64Array,
  B: number,
  G: number,
  a0: Float64Array,
  a1: Float64Array,
  K0: Float64Array,
  K1: Float64Array,
): { N0: Float64Array; N1: Float64Array; D0: Float64Array; D1: Float64Array; D2: Float64Array } {
  const N0 = new Float64Array(B);
  const N1 = new Float64Array(B);
  const D0 = new Float64Array(B);
  const D1 = new Float64Array(B);
  const D2 = new Float64Array(B);
  let b = 0;
  for (; b + 3 < B; b += 4) {
    const o0 = b * G;
    const o1 = o0 + G;
    const o2 = o1 + G;
    const o3 = o2 + G;
    let n00 = 0,
      n10 = 0,
      n01 = 0,
      n11 = 0,
      n02 = 0,
      n12 = 0,
      n03 = 0,
      n13 = 0;
    for (let g = 0; g < G; g++) {
      const x = a0[g];
      const y = a1[g];
      const w0 = v[o0 + g];
      const w1 = v[o1 + g];
      const w2 = v[o2 + g];
      const w3 = v[o3 + g];
      n00 += x * w0;
      n10 += y * w0;
      n01 += x * w1;
      n11 += y * w1;
      n02 += x * w2;
      n12 += y * w2;
      n03 += x * w3;
      n13 += y * w3;
    }
    let d00 = 0,
      d10 = 0,
      d20 = 0,
      d01 = 0,
      d11 = 0,
      d21 = 0;
    let d02 = 0,
      d12 = 0,
      d22 = 0,
      d03 = 0,
      d13 = 0,
      d23 = 0;
    for (let h = 0; h < G; h++) {
      let k00 = 0,
        k10 = 0,
        k01 = 0,
        k11 = 0,
        k02 = 0,
        k12 = 0,
        k03 = 0,
        k13 = 0;
      const row = h * G;
      for (let g = 0; g < G; g++) {
        const c0 = K0[row + g];
        const c1 = K1[row + g];
        const w0 = v[o0 + g];
        const w1 = v[o1 + g];
        const w2 = v[o2 + g];
        const w3 = v[o3 + g];
        k00 += c0 * w0;
        k10 += c1 * w0;
        k01 += c0 * w1;
        k11 += c1 * w1;
        k02 += c0 * w2;
        k12 += c1 * w2;
        k03 += c0 * w3;
        k13 += c1 * w3;
      }
      d00 += k00 * k00;
      d10 += k00 * k10;
      d20 += k10 * k10;
      d01 += k01 * k01;
      d11 += k01 * k11;
      d21 += k11 * k11;
      d02 += k02 * k02;
      d12 += k02 * k12;
      d22 += k12 * k12;
      d03 += k03 * k03;
      d13 += k03 * k13;
      d23 += k13 * k13;
    }
    N0[b] = n00;
    N1[b] = n10;
    D0[b] = d00;
    D1[b] = d10;
    D2[b] = d20;
    N0[b + 1] = n01;
    N1[b + 1] = n11;
    D0[b + 1] = d01;
    D1[b + 1] = d11;
    D2[b + 1] = d21;
    N0[b + 2] = n02;
    N1[b + 2] = n12;
    D0[b + 2] = d02;
    D1[b + 2] = d12;
    D2[b + 2] = d22;
    N0[b + 3] = n03;
    N1[b + 3] = n13;
    D0[b + 3] = d03;
    D1[b + 3] = d13;
    D2[b + 3] = d23;
  }
  for (; b < B; b++) {
    const off = b * G;
    let n0 = 0;
    let n1 = 0;
    for (let g = 0; g < G; g++) {
      n0 += a0[g] * v[off + g];
      n1 += a1[g] * v[off + g];
    }
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    for (let h = 0; h < G; h++) {
      let k0 = 0;
      let k1 = 0;
      const row = h * G;
      for (let g = 0; g < G; g++) {
        const w = v[off + g];
        k0 += K0[row + g] * w;
        k1 += K1[row + g] * w;
      }
      d0 += k0 * k0;
      d1 += k0 * k1;
      d2 += k1 * k1;
    }
    N0[b] = n0;
    N1[b] = n1;
    D0[b] = d0;
    D1[b] = d1;
    D2[b] = d2;
  }
  return { N0, N1, D0, D1, D2 };
}

/** The WCR test of β_k = 0 and its inverted confidence interval, for coefficient index k. */
export function wildClusterRestricted(
  input: WildInput,
  k: number,
  options: WildOptions,
  draws?: WildDraws,
): WildTest & { reps: number; enumerated: boolean } {
  const { design, y, bread, clusters } = input;
  const n = y.length;
  const p = design.length;
  const d = draws ?? wildDraws(countClusters(clusters), options);
  const G = drawsClusters(clusters, d);

  // Restricted residuals ũ(r) = ũ⁰ + r ũ¹.
  const others = design.filter((_, c) => c !== k);
  const u0 = qrLeastSquares(others, y).residuals;
  const u1 = qrLeastSquares(others, design[k]).residuals.map((v) => -v);

  // Per-cluster scores s_g = Z_g'u and Z_g'Z_g α.
  const alpha = Float64Array.from({ length: p }, (_, c) => bread.get(c, k));
  const s0 = new Float64Array(G * p);
  const s1 = new Float64Array(G * p);
  const se = new Float64Array(G);
  const zza = new Float64Array(G * p);
  for (let i = 0; i < n; i++) {
    const g = clusters[i];
    let za = 0;
    for (let c = 0; c < p; c++) za += design[c][i] * alpha[c];
    se[g] += za * input.residuals[i];
    for (let c = 0; c < p; c++) {
      const z = design[c][i];
      s0[g * p + c] += z * u0[i];
      s1[g * p + c] += z * u1[i];
      zza[g * p + c] += z * za;
    }
  }
  // a_g = α's_g; c_h = A Z_h'Z_h α; K_hg = δ_hg a_h − c_h's_g.
  const a0 = new Float64Array(G);
  const a1 = new Float64Array(G);
  const ch = new Float64Array(G * p);
  for (let g = 0; g < G; g++) {
    for (let c = 0; c < p; c++) {
      a0[g] += alpha[c] * s0[g * p + c];
      a1[g] += alpha[c] * s1[g * p + c];
      let s = 0;
      for (let e = 0; e < p; e++) s += bread.get(c, e) * zza[g * p + e];
      ch[g * p + c] = s;
    }
  }
  const K0 = new Float64Array(G * G);
  const K1 = new Float64Array(G * G);
  for (let h = 0; h < G; h++) {
    for (let g = 0; g < G; g++) {
      let x0 = 0;
      let x1 = 0;
      for (let c = 0; c < p; c++) {
        x0 += ch[h * p + c] * s0[g * p + c];
        x1 += ch[h * p + c] * s1[g * p + c];
      }
      K0[h * G + g] = (h === g ? a0[h] : 0) - x0;
      K1[h * G + g] = (h === g ? a1[h] : 0) - x1;
    }
  }

  // One pass over the draws: numerator and denominator pieces, affine / quadratic in r.
  const { N0, N1, D0, D1, D2 } = drawPieces(d.v, d.reps, G, a0, a1, K0, K1);
  const B = d.reps;

  let seHat = 0;
  for (let g = 0; g < G; g++) seHat += se[g] * se[g];
  seHat = Math.sqrt(seHat);
  const bk = input.coef[k];
  const pAt = (r: number): number => {
    const cut = exceedanceCut((bk - r) / seHat);
    let count = 0;
    // Counted without a branch (a draw exceeding or not is unpredictable): about 1.4× faster.
    for (let b = 0; b < B; b++) {
      const den = D0[b] + r * (2 * D1[b] + r * D2[b]);
      count += +(den > 0 && Math.abs(N0[b] + r * N1[b]) / Math.sqrt(den) > cut);
    }
    return count / B;
  };

  const p_value = pAt(0);
  const ci = invertTest(pAt, bk, inversionStep(options.level, G, seHat), 1 - options.level, {
    maxDoublings: 60,
    converged: (lo, hi) => Math.abs(hi - lo) <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi), seHat),
  });
  return {
    p_value,
    ci_lower: ci.lower,
    ci_upper: ci.upper,
    reps: B,
    enumerated: d.enumerated,
  };
}
