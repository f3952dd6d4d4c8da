/**
 * A confidence interval by test inversion: the set {r : p(r) > α} of null values the bootstrap test does
 * not reject at level α, for p(r) the bootstrap p-value of H0: β_k = r (the wild cluster bootstraps,
 * wild-bootstrap.ts and wild-iv.ts). Each bound is bracketed from the estimate outwards, starting one
 * `step` away and doubling the distance while p(r) > α, then located by bisection. A bound still not
 * rejected after `maxDoublings` doublings is ±∞ (weak identification gives sets unbounded in a direction).
 */
export interface InversionOptions {
  maxDoublings: number;
  /** Whether the bracket [lo, hi] is narrow enough. */
  converged: (lo: number, hi: number) => boolean;
}

export function invertTest(
  pAt: (r: number) => number,
  estimate: number,
  step: number,
  alpha: number,
  options: InversionOptions,
): { lower: number; upper: number } {
  const bound = (dir: 1 | -1): number => {
    let lo = estimate;
    let hi = estimate + dir * step;
    for (let i = 0; i < options.maxDoublings && pAt(hi) > alpha; i++) {
      lo = hi;
      hi = estimate + 2 * (hi - estimate);
    }
    if (pAt(hi) > alpha) return dir * Infinity;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (pAt(mid) > alpha) lo = mid;
      else hi = mid;
      if (options.converged(lo, hi)) break;
    }
    return (lo + hi) / 2;
  };
  const lower = bound(-1);
  return { lower, upper: bound(1) };
}
