/**
 * Small, serialisable inputs and outputs of the workflows: ids and hashes, never data tables. A
 * refresh's input and its steps are what the plan activity makes (activities/plan.ts).
 */
import type { PlannedStep, RefreshInput } from '../activities/plan';

export type { PlannedStep, RefreshInput };

/**
 * The workflow id of a refresh: its run id at its deployment, so the same inputs refreshed into two
 * stores are two refreshes (older refreshes, without queues in their input, are their run id).
 */
export function refreshWorkflowId(input: Pick<RefreshInput, 'runId' | 'queues'>): string {
  return input.queues ? `${input.runId}@${input.queues.deployment}` : input.runId;
}

export interface RefreshResult {
  runId: string;
  files: number;
  observations: number;
  assembledHash: string;
  indicatorsHash: string;
  estimations: number;
  /** Steps that could not be estimated from the data, with the reason. */
  failedSteps: { stepId: string; error: string }[];
  published: string[];
  /** Cells two sources disagreed on (listed in the store's `conflicts` table and the report). */
  conflicts?: number;
  /** The first conflicts as text (assembly/conflict-text.ts), printed at the end of the run. */
  conflictLines?: string[];
  /** What the inputs did that a person should know: repeated manifest entries, repeated records. */
  notes?: string[];
  /** When each stage began and ended (workflow time). */
  stages?: Partial<Record<string, { start: string; end?: string }>>;
}

export interface EstimateStageInput {
  runId: string;
  studyPath: string;
  indicatorsHash: string;
  steps: PlannedStep[];
  concurrency: number;
  parentWorkflowId?: string;
  /** The compute queue of the refresh's deployment (absent: the shared queue of older refreshes). */
  computeQueue?: string;
  /** A forced rerun: results stored before this instant are estimated again (store/snapshots.ts). */
  storedSince?: string;
}
