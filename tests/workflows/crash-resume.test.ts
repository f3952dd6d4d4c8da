/**
 * Durability: SIGKILL the worker process in the middle of the estimate stage, start a new one, and the
 * refresh completes with the same numbers as an uninterrupted run and no duplicate rows.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { planRefresh } from '../../activities/plan';
import { triggerRefresh } from '../../cli/trigger';
import { loadEstimations } from '../../store/estimations';
import { progressQuery } from '../../workflows/progress';
import { usePipeline, waitFor, workerProcess } from '../helpers/pipeline';

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('a refresh survives its worker being killed', () => {
  const ctx = usePipeline();
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('resumes on a new worker with identical numbers and no duplicate rows', async () => {
    const { env, f } = ctx;
    const planned = await planRefresh({ studyPath: f.config.studyPath, inputsDir: f.config.inputsDir });
    const steady = { ...planned, runId: `${planned.runId}-steady`, estimateConcurrency: 2 };
    const crashed = { ...planned, runId: `${planned.runId}-crashed`, estimateConcurrency: 2 };

    const first = workerProcess(f);
    children.push(first);
    const reference = await triggerRefresh(env.client, steady);
    await reference.handle.result();

    const run = await triggerRefresh(env.client, crashed);
    const atKill = await waitFor(
      async () => {
        const p = await run.handle.query(progressQuery);
        return p.stage === 'estimate' && p.stepsDone >= 4 ? p : undefined;
      },
      240_000,
      'the estimate stage to be under way',
    );
    first.kill('SIGKILL');
    await exited(first);
    expect(atKill.stepsDone).toBeLessThan(atKill.stepsTotal);

    const second = workerProcess(f);
    children.push(second);
    await run.handle.result();
    second.kill('SIGTERM');
    await exited(second);

    const a = await loadEstimations(f.db, steady.runId);
    const b = await loadEstimations(f.db, crashed.runId);
    expect(b.map((s) => s.stepId)).toEqual(a.map((s) => s.stepId));
    expect(b.map((s) => s.result)).toEqual(a.map((s) => s.result));

    // Finished steps were not recomputed: only the (at most 2) steps in flight at the kill ran again.
    const history = await env.client.workflow.getHandle(`${crashed.runId}/estimate`).fetchHistory();
    const retried = history.events!.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retried.length).toBeLessThanOrEqual(crashed.estimateConcurrency);

    const count = async (table: string, runId: string) =>
      (
        await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE run_id = $1`, [runId])
      )[0].n;
    for (const table of ['estimations', 'coefficients', 'model_statistics']) {
      expect(await count(table, crashed.runId), table).toBe(await count(table, steady.runId));
    }
  }, 300_000);
});
