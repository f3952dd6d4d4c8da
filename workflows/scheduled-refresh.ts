/**
 * What the yearly Temporal Schedule starts: look at the inputs and the code as they are now, and start
 * the refresh they name (its id carries the inputs' hash and the code version) — unless that exact
 * refresh already completed and its results are in the store, in which case it records "nothing
 * changed". A new refresh reuses every step whose content key is stored and computes only the rest.
 */
import {
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { IoActivities } from '../activities';
import { ioOptions } from './activity-options';
import { refreshWorkflow } from './refresh';
import { refreshWorkflowId } from './types';

export interface ScheduledRefreshResult {
  runId: string;
  started: boolean;
  /** Why nothing was started: the same inputs and code completed before, or that refresh is running. */
  reason?: 'nothing changed' | 'already running';
}

export async function scheduledRefreshWorkflow(args: {
  studyPath: string;
  inputsDir: string;
}): Promise<ScheduledRefreshResult> {
  // The schedule starts this on its deployment's io queue; the plan names that deployment's queues.
  const io = proxyActivities<IoActivities>(ioOptions(workflowInfo().taskQueue));
  const input = await io.planRefresh(args);
  // A refresh completed in Temporal whose results are not in the store (a new, empty database) is
  // not current: it runs again. (Firings recorded before this check keep their history.)
  const stored = patched('scheduled-refresh-checks-store')
    ? await io.storedRunStatus(input.runId)
    : undefined;
  try {
    await startChild(refreshWorkflow, {
      workflowId: refreshWorkflowId(input),
      taskQueue: workflowInfo().taskQueue,
      args: [input],
      workflowIdReusePolicy:
        stored === undefined || stored === 'completed' ? 'ALLOW_DUPLICATE_FAILED_ONLY' : 'ALLOW_DUPLICATE',
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `Scheduled refresh of **${input.studyId}**, vintage ${input.vintage}`,
    });
    return { runId: input.runId, started: true };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) {
      const reason = stored === 'running' ? 'already running' : 'nothing changed';
      if (stored !== undefined)
        setCurrentDetails(`**${reason}**: inputs and code as in ${input.runId} (${input.studyId})`);
      return { runId: input.runId, started: false, ...(stored !== undefined ? { reason } : {}) };
    }
    throw e;
  }
}
