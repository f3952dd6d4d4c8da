/**
 * A confidence interval by test inversion: the set {r : p(r) > α} of null values the bootstrap test does
 * not reject at level α, for p(r) the bootstrap p-value of H0: β_k = r (the wild cluster bootstraps,
 * wild-bootstrap.ts and wild-iv.ts). Each bound is bracketed from the estimate outwards, starting one
 * `step` away and doubling the distance while p(r) > α, then located by bisection. A bound still not
 * rejected after `maxDoublings` doublings is ±∞ (weak identification gives sets unbounded in a direction).
 * Each null value is evaluated once (a bootstrap p-value costs B draws). Before each bisection step the
 * bracket is handed to `restrict`, so a p-value function that can work inside a bracket does less.
 */
export interface InversionOptions {
  maxDoublings: number;
  /** Whether the bracket [lo, hi] is narrow enough. */
  converged: (lo: number, hi: number) => boolean;
  /** The bracket (either order) the next evaluations lie in, until the next call. */
  restrict?: (lo: number, hi: number) => void;
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
    let pHi = pAt(hi);
    for (let i = 0; i < options.maxDoublings && pHi > alpha; i++) {
      lo = hi;
      hi = estimate + 2 * (hi - estimate);
      pHi = pAt(hi);
    }
    if (pHi > alpha) return dir * Infinity;
    for (let i = 0; i < 200; i++) {
      options.restrict?.(lo, hi);
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
