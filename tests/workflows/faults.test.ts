/**
 * Faults of the store, on real PostgreSQL and a real dev server: the run's database connections are
 * dropped (pg_terminate_backend) during ingest and during estimation, and the database refuses
 * connections for a few seconds as if the server restarted. The workers' pool survives, the failed
 * activities are retried, and the refresh completes with the numbers of an undisturbed run and no
 * duplicate rows. A file with impossible values, found at assembly, is unlinked from the run and
 * recorded as rejected. The run's stage advances with the refresh.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRefresh } from '../../cli/trigger';
import { getRun } from '../../store/runs';
import { loadRejectedFiles } from '../../store/source-files';
import { progressQuery } from '../../workflows/progress';
import { usePipeline, planRefreshFor } from '../helpers/pipeline';
import { TEST_SERVER_URL } from '../helpers/postgres';

const ctx = usePipeline({ workers: true });
let admin: pg.Client;
let database: string;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  database = new URL(ctx.f.databaseUrl).pathname.slice(1);
});
afterAll(async () => {
  await admin?.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => {});
  await admin?.end();
});

/** Every number a run stored, keyed without the run id. */
async function numbers(runId: string) {
  const rows = await ctx.f.db.query<{ k: string; v: string }>(
    `SELECT 'coefficient ' || step_id || ' ' || term AS k, estimate || ' ' || std_error AS v FROM coefficients
     WHERE run_id = $1
     UNION ALL SELECT 'statistic ' || step_id || ' ' || name, value::text FROM model_statistics WHERE run_id = $1
     ORDER BY 1`,
    [runId],
  );
  return rows;
}

async function counts(runId: string) {
  const [r] = await ctx.f.db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM source_files) AS files,
            (SELECT count(*)::int FROM observations) AS observations,
            (SELECT count(*)::int FROM run_files WHERE run_id = $1) AS run_files,
            (SELECT count(*)::int FROM estimations WHERE run_id = $1) AS estimations,
            (SELECT count(*)::int FROM coefficients WHERE run_id = $1) AS coefficients,
            (SELECT count(*)::int FROM published_files WHERE run_id = $1) AS published`,
    [runId],
  );
  return r;
}

describe('store faults during a refresh', () => {
  it('dropped connections and a refusing database during ingest and estimation: completes, same numbers, no duplicates', async () => {
    const { env, f } = ctx;
    const input = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: f.config.inputsDir });
    await (await triggerRefresh(env.client, input)).handle.result();
    const reference = await numbers(input.runId);
    const referenceCounts = await counts(input.runId);
    expect(reference.length).toBeGreaterThan(100);

    // A fresh store, so the disturbed run ingests and estimates everything again.
    await f.db.exec('TRUNCATE runs, source_files, panel_snapshots, portal_queries CASCADE');
    const disturbed = { ...input, runId: `${input.runId}-faults` };
    const { handle } = await triggerRefresh(env.client, disturbed);
    const faults: string[] = [];
    let stop = false;
    const drop = async () =>
      (
        await admin.query(
          `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
           WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [database],
        )
      ).rows.filter((r) => r.killed).length;
    const busy = async () =>
      (
        await admin.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = $1 AND state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()`,
          [database],
        )
      ).rows[0].n as number;
    const saboteur = (async () => {
      const done = { ingest: 0, estimate: 0 };
      while (!stop) {
        const stage = await handle
          .query(progressQuery)
          .then((p) => p.stage)
          .catch(() => undefined);
        // Drop only while a statement or transaction is open, so that each drop fails work in flight
        // (dropping idle connections alone is survived without a retry, and proves nothing here).
        if ((stage === 'ingest' || stage === 'estimate') && done[stage] < 4 && (await busy()) > 0) {
          done[stage] += 1;
          if (stage === 'estimate' && done.estimate === 2) {
            // As if the server restarted: connections dropped, new ones refused for three seconds.
            await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
            faults.push(`restart during estimate: ${await drop()} connections dropped`);
            await new Promise((r) => setTimeout(r, 3000));
            await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
          } else faults.push(`${stage}: ${await drop()} connections dropped`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const result = await handle.result().finally(() => (stop = true));
    await saboteur;

    expect(faults.filter((x) => x.startsWith('ingest')).length).toBeGreaterThan(0);
    expect(faults.filter((x) => !x.startsWith('ingest')).length).toBeGreaterThan(1);
    // Some activity attempts failed on a dropped connection and were retried.
    const history = await handle.fetchHistory();
    const retried = history.events!.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retried.length, faults.join('; ')).toBeGreaterThan(0);

    expect(result.failedSteps).toEqual([]);
    const after = await numbers(disturbed.runId);
    const before = new Map(reference.map((r) => [r.k, r.v]));
    const differing = after
      .filter((r) => before.get(r.k) !== r.v)
      .map((r) => `${r.k}: ${before.get(r.k)} → ${r.v}`);
    expect(differing).toEqual([]);
    expect(after.length).toBe(reference.length);
    expect(await counts(disturbed.runId)).toEqual(referenceCounts);
    expect(await getRun(f.db, disturbed.runId)).toMatchObject({ status: 'completed', stage: 'done' });
  }, 600_000);

  it('a file with impossible values is unlinked from the run and recorded as rejected', async () => {
    const { env, f } = ctx;
    const inputs = await mkdtemp(join(tmpdir(), 'rejected-'));
    await cp(f.config.inputsDir, inputs, { recursive: true });
    // Negative pollution-control investment: readable, but impossible (found when assembling).
    const path = join(inputs, 'synthetic', 'pollution_investment.csv');
    const text = await readFile(path, 'utf8');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => /^[^#].*,2015,/.test(l));
    const cells = lines[at].split(',');
    cells[cells.length - 1] = `-${cells[cells.length - 1]}`;
    lines[at] = cells.join(',');
    await writeFile(path, lines.join('\n'));
    const input = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: inputs });
    const { handle } = await triggerRefresh(env.client, input);
    await expect(handle.result()).rejects.toThrow();
    const run = await getRun(f.db, input.runId);
    expect(run).toMatchObject({ status: 'failed', stage: 'assemble' });
    expect(run?.error).toMatch(
      /^assemble: 1 impossible value in the assembled panel:\npollution_investment = -/,
    );
    const linked = await f.db.query<{ name: string }>(`SELECT name FROM run_files WHERE run_id = $1`, [
      input.runId,
    ]);
    expect(linked.length).toBeGreaterThan(10);
    expect(linked.map((r) => r.name)).not.toContain('synthetic/pollution_investment.csv');
    const rejected = await loadRejectedFiles(f.db, input.runId);
    expect(rejected.map((r) => r.name)).toEqual(['synthetic/pollution_investment.csv']);
    expect(rejected[0].reason).toContain('expected ≥ 0');
  }, 300_000);
});
