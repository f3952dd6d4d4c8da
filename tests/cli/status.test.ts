/**
 * The operator's commands as real processes against a real dev server, mostly with no worker running
 * (the normal state after `run` exits): `refresh --wait` warns when nobody polls its queues and names
 * the bad cell when the input has one; `status` answers for running, finished, failed and unknown
 * refreshes without a worker; every exit status of refresh and status; a schedule update keeps an
 * operator's pause. No wall times are asserted.
 */
import type { ChildProcess } from 'node:child_process';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli';
import { cliEnv, planRefreshFor, usePipeline, waitFor, workerProcess } from '../helpers/pipeline';

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

/** A study of two columns, one of which the data cannot support (exit 3). */
async function twoColumnStudy(): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'study-')), 'study.json');
  await writeFile(
    path,
    JSON.stringify({
      id: 'two-columns',
      title: 'Two columns, one impossible',
      years: [2011, 2021],
      samples: { all: {} },
      tables: [
        {
          id: 't',
          title: 'T',
          columns: [
            { id: '(1)', spec: { estimator: 'fe', y: 'CI', x: ['AIT'], vce: 'cluster' } },
            { id: '(2)', spec: { estimator: 'vif', y: 'CI', x: ['AIT', 'L.AIT', 'D.AIT'] } },
          ],
        },
      ],
    }),
  );
  return path;
}

describe('refresh, status and schedule without a worker', () => {
  const ctx = usePipeline();
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('refresh --wait warns when no worker polls; status answers while it runs and after, with no worker', async () => {
    const { f } = ctx;
    const env = cliEnv(f);
    const study = await twoColumnStudy();
    const input = await planRefreshFor(f, { studyPath: study, inputsDir: f.config.inputsDir });

    const waiting = startCli(['refresh', '--wait', '--study', study], env);
    children.push(waiting.child);
    let stderr = '';
    waiting.child.stderr!.on('data', (d) => (stderr += d));
    // It says at once that nobody works on it, and keeps saying what it waits for.
    await waitFor(
      async () => (stderr.includes('no live worker polls') ? true : undefined),
      120_000,
      'the warning that no worker polls the queues',
    );
    expect(stderr).toContain(input.queues!.io);
    await waitFor(
      async () => (stderr.includes('no progress for') ? true : undefined),
      120_000,
      'the follow loop to say what it waits for',
    );
    expect(stderr).toMatch(
      /no progress for \d+:\d\d: waiting for a worker: no live worker polls aicarbon-io-/,
    );

    const running = await runCli(['status', input.runId, '--json'], {
      ...env,
      TEMPORAL_UI_URL: 'http://ui.example',
    });
    expect(running.code, running.stderr).toBe(0);
    const r = JSON.parse(running.stdout);
    expect(r).toMatchObject({ runId: input.runId, state: 'running' });
    expect(r.url).toContain(encodeURIComponent(`${input.runId}@${input.queues!.deployment}`));
    // Nobody works on it: status says which queues no live worker polls and how to resume it.
    expect(r.workers).toEqual([]);
    expect(r.unpolled).toContain(`${input.queues!.io} (workflows)`);
    expect(r.unpolled).toContain(`${input.queues!.compute} (activities)`);
    const text = await runCli(['status', input.runId], env);
    expect(text.stdout).toMatch(/workers {3}none live/);
    expect(text.stdout).toContain(`waiting   no live worker polls ${input.queues!.io} (workflows)`);
    expect(text.stdout).toContain('`aicarbon run` with the same inputs resumes it');

    const worker = workerProcess(f);
    children.push(worker);
    const done = await waiting.done;
    worker.kill('SIGTERM');
    await exited(worker);
    // One estimation could not be computed: exit 3, and the summary says so.
    expect(done.code, done.stderr).toBe(3);
    expect(done.stdout.split('\n')[0]).toBe(input.runId);
    expect(done.stdout).toContain('1 of 2 estimations done, 1 failed');
    expect(done.stdout).toMatch(/t\/\(2\): .*collinear/);

    // Finished, and no worker anywhere: the memo and the store answer.
    const finished = await runCli(['status', input.runId], env);
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stderr).toBe('');
    expect(finished.stdout).toContain(`${input.runId}  completed, stage done`);
    expect(finished.stdout).toMatch(/steps {5}\d+ of \d+ done, 1 failed/);
    expect(finished.stdout).toMatch(/stages {4}ingest \d+:\d\d · assemble/);
    expect(finished.stdout).toMatch(/t\/\(2\): .*collinear/);
    const json = JSON.parse((await runCli(['status', input.runId, '--json'], env)).stdout);
    expect(json).toMatchObject({ state: 'completed', stage: 'done', failedSteps: [{ stepId: 't/(2)' }] });
    expect(json.stepsDone).toBe(json.stepsTotal);
    expect(Object.keys(json.stages)).toEqual(['ingest', 'assemble', 'indicators', 'estimate', 'publish']);
  }, 600_000);

  it('refresh --wait on a bad cell names the file, line and cell, exits 2; status shows the failure', async () => {
    const { f } = ctx;
    const env = cliEnv(f);
    const inputs = await mkdtemp(join(tmpdir(), 'bad-inputs-'));
    await cp(f.config.inputsDir, inputs, { recursive: true });
    await writeFile(
      join(inputs, 'synthetic', 'pollution_investment.csv'),
      'province,year,pollution_investment\nBJ,2011,78706\nTJ,2011,about 70k\n',
    );
    const worker = workerProcess(f);
    children.push(worker);
    const r = await runCli(['refresh', '--wait', '--inputs', inputs], env);
    worker.kill('SIGTERM');
    await exited(worker);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      'failed: ingest: synthetic/pollution_investment.csv line 3, column "pollution_investment": "about 70k" is not a number',
    );
    const runId = r.stdout.trim();
    const s = await runCli(['status', runId], env);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain(`${runId}  failed`);
    expect(s.stdout).toContain('error     ingest: synthetic/pollution_investment.csv line 3');
  }, 300_000);

  it('status of an unknown run exits 2 naming it', async () => {
    const r = await runCli(['status', 'refresh-nope'], cliEnv(ctx.f));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no refresh refresh-nope on Temporal at');
    expect(r.stdout).toBe('');
  });

  it('schedule: checks before creating, keeps a pause across updates, --unpause resumes, --describe shows it', async () => {
    const env = cliEnv(ctx.f);
    const id = ['--id', 'ops-yearly'];
    const missing = await runCli(['schedule', ...id, '--inputs', '/nonexistent-inputs'], env);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toContain('/nonexistent-inputs');
    const bogus = await runCli(['schedule', ...id, '--cron', 'bogus'], env);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('expected 5 fields');
    const none = await runCli(['schedule', ...id, '--describe'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no schedule ops-yearly');

    const created = await runCli(['schedule', ...id, '--paused'], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('ops-yearly  paused');
    const updated = await runCli(['schedule', ...id, '--cron', '0 4 1 3 *'], env);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stderr).toContain('paused as before (--unpause to resume it)');
    const described = await runCli(['schedule', ...id, '--describe', '--json'], env);
    expect(JSON.parse(described.stdout)).toMatchObject({ state: 'paused', cron: ['0 4 1 3 *'] });
    const resumed = await runCli(['schedule', ...id, '--unpause'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse((await runCli(['schedule', ...id, '--describe', '--json'], env)).stdout);
    expect(after.state).toBe('active');
    expect(after.nextActionTimes.length).toBeGreaterThan(0);
    const both = await runCli(['schedule', ...id, '--paused', '--unpause'], env);
    expect(both.code).toBe(2);
  }, 300_000);
});
