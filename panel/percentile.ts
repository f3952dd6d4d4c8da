/**
 * Percentiles of a sorted sample, by a named definition.
 *
 * - `stata` (default; Stata's `_pctile`, `summarize, detail`, `winsor2`; R `quantile(type = 2)`):
 *   with n sorted values x(1..n) and P = n·p/100: if P is a whole number the mean of x(P) and x(P+1),
 *   otherwise x(⌊P⌋ + 1). p = 0 gives the minimum and p = 100 the maximum.
 * - `type7` (R's default `quantile(type = 7)`, numpy's default linear): h = (n − 1)·p/100,
 *   x(⌊h⌋+1) + (h − ⌊h⌋)·(x(⌊h⌋+2) − x(⌊h⌋+1)).
 */
export type PercentileDefinition = 'stata' | 'type7';

export function percentile(
  sorted: ArrayLike<number>,
  p: number,
  definition: PercentileDefinition = 'stata',
): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (p <= 0) return sorted[0];
  if (p >= 100) return sorted[n - 1];
  if (definition === 'type7') {
    const h = ((n - 1) * p) / 100;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, n - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
  const P = (n * p) / 100;
  // Guard against n·p/100 landing a rounding error away from a whole number (e.g. 330 × 0.95).
  const r = Math.round(P);
  if (Math.abs(P - r) < 1e-9 * Math.max(1, P)) {
    return r >= n ? sorted[n - 1] : (sorted[r - 1] + sorted[r]) / 2;
  }
  return sorted[Math.floor(P)];
}
