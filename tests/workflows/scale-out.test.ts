/**
 * Scale-out: two worker processes on the same task queues share the estimate stage.
 */
import { refreshWorkflowId } from '../../workflows/types';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { triggerRefresh } from '../../cli/trigger';
import { usePipeline, workerProcess, planRefreshFor } from '../helpers/pipeline';

describe('two workers', () => {
  const ctx = usePipeline();
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  });

  it('spread the estimations across both processes', async () => {
    const { env, f } = ctx;
    children.push(workerProcess(f), workerProcess(f, 'compute'));
    const planned = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: f.config.inputsDir });
    const { handle } = await triggerRefresh(env.client, { ...planned, estimateConcurrency: 8 });
    await handle.result();
    const history = await env.client.workflow
      .getHandle(`${refreshWorkflowId(planned)}/estimate`)
      .fetchHistory();
    const identities = new Set(
      history
        .events!.map((e) => e.activityTaskStartedEventAttributes?.identity)
        .filter((i): i is string => Boolean(i)),
    );
    expect(identities.size).toBe(2);
  }, 240_000);
});
