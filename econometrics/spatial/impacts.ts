/**
 * LeSage–Pace impacts of the lag models. For regressor k with coefficient β_k and (SDM) WX coefficient
 * θ_k, S_k(ρ) = (I − ρW)⁻¹(β_k I + θ_k W):
 *   direct = tr(S_k)/N = (β_k Σ 1/(1−ρλ) + θ_k Σ λ/(1−ρλ))/N over the eigenvalues λ of W,
 *   total = (β_k + θ_k)/(1 − ρ) (row-standardised W), indirect = total − direct.
 * SEs by simulation, as spatialreg's impacts(R = …): draws of (ρ, β, θ) from N(estimate, vcov), the
 * impacts of each draw, their standard deviations. Point impacts are those at the estimates.
 */
import mt19937 from '@stdlib/random-base-mt19937';
import { CholeskyDecomposition, type Matrix } from 'ml-matrix';
import { InputError } from '../../common/errors';
import type { EffectRow } from '../result';
import type { Jacobian } from './ml';
import { eigenvalues, type WeightsMatrix } from './weights';

export interface ImpactOptions {
  /**
   * Traces from a sparse log-determinant (large N): tr(W(I − ρW)⁻¹) = −d/dρ log|I − ρW|, and
   * tr((I − ρW)⁻¹) = N + ρ·tr(W(I − ρW)⁻¹); interpolated over ρ for the draws.
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
  const traceSums =
    options.jacobian?.method === 'cholesky'
      ? interpolatedTraces(options.jacobian, w.n, params[0], Math.sqrt(vcov.get(0, 0)))
      : eigenTraces(w);
  const compute = (theta: ArrayLike<number>): Impact[] => {
    const rho = theta[0];
    const { s0, s1 } = traceSums(rho);
    return terms.map((_, k) => {
      const b = theta[1 + k];
      const t = durbin ? theta[1 + K + k] : 0;
      const direct = (b * s0 + t * s1) / w.n;
      const total = (b + t) / (1 - rho);
      return { direct, indirect: total - direct, total };
    });
  };
  const point = compute(params);
  const R = options.simulations ?? 1000;
  // Symmetrise: an inverted information matrix carries rounding asymmetry.
  const chol = new CholeskyDecomposition(vcov.clone().add(vcov.transpose()).div(2));
  if (!chol.isPositiveDefinite())
    throw new Error('impacts: the covariance of (ρ, β) is not positive definite');
  const L = chol.lowerTriangularMatrix;
  const rng = mt19937.factory({ seed: options.seed ?? 1 });
  const uniform = () => (rng() + 0.5) / (mt19937.MAX + 1);
  const sums = point.map(() => ({ direct: [0, 0], indirect: [0, 0], total: [0, 0] }));
  const z = new Float64Array(p);
  const draw = new Float64Array(p);
  for (let r = 0; r < R; r++) {
    // Box–Muller normals from the seeded Mersenne Twister.
    for (let i = 0; i < p; i += 2) {
      const u = Math.sqrt(-2 * Math.log(uniform()));
      const v = 2 * Math.PI * uniform();
      z[i] = u * Math.cos(v);
      if (i + 1 < p) z[i + 1] = u * Math.sin(v);
    }
    for (let i = 0; i < p; i++) {
      let s = params[i];
      for (let j = 0; j <= i; j++) s += L.get(i, j) * z[j];
      draw[i] = s;
    }
    compute(draw).forEach((imp, k) => {
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

function eigenTraces(w: WeightsMatrix): (rho: number) => { s0: number; s1: number } {
  const ev = eigenvalues(w);
  return (rho) => {
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < ev.re.length; i++) {
      // Real parts of 1/(1−ρλ) and λ/(1−ρλ); complex pairs sum to twice the real part.
      const a = 1 - rho * ev.re[i];
      const b = -rho * ev.im[i];
      const d = a * a + b * b;
      s0 += a / d;
      s1 += (ev.re[i] * a + ev.im[i] * b) / d;
    }
    return { s0, s1 };
  };
}

/** tr(G)(ρ) at 32 Chebyshev nodes over ρ̂ ± 10 SE (inside the interval), barycentric interpolation. */
function interpolatedTraces(
  J: Jacobian,
  n: number,
  rhoHat: number,
  se: number,
): (rho: number) => { s0: number; s1: number } {
  const lo = Math.max(J.interval[0] + 1e-3, rhoHat - 10 * se);
  const hi = Math.min(J.interval[1] - 1e-3, rhoHat + 10 * se);
  const m = 32;
  const nodes = Array.from(
    { length: m },
    (_, j) => (lo + hi) / 2 + ((hi - lo) / 2) * Math.cos(((2 * j + 1) * Math.PI) / (2 * m)),
  );
  const values = nodes.map((r) => J.trG(r));
  const weights = nodes.map((_, j) => (j % 2 === 0 ? 1 : -1) * Math.sin(((2 * j + 1) * Math.PI) / (2 * m)));
  const at = (rho: number) => {
    if (rho < lo || rho > hi) return J.trG(rho);
    let num = 0;
    let den = 0;
    for (let j = 0; j < m; j++) {
      const d = rho - nodes[j];
      if (d === 0) return values[j];
      num += (weights[j] * values[j]) / d;
      den += weights[j] / d;
    }
    return num / den;
  };
  return (rho) => {
    const s1 = at(rho);
    return { s0: n + rho * s1, s1 };
  };
}
