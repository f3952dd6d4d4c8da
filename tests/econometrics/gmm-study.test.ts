/**
 * The GMM construction of the study's Table 4 (system GMM, two-step, lagged dependent variable
 * instrumented by its lags 2–4, collapsed or not, exogenous regressors as IV-style instruments, time
 * dummies or not), through the estimate dispatcher with the spec shape the study uses, against plm on
 * EmplUK (reference/gmm_study.R → reference/golden/gmm_study.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import type { SpecInput } from '../../econometrics/spec';
import { Panel } from '../../panel';
import { expectClose, fixtureRows } from './spatial-golden';

interface GmmGolden {
  names: string[];
  coefficients: number[];
  se: number[];
  robust_se: number[];
  ar1_z: number[][];
  ar1_p: number[][];
  ar2_z: number[][];
  ar2_p: number[][];
  hansen: number;
  hansen_df: number;
  hansen_p: number;
  sargan: number;
  instruments: number;
  groups: number;
}

const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/gmm_study.json', import.meta.url), 'utf8'),
) as Record<string, GmmGolden>;
const panel = Panel.fromRows(fixtureRows('emplUK'), { entity: 'firm', time: 'year', source: 'emplUK.csv' });
// Internal gaps, as the R script: year 1980 removed for firms 1–20.
const gapped = Panel.fromRows(
  fixtureRows('emplUK').filter((r) => !(Number(r.firm) <= 20 && r.year === '1980')),
  { entity: 'firm', time: 'year', source: 'emplUK.csv' },
);

function spec(
  estimator: 'sysgmm' | 'diffgmm',
  collapse: boolean,
  timeDummies: boolean,
  vce: 'robust' | 'conventional',
  iv?: string[],
): SpecInput {
  return {
    estimator,
    y: 'lemp',
    x: ['lwage', 'lcap', 'lout'],
    effects: 'none',
    vce,
    gmm: {
      ylags: [1],
      instruments: [{ variable: 'lemp', lags: [2, 4], collapse }],
      twoStep: true,
      timeDummies,
      iv,
    },
  };
}

const cases = [
  { name: 'sys_collapse_twoways', estimator: 'sysgmm', collapse: true, timeDummies: true },
  { name: 'sys_collapse_individual', estimator: 'sysgmm', collapse: true, timeDummies: false },
  { name: 'sys_limited_twoways', estimator: 'sysgmm', collapse: false, timeDummies: true },
  { name: 'diff_collapse_twoways', estimator: 'diffgmm', collapse: true, timeDummies: true },
  { name: 'sys_gaps', estimator: 'sysgmm', collapse: true, timeDummies: true, gaps: true },
  { name: 'diff_gaps', estimator: 'diffgmm', collapse: true, timeDummies: true, gaps: true },
  // spec.gmm.iv as the formula's third part: lout a regressor but not an instrument.
  { name: 'sys_explicit_iv', estimator: 'sysgmm', collapse: true, timeDummies: true, iv: ['lwage', 'lcap'] },
  {
    name: 'diff_explicit_iv',
    estimator: 'diffgmm',
    collapse: true,
    timeDummies: true,
    iv: ['lwage', 'lcap'],
  },
] as const;

describe.each(cases)('study GMM against plm: $name', (c) => {
  const { name, estimator, collapse, timeDummies } = c;
  const iv = 'iv' in c ? [...c.iv] : undefined;
  const data = 'gaps' in c ? gapped : panel;
  const ref = golden[name];
  it('coefficients, plain and Windmeijer SEs, AR(1)/AR(2), Hansen, Sargan, instrument count', () => {
    const robust = estimate(data, spec(estimator, collapse, timeDummies, 'robust', iv));
    const plain = estimate(data, spec(estimator, collapse, timeDummies, 'conventional', iv));
    // plm names lag(lemp, 1), (Intercept) and bare years; ours L.lemp, _cons and year_t.
    const rName = (t: string) =>
      t === 'L.lemp' ? 'lag(lemp, 1)' : t === '_cons' ? '(Intercept)' : t.replace(/^year_/, '');
    expect(robust.coefficients.map((c) => rName(c.term))).toEqual(ref.names);
    robust.coefficients.forEach((c, k) => {
      expectClose(c.estimate, ref.coefficients[k], 1e-6, `${name} ${c.term}`);
      expectClose(c.std_error, ref.robust_se[k], 1e-6, `${name} Windmeijer se ${c.term}`);
      expectClose(plain.coefficients[k].std_error, ref.se[k], 1e-6, `${name} se ${c.term}`);
    });
    const s = robust.statistics;
    expectClose(s.ar1_z, ref.ar1_z[0][0], 1e-6, 'ar1_z');
    expectClose(s.ar1_p, ref.ar1_p[0][0], 1e-6, 'ar1_p');
    expectClose(s.ar2_z, ref.ar2_z[0][0], 1e-6, 'ar2_z');
    expectClose(s.ar2_p, ref.ar2_p[0][0], 1e-6, 'ar2_p');
    expectClose(s.hansen, ref.hansen, 1e-6, 'hansen');
    expectClose(s.hansen_p, ref.hansen_p, 1e-6, 'hansen_p');
    expectClose(s.sargan, ref.sargan, 1e-6, 'sargan');
    expect(s.hansen_df).toBe(ref.hansen_df);
    expect(s.instruments).toBe(ref.instruments);
    expect(robust.ngroups).toBe(ref.groups);
  });
});
