/**
 * Starting a refresh without ever running the same one twice: the workflow id is the run id (study +
 * vintage + inputs hash). A running refresh is attached to; a completed one is reported, and only
 * `--force` runs it again.
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { STAGE, STUDY, VINTAGE } from '../temporal/search-attributes';
import { IO_QUEUE } from '../temporal/task-queues';
import type { RefreshInput } from '../workflows/types';

export type TriggerOutcome = 'started' | 'attached-running' | 'already-completed';

/** Whether a refresh with this id is running, has completed, or does not exist (or failed). */
export async function refreshState(
  client: Client,
  workflowId: string,
): Promise<'running' | 'completed' | 'absent'> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    if (d.status.name === 'RUNNING') return 'running';
    return d.status.name === 'COMPLETED' ? 'completed' : 'absent';
  } catch {
    return 'absent';
  }
}

/** True when some worker polled the queue recently: otherwise an attached run would wait forever. */
export async function hasPollers(client: Client, namespace: string, taskQueue = IO_QUEUE): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: 1 },
    taskQueueType: 1,
  });
  return (response.pollers ?? []).length > 0;
}

export async function triggerRefresh(
  client: Client,
  input: RefreshInput,
  options: { force?: boolean } = {},
): Promise<{ handle: WorkflowHandle; outcome: TriggerOutcome }> {
  if ((await refreshState(client, input.runId)) === 'running') {
    return { handle: client.workflow.getHandle(input.runId), outcome: 'attached-running' };
  }
  try {
    const handle = await client.workflow.start('refreshWorkflow', {
      taskQueue: IO_QUEUE,
      workflowId: input.runId,
      args: [input],
      workflowIdReusePolicy: options.force ? 'ALLOW_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [
        { key: STUDY, value: input.studyId },
        { key: VINTAGE, value: input.vintage },
        { key: STAGE, value: 'queued' },
      ],
      staticSummary: `Refresh of study **${input.studyId}**, data vintage ${input.vintage}`,
      staticDetails: `inputs: ${input.inputsDir}\nstudy: ${input.studyPath}\ninputs hash: ${input.inputsHash}`,
    });
    return { handle, outcome: 'started' };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) {
      return { handle: client.workflow.getHandle(input.runId), outcome: 'already-completed' };
    }
    throw e;
  }
}
