/**
 * Difference-in-Hansen tests (spec.gmm.diffHansen) and GMM-style predetermined regressors against
 * reference/gmm_inference.R: plm refits without a GMM variable's instruments, explicit two-step GMM on
 * plm's instrument matrices for the levels and IV-style subsets; to 1e-6.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import { Panel } from '../../panel';
import { expectClose, fixtureRows } from './spatial-golden';

interface Case {
  spec: Record<string, unknown>;
  names: string[];
  coefficients: number[];
  statistics: Record<string, number>;
}
const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/gmm_inference.json', import.meta.url), 'utf8'),
) as Record<string, Case>;
const panels: Record<string, Panel> = {
  emplUK: Panel.fromRows(fixtureRows('emplUK'), { entity: 'firm', time: 'year' }),
  provinces30: Panel.fromRows(fixtureRows('provinces30'), { entity: 'province', time: 'year' }),
};

describe('difference-in-Hansen and predetermined regressors agree with plm', () => {
  for (const [name, c] of Object.entries(golden)) {
    it(name, () => {
      const r = estimate(name.startsWith('provinces') ? panels.provinces30 : panels.emplUK, c.spec);
      // Coefficients in plm's order: the regressors first (plm's dummies are named by year alone).
      c.coefficients
        .slice(0, 4)
        .forEach((b, k) => expectClose(r.coefficients[k].estimate, b, 1e-6, c.names[k]));
      for (const [key, want] of Object.entries(c.statistics)) {
        expect(r.statistics[key], key).toBeDefined();
        expectClose(r.statistics[key], want, 1e-6, key);
      }
      // Exactly the subsets R could compute: the others are reported as not computed.
      const got = Object.keys(r.statistics).filter(
        (k) => k.startsWith('diff_hansen') || k.startsWith('hansen_excl'),
      );
      expect(got.sort()).toEqual(
        Object.keys(c.statistics)
          .filter((k) => k !== 'hansen')
          .sort(),
      );
    });
  }

  it('says which subset it could not test', () => {
    const r = estimate(panels.provinces30, golden.provinces_table4.spec);
    expect(r.warnings).toContain(
      'difference-in-Hansen for group iv: without its 12 instruments 14 remain for 17 parameters; not computed',
    );
  });

  it('refuses lag-1 instruments for an endogenous regressor, naming the key', () => {
    const spec = structuredClone(golden.sys_predetermined.spec) as {
      gmm: { instruments: { type?: string }[] };
    };
    delete spec.gmm.instruments[1].type;
    expect(() => estimate(panels.emplUK, spec)).toThrow(
      /spec\.gmm\.instruments\[1\]\.lags: an endogenous variable's levels are valid instruments from lag 2, not 1/,
    );
  });
});
