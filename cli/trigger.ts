/**
 * Starting a refresh without ever running the same one twice: the workflow id is the run id (study +
 * vintage + inputs hash). A running refresh is attached to; a completed one is reported, and only
 * `--force` runs it again, computing every step anew (memoisation would otherwise link them all). The
 * refresh runs on the task queues its input names (its deployment's).
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { STAGE, STUDY, VINTAGE } from '../temporal/search-attributes';
import { refreshWorkflowId, type RefreshInput } from '../workflows/types';

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

export async function triggerRefresh(
  client: Client,
  input: RefreshInput,
  /** force: start it again when it completed; recompute: and compute every step again (`--force`). */
  options: { force?: boolean; recompute?: boolean } = {},
): Promise<{ handle: WorkflowHandle; outcome: TriggerOutcome }> {
  const workflowId = refreshWorkflowId(input);
  if ((await refreshState(client, workflowId)) === 'running') {
    return { handle: client.workflow.getHandle(workflowId), outcome: 'attached-running' };
  }
  if (!input.queues) throw new Error(`refresh ${input.runId}: no task queues in its input`);
  try {
    const handle = await client.workflow.start('refreshWorkflow', {
      taskQueue: input.queues.io,
      workflowId,
      args: [options.recompute ? { ...input, recompute: true } : input],
      workflowIdReusePolicy: options.force ? 'ALLOW_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [
        { key: STUDY, value: input.studyId },
        { key: VINTAGE, value: input.vintage },
        { key: STAGE, value: 'queued' },
      ],
      staticSummary: `Refresh of study **${input.studyId}**, data vintage ${input.vintage}`,
      staticDetails:
        `run id: ${input.runId}\ndeployment: ${input.queues.deployment}\ninputs: ${input.inputsDir}\n` +
        `study: ${input.studyPath}\ninputs hash: ${input.inputsHash}`,
    });
    return { handle, outcome: 'started' };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) {
      return { handle: client.workflow.getHandle(workflowId), outcome: 'already-completed' };
    }
    throw e;
  }
}
