/**
 * The sample of each estimation (e(sample), migration 014) on PGlite and PostgreSQL: stored once per
 * content key with its result, a rerun and a second run of the same key add no rows, the used rows
 * number the estimate's N for a lag column (IV with L.AIT) and a GMM column (system GMM), and a result
 * stored without its sample counts as not stored for the estimation step, which then adds it, nor for
 * `outdated` and `graph` (storedKeys). Migration 015 (one row of arrays per key, panels as json) keeps
 * what a store held before it.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import type { EstimationResult } from '../../econometrics/result';
import type { StepKey } from '../../freshness/keys';
import { openDb, type Db } from '../../store/db';
import { linkStoredEstimation, loadSamples, saveEstimation } from '../../store/estimations';
import { storedKeys } from '../../store/run-steps';
import { startRun } from '../../store/runs';
import { getSnapshot } from '../../store/snapshots';
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

    it('outdated agrees: a result stored without its sample is not a stored key until the sample is added', async () => {
      const { sample: _sample, ...bare } = lag;
      const stepKey = content('table3/(2)', 'k-unsampled');
      await saveEstimation(
        db,
        step('legacy', 'table3/(2)', 'k-unsampled', lagSpec),
        bare as EstimationResult,
        5,
      );
      // What `aicarbon outdated` and `graph` ask the store agrees with the step: nothing to reuse.
      expect(await storedKeys(db, ['k-unsampled'])).toEqual(new Set());
      expect(
        await linkStoredEstimation(
          db,
          { runId: 'b', stepId: 'table3/(2)', content: stepKey },
          { withSample: true },
        ),
      ).toBeUndefined();
      // A failure stored under the same key does not make it reusable either: the step computes it.
      await db.query(
        `INSERT INTO estimation_failures (run_id, step_id, table_id, column_id, error, step_key)
         VALUES ('legacy', 'table3/(2)', 'table3', '(2)', 'singular', 'k-unsampled')`,
      );
      expect(await storedKeys(db, ['k-unsampled'])).toEqual(new Set());
      // Once the step has added the sample, the key is stored, as the refresh would then find it.
      await saveEstimation(db, step('b', 'table3/(2)', 'k-unsampled', lagSpec), lag, 5);
      expect(await storedKeys(db, ['k-unsampled'])).toEqual(new Set(['k-unsampled']));
      expect(
        await linkStoredEstimation(
          db,
          { runId: 'b', stepId: 'table3/(2)', content: stepKey },
          { withSample: true },
        ),
      ).toMatchObject({ nobs: lag.nobs });
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

describe('migration 015 on a store written before it (PostgreSQL)', () => {
  it('keeps every sample row, in (province, year) order, and the panels with their coverage', async () => {
    const temp = await createTempDatabase('aicarbon_m015');
    drops.push(temp.drop);
    const client = new pg.Client({ connectionString: temp.url });
    await client.connect();
    const cells = [{ variable: 'co2', province: 'SH', year: 2011, value: 201.49469207404664, sources: [] }];
    try {
      // The schema as it was before 015, applied the way migrate() records it.
      const dir = fileURLToPath(new URL('../../store/migrations/', import.meta.url));
      await client.query(
        `CREATE TABLE schema_migrations (version text PRIMARY KEY, checksum text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      for (const file of (await readdir(dir)).filter((f) => /^\d{3}_/.test(f)).sort()) {
        if (file >= '015') break;
        const sql = await readFile(join(dir, file), 'utf8');
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [
          file,
          createHash('sha256').update(sql).digest('hex'),
        ]);
      }
      await client.query(`INSERT INTO runs (run_id, study_id, vintage, inputs_hash, status, stage)
        VALUES ('old', 's', 'v', 'h', 'completed', 'done')`);
      await client.query(`INSERT INTO estimations (run_id, step_id, table_id, column_id, estimator, sample, spec,
        nobs, duration_ms, step_key) VALUES ('old', 'table4/(2)', 'table4', '(2)', 'iv', 'all', '{}', 2, 3, 'k-old')`);
      await client.query(`INSERT INTO run_steps (run_id, step, kind, step_key, code_version, ingredients, reused)
        VALUES ('old', 'table4/(2)', 'estimate', 'k-old', 'c', '{}', false)`);
      // Stored out of order: the view lists them by province, then year.
      await client.query(`INSERT INTO estimation_sample (step_key, province, year, used, reason) VALUES
        ('k-old', 'TJ', 2012, true, NULL), ('k-old', 'BJ', 2012, true, NULL),
        ('k-old', 'BJ', 2011, false, 'missing L.AIT (no 2010 row)')`);
      await client.query(
        `INSERT INTO panel_snapshots (snapshot_hash, kind, built_from, rows, report) VALUES ('p-old', 'assembled', '{}', $1, $2)`,
        [
          JSON.stringify(cells),
          JSON.stringify({ coverage: [{ variable: 'co2', observed: 1, interpolated: 0, missing: 0 }] }),
        ],
      );
      await client.query(
        `INSERT INTO run_snapshots (run_id, kind, snapshot_hash) VALUES ('old', 'assembled', 'p-old')`,
      );
    } finally {
      await client.end();
    }
    const db = await openDb({ databaseUrl: temp.url, dataDir: '/nonexistent' });
    try {
      expect((await loadSamples(db, 'old')).get('table4/(2)')).toEqual([
        { entity: 'BJ', time: 2011, used: false, reason: 'missing L.AIT (no 2010 row)' },
        { entity: 'BJ', time: 2012, used: true },
        { entity: 'TJ', time: 2012, used: true },
      ]);
      expect(
        await db.query(
          `SELECT province, year, used, reason FROM analyst_sample WHERE run_id = 'old' ORDER BY province, year`,
        ),
      ).toEqual([
        { province: 'BJ', year: 2011, used: false, reason: 'missing L.AIT (no 2010 row)' },
        { province: 'BJ', year: 2012, used: true, reason: null },
        { province: 'TJ', year: 2012, used: true, reason: null },
      ]);
      expect((await getSnapshot(db, 'p-old'))?.rows).toEqual(cells);
      expect(
        await db.query(
          `SELECT stage, variable, observed, missing FROM analyst_coverage WHERE run_id = 'old'`,
        ),
      ).toEqual([{ stage: 'assembled', variable: 'co2', observed: 1, missing: 0 }]);
    } finally {
      await db.close();
    }
  });
});
