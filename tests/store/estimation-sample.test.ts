/**
 * The sample of each estimation (e(sample), migration 014) on PGlite and PostgreSQL: stored once per
 * content key with its result, a rerun and a second run of the same key add no rows, the used rows
 * number the estimate's N for a lag column (IV with L.AIT) and a GMM column (system GMM), and a result
 * stored without its sample counts as not stored for the estimation step, which then adds it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import type { EstimationResult } from '../../econometrics/result';
import type { StepKey } from '../../freshness/keys';
import { openDb, type Db } from '../../store/db';
import { linkStoredEstimation, loadSamples, saveEstimation } from '../../store/estimations';
import { startRun } from '../../store/runs';
import { fixturePanel } from '../econometrics/golden';
import { createTempDatabase } from '../helpers/postgres';

// The 30 provinces, 2011–2021 (tests/fixtures/provinces30.csv): 330 rows, CI missing at FJ/2018 and TJ/2016.
const panel = fixturePanel('provinces30');
const lagSpec = {
  estimator: 'iv',
  y: 'CI',
  x: ['AIT', 'ED', 'ER', 'ECS', 'WF', 'OPEN'],
  endogenous: ['AIT'],
  instruments: ['L.AIT'],
  effects: 'entity',
  vce: 'cluster',
};
const gmmSpec = {
  estimator: 'sysgmm',
  y: 'CI',
  x: ['L.AIT', 'ED', 'ER', 'ECS', 'WF', 'OPEN'],
  effects: 'none',
  vce: 'robust',
  gmm: { ylags: [1], instruments: [{ variable: 'CI', lags: [2, 4], collapse: true }], twoStep: true },
};
const lag = estimate(panel, lagSpec as never);
const gmm = estimate(panel, gmmSpec as never);

const content = (step: string, key: string): StepKey => ({
  step,
  kind: 'estimate',
  key,
  code: 'c1',
  ingredients: {},
});
const step = (runId: string, stepId: string, key: string, spec: unknown) => ({
  runId,
  stepId,
  tableId: stepId.split('/')[0],
  columnId: stepId.split('/')[1],
  sample: 'all',
  spec,
  content: content(stepId, key),
});

const count = async (db: Db, where = 'true') =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM estimation_sample WHERE ${where}`))[0].n;

function sampleStore(name: string, open: () => Promise<Db>) {
  describe(name, () => {
    let db: Db;
    beforeAll(async () => {
      db = await open();
      for (const r of ['a', 'b', 'legacy'])
        await startRun(db, { runId: r, studyId: 's', vintage: 'v', inputsHash: 'h', codeVersion: 'c1' });
    });
    afterAll(async () => db?.close());

    it('stores each sample once per key: a rerun and a second run add no rows', async () => {
      await saveEstimation(db, step('a', 'table4/(2)', 'k-lag', lagSpec), lag, 5);
      await saveEstimation(db, step('a', 'table4/(4)', 'k-gmm', gmmSpec), gmm, 5);
      // Every panel row once per key: 330 province-years for each of the two estimations.
      expect(await count(db)).toBe(2 * 330);
      await saveEstimation(db, step('a', 'table4/(2)', 'k-lag', lagSpec), lag, 6); // a retried attempt
      await saveEstimation(db, step('b', 'table4/(2)', 'k-lag', lagSpec), lag, 7); // another run, same key
      await saveEstimation(db, step('b', 'table4/(4)', 'k-gmm', gmmSpec), gmm, 7);
      expect(await count(db)).toBe(2 * 330);
      const a = await loadSamples(db, 'a');
      const b = await loadSamples(db, 'b');
      expect(JSON.stringify([...b])).toBe(JSON.stringify([...a]));
      const view = await db.query<{ run_id: string; n: number }>(
        `SELECT run_id, count(*)::int AS n FROM analyst_sample WHERE step_id = 'table4/(2)' GROUP BY run_id
         ORDER BY run_id`,
      );
      expect(view).toEqual([
        { run_id: 'a', n: 330 },
        { run_id: 'b', n: 330 },
      ]);
    });

    it('the used rows number N: the lag column loses 2011, system GMM its first two years', async () => {
      const samples = await loadSamples(db, 'a');
      const used = (id: string) => samples.get(id)!.filter((r) => r.used);
      // L.AIT needs the year before: 30 provinces × 2012–2021, less the two rows without CI.
      expect(lag.nobs).toBe(30 * 10 - 2);
      expect(used('table4/(2)')).toHaveLength(lag.nobs);
      const left = samples.get('table4/(2)')!.filter((r) => !r.used);
      expect(left.filter((r) => r.time === 2011).map((r) => r.reason)).toEqual(
        Array(30).fill('missing L.AIT (no 2010 row)'),
      );
      expect(left.filter((r) => r.time !== 2011).map((r) => `${r.entity}/${r.time}: ${r.reason}`)).toEqual([
        'FJ/2018: missing CI',
        'TJ/2016: missing CI',
      ]);
      // The difference equation of CI on L.CI at t needs CI at t, t − 1 and t − 2: 30 × 2013–2021, less
      // the three equations each missing CI value enters (FJ 2018–2020, TJ 2016–2018): plm's nobs.
      expect(gmm.nobs).toBe(30 * 9 - 2 * 3);
      expect(used('table4/(4)')).toHaveLength(gmm.nobs);
      expect(Math.min(...used('table4/(4)').map((r) => r.time))).toBe(2013);
      const fj = samples.get('table4/(4)')!.filter((r) => r.entity === 'FJ' && !r.used && r.time >= 2013);
      expect(fj.map((r) => r.time)).toEqual([2018, 2019, 2020]);
      const sql = await db.query<{ step_id: string; n: number }>(
        `SELECT step_id, count(*) FILTER (WHERE used)::int AS n FROM analyst_sample WHERE run_id = 'b'
         GROUP BY step_id ORDER BY step_id`,
      );
      expect(sql).toEqual([
        { step_id: 'table4/(2)', n: lag.nobs },
        { step_id: 'table4/(4)', n: gmm.nobs },
      ]);
      expect((await loadSamples(db, 'a', 'table4/(4)')).size).toBe(1);
    });

    it('a result stored without its sample is not reused by the estimation step; saving adds the sample', async () => {
      const { sample: _sample, ...bare } = lag;
      await saveEstimation(db, step('legacy', 'table3/(1)', 'k-bare', lagSpec), bare as EstimationResult, 5);
      expect(await count(db, `step_key = 'k-bare'`)).toBe(0);
      const key = { runId: 'legacy', stepId: 'table3/(1)', content: content('table3/(1)', 'k-bare') };
      expect(await linkStoredEstimation(db, key, { withSample: true })).toBeUndefined();
      expect(await linkStoredEstimation(db, key)).toMatchObject({ nobs: lag.nobs });
      expect(await saveEstimation(db, step('legacy', 'table3/(1)', 'k-bare', lagSpec), lag, 5)).toEqual({
        stored: false,
      });
      expect(await count(db, `step_key = 'k-bare'`)).toBe(330);
      expect(await linkStoredEstimation(db, key, { withSample: true })).toMatchObject({ nobs: lag.nobs });
    });
  });
}

let pgliteDir: string;
sampleStore('estimation samples on PGlite', async () => {
  pgliteDir = await mkdtemp(join(tmpdir(), 'aicarbon-sample-'));
  return openDb({ dataDir: pgliteDir });
});
afterAll(async () => {
  if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
});

const drops: (() => Promise<void>)[] = [];
sampleStore('estimation samples on PostgreSQL', async () => {
  const temp = await createTempDatabase('aicarbon_sample');
  drops.push(temp.drop);
  return openDb({ databaseUrl: temp.url, dataDir: '/nonexistent' });
});
afterAll(async () => {
  for (const d of drops) await d();
});
