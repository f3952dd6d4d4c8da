/**
 * PostgreSQL restarts during a refresh, as the workers see them: the workers reach the store through
 * a proxy (tests/helpers/pg-proxy.ts) that acts out a restart during ingest and another during
 * estimation — every connection cut, connections refused for 3 s, then "the database system is
 * starting up" (57P03) for 1.5 s. The real server is shared with other tests, so it is not restarted;
 * its own termination of backends (57P01) is tests/workflows/faults.test.ts.
 *
 * The pool survives (no unhandled 'error', no crashed worker), the failed activities are retried, and
 * the refresh completes with the numbers of an undisturbed run and no duplicate rows.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRefresh } from '../../cli/trigger';
import { planRefreshFor } from '../helpers/pipeline';
import { loadConfig, type Config } from '../../common/config';
import { openDb, type Db } from '../../store/db';
import { getRun } from '../../store/runs';
import { startWorkers, type WorkerSet } from '../../worker';
import { progressQuery } from '../../workflows/progress';
import { pgProxy, type PgProxy } from '../helpers/pg-proxy';
import { createTempDatabase } from '../helpers/postgres';
import { createDevServerEnv } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let proxy: PgProxy;
let direct: Db;
let viaProxy: Db;
let workers: WorkerSet;
let drop: () => Promise<void>;
let config: Config;
let unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

beforeAll(async () => {
  env = await createDevServerEnv();
  const temp = await createTempDatabase('aicarbon_restart');
  drop = temp.drop;
  proxy = await pgProxy(temp.url);
  const dataDir = await mkdtemp(join(tmpdir(), 'aicarbon-data-'));
  config = {
    ...loadConfig({}),
    databaseUrl: proxy.url,
    temporalAddress: env.address,
    outDir: await mkdtemp(join(tmpdir(), 'aicarbon-out-')),
    dataDir,
  };
  direct = await openDb({ databaseUrl: temp.url, dataDir });
  viaProxy = await openDb({ databaseUrl: proxy.url, dataDir, migrate: false });
  workers = await startWorkers({
    connection: env.nativeConnection,
    namespace: 'default',
    db: viaProxy,
    config,
  });
  process.on('uncaughtException', onUnhandled);
  process.on('unhandledRejection', onUnhandled);
}, 300_000);
afterAll(async () => {
  process.off('uncaughtException', onUnhandled);
  process.off('unhandledRejection', onUnhandled);
  await workers?.shutdown();
  await viaProxy?.close();
  await direct?.close();
  await proxy?.close();
  await drop?.();
  await env?.teardown();
});

async function numbers(runId: string) {
  return direct.query<{ k: string; v: string }>(
    `SELECT 'coefficient ' || step_id || ' ' || term AS k, estimate || ' ' || std_error AS v FROM coefficients
     WHERE run_id = $1
     UNION ALL SELECT 'statistic ' || step_id || ' ' || name, value::text FROM model_statistics WHERE run_id = $1
     ORDER BY 1`,
    [runId],
  );
}

async function counts(runId: string) {
  const [r] = await direct.query<Record<string, number>>(
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

describe('PostgreSQL restarts during a refresh', () => {
  it('during ingest and estimation: completes, same numbers, no duplicates, nothing unhandled', async () => {
    const input = await planRefreshFor(
      { config },
      { studyPath: config.studyPath, inputsDir: config.inputsDir },
    );
    await (await triggerRefresh(env.client, input)).handle.result();
    const reference = await numbers(input.runId);
    const referenceCounts = await counts(input.runId);
    expect(reference.length).toBeGreaterThan(100);

    // A fresh store, so the disturbed run ingests and estimates everything again.
    await direct.exec('TRUNCATE runs, source_files, panel_snapshots, portal_queries CASCADE');
    unhandled = [];
    const disturbed = { ...input, runId: `${input.runId}-restarts` };
    const { handle } = await triggerRefresh(env.client, disturbed);
    const restarts: string[] = [];
    let stop = false;
    const saboteur = (async () => {
      const pending = new Set(['ingest', 'estimate']);
      while (!stop && pending.size) {
        const stage = await handle
          .query(progressQuery)
          .then((p) => p.stage)
          .catch(() => undefined);
        if (stage && pending.has(stage)) {
          pending.delete(stage);
          const before = proxy.connections();
          const { cut } = await proxy.restart();
          restarts.push(`${stage}: ${cut} sockets cut (${before} connections so far)`);
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    const result = await handle.result().finally(() => (stop = true));
    await saboteur;

    expect(restarts.map((r) => r.split(':')[0])).toEqual(['ingest', 'estimate']);
    // The pool reconnected after each restart, and some attempts failed and were retried.
    const history = await handle.fetchHistory();
    const retried = history.events!.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retried.length, restarts.join('; ')).toBeGreaterThan(0);
    expect(unhandled).toEqual([]);

    expect(result.failedSteps).toEqual([]);
    const after = await numbers(disturbed.runId);
    const before = new Map(reference.map((r) => [r.k, r.v]));
    const differing = after
      .filter((r) => before.get(r.k) !== r.v)
      .map((r) => `${r.k}: ${before.get(r.k)} → ${r.v}`);
    expect(differing).toEqual([]);
    expect(after.length).toBe(reference.length);
    expect(await counts(disturbed.runId)).toEqual(referenceCounts);
    expect(await getRun(direct, disturbed.runId)).toMatchObject({ status: 'completed', stage: 'done' });
  }, 900_000);
});
