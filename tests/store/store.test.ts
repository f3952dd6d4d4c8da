import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { getRun, finishRun, startRun } from '../../store/runs';
import {
  getSourceFile,
  getSourceFiles,
  loadObservations,
  loadRunObservations,
  saveSourceFile,
} from '../../store/source-files';
import { loadEstimations, saveEstimation } from '../../store/estimations';
import { loadConflicts, saveConflicts } from '../../store/conflicts';
import type { Conflict } from '../../assembly/panel';
import type { Observation } from '../../ingest/observation';
import type { EstimationResult } from '../../econometrics/result';
import { pgProxy } from '../helpers/pg-proxy';
import { createTempDatabase, TEST_SERVER_URL } from '../helpers/postgres';

const obs = (province: string, year: number, value: number, cell: string): Observation => ({
  province,
  year,
  variable: 'gdp',
  value,
  unit: '100 million CNY',
  method: 'observed',
  source: { file: 'gdp.xlsx', sha256: 'abc', sheet: 'Sheet1', cell },
});

const result: EstimationResult = {
  estimator: 'fe',
  nobs: 330,
  ngroups: 30,
  coefficients: [
    { term: 'AIT', estimate: -0.1, std_error: 0.02, statistic: -5, p_value: 1e-5 },
    { term: '_cons', estimate: 2, std_error: 0.5, statistic: 4, p_value: NaN },
  ],
  statistics: { r2_within: 0.4, df_resid: 29 },
  effects: [
    { term: 'AIT', direct: 1, direct_se: 0.1, indirect: 2, indirect_se: 0.2, total: 3, total_se: 0.3 },
  ],
  moran: [
    { time: 2011, I: 0.3, expected: -1 / 29, variance: 0.01, z: 3, p_value: 0.001, p_permutation: 0.002 },
  ],
};

function storeContract(name: string, open: () => Promise<Db>) {
  describe(name, () => {
    let db: Db;
    beforeAll(async () => {
      db = await open();
    });
    afterAll(async () => {
      await db?.close();
    });

    it('applies migrations once and records them', async () => {
      expect(await migrate(db)).toEqual([]); // already applied by openDb
      const rows = await db.query<{ version: string }>('SELECT version FROM schema_migrations');
      expect(rows.map((r) => r.version)).toContain('001_init.sql');
    });

    it('stores a source file with its observations exactly once', async () => {
      const file = { sha256: 'abc', name: 'gdp.xlsx', size: 1234, layout: 'csy-by-region' };
      const observations = [obs('BJ', 2011, 16251.9, 'C5'), obs('TJ', 2011, 11307.3, 'C6')];
      await saveSourceFile(db, file, observations);
      await saveSourceFile(db, file, observations);
      expect(await getSourceFile(db, 'abc')).toEqual({ ...file, observations: 2, notes: [] });
      // Several keys in one lookup: the stored ones only; a forced rerun's later start finds none.
      const many = await getSourceFiles(db, ['absent', 'abc']);
      expect([...many]).toEqual([['abc', { ...file, observations: 2, notes: [] }]]);
      const later = new Date(Date.now() + 60_000).toISOString();
      expect((await getSourceFiles(db, ['abc'], { storedSince: later })).size).toBe(0);
      const back = await loadObservations(db, ['abc']);
      expect(back).toHaveLength(2);
      expect(back[0]).toEqual(observations[0]);
    });

    it("loads a run's observations in one statement: files in the order given, each as stored", async () => {
      // Saved out of order, with a second variable, a URL, no sheet, and the bytes' own hash.
      const a = { sha256: 'run-a', name: 'a.csv', size: 1, layout: 'tidy', fileSha256: 'bytes-a' };
      const b = { sha256: 'run-b', name: 'b.csv', size: 1, layout: 'tidy' };
      const cpi = (province: string, year: number, value: number, cell: string): Observation => ({
        ...obs(province, year, value, cell),
        variable: 'cpi',
        unit: 'index',
        source: { file: 'b.csv', sha256: 'run-b', cell, url: 'https://example.org/cpi' },
      });
      await saveSourceFile(db, a, [
        obs('TJ', 2012, 3, 'C7'),
        obs('BJ', 2012, 2, 'C6'),
        obs('BJ', 2011, 1, 'C5'),
      ]);
      await saveSourceFile(db, b, [obs('BJ', 2011, 0.1 + 0.2, 'D5'), cpi('BJ', 2011, 1e-7, 'line 2')]);
      const per = async (f: { name: string; sha256: string }) =>
        (await loadObservations(db, [f.sha256])).map((o) => ({
          ...o,
          source: { ...o.source, file: f.name },
        }));
      const files = [
        { name: 'second.csv', sha256: 'run-b' },
        { name: 'first.csv', sha256: 'run-a' },
      ];
      const one = await loadRunObservations(db, files);
      // The same observations as file by file, in the order given, named as the run names the files.
      expect(one).toEqual([...(await per(files[0])), ...(await per(files[1]))]);
      expect(one.map((o) => `${o.source.file} ${o.variable} ${o.province} ${o.year} ${o.value}`)).toEqual([
        'second.csv cpi BJ 2011 1e-7',
        'second.csv gdp BJ 2011 0.30000000000000004',
        'first.csv gdp BJ 2011 1',
        'first.csv gdp BJ 2012 2',
        'first.csv gdp TJ 2012 3',
      ]);
      expect(one[0].source).toEqual({
        file: 'second.csv',
        sha256: 'run-b',
        cell: 'line 2',
        url: 'https://example.org/cpi',
      });
      expect(one[2].source).toEqual({ file: 'first.csv', sha256: 'bytes-a', sheet: 'Sheet1', cell: 'C5' });
      // Aggregated two observations at a time: the same, across the arrays' boundaries.
      expect(await loadRunObservations(db, files, { perChunk: 2 })).toEqual(one);
      expect(await loadRunObservations(db, [{ name: 'x', sha256: 'absent' }])).toEqual([]);
    });

    it('writes nothing when one observation of a file is bad', async () => {
      const file = { sha256: 'bad', name: 'bad.xlsx', size: 1, layout: 'x' };
      const broken = [
        obs('BJ', 2011, 1, 'A1'),
        { ...obs('BJ', 2012, 1, 'A2'), unit: null as unknown as string },
      ];
      await expect(saveSourceFile(db, file, broken)).rejects.toThrow();
      expect(await getSourceFile(db, 'bad')).toBeUndefined();
      expect(await loadObservations(db, ['bad'])).toEqual([]);
    });

    it('stores an estimation result once per key and reads it back', async () => {
      await startRun(db, { runId: 'r1', studyId: 'default', vintage: 'v1', inputsHash: 'h' });
      const key = {
        runId: 'r1',
        stepId: 'table3/(4)',
        tableId: 'table3',
        columnId: '(4)',
        sample: 'all',
        spec: {},
      };
      expect(await saveEstimation(db, key, result, 12)).toEqual({ stored: true });
      // A retried attempt of the same key stores nothing more: the first copy stays.
      expect(await saveEstimation(db, key, result, 13)).toEqual({ stored: false });
      const count = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM coefficients WHERE run_id = $1',
        ['r1'],
      );
      expect(count[0].n).toBe(2);
      const [back] = await loadEstimations(db, 'r1');
      expect(back.result).toEqual(result);
      expect(back.durationMs).toBe(12);
      await finishRun(db, 'r1', { status: 'completed', summary: { steps: 1 } });
      expect((await getRun(db, 'r1'))?.status).toBe('completed');
    });

    it('keeps the horizon of the dynamic model’s effects, short before long, and the static rows', async () => {
      await startRun(db, { runId: 'r-dyn', studyId: 'default', vintage: 'v1', inputsHash: 'h' });
      const row = (term: string, v: number) => ({
        term,
        direct: v,
        direct_se: 0.1,
        indirect: 2 * v,
        indirect_se: 0.2,
        total: 3 * v,
        total_se: 0.3,
      });
      const dynamic: EstimationResult = {
        estimator: 'sdm',
        nobs: 300,
        coefficients: [{ term: 'L.CI', estimate: 0.6, std_error: 0.03, statistic: 20, p_value: 0 }],
        statistics: { loglik: 1 },
        effects: [
          { ...row('AIT', 1), horizon: 'short' },
          { ...row('ED', 2), horizon: 'short' },
          { ...row('AIT', 4), horizon: 'long' },
          { ...row('ED', 5), horizon: 'long', total: NaN },
        ],
      };
      const base = { runId: 'r-dyn', tableId: 'table11', sample: 'all', spec: {} };
      await saveEstimation(db, { ...base, stepId: 'table11/(1)', columnId: '(1)' }, dynamic, 5);
      await saveEstimation(db, { ...base, stepId: 'table11/W1', columnId: 'W1' }, result, 5);
      const [dyn, stat] = await loadEstimations(db, 'r-dyn');
      expect(dyn.result).toEqual(dynamic);
      expect(stat.result.effects).toEqual(result.effects);
      const view = await db.query<{ column_id: string; term: string; horizon: string; direct: number }>(
        'SELECT column_id, term, horizon, direct FROM analyst_spatial_effects WHERE run_id = $1 ORDER BY column_id, horizon DESC, term',
        ['r-dyn'],
      );
      expect(view).toEqual([
        { column_id: '(1)', term: 'AIT', horizon: 'short', direct: 1 },
        { column_id: '(1)', term: 'ED', horizon: 'short', direct: 2 },
        { column_id: '(1)', term: 'AIT', horizon: 'long', direct: 4 },
        { column_id: '(1)', term: 'ED', horizon: 'long', direct: 5 },
        { column_id: 'W1', term: 'AIT', horizon: 'static', direct: 1 },
      ]);
    });

    it('keeps the inference detail of each coefficient and the cluster diagnostics', async () => {
      await startRun(db, { runId: 'r2', studyId: 'default', vintage: 'v1', inputsHash: 'h' });
      const wild: EstimationResult = {
        estimator: 'fe',
        nobs: 88,
        coefficients: [
          {
            term: 'AIT',
            estimate: -0.08,
            std_error: 0.03,
            statistic: -2.7,
            p_value: 0.03,
            p_value_wild: 0.07,
            ci_wild_lower: -0.15,
            ci_wild_upper: 0.01,
            std_error_cr2: 0.031,
            p_value_cr2: 0.04,
            df_cr2: 5.2,
          },
          { term: 'ED', estimate: 0.3, std_error: 0.1, statistic: 3, p_value: 0.02 },
        ],
        statistics: { n_clusters: 8, effective_clusters: 6.1 },
        clusters: [
          { cluster: 'AH', nobs: 11, leverage: 0.8, partial_leverage: 0.1, beta_jackknife: -0.07 },
          { cluster: 'HA', nobs: 11, leverage: 0.9, partial_leverage: 0.2, beta_jackknife: -0.09 },
        ],
      };
      const key = {
        runId: 'r2',
        stepId: 't/(1)',
        tableId: 't',
        columnId: '(1)',
        sample: 'Central',
        spec: {},
      };
      await saveEstimation(db, { ...key, starsFrom: 'wild' }, wild, 5);
      await saveEstimation(db, { ...key, stepId: 't/(2)', columnId: '(2)', starsFrom: 'cr2' }, wild, 5);
      const [back] = await loadEstimations(db, 'r2');
      expect(back.result).toEqual(wild);
      // The analyst view puts the conventional, wild and chosen p-values side by side; stars follow the choice.
      const view = await db.query<Record<string, unknown>>(
        `SELECT column_id, term, p_value, p_value_wild, ci_wild_lower, stars_from, p_value_stars, stars
           FROM analyst_coefficients WHERE run_id = 'r2' ORDER BY column_id, position`,
      );
      expect(view).toEqual([
        {
          column_id: '(1)',
          term: 'AIT',
          p_value: 0.03,
          p_value_wild: 0.07,
          ci_wild_lower: -0.15,
          stars_from: 'wild',
          p_value_stars: 0.07,
          stars: '*',
        },
        // Not bootstrapped: the stars fall back to the column's own p-value.
        {
          column_id: '(1)',
          term: 'ED',
          p_value: 0.02,
          p_value_wild: null,
          ci_wild_lower: null,
          stars_from: 'wild',
          p_value_stars: 0.02,
          stars: '**',
        },
        {
          column_id: '(2)',
          term: 'AIT',
          p_value: 0.03,
          p_value_wild: 0.07,
          ci_wild_lower: -0.15,
          stars_from: 'cr2',
          p_value_stars: 0.04,
          stars: '**',
        },
        {
          column_id: '(2)',
          term: 'ED',
          p_value: 0.02,
          p_value_wild: null,
          ci_wild_lower: null,
          stars_from: 'cr2',
          p_value_stars: 0.02,
          stars: '**',
        },
      ]);
      const diag = await db.query<{ cluster: string; leverage: number }>(
        `SELECT cluster, leverage FROM analyst_cluster_diagnostics WHERE run_id = 'r2' AND column_id = '(1)' ORDER BY position`,
      );
      expect(diag).toEqual([
        { cluster: 'AH', leverage: 0.8 },
        { cluster: 'HA', leverage: 0.9 },
      ]);
    });

    it("stores a run's conflicts in one statement, the same rows a statement per conflict stored, replaced whole", async () => {
      for (const runId of ['r3', 'r4'])
        await startRun(db, { runId, studyId: 'default', vintage: 'v1', inputsHash: 'h' });
      const conflicts: Conflict[] = [
        {
          variable: 'gdp',
          province: 'BJ',
          year: 2011,
          kept: { value: 0.1 + 0.2, file: 'a.csv', at: 'a.csv!row 2' },
          discarded: [
            { value: 1 / 3, file: 'b.csv', at: 'b.csv!row 9' },
            { value: 5e-324, file: 'c.xlsx', at: 'c.xlsx!S!B7' },
          ],
          reason: 'a.csv comes before b.csv, c.xlsx in the manifest (assembly.priority names neither)',
        },
        {
          variable: 'pop',
          province: 'TJ',
          year: 2012,
          kept: { value: -1.7976931348623157e308, file: 'it’s "quoted".csv', at: 'x\ny' },
          discarded: [{ value: 123456789.12345679, file: 'd.csv', at: 'd.csv!row 3' }],
        },
      ];
      await saveConflicts(db, 'r3', conflicts);
      // What a statement per conflict stored (before this was one statement), for the same conflicts.
      await db.transaction(async (tx) => {
        for (const c of conflicts)
          await tx.query(
            `INSERT INTO conflicts (run_id, variable, province, year, kept_value, kept_file, kept_at, discarded, reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [
              'r4',
              c.variable,
              c.province,
              c.year,
              c.kept.value,
              c.kept.file,
              c.kept.at,
              JSON.stringify(c.discarded),
              c.reason ?? '',
            ],
          );
      });
      const stored = (runId: string) =>
        db.query<Record<string, string>>(
          `SELECT variable, province, year::text, kept_value::text, float8send(kept_value)::text AS bits, kept_file,
                  kept_at, discarded::text, reason
           FROM conflicts WHERE run_id = $1 ORDER BY variable, province, year`,
          [runId],
        );
      expect(await stored('r3')).toEqual(await stored('r4'));
      expect((await stored('r3')).length).toBe(2);
      expect(await loadConflicts(db, 'r3')).toEqual(conflicts.map((c) => ({ ...c, reason: c.reason ?? '' })));
      // Saved again with fewer: exactly the new set; with none: none.
      await saveConflicts(db, 'r3', conflicts.slice(1));
      expect((await loadConflicts(db, 'r3')).map((c) => c.variable)).toEqual(['pop']);
      await saveConflicts(db, 'r3', []);
      expect(await loadConflicts(db, 'r3')).toEqual([]);
    });
  });
}

let pgliteDir: string;
storeContract('store on PGlite', async () => {
  pgliteDir = await mkdtemp(join(tmpdir(), 'aicarbon-store-'));
  return openDb({ dataDir: pgliteDir });
});

let dropPg: (() => Promise<void>) | undefined;
storeContract('store on PostgreSQL', async () => {
  const temp = await createTempDatabase();
  dropPg = temp.drop;
  return openDb({ databaseUrl: temp.url, dataDir: '/nonexistent' });
});

describe('the PostgreSQL pool under dropped connections', () => {
  it('a connection dropped mid-transaction fails that transaction (no unhandled error); the pool goes on', async () => {
    const temp = await createTempDatabase();
    const db = await openDb({ databaseUrl: temp.url, dataDir: '/nonexistent' });
    const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
    await admin.connect();
    const name = new URL(temp.url).pathname.slice(1);
    const drop = () =>
      admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [name],
      );
    try {
      // While a statement runs, and while the transaction waits between statements.
      const busy = db.transaction((tx) => tx.query('SELECT pg_sleep(5)'));
      const waiting = db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await new Promise((r) => setTimeout(r, 3000));
        await tx.query('SELECT 2');
      });
      // Handlers attached at once: on a busy machine either may fail while the other is awaited.
      const outcomes = Promise.allSettled([busy, waiting]);
      // Drop only once both are inside their transactions (a busy machine can take long to connect).
      const inTransaction = async () =>
        (
          await admin.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = $1 AND state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()`,
            [name],
          )
        ).rows[0].n as number;
      while ((await inTransaction()) < 2) await new Promise((r) => setTimeout(r, 50));
      await drop();
      const [busyOutcome, waitingOutcome] = await outcomes;
      expect(busyOutcome.status).toBe('rejected');
      expect(String((busyOutcome as PromiseRejectedResult).reason)).toMatch(
        /terminating connection|Connection terminated/,
      );
      expect(waitingOutcome.status).toBe('rejected');
      expect(String((waitingOutcome as PromiseRejectedResult).reason)).toMatch(/connection/i);
      // Idle connections dropped too: the next query opens a new one.
      await drop();
      expect(await db.query<{ x: number }>('SELECT 1 AS x')).toEqual([{ x: 1 }]);
    } finally {
      await db.close();
      await admin.end();
      await temp.drop();
    }
  });

  it('a client handed to a waiting transaction in the read that brings the FATAL: that transaction fails, nothing is uncaught', async () => {
    // pg-pool hands a released client to the next waiter while it parses the socket chunk, and the
    // server's FATAL after the ReadyForQuery in the same chunk is emitted before an awaited
    // pool.connect() returns: with no listener on the client yet, an uncaught exception (seen in CI).
    const temp = await createTempDatabase();
    const proxy = await pgProxy(temp.url);
    const db = await openDb({ databaseUrl: proxy.url, dataDir: '/nonexistent' });
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.prependListener('uncaughtException', onUncaught);
    try {
      // The pool's four connections busy, so the transaction waits for one of them.
      const statements = [1, 2, 3, 4].map((i) =>
        db.query<{ i: number }>(`SELECT $1::int AS i, pg_sleep(0.5)`, [i]),
      );
      await waitForActive(temp.url, 4);
      proxy.terminateAfterNextAnswer();
      // Its outcome taken at once: it fails while the statements are awaited.
      const waiting = db
        .transaction((tx) => tx.query('SELECT 1'))
        .then(
          () => 'committed',
          (e: Error) => e.message,
        );
      const answers = await Promise.all(statements);
      expect(answers.map((rows) => rows[0].i)).toEqual([1, 2, 3, 4]);
      expect(await waiting).toMatch(/connection/i);
      await new Promise((r) => setTimeout(r, 100));
      expect(uncaught).toEqual([]);
      expect(await db.transaction((tx) => tx.query<{ x: number }>('SELECT 1 AS x'))).toEqual([{ x: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await db.close();
      await proxy.close();
      await temp.drop();
    }
  });
});

/** Waits until `n` statements run on the database of `url`. */
async function waitForActive(url: string, n: number): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    const name = new URL(url).pathname.slice(1);
    for (;;) {
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'active'`,
        [name],
      );
      if (rows[0].n >= n) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await admin.end();
  }
}

describe('store configuration errors', () => {
  it('names an unreachable DATABASE_URL within seconds, without its password', async () => {
    const started = Date.now();
    await expect(
      openDb({
        databaseUrl: 'postgres://me:secret@127.0.0.1:1/nowhere',
        dataDir: '/tmp',
        connectTimeoutMs: 2000,
      }),
    ).rejects.toThrow(
      /Cannot reach PostgreSQL at DATABASE_URL=postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/nowhere/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a second opener of the same PGlite store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aicarbon-lock-'));
    const first = await openDb({ dataDir: dir });
    // Same process: simulate another live process holding the lock.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'pglite.lock'), String(process.ppid));
    await expect(openDb({ dataDir: dir })).rejects.toThrow(/in use by process/);
    await first.close();
    await rm(dir, { recursive: true, force: true });
  });
});

afterAll(async () => {
  await dropPg?.();
  if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
});
