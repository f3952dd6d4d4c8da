/**
 * Results stored once per content key and linked to runs (migration 012), on PGlite and PostgreSQL:
 * a second run links instead of copying, concurrent writers of one key leave one copy, and results
 * stored before the migration keep their numbers and stay readable through the views.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { EstimationResult } from '../../econometrics/result';
import type { StepKey } from '../../freshness/keys';
import { openDb, type Db } from '../../store/db';
import {
  linkStoredEstimation,
  linkStoredEstimations,
  loadEstimationFailures,
  loadEstimations,
  saveEstimation,
  saveEstimationFailure,
} from '../../store/estimations';
import { getSnapshot, saveSnapshot } from '../../store/snapshots';
import { loadRunSteps } from '../../store/run-steps';
import { startRun } from '../../store/runs';
import { createTempDatabase } from '../helpers/postgres';

const result: EstimationResult = {
  estimator: 'fe',
  nobs: 330,
  ngroups: 30,
  coefficients: [
    { term: 'AIT', estimate: -0.1, std_error: 0.02, statistic: -5, p_value: 1e-5, df: 29 },
    { term: '_cons', estimate: 2, std_error: 0.5, statistic: 4, p_value: NaN },
  ],
  statistics: { r2_within: 0.4 },
};

const content = (key: string): StepKey => ({
  step: 'table3/(4)',
  kind: 'estimate',
  key,
  code: 'c1',
  ingredients: { spec: { y: 'CI' } },
});
const step = (runId: string, key: string) => ({
  runId,
  stepId: 'table3/(4)',
  tableId: 'table3',
  columnId: '(4)',
  sample: 'all',
  spec: { y: 'CI' },
  content: content(key),
});

function keyedStore(name: string, open: () => Promise<Db>, concurrent?: () => Promise<Db[]>) {
  describe(name, () => {
    let db: Db;
    beforeAll(async () => {
      db = await open();
      for (const r of ['a', 'b', 'c', 'd', 'e', 'e2', 'f'])
        await startRun(db, { runId: r, studyId: 's', vintage: 'v', inputsHash: 'h', codeVersion: 'c1' });
    });
    afterAll(async () => db?.close());

    it('a second run with the same key links the stored result: no copied rows, marked reused', async () => {
      expect(await saveEstimation(db, step('a', 'k1'), result, 5)).toEqual({ stored: true });
      expect(await saveEstimation(db, step('b', 'k1'), result, 7)).toEqual({ stored: false });
      const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM coefficients`);
      expect(rows[0].n).toBe(2);
      const [a] = await loadEstimations(db, 'a');
      const [b] = await loadEstimations(db, 'b');
      expect(JSON.stringify(b.result)).toBe(JSON.stringify(a.result));
      expect(b.durationMs).toBe(5);
      expect((await loadRunSteps(db, 'a')).map((s) => s.reused)).toEqual([false]);
      expect((await loadRunSteps(db, 'b')).map((s) => [s.key, s.reused, s.code])).toEqual([
        ['k1', true, 'c1'],
      ]);
      const view = await db.query<{ run_id: string; term: string }>(
        `SELECT run_id, term FROM analyst_coefficients WHERE run_id IN ('a', 'b') ORDER BY run_id, position`,
      );
      expect(view.map((v) => `${v.run_id}:${v.term}`)).toEqual(['a:AIT', 'a:_cons', 'b:AIT', 'b:_cons']);
    });

    it('a failure is stored once per key and linked like a result', async () => {
      await saveEstimationFailure(db, step('c', 'k-fail'), 'too few rows');
      await saveEstimationFailure(db, step('d', 'k-fail'), 'too few rows');
      expect(await loadEstimationFailures(db, 'd')).toEqual([
        { stepId: 'table3/(4)', tableId: 'table3', columnId: '(4)', error: 'too few rows' },
      ]);
      const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM estimation_failures`);
      expect(rows[0].n).toBe(1);
    });

    it('a forced rerun reuses only what it stored since it started, and its result replaces the older copy', async () => {
      await saveEstimation(db, step('e', 'k-force'), result, 5);
      await saveEstimationFailure(db, step('e2', 'k-force-fail'), 'too few rows');
      // The forced rerun of run b starts (store clock) after those were stored.
      const { startedAt } = await startRun(db, { runId: 'f', studyId: 's', vintage: 'v', inputsHash: 'h' });
      const forced = { storedSince: startedAt };
      expect(await linkStoredEstimation(db, step('f', 'k-force'), forced)).toBeUndefined();
      expect(await linkStoredEstimation(db, step('f', 'k-force-fail'), forced)).toBeUndefined();
      const recomputed = { ...result, statistics: { r2_within: 0.41 } };
      expect(await saveEstimation(db, step('f', 'k-force'), recomputed, 9, forced)).toEqual({ stored: true });
      await saveEstimationFailure(db, step('f', 'k-force-fail'), 'still too few rows', forced);
      // One copy under each key, now the forced run's, read by the run that stored the older one too.
      const copies = await db.query<{ run_id: string; step_key: string }>(
        `SELECT run_id, step_key FROM estimations WHERE step_key = 'k-force'
         UNION ALL SELECT run_id, step_key FROM estimation_failures WHERE step_key = 'k-force-fail'`,
      );
      expect(copies).toEqual([
        { run_id: 'f', step_key: 'k-force' },
        { run_id: 'f', step_key: 'k-force-fail' },
      ]);
      expect((await loadEstimations(db, 'e')).find((e) => e.durationMs === 9)?.result.statistics).toEqual({
        r2_within: 0.41,
      });
      // Resumed, the forced run links what it stored itself: computed by it, not reused.
      expect(await linkStoredEstimation(db, step('f', 'k-force'), forced)).toEqual({
        nobs: 330,
        reused: false,
      });
      expect(await linkStoredEstimation(db, step('f', 'k-force-fail'), forced)).toEqual({
        failed: 'still too few rows',
        reused: false,
      });
      // Panels alike: an older snapshot is absent to the forced run, and saving replaces it.
      const snapshot = { snapshot_hash: 'p-force', kind: 'indicators' as const, built_from: {}, report: {} };
      await saveSnapshot(db, { ...snapshot, rows: [{ x: 1 }] });
      const again = await startRun(db, { runId: 'f', studyId: 's', vintage: 'v', inputsHash: 'h' });
      expect(await getSnapshot(db, 'p-force', { storedSince: again.startedAt })).toBeUndefined();
      await saveSnapshot(db, { ...snapshot, rows: [{ x: 2 }] });
      expect((await getSnapshot(db, 'p-force'))?.rows).toEqual([{ x: 1 }]);
      await saveSnapshot(db, { ...snapshot, rows: [{ x: 2 }] }, { storedSince: again.startedAt });
      expect((await getSnapshot(db, 'p-force', { storedSince: again.startedAt }))?.rows).toEqual([{ x: 2 }]);
    });

    it('looking several steps up at once links exactly what looking each up does', async () => {
      // Keys of one refresh's steps: stored by another run, failed in another run, stored without a
      // sample, nothing stored, and one the run stored itself.
      const at = (runId: string, stepId: string, key: string) => ({
        ...step(runId, key),
        stepId,
        content: { ...content(key), step: stepId },
      });
      const sampled = { ...result, sample: [{ entity: 'A', time: 1, used: true }] };
      await saveEstimation(db, at('a', 't/(1)', 'kb-other'), sampled, 5);
      await saveEstimationFailure(db, at('c', 't/(2)', 'kb-failed'), 'too few rows');
      await saveEstimation(db, at('a', 't/(3)', 'kb-unsampled'), result, 5);
      const ids = ['t/(1)', 't/(2)', 't/(3)', 't/(4)', 't/(5)'];
      const keys = ['kb-other', 'kb-failed', 'kb-unsampled', 'kb-none', 'kb-own'];
      for (const r of ['g', 'h']) {
        await startRun(db, { runId: r, studyId: 's', vintage: 'v', inputsHash: 'h' });
        await saveEstimation(db, at(r, 't/(5)', `kb-own-${r}`), sampled, 5);
      }
      const steps = (r: string) =>
        ids.map((id, i) => at(r, id, keys[i] === 'kb-own' ? `kb-own-${r}` : keys[i]));
      const batch = await linkStoredEstimations(db, 'g', steps('g'), { withSample: true });
      const single = new Map();
      for (const s of steps('h')) {
        const o = await linkStoredEstimation(db, s, { withSample: true });
        if (o) single.set(s.stepId, o);
      }
      expect([...batch]).toEqual([...single]);
      expect([...batch]).toEqual([
        ['t/(1)', { nobs: 330, reused: true }],
        ['t/(2)', { failed: 'too few rows', reused: true }],
        ['t/(5)', { nobs: 330, reused: false }],
      ]);
      const links = async (r: string) =>
        (await loadRunSteps(db, r)).map((s) => [s.step, s.key.replace(`-${r}`, ''), s.reused, s.code]);
      expect(await links('g')).toEqual(await links('h'));
      // A forced rerun started after all of them finds none.
      const { startedAt } = await startRun(db, { runId: 'g', studyId: 's', vintage: 'v', inputsHash: 'h' });
      expect((await linkStoredEstimations(db, 'g', steps('g'), { storedSince: startedAt })).size).toBe(0);
    });

    if (concurrent)
      it('concurrent refreshes storing the same key leave one copy and a link from each', async () => {
        const writers = await concurrent();
        try {
          for (let i = 0; i < 4; i++)
            await startRun(db, { runId: `w${i}`, studyId: 's', vintage: 'v', inputsHash: 'h' });
          const outcomes = await Promise.all(
            writers.map((w, i) => saveEstimation(w, step(`w${i}`, 'k-race'), result, i)),
          );
          expect(outcomes.filter((o) => o.stored)).toHaveLength(1);
          const copies = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM estimations WHERE step_key = 'k-race'`,
          );
          expect(copies[0].n).toBe(1);
          const links = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM run_steps WHERE step_key = 'k-race'`,
          );
          expect(links[0].n).toBe(4);
          for (let i = 0; i < 4; i++) expect(await loadEstimations(db, `w${i}`)).toHaveLength(1);
        } finally {
          await Promise.all(writers.map((w) => w.close()));
        }
      });
  });
}

let pgliteDir: string;
keyedStore('keyed results on PGlite', async () => {
  pgliteDir = await mkdtemp(join(tmpdir(), 'aicarbon-keys-'));
  return openDb({ dataDir: pgliteDir });
});
afterAll(async () => {
  if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
});

const drops: (() => Promise<void>)[] = [];
let pgUrl: string;
keyedStore(
  'keyed results on PostgreSQL',
  async () => {
    const temp = await createTempDatabase('aicarbon_keys');
    drops.push(temp.drop);
    pgUrl = temp.url;
    return openDb({ databaseUrl: temp.url, dataDir: '/nonexistent' });
  },
  () => Promise.all(Array.from({ length: 4 }, () => openDb({ databaseUrl: pgUrl, dataDir: '/nonexistent' }))),
);
afterAll(async () => {
  for (const d of drops) await d();
});

describe('migration 012 keeps the results stored before it', () => {
  it('old runs keep their numbers, get legacy keys and links, and read the same through the views', async () => {
    const temp = await createTempDatabase('aicarbon_mig');
    const client = new pg.Client({ connectionString: temp.url });
    await client.connect();
    try {
      // The schema as it was before 012, applied the way migrate() records it.
      const dir = fileURLToPath(new URL('../../store/migrations/', import.meta.url));
      await client.query(
        `CREATE TABLE schema_migrations (version text PRIMARY KEY, checksum text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      for (const file of (await readdir(dir)).filter((f) => /^\d{3}_/.test(f)).sort()) {
        if (file >= '012') break;
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
        nobs, duration_ms) VALUES ('old', 'table3/(4)', 'table3', '(4)', 'fe', 'all', '{}', 330, 3)`);
      await client.query(`INSERT INTO coefficients (run_id, step_id, position, term, estimate, std_error,
        statistic, p_value) VALUES ('old', 'table3/(4)', 0, 'AIT', -0.125, 0.03, -4.1, 0.0002)`);
      await client.query(`INSERT INTO estimation_failures (run_id, step_id, table_id, column_id, error)
        VALUES ('old', 'table9/(1)', 'table9', '(1)', 'singular')`);
    } finally {
      await client.end();
    }
    const db = await openDb({ databaseUrl: temp.url, dataDir: '/nonexistent' });
    try {
      const [old] = await loadEstimations(db, 'old');
      expect(old.result.coefficients[0]).toMatchObject({ term: 'AIT', estimate: -0.125 });
      expect(await loadEstimationFailures(db, 'old')).toEqual([
        { stepId: 'table9/(1)', tableId: 'table9', columnId: '(1)', error: 'singular' },
      ]);
      const view = await db.query<{ estimate: number; stars: string }>(
        `SELECT estimate, stars FROM analyst_coefficients WHERE run_id = 'old'`,
      );
      expect(view).toEqual([{ estimate: -0.125, stars: '***' }]);
      expect((await loadRunSteps(db, 'old')).map((s) => [s.step, s.key, s.code])).toEqual([
        ['table3/(4)', 'legacy:old|table3/(4)', 'legacy'],
        ['table9/(1)', 'legacy:old|table9/(1)', 'legacy'],
      ]);
    } finally {
      await db.close();
      await temp.drop();
    }
  });
});
