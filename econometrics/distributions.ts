/**
 * Distribution functions from @stdlib (maintained, tested against R), plus the two-sided p-values the
 * estimators report. A t with infinite degrees of freedom is the standard normal.
 */
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import fCdf from '@stdlib/stats-base-dists-f-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** Two-sided p-value of a t statistic with `df` degrees of freedom (normal when df is infinite). */
export function tTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  const a = -Math.abs(t);
  return 2 * (Number.isFinite(df) ? tCdf(a, df) : normalCdf(a, 0, 1));
}

export function normalTwoSided(z: number): number {
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

/** Upper-tail p-value of an F(df1, df2) statistic. */
export function fUpper(f: number, df1: number, df2: number): number {
  if (!Number.isFinite(df2)) return chiSquareUpper(f * df1, df1);
  return 1 - fCdf(f, df1, df2);
}

export function chiSquareUpper(x: number, df: number): number {
  return 1 - chisquareCdf(x, df);
}

export function normalCdfStd(x: number): number {
  return normalCdf(x, 0, 1);
}

export function normalQuantileStd(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** Quantile of t(df) (normal when df is infinite), for confidence intervals. */
export function tQuantileDf(p: number, df: number): number {
  return Number.isFinite(df) ? tQuantile(p, df) : normalQuantile(p, 0, 1);
}
