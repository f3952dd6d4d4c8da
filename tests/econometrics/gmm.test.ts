import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { differenceGmm, systemGmm, type GmmOptions } from '../../econometrics/gmm/pgmm';
import { Panel } from '../../panel';
import { expectClose, fixtureRows } from './spatial-golden';

interface GmmGolden {
  names: string[];
  coefficients: number[];
  se: number[];
  robust_se: number[];
  ar1_z: number | number[][];
  ar2_z: number | number[][];
  hansen: number;
  hansen_df: number;
  sargan: number;
  instruments: number;
  groups: number;
}

const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/gmm.json', import.meta.url), 'utf8'),
) as Record<string, GmmGolden>;
const panel = Panel.fromRows(fixtureRows('emplUK'), { entity: 'firm', time: 'year', source: 'emplUK.csv' });
const scalar = (v: number | number[][]) => (Array.isArray(v) ? v[0][0] : v);

const diffSpec: GmmOptions = {
  y: 'lemp',
  regressors: [
    { variable: 'lemp', lags: [1, 2] },
    { variable: 'lwage', lags: [0, 1] },
    { variable: 'lcap', lags: [0] },
    { variable: 'lout', lags: [0, 1] },
  ],
  gmmInstruments: [{ variable: 'lemp', lags: [2, 99] }],
};
const sysSpec: GmmOptions = {
  y: 'lemp',
  regressors: [
    { variable: 'lemp', lags: [1] },
    { variable: 'lwage', lags: [0, 1] },
    { variable: 'lcap', lags: [0, 1] },
  ],
  gmmInstruments: ['lemp', 'lwage', 'lcap'].map((variable) => ({
    variable,
    lags: [2, 99] as [number, number],
  })),
};

const cases: { name: string; fit: (robust: boolean) => ReturnType<typeof systemGmm>; names: string[] }[] = [
  {
    name: 'diff_twostep',
    fit: (robust) => differenceGmm(panel, { ...diffSpec, robust }),
    names: [
      'L.lemp',
      'L2.lemp',
      'lwage',
      'L.lwage',
      'lcap',
      'lout',
      'L.lout',
      ...[1979, 1980, 1981, 1982, 1983, 1984].map((t) => `year_${t}`),
    ],
  },
  {
    name: 'diff_twostep_collapse',
    fit: (robust) =>
      differenceGmm(panel, {
        ...diffSpec,
        robust,
        gmmInstruments: [{ variable: 'lemp', lags: [2, 99], collapse: true }],
      }),
    names: [],
  },
  {
    name: 'diff_onestep_individual',
    fit: (robust) =>
      differenceGmm(panel, {
        y: 'lemp',
        regressors: [
          { variable: 'lemp', lags: [1] },
          { variable: 'lwage', lags: [0] },
          { variable: 'lcap', lags: [0] },
        ],
        gmmInstruments: [{ variable: 'lemp', lags: [2, 4] }],
        timeDummies: false,
        twoStep: false,
        robust,
      }),
    names: ['L.lemp', 'lwage', 'lcap'],
  },
  {
    name: 'sys_onestep',
    fit: (robust) => systemGmm(panel, { ...sysSpec, twoStep: false, robust }),
    names: [
      'L.lemp',
      'lwage',
      'L.lwage',
      'lcap',
      'L.lcap',
      '_cons',
      ...[1978, 1979, 1980, 1981, 1982, 1983, 1984].map((t) => `year_${t}`),
    ],
  },
  { name: 'sys_twostep', fit: (robust) => systemGmm(panel, { ...sysSpec, robust }), names: [] },
];

describe.each(cases)('pgmm on EmplUK: $name', ({ name, fit, names }) => {
  const ref = golden[name];
  it('coefficients, SEs (plain and Windmeijer/robust), AR tests, Hansen, Sargan, instruments', () => {
    const robust = fit(true);
    const plain = fit(false);
    if (names.length) expect(robust.coefficients.map((c) => c.term)).toEqual(names);
    expect(robust.coefficients.length).toBe(ref.coefficients.length);
    robust.coefficients.forEach((c, k) => {
      expectClose(c.estimate, ref.coefficients[k], 1e-6, `${name} ${c.term}`);
      expectClose(c.std_error, ref.robust_se[k], 1e-6, `${name} robust se ${c.term}`);
      expectClose(plain.coefficients[k].std_error, ref.se[k], 1e-6, `${name} se ${c.term}`);
    });
    const s = robust.statistics;
    expectClose(s.ar1_z, scalar(ref.ar1_z), 1e-6, 'ar1');
    expectClose(s.ar2_z, scalar(ref.ar2_z), 1e-6, 'ar2');
    expectClose(s.hansen, ref.hansen, 1e-6, 'hansen');
    expectClose(s.sargan, ref.sargan, 1e-6, 'sargan');
    expect(s.hansen_df).toBe(ref.hansen_df);
    expect(s.instruments).toBe(ref.instruments);
    expect(robust.ngroups).toBe(ref.groups);
  });
});

describe('gmm warnings and errors', () => {
  it('warns when instruments outnumber groups', () => {
    const few = panel.filter((r) => panel.entityCodes[r] < 40);
    const res = systemGmm(few, sysSpec);
    expect(res.statistics.instruments).toBeGreaterThan(40);
    expect(res.warnings?.some((w) => /113 instruments outnumber the 40 groups/.test(w))).toBe(true);
  });

  it('names a missing column and a bad lag range', () => {
    expect(() => differenceGmm(panel, { ...diffSpec, y: 'nope' })).toThrow(/column 'nope'/);
    expect(() =>
      differenceGmm(panel, { ...diffSpec, gmmInstruments: [{ variable: 'lemp', lags: [0, 2] }] }),
    ).toThrow(/instrument lemp: lags \[0, 2\]/);
  });
});
