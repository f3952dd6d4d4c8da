/**
 * Every deterministic case of reference/golden/linear.json (R: plm, sandwich, lmtest, AER/car; see
 * reference/linear.R) re-estimated through the dispatcher: each estimate, SE, statistic and p-value,
 * and each named statistic, to 1e-6 relative.
 */
import { describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import { fixturePanel, goldenCases, relClose } from './golden';

const cases = goldenCases().filter((c) => !c.montecarlo);

describe('linear estimators agree with R to 1e-6', () => {
  it('has the cases the issue asks for', () => {
    const names = cases.map((c) => c.name).join('\n');
    for (const need of [
      'grunfeld ols conventional stata',
      'grunfeld fe entity cluster stata',
      'grunfeld fe twoways robust plm',
      'grunfeld unbalanced fe entity cluster stata',
      'provinces iv AIT=L.AIT cluster',
      'provinces fe winsorized CI 5/95',
      'provinces vif',
      'provinces mediation cluster',
    ]) {
      expect(names).toContain(need);
    }
  });

  for (const c of cases) {
    it(c.name, () => {
      const result = estimate(fixturePanel(c.data), c.spec);
      if (c.nobs !== null) expect(result.nobs).toBe(c.nobs);
      const mismatches: string[] = [];
      const got = new Map(result.coefficients.map((r) => [r.term, r]));
      for (const want of c.coefficients) {
        const row = got.get(want.term);
        if (!row) {
          mismatches.push(`missing term ${want.term}`);
          continue;
        }
        for (const k of ['estimate', 'std_error', 'statistic', 'p_value'] as const) {
          if (!relClose(row[k], want[k])) mismatches.push(`${want.term}.${k}: ${row[k]} vs R ${want[k]}`);
        }
      }
      if (c.coefficients.length) {
        expect(result.coefficients.map((r) => r.term)).toEqual(c.coefficients.map((r) => r.term));
      }
      for (const [k, want] of Object.entries(c.statistics)) {
        const v = result.statistics[k];
        if (v === undefined || !relClose(v, want)) mismatches.push(`statistics.${k}: ${v} vs R ${want}`);
      }
      expect(mismatches).toEqual([]);
    });
  }
});
