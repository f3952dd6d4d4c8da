/**
 * Driscoll–Kraay standard errors, robust to cross-sectional and serial correlation of unknown form, as
 * plm's `vcovSCC(fit)` (type "HC0", inner "cluster", Bartlett weights):
 *
 *   h_t = Σ_{i ∈ t} z_it e_it,   Ω_l = Σ_{t > l} h_t h_{t−l}',
 *   V = B (Ω_0 + Σ_{l=1}^{L} (1 − l/(L+1)) (Ω_l + Ω_l')) B,   B = (Z'Z)⁻¹,
 *
 * where t runs over the time periods present, in order (a lag is a step in that order, as plm takes
 * it), and L = `maxlag`, by default ⌊max_i T_i^{1/4}⌋ (plm's default; T^{1/4} on a balanced panel).
 * No small-sample factor (plm's default type "HC0"). The t degrees of freedom are the estimator's
 * choice (covariance.ts).
 *
 * Hand-written: no TypeScript library computes it.
 */
import { InputError } from '../../common/errors';
import type { Matrix } from 'ml-matrix';
import { Matrix as M } from 'ml-matrix';
import type { Columns } from '../linalg';

export interface DriscollKraayInput {
  design: Columns;
  residuals: Float64Array;
  bread: Matrix;
  /** Position of each row's time period among the periods present (0..T−1, in time order). */
  timeCodes: Int32Array;
  /** Entity of each row, for the default lag length. */
  entityCodes: Int32Array;
  maxlag?: number;
}

/** plm's default lag length: ⌊(max_i T_i)^{1/4}⌋. */
export function defaultMaxlag(entityCodes: Int32Array): number {
  const counts = new Map<number, number>();
  for (const c of entityCodes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return Math.floor(Math.max(...counts.values()) ** 0.25);
}

export function driscollKraayCovariance(input: DriscollKraayInput): {
  vcov: Matrix;
  maxlag: number;
  nperiods: number;
} {
  const { design, residuals, timeCodes } = input;
  const k = design.length;
  let T = 0;
  for (const t of timeCodes) if (t + 1 > T) T = t + 1;
  const L = input.maxlag ?? defaultMaxlag(input.entityCodes);
  if (!Number.isInteger(L) || L < 0)
    throw new InputError(`spec.maxlag: expected a whole number ≥ 0, found ${L}`, 'spec.maxlag');
  if (L >= T)
    throw new InputError(
      `spec.maxlag: ${L} lags but only ${T} time periods; at most ${T - 1} can be used`,
      'spec.maxlag',
    );
  const h = new Float64Array(T * k);
  for (let i = 0; i < residuals.length; i++) {
    const t = timeCodes[i];
    const e = residuals[i];
    for (let a = 0; a < k; a++) h[t * k + a] += design[a][i] * e;
  }
  const meat = new M(k, k);
  for (let l = 0; l <= L; l++) {
    const w = l === 0 ? 1 : 1 - l / (L + 1);
    for (let t = l; t < T; t++) {
      for (let a = 0; a < k; a++) {
        const ha = h[t * k + a];
        const hla = h[(t - l) * k + a];
        for (let b = 0; b < k; b++) {
          const v = l === 0 ? ha * h[t * k + b] : ha * h[(t - l) * k + b] + hla * h[t * k + b];
          meat.set(a, b, meat.get(a, b) + w * v);
        }
      }
    }
  }
  const vcov = input.bread.mmul(meat).mmul(input.bread);
  return { vcov, maxlag: L, nperiods: T };
}
