/**
 * Scale-out: two worker processes on the same task queues share the estimate stage.
 */
import type { ChildProcess } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRefresh } from '../../activities/plan';
import { triggerRefresh } from '../../cli/trigger';
import { pipelineFixture, workerProcess, type PipelineFixture } from '../helpers/pipeline';
import { createDevServerEnv } from '../helpers/temporal';

describe('two workers', () => {
  let env: TestWorkflowEnvironment;
  let f: PipelineFixture;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    env = await createDevServerEnv();
    f = await pipelineFixture(env);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await f?.close();
    await env?.teardown();
  });

  it('spread the estimations across both processes', async () => {
    children.push(workerProcess(f), workerProcess(f, 'compute'));
    const planned = await planRefresh({ studyPath: f.config.studyPath, inputsDir: f.config.inputsDir });
    const { handle } = await triggerRefresh(env.client, { ...planned, estimateConcurrency: 8 });
    await handle.result();
    const history = await env.client.workflow.getHandle(`${planned.runId}/estimate`).fetchHistory();
    const identities = new Set(
      history
        .events!.map((e) => e.activityTaskStartedEventAttributes?.identity)
        .filter((i): i is string => Boolean(i)),
    );
    expect(identities.size).toBe(2);
  }, 240_000);
});
