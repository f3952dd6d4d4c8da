/**
 * Short- and long-run effects of the dynamic spatial model (Debarsy, Ertur & LeSage 2012; Elhorst 2014,
 * §4.6). For regressor k with coefficients β_k and (Durbin) θ_k, C_k = β_k I + θ_k W:
 *   short run  S(ρ)C_k,  S(ρ) = (I − ρW)⁻¹:
 *     direct = (β_k tr S + θ_k tr WS)/N, total = (β_k + θ_k)/(1 − ρ);
 *   long run   L C_k,  L = ((1 − τ)I − (ρ + ψ)W)⁻¹ = S(r)/(1 − τ), r = (ρ + ψ)/(1 − τ):
 *     direct = (β_k tr L + θ_k tr WL)/N, total = (β_k + θ_k)/(1 − τ − ρ − ψ);
 * indirect = total − direct (row-standardised W). Point values are those at the estimates, from the
 * exact traces of the fit. Standard errors: the standard deviations over `simulations` draws of
 * (τ, ψ, ρ, β, θ) from N(estimate, vcov) under `seed` (impacts.ts's generator), traces of the draws by
 * W's eigenvalues (small N) or, at large N, impacts.ts's Chebyshev interpolant of the exact sparse
 * tr(W(I − rW)⁻¹) over the span of the drawn r (ρ for the short run, (ρ + ψ)/(1 − τ) for the long run),
 * tr((I − rW)⁻¹) = N + r·tr(W(I − rW)⁻¹). A draw without a
 * long-run equilibrium (τ + ψ + ρ ≥ 1 or τ ≥ 1) is left out of the long-run standard deviations and
 * counted; at estimates without one (possible with time effects, which remove W's unit eigenvalue
 * from the stationarity condition) the long-run rows are NaN, standard errors included.
 */
import type { EffectRow } from '../result';
import type { DynamicFit } from './dynamic';
import { eigenTrace, interpolatedTrace, normalDraws, type ImpactOptions } from './impacts';
import type { WeightsMatrix } from './weights';

export interface DynamicEffects {
  rows: EffectRow[];
  /** Draws left out of the long-run standard deviations. */
  excluded: number;
  draws: number;
}

export function dynamicImpacts(
  w: WeightsMatrix,
  fit: DynamicFit,
  y: string,
  x: readonly string[],
  options: Pick<ImpactOptions, 'simulations' | 'seed'> = {},
): DynamicEffects {
  const n = w.n;
  const names = fit.names;
  const iTau = names.indexOf(`L.${y}`);
  const iPsi = names.indexOf(`W*L.${y}`);
  const iRho = names.length;
  const iBeta = x.map((t) => names.indexOf(t));
  const iTheta = x.map((t) => names.indexOf(`W*${t}`));
  const dynamic = iTau >= 0 || iPsi >= 0;
  const p = fit.params;
  const at = (v: ArrayLike<number>, i: number) => (i >= 0 ? v[i] : 0);
  const hasLongRun = (v: ArrayLike<number>) => at(v, iTau) < 1 && at(v, iTau) + at(v, iPsi) + v[iRho] < 1;

  const R = options.simulations ?? 1000;
  const P = p.length;
  const draws = normalDraws(p, fit.vcov, R, options.seed ?? 1);
  const drawn = (f: (v: Float64Array) => number) =>
    Float64Array.from({ length: R }, (_, r) => f(draws.subarray(r * P, (r + 1) * P)));
  const longR = (v: ArrayLike<number>) => (v[iRho] + at(v, iPsi)) / (1 - at(v, iTau));
  let s1Short: (r: number) => number;
  let s1Long: (r: number) => number;
  if (fit.jacobian.method === 'cholesky') {
    s1Short = interpolatedTrace(
      fit.jacobian,
      drawn((v) => v[iRho]),
    );
    // Only draws with a long-run equilibrium are evaluated (r < 1 there).
    const rs = drawn((v) => (hasLongRun(v) ? longR(v) : NaN)).filter(Number.isFinite);
    s1Long = dynamic && rs.length ? interpolatedTrace(fit.jacobian, rs) : s1Short;
  } else {
    s1Short = s1Long = eigenTrace(w);
  }
  const short = (r: number) => {
    const s1 = s1Short(r);
    return { s0: n + r * s1, s1 };
  };
  const long = (r: number) => {
    const s1 = s1Long(r);
    return { s0: n + r * s1, s1 };
  };

  /** Effects of one parameter vector: [short direct, indirect, total, long direct, indirect, total] per x. */
  const compute = (v: ArrayLike<number>, point: boolean): number[][] => {
    const rho = v[iRho];
    const tau = at(v, iTau);
    const psi = at(v, iPsi);
    const s = point ? { s0: fit.traces.s0, s1: fit.traces.s1 } : short(rho);
    const longOk = dynamic && hasLongRun(v);
    let l = { s0: NaN, s1: NaN };
    if (longOk) {
      if (point) l = { s0: fit.traces.b0, s1: fit.traces.b1 };
      else {
        const t = long((rho + psi) / (1 - tau));
        l = { s0: t.s0 / (1 - tau), s1: t.s1 / (1 - tau) };
      }
    }
    return x.map((_, k) => {
      const b = v[iBeta[k]];
      const th = at(v, iTheta[k]);
      const ds = (b * s.s0 + th * s.s1) / n;
      const ts = (b + th) / (1 - rho);
      const dl = (b * l.s0 + th * l.s1) / n;
      const tl = longOk ? (b + th) / (1 - tau - psi - rho) : NaN;
      return [ds, ts - ds, ts, dl, tl - dl, tl];
    });
  };

  const point = compute(p, true);
  const width = 6;
  const sums = x.map(() => new Float64Array(width * 2));
  const counts = new Float64Array(2);
  for (let r = 0; r < R; r++) {
    const values = compute(draws.subarray(r * P, (r + 1) * P), false);
    const longOk = values.every((e) => e.slice(3).every(Number.isFinite));
    counts[0] += 1;
    if (longOk) counts[1] += 1;
    values.forEach((e, k) => {
      for (let j = 0; j < width; j++) {
        if (j >= 3 && !longOk) continue;
        sums[k][2 * j] += e[j];
        sums[k][2 * j + 1] += e[j] * e[j];
      }
    });
  }
  const sd = (k: number, j: number) => {
    const m = counts[j >= 3 ? 1 : 0];
    const s = sums[k][2 * j];
    const s2 = sums[k][2 * j + 1];
    return m > 1 ? Math.sqrt(Math.max(0, (s2 - (s * s) / m) / (m - 1))) : NaN;
  };
  // No standard error for an effect the estimates do not define (no long-run equilibrium at them).
  const se = (k: number, j: number) => (Number.isFinite(point[k][j]) ? sd(k, j) : NaN);
  const rows: EffectRow[] = [];
  const horizons: ('short' | 'long')[] = dynamic ? ['short', 'long'] : ['short'];
  for (const horizon of horizons) {
    const o = horizon === 'short' ? 0 : 3;
    x.forEach((term, k) => {
      rows.push({
        term,
        ...(dynamic ? { horizon } : {}),
        direct: point[k][o],
        direct_se: se(k, o),
        indirect: point[k][o + 1],
        indirect_se: se(k, o + 1),
        total: point[k][o + 2],
        total_se: se(k, o + 2),
      });
    });
  }
  return { rows, excluded: dynamic ? counts[0] - counts[1] : 0, draws: R };
}
