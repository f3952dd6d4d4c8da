/**
 * What an operator (CLI progress bar, `aicarbon status`, Web UI query tab and memo) can ask a refresh.
 * The same `Progress` answers the `progress` query while a worker runs and is kept in the workflow's
 * memo (key `progress`), so a finished or unattended run's progress is readable without any worker.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const STAGES = ['ingest', 'assemble', 'indicators', 'estimate', 'publish'] as const;
export type Stage = (typeof STAGES)[number] | 'done' | 'failed';

export interface Progress {
  runId: string;
  stage: Stage;
  /** Steps of the whole run: one per input file, assemble, indicators, one per estimation, publish. */
  stepsDone: number;
  stepsTotal: number;
  /** Estimations the data could not support (reported, not fatal). */
  failedSteps?: number;
  /** The last finished step, e.g. `table3/(4)`. */
  current?: string;
  /** The steps being worked on now (files being ingested, estimations in flight). */
  inFlight?: string[];
  /** When each stage began and ended (workflow time, ISO 8601). */
  stages?: Partial<Record<(typeof STAGES)[number], { start: string; end?: string }>>;
  /** The estimations that could not be computed, with the reason (the first 40). */
  failed?: { stepId: string; error: string }[];
  /** Why the refresh failed: the stage, the root cause, and whether it was bad input. */
  error?: string;
  errorKind?: 'input' | 'fault';
}

export const PROGRESS_MEMO = 'progress';

export const progressQuery = defineQuery<Progress>('progress');

/** The estimate stage (a child workflow) tells its parent each finished step (failed: with why). */
export const stepDoneSignal = defineSignal<[string, boolean?, string?]>('stepDone');

/** … or, in refreshes started since, the steps of a batch (or of the stored results it linked) at once. */
export const stepsDoneSignal = defineSignal<[{ stepId: string; error?: string }[]]>('stepsDone');

/** … and which steps it has in flight, as each batch starts. */
export const stepsInFlightSignal = defineSignal<[string[]]>('stepsInFlight');

/**
 * The steps in flight after an in-flight signal: the new ones added once, except those already told
 * done — the estimate stage does not wait for one signal before sending the next, so a batch's
 * in-flight signal may be delivered after its done signal.
 */
export function addInFlight(
  inFlight: readonly string[] | undefined,
  stepIds: readonly string[],
  done: ReadonlySet<string>,
): string[] {
  return [...new Set([...(inFlight ?? []), ...stepIds.filter((s) => !done.has(s))])];
}
