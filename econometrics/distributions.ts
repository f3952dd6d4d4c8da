/**
 * Distribution functions from @stdlib (maintained, tested against R), plus the two-sided p-values the
 * estimators report. A t with infinite degrees of freedom is the standard normal.
 */
import { createRequire } from 'node:module';

// Each function is loaded on its first call, not with this module: publishing reads only the normal's
// p-values on the main thread, and the incomplete beta alone takes about 80 ms to load (the estimators'
// threads load what they call, once). The packages are CommonJS, so require() loads them synchronously.
const require = createRequire(import.meta.url);
/** Every loader made below, for loadDistributions. */
const loaders: (() => unknown)[] = [];
const loaded = <F>(id: string): (() => F) => {
  let f: F | undefined;
  const load = () => (f ??= require(id) as F);
  loaders.push(load);
  return load;
};
const betainc = loaded<typeof import('@stdlib/math-base-special-betainc')>(
  '@stdlib/math-base-special-betainc',
);
const gammainc = loaded<typeof import('@stdlib/math-base-special-gammainc')>(
  '@stdlib/math-base-special-gammainc',
);
const normalCdf = loaded<typeof import('@stdlib/stats-base-dists-normal-cdf')>(
  '@stdlib/stats-base-dists-normal-cdf',
);
const normalQuantile = loaded<typeof import('@stdlib/stats-base-dists-normal-quantile')>(
  '@stdlib/stats-base-dists-normal-quantile',
);
const tCdf = loaded<typeof import('@stdlib/stats-base-dists-t-cdf')>('@stdlib/stats-base-dists-t-cdf');
const tQuantile = loaded<typeof import('@stdlib/stats-base-dists-t-quantile')>(
  '@stdlib/stats-base-dists-t-quantile',
);

/**
 * Loads every distribution function now: an estimators' thread does so as it starts, while it waits
 * for its first step, rather than in the middle of its first steps (about 0.1 s), where it is the
 * estimate stage's critical path.
 */
export function loadDistributions(): void {
  for (const load of loaders) load();
}

/** Two-sided p-value of a t statistic with `df` degrees of freedom (normal when df is infinite). */
export function tTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  const a = -Math.abs(t);
  return 2 * (Number.isFinite(df) ? tCdf()(a, df) : normalCdf()(a, 0, 1));
}

export function normalTwoSided(z: number): number {
  return 2 * normalCdf()(-Math.abs(z), 0, 1);
}

/**
 * Upper-tail p-value of an F(df1, df2) statistic, as the upper regularized incomplete beta
 * I_{1−x}(df2/2, df1/2) with x = df1·f/(df1·f + df2), so tiny p-values keep their digits (1 − cdf would not).
 */
export function fUpper(f: number, df1: number, df2: number): number {
  if (Number.isNaN(f)) return NaN;
  if (!Number.isFinite(df2)) return chiSquareUpper(f * df1, df1);
  if (f <= 0) return 1;
  return betainc()((df1 * f) / (df1 * f + df2), df1 / 2, df2 / 2, true, true);
}

/** Upper-tail p-value of a chi-square(df) statistic (upper regularized incomplete gamma). */
export function chiSquareUpper(x: number, df: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return gammainc()(x / 2, df / 2, true, true);
}

export function normalCdfStd(x: number): number {
  return normalCdf()(x, 0, 1);
}

export function normalQuantileStd(p: number): number {
  return normalQuantile()(p, 0, 1);
}

/** Quantile of t(df) (normal when df is infinite), for confidence intervals. */
export function tQuantileDf(p: number, df: number): number {
  return Number.isFinite(df) ? tQuantile()(p, df) : normalQuantile()(p, 0, 1);
}
