/**
 * What the yearly Temporal Schedule starts: look at the inputs as they are now, and start the refresh
 * they name — unless that exact refresh (same study, same input bytes) already ran, in which case there
 * is nothing new to do.
 */
import { ParentClosePolicy, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import { ioOptions } from './activity-options';
import { refreshWorkflow } from './refresh';

const io = proxyActivities<Activities>(ioOptions);

export async function scheduledRefreshWorkflow(args: {
  studyPath: string;
  inputsDir: string;
}): Promise<{ runId: string; started: boolean }> {
  const input = await io.planRefresh(args);
  try {
    await startChild(refreshWorkflow, {
      workflowId: input.runId,
      taskQueue: workflowInfo().taskQueue,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `Scheduled refresh of **${input.studyId}**, vintage ${input.vintage}`,
    });
    return { runId: input.runId, started: true };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return { runId: input.runId, started: false };
    throw e;
  }
}
