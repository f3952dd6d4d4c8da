/**
 * The estimate stage: the study's estimations in batches, one activity per batch on the compute queue,
 * a bounded number in flight. A batch is sized so that each lane gets about two (a study's columns take
 * milliseconds each, less than a task's round trip through the server), and stores each result as soon
 * as it is computed, so a crash loses at most the step in flight, and a retry or a replay does not
 * recompute finished ones. First, one task links every result already stored under its step's content
 * key (any earlier run's; the early cut-off keys a step on the columns it reads), so only the outdated
 * steps go through batches, each estimating its steps without a second lookup. The parent is told which
 * steps are in flight as each batch starts, and which are done in one signal per batch (and one for the
 * linked results, sent as the first batches start); no lane waits for a signal's round trip.
 */
import {
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
} from '@temporalio/workflow';
import type { ComputeActivities } from '../activities';
import type { StepOutcome } from '../activities/estimate';
import { LEGACY_COMPUTE_QUEUE } from '../temporal/task-queues';
import { computeOptions } from './activity-options';
import { batchLabel, stepLabel } from './step-labels';
import {
  progressQuery,
  stepDoneSignal,
  stepsDoneSignal,
  stepsInFlightSignal,
  type Progress,
} from './progress';
import type { EstimateStageInput, PlannedStep } from './types';

export async function estimateStageWorkflow(
  input: EstimateStageInput,
): Promise<{ done: string[]; failed: { stepId: string; error: string }[] }> {
  const options = computeOptions(input.computeQueue ?? LEGACY_COMPUTE_QUEUE);
  const compute = proxyActivities<ComputeActivities>(options);
  const progress: Progress = {
    runId: input.runId,
    stage: 'estimate',
    stepsDone: 0,
    stepsTotal: input.steps.length,
    inFlight: [],
  };
  setHandler(progressQuery, () => progress);
  const parent = input.parentWorkflowId ? getExternalWorkflowHandle(input.parentWorkflowId) : undefined;

  const done: string[] = [];
  const failed: { stepId: string; error: string }[] = [];
  const args = {
    runId: input.runId,
    studyPath: input.studyPath,
    indicatorsHash: input.indicatorsHash,
    ...(input.storedSince ? { storedSince: input.storedSince } : {}),
  };
  const record = (outcome: StepOutcome) => {
    const error = 'failed' in outcome && outcome.failed ? outcome.failed : undefined;
    done.push(outcome.stepId);
    if (error) failed.push({ stepId: outcome.stepId, error });
    progress.stepsDone = done.length;
    progress.failedSteps = failed.length;
    progress.current = outcome.stepId;
    progress.inFlight = progress.inFlight!.filter((s) => s !== outcome.stepId);
    return { stepId: outcome.stepId, ...(error !== undefined ? { error } : {}) };
  };
  // Refreshes started before these replay as they ran: one signal to the parent per step, and every
  // step through a batch.
  const signalsPerBatch = patched('signals-per-batch');
  let steps = input.steps;
  let toldLinked: Promise<void> | undefined;
  let lookedUp = false;
  if (patched('link-stored-first')) {
    // Results stored under their keys (by any run) are linked in one task; only the rest is batched.
    const linked = await compute.linkStoredSteps.executeWithOptions(
      { ...options, summary: `link the stored results of ${input.steps.length} estimations` },
      [{ ...args, stepIds: input.steps.map((s) => s.stepId) }],
    );
    const reused = new Set(linked.map((o) => o.stepId));
    steps = input.steps.filter((s) => !reused.has(s.stepId));
    // The parent hears of them while the first batches start (refreshes started before this told it
    // first, then scheduled the batches).
    if (linked.length) {
      const told = parent?.signal(stepsDoneSignal, linked.map(record));
      if (patched('tell-linked-alongside')) {
        told?.catch(() => undefined); // seen at the end of the stage, never as an unhandled rejection
        toldLinked = told;
      } else await told;
    }
    // The batches then estimate without looking each step up again (refreshes started before this
    // patch replay their batches' inputs as they were).
    lookedUp = patched('batches-after-lookup');
  }

  // Refreshes started before batching keep one activity per step on replay.
  const lanes = Math.max(1, Math.min(input.concurrency, steps.length));
  const size = patched('estimate-in-batches') ? Math.max(1, Math.ceil(steps.length / (2 * lanes))) : 1;
  const tellsInFlight = patched('steps-in-flight');
  // The parent is told without the lane waiting for each signal's round trip: a batch is scheduled
  // in the same workflow task as its in-flight signal, and the next batch does not wait for the last
  // one's done signal (all are awaited at the end). Refreshes started before this replay as they ran.
  const tellsAlongside = patched('signals-alongside');
  const telling: Promise<void>[] = [];
  const tell = async (signal: Promise<void> | undefined) => {
    if (!signal) return;
    if (!tellsAlongside) return signal;
    // Seen at the end of the stage (a parent gone fails it there), never as an unhandled rejection.
    signal.catch(() => undefined);
    telling.push(signal);
  };
  const queue: PlannedStep[][] = [];
  for (let i = 0; i < steps.length; i += size) queue.push(steps.slice(i, i + size));
  const details = () =>
    setCurrentDetails(
      `${done.length} of ${input.steps.length} estimations done` +
        (failed.length ? ` · ${failed.length} could not be estimated` : '') +
        (progress.inFlight?.length ? `\n\nin flight: ${progress.inFlight.join(', ')}` : ''),
    );
  const lane = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      const first = batch[0];
      const ids = batch.map((s) => s.stepId);
      progress.inFlight = [...(progress.inFlight ?? []), ...ids];
      details();
      if (tellsInFlight) await tell(parent?.signal(stepsInFlightSignal, ids));
      const outcomes =
        size === 1
          ? [
              await compute.estimateStep.executeWithOptions({ ...options, summary: stepLabel(first) }, [
                { ...args, stepId: first.stepId },
              ]),
            ]
          : await compute.estimateSteps.executeWithOptions({ ...options, summary: batchLabel(batch) }, [
              { ...args, stepIds: ids, ...(lookedUp ? { lookedUp } : {}) },
            ]);
      if (signalsPerBatch) {
        const told = outcomes.map(record);
        details();
        await tell(parent?.signal(stepsDoneSignal, told));
      } else
        for (const outcome of outcomes) {
          const { error } = record(outcome);
          details();
          await parent?.signal(stepDoneSignal, outcome.stepId, Boolean(error), ...(error ? [error] : []));
        }
    }
  };
  if (steps.length) await Promise.all(Array.from({ length: lanes }, lane));
  await toldLinked;
  await Promise.all(telling);
  return { done, failed };
}
