/**
 * LeSage–Pace impacts of the lag models. For regressor k with coefficient β_k and (SDM) WX coefficient
 * θ_k, S_k(ρ) = (I − ρW)⁻¹(β_k I + θ_k W):
 *   direct = tr(S_k)/N = (β_k s0(ρ) + θ_k s1(ρ))/N,  s1 = tr(W(I − ρW)⁻¹) = Σ λ/(1 − ρλ),
 *   s0 = tr((I − ρW)⁻¹) = N + ρ s1,  total = (β_k + θ_k)/(1 − ρ) (row-standardised W),
 *   indirect = total − direct.
 * SEs by simulation, as spatialreg's impacts(R = …): draws of (ρ, β, θ) from N(estimate, vcov), the
 * impacts of each draw, their standard deviations. Point impacts are those at the estimates.
 *
 * Traces: with all eigenvalues (small N) s1 is exact at every draw. With the sparse log-determinant
 * (large N) s1 is exact at the estimate (selected inverse) and, for the draws, a Chebyshev interpolant of
 * the exact s1 at n + 1 Chebyshev points spanning the drawn ρ. s1 is analytic off the real rays through
 * 1/λ, |λ| ≤ 1, and |s1(z)| ≤ N/(1 − |z|) for |z| < 1, so on the Bernstein ellipse E_r of the span
 * (centre c, half-width h) |s1| ≤ M = N/(1 − |c| − h(r + 1/r)/2), and the interpolation error is at
 * most 4M r⁻ⁿ/(r − 1) (Trefethen, Approximation Theory and Approximation Practice, Thm 8.2). n is the
 * smallest degree for which that bound is ≤ 1e-10·N, so each draw's direct impact is within
 * 1e-10·(|β_k ρ| + |θ_k|) of the exact one; draws are computed exactly if no degree ≤ 64 achieves it.
 */
import mt19937 from '@stdlib/random-base-mt19937';
import type { Matrix } from 'ml-matrix';
import { InputError } from '../../common/errors';
import { choleskyOf } from '../linalg';
import type { EffectRow } from '../result';
import type { Jacobian } from './ml';
import { eigenvalues, type WeightsMatrix } from './weights';

export interface ImpactOptions {
  /**
   * The log-determinant method of the fit; with the sparse one ('cholesky'), traces come from its exact
   * tr(W(I − ρW)⁻¹) instead of eigenvalues.
   */
  jacobian?: Jacobian;
  /** Number of simulation draws for the SEs (default 1000, as the usual R call). */
  simulations?: number;
  seed?: number;
}

interface Impact {
  direct: number;
  indirect: number;
  total: number;
}

/**
 * `terms` names the regressors; `params` = (ρ, β_1..β_K[, θ_1..θ_K]) with `durbin` telling whether θ is
 * present; `vcov` their covariance in the same order.
 */
export function impacts(
  w: WeightsMatrix,
  terms: readonly string[],
  params: ArrayLike<number>,
  vcov: Matrix,
  durbin: boolean,
  options: ImpactOptions = {},
): EffectRow[] {
  if (!w.rowStandardised) throw new InputError(`impacts: ${w.label} must be row-standardised`);
  const K = terms.length;
  const p = 1 + K * (durbin ? 2 : 1);
  if (params.length !== p || vcov.rows !== p) throw new Error(`impacts: expected ${p} parameters`);
  const compute = (theta: ArrayLike<number>, s1: number): Impact[] => {
    const rho = theta[0];
    const s0 = w.n + rho * s1;
    return terms.map((_, k) => {
      const b = theta[1 + k];
      const t = durbin ? theta[1 + K + k] : 0;
      const direct = (b * s0 + t * s1) / w.n;
      const total = (b + t) / (1 - rho);
      return { direct, indirect: total - direct, total };
    });
  };
  const R = options.simulations ?? 1000;
  const draws = normalDraws(params, vcov, R, options.seed ?? 1);
  const rhos = Float64Array.from({ length: R }, (_, r) => draws[r * p]);
  const sparse = options.jacobian?.method === 'cholesky' ? options.jacobian : undefined;
  const exact = sparse ? (rho: number) => sparse.trG(rho) : eigenTrace(w);
  const s1 = sparse ? interpolatedTrace(sparse, rhos) : exact;
  const point = compute(params, exact(params[0]));
  const sums = point.map(() => ({ direct: [0, 0], indirect: [0, 0], total: [0, 0] }));
  for (let r = 0; r < R; r++) {
    const draw = draws.subarray(r * p, (r + 1) * p);
    compute(draw, s1(draw[0])).forEach((imp, k) => {
      for (const key of ['direct', 'indirect', 'total'] as const) {
        sums[k][key][0] += imp[key];
        sums[k][key][1] += imp[key] ** 2;
      }
    });
  }
  const sd = ([s, s2]: number[]) => Math.sqrt(Math.max(0, (s2 - (s * s) / R) / (R - 1)));
  return terms.map((term, k) => ({
    term,
    direct: point[k].direct,
    direct_se: sd(sums[k].direct),
    indirect: point[k].indirect,
    indirect_se: sd(sums[k].indirect),
    total: point[k].total,
    total_se: sd(sums[k].total),
  }));
}

/**
 * R draws from N(params, vcov), row-major R × p: the Cholesky factor of vcov times standard normals from
 * Box–Muller on a Mersenne Twister seeded with `seed` (the same seed gives the same draws).
 */
export function normalDraws(params: ArrayLike<number>, vcov: Matrix, R: number, seed: number): Float64Array {
  const p = params.length;
  // Symmetrise: an inverted information matrix carries rounding asymmetry.
  const chol = choleskyOf(
    vcov.clone().add(vcov.transpose()).div(2),
    'impacts: the covariance of the parameters',
  );
  const L = chol.lowerTriangularMatrix;
  const rng = mt19937.factory({ seed });
  const uniform = () => (rng() + 0.5) / (mt19937.MAX + 1);
  const draws = new Float64Array(R * p);
  const z = new Float64Array(p);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < p; i += 2) {
      const u = Math.sqrt(-2 * Math.log(uniform()));
      const v = 2 * Math.PI * uniform();
      z[i] = u * Math.cos(v);
      if (i + 1 < p) z[i + 1] = u * Math.sin(v);
    }
    for (let i = 0; i < p; i++) {
      let s = params[i];
      for (let j = 0; j <= i; j++) s += L.get(i, j) * z[j];
      draws[r * p + i] = s;
    }
  }
  return draws;
}

/** s1(ρ) = Σ Re λ/(1 − ρλ) over the eigenvalues (complex pairs sum to twice the real part). */
export function eigenTrace(w: WeightsMatrix): (rho: number) => number {
  const ev = eigenvalues(w);
  return (rho) => {
    let s1 = 0;
    for (let i = 0; i < ev.re.length; i++) {
      const a = 1 - rho * ev.re[i];
      const b = -rho * ev.im[i];
      s1 += (ev.re[i] * a + ev.im[i] * b) / (a * a + b * b);
    }
    return s1;
  };
}

/** Relative accuracy of the interpolated s1/N (see the header). */
const TRACE_TOLERANCE = 1e-10;
const MAX_DEGREE = 64;

/**
 * The smallest degree n whose interpolation bound 4M r⁻ⁿ/(r − 1), minimised over r, is ≤ tol·N on
 * [c − h, c + h]; Infinity when none ≤ MAX_DEGREE.
 */
export function chebyshevDegree(c: number, h: number, tol = TRACE_TOLERANCE): number {
  if (h === 0) return 0;
  // E_r stays inside |z| < 1 while |c| + h(r + 1/r)/2 < 1.
  const room = 1 - Math.abs(c);
  if (room <= h) return Infinity;
  const q = room / h;
  const rMax = q + Math.sqrt(q * q - 1);
  let best = Infinity;
  for (let step = 1; step < 200; step++) {
    const r = 1 + ((rMax - 1) * step) / 200;
    const margin = room - (h * (r + 1 / r)) / 2;
    // 4 r⁻ⁿ / ((r − 1) margin) ≤ tol  ⇔  n ≥ log(4 / ((r − 1) margin tol)) / log r
    const n = Math.max(1, Math.ceil(Math.log(4 / ((r - 1) * margin * tol)) / Math.log(r)));
    best = Math.min(best, n);
  }
  return best <= MAX_DEGREE ? best : Infinity;
}

/**
 * The barycentric Chebyshev interpolant (second-kind points) of an exact trace function on [lo, hi], of
 * the degree `chebyshevDegree` asks for; undefined when no degree ≤ 64 meets the bound.
 */
export function traceInterpolant(
  trG: (rho: number) => number,
  lo: number,
  hi: number,
): ((rho: number) => number) | undefined {
  const c = (lo + hi) / 2;
  const h = (hi - lo) / 2;
  const n = chebyshevDegree(c, h);
  if (!Number.isFinite(n)) return undefined;
  if (n === 0) {
    const v = trG(c);
    return () => v;
  }
  const nodes = Array.from({ length: n + 1 }, (_, j) => c + h * Math.cos((j * Math.PI) / n));
  const values = nodes.map((r) => trG(r));
  const weights = nodes.map((_, j) => (j % 2 === 0 ? 1 : -1) * (j === 0 || j === n ? 0.5 : 1));
  return (rho) => {
    let num = 0;
    let den = 0;
    for (let j = 0; j <= n; j++) {
      const d = rho - nodes[j];
      if (d === 0) return values[j];
      num += (weights[j] * values[j]) / d;
      den += weights[j] / d;
    }
    return num / den;
  };
}

/** s1 for the drawn ρ: interpolated over their span, or exact per draw when no degree meets the bound. */
export function interpolatedTrace(J: Jacobian, rhos: Float64Array): (rho: number) => number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rhos) {
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  return traceInterpolant(J.trG, lo, hi) ?? J.trG;
}
