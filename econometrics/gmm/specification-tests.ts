/**
 * GMM's specification tests, as plm (mtest, sargan) and xtabond2 (difference-in-Hansen):
 * - Arellano–Bond AR(1), AR(2) on the difference residuals with the robust covariance (plm's mtest with
 *   vcovHC), asymptotically N(0, 1);
 * - Hansen's J = z'A2 z and plm's Sargan z'A1 z, z = Σ Z_i'e_i of the final residuals, χ² with
 *   df = instruments − parameters (plm's one-step Sargan uses A1 without σ², unlike xtabond2);
 * - difference-in-Hansen: J of the full model minus J without an instrument subset, χ²(columns dropped).
 */
import type { Matrix } from 'ml-matrix';
import { chiSquareUpper } from '../distributions';
import { range, type Design } from './design';
import { asMatrix, gmmFit } from './fit';
import { arAccumulators, sumMoments, unitMoments, type StackedUnits } from './moments';

/** z'A z with z = Σ Z_i'e_i: Hansen's J with A = A2, plm's Sargan with A = A1. */
export function hansenJ(s: StackedUnits, e: Float64Array, A: Matrix): number {
  const z = asMatrix(s.L, 1, sumMoments(unitMoments(s, e), s.N, s.L));
  return z.transpose().mmul(A).mmul(z).get(0, 0);
}

/**
 * Arellano–Bond test of order `order` on the difference residuals (plm's mtest with the robust
 * covariance vv): num / √(EVE − 2 EX B WX'A ZVE + EX vv EX'), accumulators from moments.ts.
 * NaN if the variance is negative.
 */
export function arellanoBondTest(
  s: StackedUnits,
  e: Float64Array,
  B: Matrix,
  vv: Matrix,
  WX: Matrix,
  A: Matrix,
  order: number,
  d: Design,
): number {
  const { num, EVE, EX, ZVE } = arAccumulators(s, e, d.nd, order);
  const ex = asMatrix(1, d.K, EX);
  const denom =
    EVE -
    2 *
      ex
        .mmul(B)
        .mmul(WX.transpose())
        .mmul(A)
        .mmul(asMatrix(d.L, 1, ZVE))
        .get(0, 0) +
    ex.mmul(vv).mmul(ex.transpose()).get(0, 0);
  return num / Math.sqrt(denom);
}

/**
 * Hansen's J of the same equations with the instrument columns `keep` only, estimated as the full model
 * is (one-step weights from the H block, two-step weights from the one-step residuals, two-step
 * estimate if the model is two-step): J = z'A2 z with z the final residuals' moments.
 */
function hansenOnColumns(s: StackedUnits, d: Design, keep: number[], warnings: string[]): number {
  const { N, R, L } = s;
  const Ls = keep.length;
  const Z = new Float64Array(N * R * Ls);
  for (let ir = 0; ir < N * R; ir++) for (let c = 0; c < Ls; c++) Z[ir * Ls + c] = s.Z[ir * L + keep[c]];
  const sub: StackedUnits = { ...s, L: Ls, Z };
  const fit = gmmFit(sub, d, warnings);
  return hansenJ(sub, fit.e, fit.A2);
}

/**
 * xtabond2's difference-in-Hansen tests: for the levels equations' GMM-style instruments (system GMM;
 * `diff_hansen_levels`) and for each instrument group (`diff_hansen:<group>`: a GMM-style variable's
 * columns in both equations, or `iv` for the IV-style ones), J of the full model minus J of the model
 * re-estimated without the subset ("Hansen test excluding group", `hansen_excluding_…`), χ² with as
 * many degrees of freedom as columns dropped. Not computed when the rest no longer identifies the K
 * parameters.
 */
export function differenceInHansen(
  s: StackedUnits,
  d: Design,
  hansen: number,
  warnings: string[],
): Record<string, number> {
  const out: Record<string, number> = {};
  const test = (name: (stat: string) => string, drop: number[], label: string) => {
    const dropped = new Set(drop);
    const keep = range(0, d.L).filter((c) => !dropped.has(c));
    if (keep.length < d.K) {
      warnings.push(
        `difference-in-Hansen for ${label}: without its ${drop.length} instruments ${keep.length} remain for ${d.K} parameters; not computed`,
      );
      return;
    }
    const excl = hansenOnColumns(s, d, keep, warnings);
    const diff = hansen - excl;
    out[name('hansen_excluding')] = excl;
    out[name('hansen_excluding_df')] = keep.length - d.K;
    out[name('diff_hansen')] = diff;
    out[name('diff_hansen_df')] = drop.length;
    out[name('diff_hansen_p')] = chiSquareUpper(diff, drop.length);
  };
  // diff_hansen_levels, diff_hansen_levels_df, …; diff_hansen:CI, diff_hansen_df:CI, …
  const levels = (stat: string) => stat.replace(/^(diff_hansen|hansen_excluding)/, '$1_levels');
  if (d.levelColumns?.length) test(levels, d.levelColumns, 'the levels instruments');
  for (const g of d.groups ?? []) test((stat) => `${stat}:${g.name}`, g.columns, `group ${g.name}`);
  return out;
}
