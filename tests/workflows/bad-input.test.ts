/**
 * Bad input fails the refresh at once (no retries), with a message naming the file and the cell, and
 * stores nothing of the bad file; the run is recorded as failed.
 */
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { refreshWorkflowId } from '../../workflows/types';
import { describe, expect, it } from 'vitest';
import { triggerRefresh } from '../../cli/trigger';
import { getRun } from '../../store/runs';
import { loadEstimationFailures, loadEstimations } from '../../store/estimations';
import { progressQuery } from '../../workflows/progress';
import { usePipeline, planRefreshFor } from '../helpers/pipeline';

describe('a refresh with bad input', () => {
  const ctx = usePipeline({ workers: true });

  it('fails without retrying, naming the file and cell, and stores none of that file', async () => {
    const { env, f } = ctx;
    const inputs = await mkdtemp(join(tmpdir(), 'bad-inputs-'));
    await cp(f.config.inputsDir, inputs, { recursive: true });
    const bad = join(inputs, 'synthetic', 'pollution_investment.csv');
    await writeFile(bad, 'province,year,pollution_investment\nBJ,2011,78706\nTJ,2011,about 70k\n');
    const input = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: inputs });
    const started = Date.now();
    const { handle } = await triggerRefresh(env.client, input);
    const failure = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause?.message).toBe(
      'Refresh failed in stage ingest: synthetic/pollution_investment.csv line 3, column "pollution_investment": "about 70k" is not a number (expected e.g. 1234.5 or 1,234.5; … or - for missing)',
    );
    // Retrying would take at least the first backoff (1 s) per attempt; one attempt is much faster.
    const history = await handle.fetchHistory();
    const failedAttempts = history.events!.filter((e) => e.activityTaskFailedEventAttributes).length;
    expect(failedAttempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(60_000);
    const run = await getRun(f.db, input.runId);
    expect(run).toMatchObject({ status: 'failed' });
    expect(run?.error).toContain('pollution_investment.csv line 3');
    const stored = await f.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM source_files WHERE name = 'synthetic/pollution_investment.csv'`,
    );
    expect(stored[0].n).toBe(0);
  });

  it('records a singular design as a failed column on its first attempt and completes the others', async () => {
    const { env, f } = ctx;
    const dir = await mkdtemp(join(tmpdir(), 'study-'));
    const studyPath = join(dir, 'study.json');
    await writeFile(
      studyPath,
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
              // D.AIT = AIT − L.AIT: the design is singular, which only the data can show.
              { id: '(2)', spec: { estimator: 'vif', y: 'CI', x: ['AIT', 'L.AIT', 'D.AIT'] } },
            ],
          },
        ],
      }),
    );
    const input = await planRefreshFor(f, { studyPath, inputsDir: f.config.inputsDir });
    const { handle } = await triggerRefresh(env.client, input);
    const result = await handle.result();
    expect(result.failedSteps).toHaveLength(1);
    expect(result.failedSteps[0].stepId).toBe('t/(2)');
    expect(result.failedSteps[0].error).toMatch(/D\.AIT is collinear with AIT, L\.AIT/);
    // Recorded where it arose: no activity of the estimate stage failed or was retried.
    const stage = await env.client.workflow.getHandle(`${refreshWorkflowId(input)}/estimate`).fetchHistory();
    const events = stage.events ?? [];
    expect(events.filter((e) => e.activityTaskFailedEventAttributes)).toHaveLength(0);
    const attempts = events.flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : [],
    );
    // One task looking up stored results, then one batch per column, each on its first attempt.
    expect(attempts).toEqual([1, 1, 1]);
    expect((await loadEstimations(f.db, input.runId)).map((s) => s.stepId)).toEqual(['t/(1)']);
    expect((await loadEstimationFailures(f.db, input.runId)).map((s) => s.stepId)).toEqual(['t/(2)']);
    expect(await handle.query(progressQuery)).toMatchObject({ stage: 'done', failedSteps: 1 });
  });
});
