import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import { Panel } from '../../panel';
import { expectClose, fixtureRows } from './spatial-golden';

const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/gmm.json', import.meta.url), 'utf8'),
) as Record<string, { coefficients: number[]; robust_se: number[]; hansen: number }>;
const panel = Panel.fromRows(fixtureRows('emplUK'), { entity: 'firm', time: 'year' });

describe('diffgmm and sysgmm through the estimate dispatcher', () => {
  it('diffgmm from spec.gmm reproduces plm (two-step, Windmeijer SEs with vce robust)', () => {
    const res = estimate(panel, {
      estimator: 'diffgmm',
      entity: 'firm',
      y: 'lemp',
      x: ['lwage', 'lcap', 'lout'],
      vce: 'robust',
      gmm: {
        ylags: [1, 2],
        xlags: { lwage: [0, 1], lout: [0, 1] },
        instruments: [{ variable: 'lemp', lags: [2, 99] }],
      },
    });
    expect(res.coefficients[0].term).toBe('L.lemp');
    const ref = golden.diff_twostep;
    res.coefficients.forEach((c, k) => {
      expectClose(c.estimate, ref.coefficients[k], 1e-6, c.term);
      expectClose(c.std_error, ref.robust_se[k], 1e-6, c.term);
    });
    expectClose(res.statistics.hansen, ref.hansen, 1e-6, 'hansen');
    for (const k of ['ar1_z', 'ar1_p', 'ar2_z', 'ar2_p', 'sargan', 'hansen', 'instruments'])
      expect(res.statistics).toHaveProperty(k);
  });

  it('spec errors name the key', () => {
    expect(() => estimate(panel, { estimator: 'sysgmm', y: 'lemp', x: ['lwage'] })).toThrow(
      /spec\.gmm: required/,
    );
    expect(() =>
      estimate(panel, {
        estimator: 'sysgmm',
        y: 'lemp',
        x: ['lwage'],
        gmm: { xlags: { lcap: [0] }, instruments: [{ variable: 'lemp', lags: [2, 99] }] },
      }),
    ).toThrow(/spec\.gmm\.xlags\.lcap: 'lcap' is not among spec\.x/);
  });
});

describe('GMM on terms of the spec language', () => {
  const terms = JSON.parse(
    readFileSync(new URL('../../reference/golden/gmm_terms.json', import.meta.url), 'utf8'),
  ) as Record<string, { names: string[]; coefficients: number[]; robust_se: number[]; hansen: number }>;
  const levels = Panel.fromRows(fixtureRows('emplUK_levels'), { entity: 'firm', time: 'year' });

  it('y: "ln(emp)" and ln() regressors reproduce plm with log() in the formula (difference GMM)', () => {
    const res = estimate(levels, {
      estimator: 'diffgmm',
      entity: 'firm',
      y: 'ln(emp)',
      x: ['ln(wage)', 'ln(capital)', 'ln(output)'],
      vce: 'robust',
      gmm: {
        ylags: [1, 2],
        xlags: { 'ln(wage)': [0, 1], 'ln(output)': [0, 1] },
        instruments: [{ variable: 'ln(emp)', lags: [2, 99] }],
      },
    });
    const ref = terms.diff_log;
    expect(res.coefficients.map((c) => c.term).slice(0, 3)).toEqual(['L.ln(emp)', 'L2.ln(emp)', 'ln(wage)']);
    expect(res.coefficients).toHaveLength(ref.coefficients.length);
    res.coefficients.forEach((c, k) => {
      expectClose(c.estimate, ref.coefficients[k], 1e-6, c.term);
      expectClose(c.std_error, ref.robust_se[k], 1e-6, c.term);
    });
    expectClose(res.statistics.hansen, ref.hansen, 1e-6, 'hansen');
  });

  it('system GMM with ln() terms as GMM instruments too', () => {
    const res = estimate(levels, {
      estimator: 'sysgmm',
      entity: 'firm',
      y: 'ln(emp)',
      x: ['ln(wage)', 'ln(capital)'],
      vce: 'robust',
      gmm: {
        ylags: [1],
        xlags: { 'ln(wage)': [0, 1], 'ln(capital)': [0, 1] },
        instruments: [
          { variable: 'ln(emp)', lags: [2, 99] },
          { variable: 'ln(wage)', lags: [2, 99] },
          { variable: 'ln(capital)', lags: [2, 99] },
        ],
      },
    });
    const ref = terms.sys_log;
    expect(res.coefficients).toHaveLength(ref.coefficients.length);
    res.coefficients.forEach((c, k) => {
      expectClose(c.estimate, ref.coefficients[k], 1e-6, c.term);
      expectClose(c.std_error, ref.robust_se[k], 1e-6, c.term);
    });
    expectClose(res.statistics.hansen, ref.hansen, 1e-6, 'hansen');
  });
});
