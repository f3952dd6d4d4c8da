/**
 * `aicarbon run` as people use it, as real processes on one real dev server:
 *   - two runs at once into two PostgreSQL databases (two deployments): both complete, each store
 *     holds only its own rows, each output folder only its own files;
 *   - Ctrl-C (SIGINT) and SIGKILL in the middle of the estimate stage, then the same command again at
 *     once: it judges the stopped worker's pollers dead, starts its own worker and resumes (saying so,
 *     never following a refresh nobody works on); only the batches in flight at the stop run again, and
 *     at once (failed for the dead worker, not after their heartbeat timeout); the refresh completes with
 *     numbers identical to the uninterrupted run and no duplicate rows.
 * No wall times are asserted.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { openDb, type Db } from '../../store/db';
import { loadEstimations } from '../../store/estimations';
import { refreshWorkflowId, type RefreshInput } from '../../workflows/types';
import { startCli } from '../helpers/cli';
import { planRefreshFor, waitFor } from '../helpers/pipeline';
import { createTempDatabase } from '../helpers/postgres';
import { createDevServerEnv } from '../helpers/temporal';
import { loadConfig, PROJECT_ROOT, type Config } from '../../common/config';

const { temporal } = proto;

interface Deployment {
  vars: Record<string, string>;
  config: Config;
  db: Db;
  drop: () => Promise<void>;
}

async function deployment(address: string, name: string): Promise<Deployment> {
  const temp = await createTempDatabase(`aicarbon_${name}`);
  const outDir = await mkdtemp(join(tmpdir(), `aicarbon-out-${name}-`));
  const dataDir = await mkdtemp(join(tmpdir(), `aicarbon-data-${name}-`));
  const config = { ...loadConfig({}), databaseUrl: temp.url, temporalAddress: address, outDir, dataDir };
  return {
    vars: {
      TEMPORAL_ADDRESS: address,
      DATABASE_URL: temp.url,
      AICARBON_OUT_DIR: outDir,
      AICARBON_DATA_DIR: dataDir,
    },
    config,
    db: await openDb({ databaseUrl: temp.url, dataDir }),
    drop: temp.drop,
  };
}

const count = async (db: Db, table: string) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

const countRun = async (db: Db, table: string, runId: string) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE run_id = $1`, [runId]))[0].n;

const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/**
 * A copy of the build's manifest in which the panel module (in every estimation's code closure) imports
 * one more module, `tag`'s probe: a refresh planned with it has a code version, and so a run id and
 * step keys, of its own — the way a code change would — while it runs the same code.
 */
async function probedManifest(tag: string): Promise<string> {
  const built = JSON.parse(await readFile(join(PROJECT_ROOT, 'dist', 'build.json'), 'utf8'));
  const probe = `tests/fixtures/code/resume-probe-${tag}.ts`;
  built.files['panel/index.ts'].deps.push(probe);
  built.files[probe] = { hash: `probe-${tag}`, deps: [] };
  const path = join(await mkdtemp(join(tmpdir(), `aicarbon-resume-${tag}-`)), 'build.json');
  await writeFile(path, JSON.stringify(built));
  return path;
}

/** Resolves once the process has written something matching `pattern` on stderr. */
function stderrMatches(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let text = '';
    child.stderr!.on('data', (d) => {
      text += d;
      if (pattern.test(text)) resolve();
    });
  });
}

describe('aicarbon run: concurrent deployments, interrupted and resumed', () => {
  let env: TestWorkflowEnvironment;
  let a: Deployment;
  let b: Deployment;
  let input: RefreshInput;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    env = await createDevServerEnv();
    a = await deployment(env.address, 'a');
    b = await deployment(env.address, 'b');
    input = await planRefreshFor(a, { studyPath: a.config.studyPath, inputsDir: a.config.inputsDir });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const d of [a, b]) {
      await d?.db.close();
      await d?.drop();
    }
    await env?.teardown();
  });

  it('two runs into two databases at once: both complete, each store holds only its own rows', async () => {
    const first = startCli(['run', '--json'], a.vars);
    const second = startCli(['run', '--json'], b.vars);
    children.push(first.child, second.child);
    const [ra, rb] = await Promise.all([first.done, second.done]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    // Same inputs, two deployments: two refreshes (neither attached to the other's).
    expect(ra.stderr).toContain(`Refresh ${input.runId} started.`);
    expect(rb.stderr).toContain(`Refresh ${input.runId} started.`);
    const [ja, jb] = [JSON.parse(ra.stdout), JSON.parse(rb.stdout)];
    for (const [j, d] of [
      [ja, a],
      [jb, b],
    ] as const) {
      expect(j.published.every((p: string) => p.startsWith(d.config.outDir))).toBe(true);
      expect((await loadEstimations(d.db, input.runId)).length).toBe(j.estimations);
      expect(await d.db.query(`SELECT status, stage FROM runs`)).toEqual([
        { status: 'completed', stage: 'done' },
      ]);
    }
    // The same numbers, each in its own store, no duplicates.
    const ea = await loadEstimations(a.db, input.runId);
    const eb = await loadEstimations(b.db, input.runId);
    expect(ea.map((s) => s.result)).toEqual(eb.map((s) => s.result));
    for (const table of ['estimations', 'coefficients', 'observations', 'source_files'])
      expect(await count(a.db, table), table).toBe(await count(b.db, table));
    expect(readdirSync(a.config.outDir)).toEqual([input.runId]);
    expect(readdirSync(b.config.outDir)).toEqual([input.runId]);
  }, 900_000);

  /**
   * Ctrl-C and SIGKILL each on a refresh of its own code version (a probed build manifest), so the
   * interrupted refresh computes every estimation instead of linking the results stored by the runs
   * before it (a memoised refresh can finish its estimate stage before a signal catches it in flight).
   */
  it.each(['SIGINT', 'SIGKILL'] as const)(
    'run stopped with %s mid-estimate; the same command again resumes it to identical numbers',
    async (signal) => {
      const reference = await loadEstimations(b.db, input.runId);
      const manifest = await probedManifest(signal);
      const vars = { ...a.vars, AICARBON_BUILD_MANIFEST: manifest };
      const planned = await planRefreshFor(a, {
        studyPath: a.config.studyPath,
        inputsDir: a.config.inputsDir,
        buildManifest: manifest,
      });
      expect(planned.codeVersion).not.toBe(input.codeVersion);
      const workflowId = refreshWorkflowId(planned);
      const stage = env.client.workflow.getHandle(`${workflowId}/estimate`);

      const stopped = startCli(['run', '--json'], vars);
      children.push(stopped.child);
      // Mid-estimate: a batch of estimations is running and has stored (and heartbeated) a step.
      await waitFor(
        async () => {
          const d = await stage.describe();
          const running = (d.raw.pendingActivities ?? []).some(
            (p) => p.state === STARTED && p.lastHeartbeatTime,
          );
          return d.status.name === 'RUNNING' && running ? true : undefined;
        },
        400_000,
        'a batch of estimations to be under way',
      );
      stopped.child.kill(signal);
      const s = await stopped.done;
      if (signal === 'SIGINT') {
        expect(s.code, s.stderr).toBe(130);
        expect(s.stderr).toContain('run the same command again to resume it');
      } else {
        expect(s.code).toBeNull();
      }
      // The stop caught the refresh in flight: its estimate stage still runs, nobody works on it, and the
      // batches the stopped worker had started (or that failed with it) are the only ones left half-done.
      const atStop = await stage.describe();
      expect(atStop.status.name, 'the estimate stage ended before the signal').toBe('RUNNING');
      const pending = atStop.raw.pendingActivities ?? [];
      const lost = pending
        .filter((p) => p.state === STARTED || (p.attempt ?? 1) > 1)
        .map((p) => p.activityId!);
      const started = pending.filter((p) => p.state === STARTED).map((p) => p.activityId!);

      // The same command again: it judges the stopped worker's pollers dead, starts its own worker and
      // resumes the refresh — it must never settle for following a refresh nobody works on.
      const again = startCli(['run', '--json'], vars);
      children.push(again.child);
      const following = stderrMatches(again.child, /already running: following it/);
      const first = await Promise.race([again.done, following.then(() => 'following' as const)]);
      if (first === 'following') again.child.kill('SIGKILL');
      expect(first, 'the resumed run followed a refresh nobody works on').not.toBe('following');
      const r = await again.done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        `Refresh ${planned.runId} was interrupted (no live worker on its queues): resuming it`,
      );
      if (started.length)
        expect(r.stderr).toContain(
          `${started.length} task${started.length > 1 ? 's' : ''} of the stopped worker retried now`,
        );
      expect(r.stderr).not.toContain('waiting for a worker');
      expect(JSON.parse(r.stdout).runId).toBe(planned.runId);

      // Only the steps in flight ran again: a batch finished before the stop was not retried, the
      // stopped worker's batches were failed at once (not after their heartbeat timeout), and the
      // stages before the estimate stage ran once.
      const events = (await stage.fetchHistory()).events ?? [];
      const activityOf = new Map(
        events
          .filter((e) => e.activityTaskScheduledEventAttributes)
          .map((e) => [Number(e.eventId), e.activityTaskScheduledEventAttributes!.activityId!]),
      );
      const retried = events
        .filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)
        .map((e) => activityOf.get(Number(e.activityTaskStartedEventAttributes!.scheduledEventId)));
      expect(new Set(retried)).toEqual(new Set(lost));
      expect(events.filter((e) => e.activityTaskTimedOutEventAttributes)).toEqual([]);
      const parentEvents = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      expect(parentEvents.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)).toEqual(
        [],
      );

      // The numbers of the undisturbed run, every one computed by this refresh and linked once.
      const resumed = await loadEstimations(a.db, planned.runId);
      expect(resumed.map((x) => x.stepId)).toEqual(reference.map((x) => x.stepId));
      expect(resumed.map((x) => x.result)).toEqual(reference.map((x) => x.result));
      expect(
        await a.db.query(
          `SELECT reused, count(*)::int AS n FROM run_steps WHERE run_id = $1 AND kind = 'estimate' GROUP BY reused`,
          [planned.runId],
        ),
      ).toEqual([{ reused: false, n: reference.length }]);
      for (const table of ['estimations', 'coefficients', 'model_statistics'])
        expect(await countRun(a.db, table, planned.runId), table).toBe(
          await countRun(b.db, table, input.runId),
        );
      expect(await a.db.query(`SELECT status, stage FROM runs WHERE run_id = $1`, [planned.runId])).toEqual([
        { status: 'completed', stage: 'done' },
      ]);
      expect(existsSync(join(a.config.outDir, planned.runId, 'report.html'))).toBe(true);
    },
    900_000,
  );
});
