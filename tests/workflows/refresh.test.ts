import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { refreshWorkflowId } from '../../workflows/types';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { triggerRefresh } from '../../cli/trigger';
import { loadEstimations } from '../../store/estimations';
import { loadStudy } from '../../study';
import { getRun } from '../../store/runs';
import { STAGE, STUDY } from '../../temporal/search-attributes';
import { progressQuery } from '../../workflows/progress';
import { runCli } from '../helpers/cli';
import { cliEnv, usePipeline, waitFor, planRefreshFor } from '../helpers/pipeline';

describe('refreshWorkflow on the bundled sample inputs', () => {
  const ctx = usePipeline({ workers: true });

  it('runs every stage, stores the results, publishes files, and never runs the same refresh twice', async () => {
    const { env, f } = ctx;
    const input = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: f.config.inputsDir });
    const first = await triggerRefresh(env.client, input);
    expect(first.outcome).toBe('started');
    const result = await first.handle.result();

    expect(result.files).toBeGreaterThan(0);
    expect(result.observations).toBeGreaterThan(1000);
    const stored = await loadEstimations(f.db, input.runId);
    // The default study on the sample inputs: every column of every table is estimated.
    expect(result.failedSteps).toEqual([]);
    expect(stored).toHaveLength(result.estimations);
    const study = loadStudy(f.config.studyPath);
    expect(stored.map((s) => s.stepId).sort()).toEqual(
      study.tables.flatMap((t) => t.columns.map((c) => `${t.id}/${c.id}`)).sort(),
    );
    const t34 = stored.find((s) => s.stepId === 'table3/(4)');
    expect(t34, 'Table 3 column (4) is stored').toBeDefined();
    expect(t34!.result.estimator).toBe('fe');
    expect(t34!.result.nobs).toBeGreaterThanOrEqual(300);
    expect(t34!.result.coefficients.map((c) => c.term)).toEqual(
      expect.arrayContaining(['AIT', 'ED', 'ER', 'ECS', 'WF', 'OPEN', '_cons']),
    );
    for (const c of t34!.result.coefficients) expect(Number.isFinite(c.std_error)).toBe(true);
    // e(sample): every estimation's used province-years, stored with it, number its N.
    const used = await f.db.query<{ step_id: string; used: number }>(
      `SELECT step_id, count(*) FILTER (WHERE used)::int AS used FROM analyst_sample WHERE run_id = $1
       GROUP BY step_id`,
      [input.runId],
    );
    expect(Object.fromEntries(used.map((u) => [u.step_id, u.used]))).toEqual(
      Object.fromEntries(stored.map((s) => [s.stepId, s.result.nobs])),
    );

    for (const file of result.published) expect(existsSync(file), file).toBe(true);
    expect((await getRun(f.db, input.runId))?.status).toBe('completed');

    const progress = await first.handle.query(progressQuery);
    expect(progress).toMatchObject({ stage: 'done', stepsDone: progress.stepsTotal });
    const description = await first.handle.describe();
    expect(description.typedSearchAttributes.get(STAGE)).toBe('done');
    expect(description.typedSearchAttributes.get(STUDY)).toBe(input.studyId);

    const second = await triggerRefresh(env.client, input);
    expect(second.outcome).toBe('already-completed');
    let executions = 0;
    for await (const _ of env.client.workflow.list({ query: `WorkflowId = "${refreshWorkflowId(input)}"` }))
      executions++;
    expect(executions).toBe(1);

    const status = await runCli(['status', input.runId, '--json'], cliEnv(f));
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      runId: input.runId,
      state: 'completed',
      stage: 'done',
    });

    const t34coefs = await f.db.query<{ term: string; estimate: number; stars: string }>(
      `SELECT term, estimate, stars FROM analyst_coefficients WHERE run_id = $1 AND table_id = 'table3' AND column_id = '(4)'
       ORDER BY position`,
      [input.runId],
    );
    expect(t34coefs.map((r) => r.term)).toEqual(t34!.result.coefficients.map((c) => c.term));
    expect(t34coefs[0].estimate).toBe(t34!.result.coefficients[0].estimate);
    const coverage = await f.db.query<{ variable: string; observed: number; missing: number }>(
      `SELECT variable, observed, missing FROM analyst_coverage WHERE run_id = $1 AND variable = 'co2_inventory'`,
      [input.runId],
    );
    // CEADs covers 2011–2019: 30 × 9 observed, 2020–2021 missing (CO2 is extended by the other inventory).
    expect(coverage).toEqual([{ variable: 'co2_inventory', observed: 270, missing: 60 }]);
    // The study variables after the indicator step: MAR carried to 2020–2021 by its trend, none missing.
    const mar = await f.db.query<{ extrapolated: number; missing: number }>(
      `SELECT extrapolated, missing FROM analyst_coverage WHERE run_id = $1 AND stage = 'study' AND variable = 'MAR'`,
      [input.runId],
    );
    expect(mar).toEqual([{ extrapolated: 60, missing: 0 }]);
    const t9 = await f.db.query<{ column_id: string; rests_on_synthetic: boolean; filled_variables: string }>(
      `SELECT column_id, rests_on_synthetic, filled_variables FROM analyst_columns
       WHERE run_id = $1 AND table_id = 'table9' AND column_id = '(3)'`,
      [input.runId],
    );
    expect(t9[0].rests_on_synthetic).toBe(true); // AIT rests on the synthetic AI-patent export
    expect(t9[0].filled_variables).toMatch(/MAR \(60 extrapolated of 330/);
    // The notes count filled values over the rows each estimation used: a lag or GMM column's N, not
    // the 330 rows of its subset before lags.
    const filled = await f.db.query<{ step: string; nobs: number; filled_variables: string }>(
      `SELECT table_id || '/' || column_id AS step, nobs, filled_variables FROM analyst_columns
       WHERE run_id = $1 AND filled_variables IS NOT NULL`,
      [input.runId],
    );
    expect(filled.find((c) => c.step === 'table4/(3)')!.nobs).toBeLessThan(330);
    for (const c of filled)
      for (const [, of] of c.filled_variables.matchAll(/ of (\d+)\)/g))
        expect(Number(of), c.step).toBe(c.nobs);
    // The README's SQL, pasted into psql as written, against this run.
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const sql = /```sql\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Results in PostgreSQL')))![1];
    const psql = execFileSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', f.databaseUrl], {
      input: sql,
      encoding: 'utf8',
    });
    expect(psql).toMatch(/^ AIT\s+\|/m);
    const steps = await f.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM analyst_steps WHERE run_id = $1 GROUP BY status ORDER BY status`,
      [input.runId],
    );
    expect(steps.reduce((n, r) => n + r.n, 0)).toBe(result.estimations);

    const db = { DATABASE_URL: f.databaseUrl };
    const chain = await runCli(
      ['explain', '--run', input.runId, '--province', 'GD', '--year', '2019', '--variable', 'CI'],
      db,
    );
    expect(chain.code, chain.stderr).toBe(0);
    expect(chain.stdout).toMatch(/^CI\|GD\/2019 = /);
    expect(chain.stdout).toContain(
      'real/ceads/Emission_Inventories_for_30_Provinces_2019.xlsx ! Guangdong2019 ! W4',
    );
    const same = await runCli(['diff', input.runId, input.runId], db);
    expect(same.stderr).toContain('0 changed quantities, 0 with changed significance stars');
    const unknown = await runCli(['diff', input.runId, 'no-such-run'], db);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no stored estimations for run no-such-run');

    if (process.env.RECORD_HISTORY) {
      const dir = join(import.meta.dirname, '..', 'fixtures', 'histories');
      await mkdir(dir, { recursive: true });
      const history = await first.handle.fetchHistory();
      await writeFile(join(dir, 'refresh.json'), historyToJSON(history));
    }
  }, 180_000);

  it('schedules the yearly refresh; a firing on unchanged inputs starts nothing new', async () => {
    const { env, f } = ctx;
    const vars = cliEnv(f);
    const created = await runCli(
      ['schedule', '--id', 'test-yearly', '--cron', '0 3 1 3 *', '--paused'],
      vars,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain('Schedule test-yearly created');
    const updated = await runCli(
      ['schedule', '--id', 'test-yearly', '--cron', '0 4 1 3 *', '--paused'],
      vars,
    );
    expect(updated.stderr).toContain('Schedule test-yearly updated');
    const schedule = env.client.schedule.getHandle('test-yearly');
    expect((await schedule.describe()).spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 4, end: 4, step: 1 }],
    });

    await schedule.trigger();
    const fired = await waitFor(
      async () => {
        for await (const w of env.client.workflow.list({
          query: `WorkflowType = "scheduledRefreshWorkflow"`,
        })) {
          if (w.status.name === 'COMPLETED') return w;
        }
        return undefined;
      },
      60_000,
      'the scheduled workflow to complete',
    );
    const result = await env.client.workflow.getHandle(fired.workflowId, fired.runId).result();
    const input = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: f.config.inputsDir });
    expect(result).toEqual({ runId: input.runId, started: false, reason: 'nothing changed' });
    await schedule.delete();
  }, 120_000);
});
