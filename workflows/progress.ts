/** What an operator (CLI progress bar, Web UI query tab) can ask a running refresh. */
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
  /** The step being worked on, e.g. `table3/(4)`. */
  current?: string;
  error?: string;
}

export const progressQuery = defineQuery<Progress>('progress');

/** The estimate stage (a child workflow) tells its parent each finished step. */
export const stepDoneSignal = defineSignal<[string, boolean?]>('stepDone');
