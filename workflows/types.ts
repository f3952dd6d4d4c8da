/** Small, serialisable inputs and outputs of the workflows: ids and hashes, never data tables. */
export interface RefreshInput {
  /** Also the workflow id: `refresh-<study>-<vintage>-<inputs hash prefix>`. */
  runId: string;
  studyId: string;
  studyPath: string;
  inputsDir: string;
  vintage: string;
  inputsHash: string;
  /** Estimations in flight at once (default 4). */
  estimateConcurrency?: number;
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
}

export interface PlannedStep {
  stepId: string;
  tableId: string;
  columnId: string;
  estimator: string;
  sample: string;
}

export interface EstimateStageInput {
  runId: string;
  studyPath: string;
  indicatorsHash: string;
  steps: PlannedStep[];
  concurrency: number;
  parentWorkflowId?: string;
}
