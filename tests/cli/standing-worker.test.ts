/**
 * `aicarbon run` beside a standing worker (`aicarbon worker` kept up on the embedded PGlite store, the
 * default), as real processes on a real dev server: `run` hands the refresh to that worker instead of
 * starting one of its own — which the store the worker holds would refuse — and says so; a second
 * `run` reports the refresh completed, again without opening the store. Once the worker has stopped,
 * the store holds the one run, completed, with every estimation of the study linked once. A standing
 * worker on other code (another build) is never handed a refresh, nor worked beside: `run` names it
 * and starts nothing (exit 2). A worker that has just started warms its estimators up on the study's
 * estimations while it waits (its log says how many synthetic steps ran). Its compute worker names its
 * estimator threads, and the refresh handed to it gets one estimate lane per thread.
 * No wall times are asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, PROJECT_ROOT, type Config } from '../../common/config';
import { estimatorPool } from '../../activities/estimator-pool';
import { openDb } from '../../store/db';
import { listEstimations, loadStudy } from '../../study';
import { workerBuild } from '../../freshness/code-versions';
import { taskQueues } from '../../temporal/deployment';
import { watchQueues } from '../../temporal/pollers';
import { runCli } from '../helpers/cli';
import { waitFor } from '../helpers/pipeline';
import { createDevServerEnv, startedInput } from '../helpers/temporal';

describe('aicarbon run beside a standing worker on the embedded store', () => {
  let env: TestWorkflowEnvironment;
  let config: Config;
  let vars: Record<string, string>;
  let worker: ChildProcess | undefined;
  let workerExit: Promise<number | null> | undefined;
  let workerLog = '';

  beforeAll(async () => {
    env = await createDevServerEnv();
    const dataDir = await mkdtemp(join(tmpdir(), 'aicarbon-standing-data-'));
    const outDir = await mkdtemp(join(tmpdir(), 'aicarbon-standing-out-'));
    // No DATABASE_URL: the worker holds the PGlite store under the data folder.
    vars = {
      TEMPORAL_ADDRESS: env.address,
      DATABASE_URL: '',
      AICARBON_DATA_DIR: dataDir,
      AICARBON_OUT_DIR: outDir,
    };
    config = { ...loadConfig({}), temporalAddress: env.address, dataDir, outDir };
    await startWorker();
  }, 90_000);

  it('warms its estimators up while it waits: every estimation of the study, once', async () => {
    const estimations = listEstimations(loadStudy(config.studyPath)).length;
    const line = await waitFor(
      async () => /estimators warmed up: (\d+) synthetic steps in [\d.]+ s/.exec(workerLog) ?? undefined,
      60_000,
      "the worker's warm-up",
    );
    expect(Number(line[1])).toBe(estimations);
  }, 90_000);

  /** `aicarbon worker` on the deployment, on this checkout's build or `manifest`'s; waits until it polls. */
  async function startWorker(manifest?: string) {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'aicarbon.js'), 'worker'], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        ...vars,
        LOG_LEVEL: 'info',
        ...(manifest ? { AICARBON_BUILD_MANIFEST: manifest } : {}),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    workerLog = '';
    child.stderr!.on('data', (b: Buffer) => {
      workerLog += b.toString();
      // The worker's own info lines stay in workerLog; anything else is the test's to see.
      for (const line of b.toString().split('\n'))
        if (line && !line.includes('"level":"info"')) process.stderr.write(`${line}\n`);
    });
    worker = child;
    workerExit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    const build = workerBuild(manifest);
    await waitFor(
      async () =>
        (await watchQueues(env.client, 'default', taskQueues(config), build)).standing ? true : undefined,
      60_000,
      'the standing worker to poll its queues',
    );
  }

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGTERM');
    await workerExit;
    await env?.teardown();
  });

  it('hands the refresh to the worker, then reports it completed; the store holds it once', async () => {
    const first = await runCli(['run'], vars);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      /Refresh \S+ started on the standing worker \d+@\S+ aicarbon worker (io|compute)/,
    );
    expect(first.stderr).not.toMatch(/in use by process|started its own worker|resuming/);
    expect(first.stdout).toMatch(/^Refresh \S+ done/m);
    // The worker's compute poller names its estimator threads (this machine's, as a pool here has),
    // and the estimate stage it was handed got one lane per thread, not the default 4.
    const pool = estimatorPool();
    const watch = await watchQueues(env.client, 'default', taskQueues(config), workerBuild());
    expect(watch.standingThreads).toBe(pool.threads);
    expect(watch.pollers.some((p) => / aicarbon worker compute threads \d+ build /.test(p.identity))).toBe(
      true,
    );
    const stages = await waitFor(
      async () => {
        const ids: string[] = [];
        const query = `WorkflowType = 'estimateStageWorkflow'`;
        for await (const w of env.client.workflow.list({ query })) ids.push(w.workflowId);
        return ids.length ? ids : undefined;
      },
      10_000,
      'the estimate stage in the visibility store',
    );
    expect(stages).toHaveLength(1);
    const stageInput = await startedInput<{ concurrency: number }>(env.client, stages[0]);
    expect(stageInput.concurrency).toBe(pool.threads);
    await pool.destroy();

    const second = await runCli(['run'], vars);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/already completed for these inputs/);
    expect(second.stderr).not.toContain('in use by process');

    // The worker lets go of the store when it stops (SIGTERM: graceful).
    worker!.kill('SIGTERM');
    expect(await workerExit).toBe(0);
    const db = await openDb({ dataDir: config.dataDir });
    try {
      const runs = await db.query<{ status: string }>(`SELECT status FROM runs`);
      expect(runs).toEqual([{ status: 'completed' }]);
      const linked = await db.query<{ n: number; steps: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT step_id)::int AS steps FROM run_estimations`,
      );
      const failed = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM run_estimation_failures`);
      const planned = listEstimations(loadStudy(config.studyPath)).length;
      expect(linked[0].n).toBe(linked[0].steps);
      expect(linked[0].n + failed[0].n).toBe(planned);
    } finally {
      await db.close();
    }
  }, 300_000);

  it('names a standing worker on other code and starts nothing', async () => {
    // The build graph with one module more in the worker's closure: another build, the same code run.
    const built = JSON.parse(await readFile(join(PROJECT_ROOT, 'dist', 'build.json'), 'utf8'));
    const probe = 'tests/fixtures/code/standing-probe.ts';
    built.files['worker.ts'].deps.push(probe);
    built.files[probe] = { hash: 'standing-probe', deps: [] };
    const manifest = join(await mkdtemp(join(tmpdir(), 'aicarbon-standing-build-')), 'build.json');
    await writeFile(manifest, JSON.stringify(built));
    expect(workerBuild(manifest)).not.toBe(workerBuild());
    await startWorker(manifest);
    const refreshes = async () => {
      const ids: string[] = [];
      for await (const w of env.client.workflow.list({ query: 'WorkflowType = "refreshWorkflow"' }))
        ids.push(w.runId);
      return ids.sort();
    };
    const before = await refreshes();
    // --force: a refresh that must run (the completed one, computed again) needs a worker.
    const forced = await runCli(['run', '--force'], vars);
    expect(forced.code, forced.stderr).toBe(2);
    expect(forced.stderr).toMatch(
      /A standing worker of other code polls this deployment's queues \(\d+@\S+ aicarbon worker (io|compute) build [0-9a-f]{12}/,
    );
    expect(forced.stderr).toContain(`this checkout is build ${workerBuild()}`);
    expect(forced.stderr).not.toContain('in use by process');
    expect(await refreshes()).toEqual(before);
  }, 120_000);
});
