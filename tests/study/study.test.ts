import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { ESTIMATOR_NAMES } from '../../econometrics/registry';
import { listEstimations, loadStudy, parseStudy, type Study } from '../../study';
import { fullContract, refusalCases } from '../econometrics/contract-cases';

const defaultPath = join(PROJECT_ROOT, 'study', 'default-study.json');
const C = ['ED', 'ER', 'ECS', 'WF', 'OPEN'];

/** A JSON-shaped copy to break on purpose (as an analyst editing the file would). */
const editable = () => JSON.parse(JSON.stringify(loadStudy(defaultPath))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- deliberately untyped, like a file on disk

describe('the default study', () => {
  const study = loadStudy(defaultPath);
  const steps = listEstimations(study);
  const step = (id: string) => steps.find((s) => s.stepId === id)!;

  it('declares every table of STUDY.md and Figure 1', () => {
    expect(study.tables.map((t) => t.id)).toEqual([
      'vif',
      ...[3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => `table${n}`),
    ]);
    const columns = Object.fromEntries(study.tables.map((t) => [t.id, t.columns.length]));
    // STUDY.md: Table 3 (1)–(7), Table 4 (1)–(8), Table 5 three steps + a·b, 4 columns per region,
    // Table 9 two per moderator, Moran for AIT and CI, SDM under W1–W3, Table 12 all + 3 regions.
    // Table 4 keeps the AIT system GMM beside the paper's L.AIT one as (9)(10); Table 11 has the
    // dynamic SDM under W1–W3 as (1)–(3) beside the static W1–W3.
    expect(columns).toEqual({
      vif: 1,
      table3: 7,
      table4: 10,
      table5: 4,
      table6: 4,
      table7: 4,
      table8: 4,
      table9: 6,
      table10: 2,
      table11: 6,
      table12: 4,
    });
    expect(study.figures).toEqual([
      expect.objectContaining({ id: 'figure1', kind: 'scatter', x: 'AIT', y: 'CI', fit: true }),
    ]);
    expect(new Set(steps.map((s) => s.stepId)).size).toBe(steps.length);
  });

  it('turns each table column into the spec the paper describes', () => {
    expect(step('table3/(4)').spec).toMatchObject({
      estimator: 'fe',
      y: 'CI',
      x: ['AIT', ...C],
      effects: 'entity',
      vce: 'cluster',
    });
    expect(step('table3/(1)').spec).toMatchObject({ estimator: 'ols', x: ['AIT'], effects: 'none' });
    expect(step('table4/(2)').spec).toMatchObject({
      estimator: 'iv',
      endogenous: ['AIT'],
      instruments: ['L.AIT'],
    });
    // The paper: "将滞后一期的人工智能技术变量替换为新的解释变量" (L.AIT in place of AIT).
    expect(step('table4/(4)').spec).toMatchObject({
      estimator: 'sysgmm',
      x: ['L.AIT', ...C],
      gmm: { ylags: [1], twoStep: true, instruments: [{ variable: 'CI', lags: [2, 4], collapse: true }] },
    });
    expect(step('table4/(3)').spec.x).toEqual(['L.AIT']);
    expect(step('table4/(9)').spec.x).toEqual(['AIT']);
    expect(step('table4/(10)').spec).toMatchObject({ estimator: 'sysgmm', x: ['AIT', ...C] });
    expect(step('table4/(6)').spec.winsorize).toEqual({
      vars: ['CI'],
      lower: 5,
      upper: 95,
      definition: 'stata',
    });
    expect(step('table4/(8)').spec.x).toEqual(['ROBOT', ...C]);
    expect(step('table5/mediation').spec).toMatchObject({ estimator: 'mediation', mediator: 'EE' });
    expect(study.tables[7].columns.map((c) => c.spec.moderator)).toEqual([
      'IS',
      'IS',
      'MAR',
      'MAR',
      'FRD',
      'FRD',
    ]);
    expect(step('table10/CI')).toMatchObject({ weights: 'W1', spec: { estimator: 'moran', y: 'CI' } });
    expect(['W1', 'W2', 'W3'].map((w) => step(`table11/${w}`).weights)).toEqual(['W1', 'W2', 'W3']);
    expect(['W1', 'W2', 'W3'].map((w) => step(`table11/${w}`).spec.spatial)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    // The paper's model (2): the dynamic SDM with τ (CI_{t−1}), bias-corrected, under each matrix.
    for (const [i, w] of ['W1', 'W2', 'W3'].entries())
      expect(step(`table11/(${i + 1})`)).toMatchObject({
        weights: w,
        spec: {
          estimator: 'sdm',
          y: 'CI',
          x: ['AIT', ...C],
          effects: 'entity',
          spatial: {
            dynamic: { ylag: true, wylag: true, stationarity: 'error' },
            biasCorrection: 'yu-dejong-lee',
          },
        },
      });
    expect(step('table12/(1)').spec).toMatchObject({ y: 'RE', x: ['AIT', ...C] });
    expect(study.weights).toEqual({
      W1: expect.objectContaining({ kind: 'contiguity', hainanGuangdong: true }),
      W2: expect.objectContaining({ kind: 'economic', variable: 'ED', transform: 'exp' }),
      W3: expect.objectContaining({ kind: 'inverse-distance', power: 1 }),
    });
  });

  it('turns a regional sample into the spec row subset, and leaves the whole panel unsubset', () => {
    expect(step('table6/(1)').spec.subset).toEqual({ by: 'region', values: ['East'] });
    expect(step('table12/(4)').spec.subset).toEqual({ by: 'region', values: ['West'] });
    expect(step('table3/(4)').spec.subset).toBeUndefined();
    expect(step('table12/(1)').spec.subset).toBeUndefined();
  });
});

describe('errors name the path in the file', () => {
  const fails = (study: unknown, message: string | RegExp) =>
    expect(() => parseStudy(study, 'my-study.json')).toThrow(message);

  it('a misspelt spec key', () => {
    const s = editable();
    s.tables[1].columns[3].spec.vec = 'cluster';
    fails(s, /my-study\.json: tables\[1\]\.columns\[3\]\.spec: Unrecognized key: "vec"/);
  });

  it('a wrong type deep in a spec', () => {
    const s = editable();
    s.tables[1].columns[2].spec.x[1] = 7;
    fails(s, /^my-study\.json: tables\[1\]\.columns\[2\]\.spec\.x\[1\]: .*expected string/);
  });

  it('a vce or inference the estimator cannot honour', () => {
    const s = editable();
    // table11 is the spatial Durbin table: ML standard errors only.
    s.tables[9].columns[0].spec.vce = 'cluster';
    fails(
      s,
      /^my-study\.json: tables\[9\]\.columns\[0\]\.spec\.vce: estimator "sdm" does not support vce "cluster"/,
    );
    const t = editable();
    t.tables[2].columns[1].spec.inference = { wild: { reps: 999, terms: ['ED'] } };
    fails(
      t,
      /^my-study\.json: tables\[2\]\.columns\[1\]\.spec\.inference\.wild\.terms\[0\]: 'ED' is exogenous; the WRE bootstrap of FE-2SLS tests the endogenous regressor/,
    );
    const u = editable();
    u.tables[1].columns[2].spec.maxlag = 2;
    fails(u, /tables\[1\]\.columns\[2\]\.spec\.maxlag: maxlag is used by vce "driscoll-kraay" only/);
  });

  it('a regressor that is also y, or listed twice', () => {
    const s = editable();
    s.tables[1].columns[1].spec.x[2] = 'CI';
    fails(s, "my-study.json: tables[1].columns[1].spec.x[2]: 'CI' is also the dependent variable y");
    const t = editable();
    t.tables[1].columns[1].spec.x[3] = 'AIT';
    fails(t, "my-study.json: tables[1].columns[1].spec.x[3]: 'AIT' is listed twice");
  });

  it('an unknown sample, weight matrix, and a spatial column without one', () => {
    const s1 = editable();
    s1.tables[0].columns[0].sample = 'North';
    fails(
      s1,
      'my-study.json: tables[0].columns[0].sample: unknown sample "North" (samples: all, East, Central, West)',
    );
    const s2 = editable();
    s2.tables[10].columns[1].weights = 'W9';
    fails(
      s2,
      'my-study.json: tables[10].columns[1].weights: unknown weight matrix "W9" (weights: W1, W2, W3)',
    );
    const s3 = editable();
    delete s3.tables[8].columns[0].weights;
    fails(s3, 'my-study.json: tables[8].columns[0].weights: estimator "moran" needs a weight matrix');
  });

  it('an estimator typo and options the estimator cannot honour (its registry contract)', () => {
    const typo = editable();
    typo.tables[1].columns[2].spec.estimator = 'fee';
    fails(
      typo,
      "my-study.json: tables[1].columns[2].spec.estimator: unknown estimator 'fee' (known: ols, fe, iv, vif",
    );
    const spatialCluster = editable();
    spatialCluster.tables[9].columns[0].spec.vce = 'cluster';
    fails(
      spatialCluster,
      'my-study.json: tables[9].columns[0].spec.vce: estimator "sdm" does not support vce "cluster" (supported: conventional)',
    );
    const gmmEffects = editable();
    gmmEffects.tables[2].columns[2].spec.effects = 'entity';
    fails(
      gmmEffects,
      'my-study.json: tables[2].columns[2].spec.effects: estimator "sysgmm" does not support effects "entity" (supported: none)',
    );
    const weightsOnFe = editable();
    weightsOnFe.tables[1].columns[2].weights = 'W1';
    fails(weightsOnFe, 'my-study.json: tables[1].columns[2].weights: estimator "fe" uses no weight matrix');
  });

  it('duplicate ids, a bad weights kind, an unknown province, a spec subset', () => {
    const dup = editable();
    dup.tables[1].columns[1].id = dup.tables[1].columns[0].id;
    fails(dup, 'my-study.json: tables[1].columns[1].id: duplicate column id "(1)"');
    const kind = editable();
    kind.weights.W3.kind = 'distance';
    fails(kind, /my-study\.json: weights\.W3\.kind: /);
    const prov = editable();
    prov.samples.coast = { provinces: ['BJ', 'XZ'] };
    fails(prov, /my-study\.json: samples\.coast\.provinces\[1\]: unknown province code "XZ"/);
    const sub = editable();
    sub.tables[1].columns[0].spec.subset = { by: 'region', values: ['East'] };
    fails(sub, /tables\[1\]\.columns\[0\]\.spec\.subset: choose rows with the column's "sample"/);
  });

  it('loadStudy names the file when it is missing or not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'study-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "id": "x", ');
    expect(() => loadStudy(bad)).toThrow(new RegExp(`^${bad}: not valid JSON`));
    expect(() => loadStudy(join(dir, 'none.json'))).toThrow('none.json: study definition not found');
  });

  it('a province sample becomes a province subset', () => {
    const s = editable();
    s.samples.capitals = { provinces: ['BJ', 'SH'] };
    s.tables[1].columns[0].sample = 'capitals';
    const study: Study = parseStudy(s);
    expect(listEstimations(study)[1].spec.subset).toEqual({ by: 'province', values: ['BJ', 'SH'] });
  });
});

describe('a study that extends another', () => {
  const root = join(import.meta.dirname, '../../study');
  it('the AIT-proxy study is the default study with its indicators and AIT label laid over', () => {
    const base = loadStudy(join(root, 'default-study.json'));
    const proxy = loadStudy(join(root, 'ait-proxy-study.json'));
    expect(proxy.id).toBe('ait-proxy');
    expect(proxy.tables).toEqual(base.tables);
    expect(proxy.assembly).toEqual(base.assembly);
    expect(proxy.indicators).toEqual({ ...base.indicators, ait: 'patents_invention', aitLayers: null });
    expect(proxy.variables.AIT.proxy).toMatch(/^PROXY: all-technology invention-patent applications/);
    expect(proxy.variables.CI).toEqual(base.variables.CI);
  });

  it('refuses a cycle and a missing base, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'extends-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ extends: 'b.json' }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ extends: 'a.json' }));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ extends: 'nowhere.json' }));
    expect(() => loadStudy(join(dir, 'a.json'))).toThrow(/b\.json: extends: a\.json extends this file again/);
    expect(() => loadStudy(join(dir, 'c.json'))).toThrow(`${join(dir, 'c.json')}: extends: study definition`);
  });
});

describe('every estimator refuses, at study validation, what it cannot honour', () => {
  it('names the key in the file for each vce, cluster and inference its contract lacks', () => {
    const study = editable();
    // The first column of each estimator in the default study; sar, sem and diffgmm as sdm and sysgmm
    // (the static sdm: sem reads no spatial.dynamic).
    const where = new Map<string, [number, number]>();
    study.tables.forEach(
      (t: { columns: { spec: { estimator: string; spatial?: { dynamic?: unknown } } }[] }, ti: number) =>
        t.columns.forEach((c, ci) => {
          if (!where.has(c.spec.estimator) && !c.spec.spatial?.dynamic) where.set(c.spec.estimator, [ti, ci]);
        }),
    );
    const as: Record<string, string> = { sar: 'sdm', sem: 'sdm', diffgmm: 'sysgmm' };
    const cases = refusalCases();
    expect(new Set(cases.map((c) => c.estimator))).toEqual(
      new Set(ESTIMATOR_NAMES.filter((n) => !fullContract(n))),
    );
    for (const c of cases) {
      const [ti, ci] = where.get(as[c.estimator] ?? c.estimator)!;
      const s = editable();
      const column = s.tables[ti].columns[ci];
      column.spec = { ...column.spec, estimator: c.estimator };
      expect(
        () => parseStudy(s, 'my-study.json'),
        `${c.name}: the column parses as ${c.estimator}`,
      ).not.toThrow();
      column.spec = { ...column.spec, ...c.patch };
      expect(() => parseStudy(s, 'my-study.json'), c.name).toThrow(
        `my-study.json: tables[${ti}].columns[${ci}].${c.key}: `,
      );
    }
  });
});
