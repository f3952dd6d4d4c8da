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
 * so one pass over the draws stores a⁰'v, a¹'v and the three quadratic forms of the denominator
 * (wild-pieces.ts: K = diag(a) − C S' has rank p, so a draw costs O(G·p) when G > 2p), and p(r) then
 * costs O(B) for any r, less inside the inversion's bracket (wild-p-curve.ts).
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
 * enumerated instead (deterministic, B = 2^G), of which half are evaluated: v and −v give the same |t*|.
 *
 * Hand-written: no TypeScript library implements the wild cluster bootstrap.
 */
import mt19937 from '@stdlib/random-base-mt19937';
import type { Matrix } from 'ml-matrix';
import { InputError } from '../../common/errors';
import { tQuantileDf } from '../distributions';
import { qrLeastSquares, type Columns } from '../linalg';
import { invertTest } from './test-inversion';
import { wildPCurve } from './wild-p-curve';
import { drawPieces } from './wild-pieces';

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

/** The step of the test inversion's search: the CRV1 half-width t_{G−1}(1 − α/2)·se. */
export function inversionStep(level: number, G: number, se: number): number {
  return tQuantileDf(1 - (1 - level) / 2, G - 1) * se;
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
  // a_g = α's_g; c_h = A Z_h'Z_h α (K_hg = δ_hg a_h − c_h's_g, never formed).
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
  // One pass over the draws: numerator and denominator pieces, affine / quadratic in r. Enumerated
  // sign vectors come in pairs v, −v (draws b and 2^G − 1 − b), whose pieces are exactly −N and the
  // same D (negating a sum's terms negates it exactly), so |t*(r)| is one number for both: the first
  // half (v_{G−1} = −1) is counted, and #/(B/2) is exactly the whole enumeration's #/B (B = 2^G).
  const B = d.enumerated ? d.reps / 2 : d.reps;
  const pieces = drawPieces(d.v, B, G, p, a0, a1, s0, s1, ch);

  let seHat = 0;
  for (let g = 0; g < G; g++) seHat += se[g] * se[g];
  seHat = Math.sqrt(seHat);
  const bk = input.coef[k];
  const curve = wildPCurve(pieces, B, bk, seHat);
  const p_value = curve.pAt(0);
  const ci = invertTest(curve.pAt, bk, inversionStep(options.level, G, seHat), 1 - options.level, {
    maxDoublings: 60,
    restrict: curve.restrict,
    converged: (lo, hi) => Math.abs(hi - lo) <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi), seHat),
  });
  return {
    p_value,
    ci_lower: ci.lower,
    ci_upper: ci.upper,
    reps: d.reps,
    enumerated: d.enumerated,
  };
}
