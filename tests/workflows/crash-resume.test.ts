/**
 * Durability: SIGKILL the worker process in the middle of the estimate stage, start a new one, and the
 * refresh completes with the same numbers as an uninterrupted run and no duplicate rows — both while it
 * computes (a code version that differs from the uninterrupted run's, so nothing can be reused) and
 * while a memoised refresh links stored results (no half-linked run).
 */
import { refreshWorkflowId } from '../../workflows/types';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { triggerRefresh } from '../../cli/trigger';
import { loadEstimations } from '../../store/estimations';
import { progressQuery } from '../../workflows/progress';
import { usePipeline, waitFor, workerProcess, planRefreshFor } from '../helpers/pipeline';

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
    // The workers read their code versions from this manifest: the build's, then the build's with a probe
    // module under the panel (in every estimation's closure), so the crashed refresh computes anew.
    const manifest = join(await mkdtemp(join(tmpdir(), 'aicarbon-crash-')), 'build.json');
    const built = await readFile(join(PROJECT_ROOT, 'dist', 'build.json'), 'utf8');
    await writeFile(manifest, built);
    process.env.AICARBON_BUILD_MANIFEST = manifest;
    const plan = () =>
      planRefreshFor(f, {
        studyPath: f.config.studyPath,
        inputsDir: f.config.inputsDir,
        buildManifest: manifest,
      });
    const planned = await plan();
    const steady = { ...planned, runId: `${planned.runId}-steady`, estimateConcurrency: 2 };

    const first = workerProcess(f);
    children.push(first);
    const reference = await triggerRefresh(env.client, steady);
    await reference.handle.result();
    const probed = JSON.parse(built);
    probed.files['panel/index.ts'].deps.push('tests/fixtures/code/panel-probe.ts');
    probed.files['tests/fixtures/code/panel-probe.ts'] = { hash: 'probe', deps: [] };
    await writeFile(manifest, JSON.stringify(probed));
    const replanned = await plan();
    expect(replanned.codeVersion).not.toBe(planned.codeVersion);
    const crashed = { ...replanned, runId: `${replanned.runId}-crashed`, estimateConcurrency: 2 };

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
    const history = await env.client.workflow
      .getHandle(`${refreshWorkflowId(crashed)}/estimate`)
      .fetchHistory();
    const retried = history.events!.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retried.length).toBeLessThanOrEqual(crashed.estimateConcurrency);

    const count = async (table: string, runId: string) =>
      (
        await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE run_id = $1`, [runId])
      )[0].n;
    for (const table of ['estimations', 'coefficients', 'model_statistics']) {
      expect(await count(table, crashed.runId), table).toBe(await count(table, steady.runId));
    }

    // A memoised refresh (the crashed one's keys) killed while it links: it completes, every step is
    // linked once to its stored result, and no result row is added.
    const total = async () =>
      (await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM coefficients`))[0].n;
    const rowsBefore = await total();
    const memo = { ...replanned, runId: `${replanned.runId}-memo`, estimateConcurrency: 1 };
    const third = workerProcess(f);
    children.push(third);
    const memoRun = await triggerRefresh(env.client, memo);
    await waitFor(
      async () => {
        const p = await memoRun.handle.query(progressQuery);
        return p.stage === 'estimate' || p.stage === 'publish' || p.stage === 'done' ? p : undefined;
      },
      240_000,
      'the memoised estimate stage to be under way',
    );
    third.kill('SIGKILL');
    await exited(third);
    const fourth = workerProcess(f);
    children.push(fourth);
    await memoRun.handle.result();
    fourth.kill('SIGTERM');
    await exited(fourth);
    expect(await total()).toBe(rowsBefore);
    const m = await loadEstimations(f.db, memo.runId);
    expect(m.map((s) => s.result)).toEqual(a.map((s) => s.result));
    const links = await f.db.query<{ reused: boolean; n: number }>(
      `SELECT reused, count(*)::int AS n FROM run_steps WHERE run_id = $1 AND kind = 'estimate' GROUP BY reused`,
      [memo.runId],
    );
    expect(links).toEqual([{ reused: true, n: a.length }]);
    const orphans = await f.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM run_steps s WHERE s.kind = 'estimate'
         AND NOT EXISTS (SELECT 1 FROM estimations e WHERE e.step_key = s.step_key)
         AND NOT EXISTS (SELECT 1 FROM estimation_failures x WHERE x.step_key = s.step_key)`,
    );
    expect(orphans[0].n).toBe(0);
    delete process.env.AICARBON_BUILD_MANIFEST;
  }, 600_000);
});
