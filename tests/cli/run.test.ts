import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../common/config';
import { describe, expect, it } from 'vitest';
import { estimatorPool } from '../../activities/estimator-pool';
import { loadEstimations } from '../../store/estimations';
import { runCli, startCli } from '../helpers/cli';
import { cliEnv, planRefreshFor, usePipeline, waitFor } from '../helpers/pipeline';
import { startedInput } from '../helpers/temporal';
import { refreshWorkflowId } from '../../workflows/types';

describe('aicarbon --help', () => {
  it('documents every command', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['run', 'worker', 'refresh', 'status', 'schedule', 'estimate', 'explain', 'diff']) {
      expect(top.stdout).toContain(cmd);
      const help = await runCli([cmd, '--help']);
      expect(help.code, cmd).toBe(0);
      expect(help.stdout).toMatch(/^Usage: aicarbon /);
    }
  });
});

describe('aicarbon run: bad configuration fails fast and names it', () => {
  it('a study file with a typo, before any work starts', async () => {
    const study = JSON.parse(await readFile(join(PROJECT_ROOT, 'study', 'default-study.json'), 'utf8'));
    study.tables[1].columns[0].spec.vce = 'clustr';
    const path = join(await mkdtemp(join(tmpdir(), 'typo-')), 'study.json');
    await writeFile(path, JSON.stringify(study));
    // An unreachable cluster: reaching it would be "work"; the study must be refused first.
    const r = await runCli(['run', '--study', path], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}: tables[1].columns[0].spec.vce:`);
    expect(r.stderr).not.toContain('Cannot reach Temporal');
  });

  it('an estimator typo and an option its estimator cannot honour, before any work starts', async () => {
    const study = JSON.parse(await readFile(join(PROJECT_ROOT, 'study', 'default-study.json'), 'utf8'));
    const dir = await mkdtemp(join(tmpdir(), 'typo-'));
    const typo = structuredClone(study);
    typo.tables[1].columns[2].spec.estimator = 'fee';
    const unsupported = structuredClone(study);
    unsupported.tables[9].columns[0].spec.vce = 'cluster';
    for (const [name, s, message] of [
      ['typo.json', typo, "tables[1].columns[2].spec.estimator: unknown estimator 'fee'"],
      [
        'vce.json',
        unsupported,
        'tables[9].columns[0].spec.vce: estimator "sdm" does not support vce "cluster" (supported: conventional)',
      ],
    ] as const) {
      const path = join(dir, name);
      await writeFile(path, JSON.stringify(s));
      const r = await runCli(['run', '--study', path], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${path}: ${message}`);
      expect(r.stderr).not.toContain('Cannot reach Temporal');
    }
  });

  it('an unreachable TEMPORAL_ADDRESS', async () => {
    const r = await runCli(['run'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    // A configuration mistake (README: exit 2), said at once rather than retried for ever.
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/Cannot reach Temporal at 127\.0\.0\.1:1/);
  });
});

describe('aicarbon run against a cluster', () => {
  const ctx = usePipeline();

  it('an unreachable DATABASE_URL fails before anything starts, naming the URL without its password', async () => {
    const { env, f } = ctx;
    const r = await runCli(['run'], {
      TEMPORAL_ADDRESS: f.address,
      DATABASE_URL: 'postgres://me:secret@127.0.0.1:1/none',
      AICARBON_OUT_DIR: f.config.outDir,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('Cannot reach PostgreSQL at DATABASE_URL=postgres://me:***@127.0.0.1:1/none');
    expect(r.stderr).not.toContain('secret');
    const input = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: f.config.inputsDir });
    await expect(env.client.workflow.getHandle(refreshWorkflowId(input)).describe()).rejects.toThrow();
  });

  it('a second run while one is in progress attaches to it; a third reports it completed', async () => {
    const { env, f } = ctx;
    const vars = cliEnv(f);
    const input = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: f.config.inputsDir });
    const workflowId = refreshWorkflowId(input);
    const a = startCli(['run', '--json'], vars);
    await waitFor(
      async () =>
        (await env.client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING'
          ? true
          : undefined,
      120_000,
      'the first run to start its refresh',
    );
    const b = await runCli(['run', '--json'], vars);
    const first = await a.done;
    // 0: every estimation of the default study is computed from the sample inputs.
    expect(first.code, first.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(first.code);
    // The first run's worker is live: the second only follows (no second worker).
    expect(b.stderr).toContain(`Refresh ${input.runId} is already running: following it (worker `);
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(first.stdout));
    // The run worked the refresh in its own process: the estimate stage got one lane per estimator
    // thread of that process (no --concurrency given), not the default 4.
    const pool = estimatorPool();
    const stageInput = await startedInput<{ concurrency: number }>(env.client, `${workflowId}/estimate`);
    expect(stageInput.concurrency).toBe(pool.threads);
    expect(pool.threads).toBeLessThan(4);
    await pool.destroy();

    const c = await runCli(['run'], vars);
    expect(c.code).toBe(first.code);
    expect(c.stderr).toContain('already completed for these inputs');
    // One summary, not the JSON: estimations, the report, the workbook, the folder.
    expect(c.stdout).toMatch(/^Refresh \S+ done in \d+:\d\d: (\d+) of \1 estimations done;/);
    // Its progress line gives the time the refresh took, as the summary does, not the time since it began.
    const took = /done in (\d+:\d\d)/.exec(c.stdout)![1];
    expect(c.stderr).toMatch(new RegExp(`stage done \\(\\d+ of \\d+ steps, ${took}\\)`));
    expect(c.stdout).toMatch(/report {4}.*report\.html/);
    expect(c.stdout).toMatch(/workbook {2}.*\.xlsx/);
    expect(c.stdout).not.toContain('{');

    let executions = 0;
    for await (const _ of env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) executions++;
    expect(executions).toBe(1);
    expect((await loadEstimations(f.db, input.runId)).length).toBeGreaterThan(0);
  }, 240_000);
});
