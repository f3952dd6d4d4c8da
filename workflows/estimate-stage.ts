/**
 * The estimate stage: one activity per estimation of the study, on the compute queue, a bounded number
 * in flight. Each activity stores its own result when it finishes, so a crash loses at most the steps
 * in flight, and a replay after a crash does not recompute finished ones.
 */
import {
  getExternalWorkflowHandle,
  proxyActivities,
  setCurrentDetails,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { computeOptions } from './activity-options';
import { progressQuery, stepDoneSignal, type Progress } from './progress';
import type { EstimateStageInput, PlannedStep } from './types';

const compute = proxyActivities<Activities>(computeOptions);

export async function estimateStageWorkflow(
  input: EstimateStageInput,
): Promise<{ done: string[]; failed: { stepId: string; error: string }[] }> {
  const progress: Progress = {
    runId: input.runId,
    stage: 'estimate',
    stepsDone: 0,
    stepsTotal: input.steps.length,
  };
  setHandler(progressQuery, () => progress);
  const parent = input.parentWorkflowId ? getExternalWorkflowHandle(input.parentWorkflowId) : undefined;

  const queue: PlannedStep[] = [...input.steps];
  const done: string[] = [];
  const failed: { stepId: string; error: string }[] = [];
  const lane = async () => {
    for (let step = queue.shift(); step; step = queue.shift()) {
      const outcome = await compute.estimateStep.executeWithOptions(
        { ...computeOptions, summary: `${step.stepId}: ${step.estimator} (${step.sample})` },
        [
          {
            runId: input.runId,
            studyPath: input.studyPath,
            indicatorsHash: input.indicatorsHash,
            stepId: step.stepId,
          },
        ],
      );
      done.push(step.stepId);
      if ('failed' in outcome && outcome.failed) failed.push({ stepId: step.stepId, error: outcome.failed });
      progress.stepsDone = done.length;
      progress.failedSteps = failed.length;
      progress.current = step.stepId;
      setCurrentDetails(
        `${done.length}/${input.steps.length} estimations done` +
          (failed.length ? `, ${failed.length} could not be estimated` : '') +
          `; last: ${step.stepId}`,
      );
      await parent?.signal(stepDoneSignal, step.stepId, 'failed' in outcome && Boolean(outcome.failed));
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(input.concurrency, input.steps.length)) }, lane),
  );
  return { done, failed };
}
