/**
 * The cluster bootstrap of a·b: reproducible under a seed, and in agreement with R's own cluster
 * bootstrap (reference/linear.R, 2,000 replicates, R's RNG) within Monte-Carlo error.
 */
import { describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import { fixturePanel, goldenCases } from './golden';

const C = ['ED', 'ER', 'ECS', 'WF', 'OPEN'];
const spec = (seed: number, reps = 2000) => ({
  estimator: 'mediation',
  y: 'CI',
  x: ['AIT', ...C],
  mediator: 'EE',
  vce: 'cluster',
  bootstrap: { reps, seed },
});
const panel = fixturePanel('provinces30');

describe('cluster bootstrap of the indirect effect', () => {
  const a = estimate(panel, spec(7)).statistics;

  it('is reproducible under a seed and changes with it', () => {
    const again = estimate(panel, spec(7)).statistics;
    const other = estimate(panel, spec(8)).statistics;
    expect(again.boot_mean).toBe(a.boot_mean);
    expect(again.boot_bc_lower).toBe(a.boot_bc_lower);
    expect(other.boot_mean).not.toBe(a.boot_mean);
    expect(a.boot_reps).toBe(2000);
    expect(a.boot_failed).toBe(0);
  });

  it('agrees with R within Monte-Carlo error', () => {
    const r = goldenCases().find((c) => c.montecarlo)!.statistics;
    const n = 2000;
    const sd = r.boot_sd;
    // Difference of two independent means: SE = sd·√(2/n); of two SDs ≈ sd·√(1/n); of two 2.5%
    // quantiles ≈ √2·√(p(1−p)/n)/φ(z_p)·sd = 0.0846·sd at n = 2000 (normal approximation). 4 SE each.
    expect(Math.abs(a.boot_mean - r.boot_mean)).toBeLessThan(4 * sd * Math.sqrt(2 / n));
    expect(Math.abs(a.boot_sd - sd)).toBeLessThan(4 * sd * Math.sqrt(1 / n));
    expect(Math.abs(a.boot_ci_lower - r.boot_ci_lower)).toBeLessThan(4 * 0.0846 * sd);
    expect(Math.abs(a.boot_ci_upper - r.boot_ci_upper)).toBeLessThan(4 * 0.0846 * sd);
  });

  it('bias-corrected interval moves the percentile one in the direction of z0', () => {
    // With z0 = Φ⁻¹(share of replicates below a·b), BC ends sit at the Φ(2·z0 ± 1.96) quantiles instead
    // of the 2.5% / 97.5% ones: z0 < 0 moves both ends down.
    expect(a.boot_z0).not.toBe(0);
    expect(Math.sign(a.boot_bc_lower - a.boot_ci_lower)).toBe(Math.sign(a.boot_z0));
    expect(Math.sign(a.boot_bc_upper - a.boot_ci_upper)).toBe(Math.sign(a.boot_z0));
    expect(a.boot_ci_lower).toBeLessThan(a.indirect);
    expect(a.boot_ci_upper).toBeGreaterThan(a.indirect);
  });
});
