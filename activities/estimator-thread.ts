/**
 * What one estimator-pool thread runs (activities/estimator-pool.ts starts it, one module per thread):
 * a step's pure compute — the Panel from the step's own rows, its weight matrix, `estimate()` — the
 * same calls the activity made on the main thread before, so the result is the same to the bit. No
 * store, no Temporal here: the activity keeps those on the main thread.
 *
 * A thrown error does not cross threads as itself (a structured clone of an Error keeps its message,
 * not its class nor `location`), so the thread catches it and replies with its kind (common/errors.ts)
 * and fields; the pool rebuilds it. `phase` says where it arose: only an estimator's DataError is
 * recorded as the step's failure (a panel that cannot be built fails as it did in the activity).
 */
import { performance } from 'node:perf_hooks';
import { isDataError, isInputError } from '../common/errors';
import { loadDistributions } from '../econometrics/distributions';
import { estimate } from '../econometrics/estimate';
import { rowsOfColumns } from '../econometrics/reads';
import type { EstimationResult } from '../econometrics/result';
import { Panel, type PanelRow } from '../panel';
import type { FromRowsOptions } from '../panel/panel';
// The weights alone, not the study's index: a thread never reads a study file (nor builds its schema).
import { weightsOption, type StudyWeights } from '../study/weights';
import { runWarmUp, type WarmUpTask } from './estimator-warm-up';
import { sharedRows, type SharedPanel } from './shared-panel';

// The estimators call them all; loaded with this module, while the thread waits for its first step.
loadDistributions();

export type EstimationTask = (
  | {
      /** The step's own rows: the index and the columns its key covers (the caller selects them). */
      rows: PanelRow[];
    }
  | {
      /** The whole indicator panel, in shared memory (activities/shared-panel.ts)… */
      shared: SharedPanel;
      /** …of which the step reads only these columns (the index and the columns its key covers). */
      columns: string[];
    }
) & {
  panel: FromRowsOptions;
  spec: unknown;
  /**
   * Read for the step's weight matrix (`weights` names one of `study.weights`): the study's matrices
   * and years only, the few hundred bytes a thread needs of it (the whole study took longer to post).
   */
  study: StudyWeights;
  weights?: string;
};

export interface CarriedError {
  kind: 'InputError' | 'DataError' | 'fault';
  phase: 'panel' | 'estimate';
  name: string;
  message: string;
  location?: string;
  stack?: string;
}

/** `ms`: the estimator's own time (weights and `estimate()`), as the activity measured it before. */
export type EstimationReply = { result: EstimationResult; ms: number } | { error: CarriedError };

export default function estimateInThread(task: EstimationTask): EstimationReply;
export default function estimateInThread(task: WarmUpTask): { warmedUp: number };
export default function estimateInThread(
  task: EstimationTask | WarmUpTask,
): EstimationReply | { warmedUp: number } {
  // The thread's warm-up (activities/estimator-warm-up.ts): synthetic steps until the pool says stop.
  if ('warmUp' in task) return { warmedUp: runWarmUp(task.warmUp) };
  let phase: CarriedError['phase'] = 'panel';
  try {
    const rows =
      'rows' in task ? task.rows : (rowsOfColumns(sharedRows(task.shared), task.columns) as PanelRow[]);
    const panel = Panel.fromRows(rows, task.panel);
    phase = 'estimate';
    const started = performance.now();
    const result = estimate(panel, task.spec, weightsOption(task.study, task.weights, rows));
    return { result, ms: performance.now() - started };
  } catch (e) {
    return { error: carried(e, phase) };
  }
}

function carried(e: unknown, phase: CarriedError['phase']): CarriedError {
  const kind = isDataError(e) ? 'DataError' : isInputError(e) ? 'InputError' : 'fault';
  if (!(e instanceof Error)) return { kind, phase, name: 'Error', message: String(e) };
  const location = (e as { location?: unknown }).location;
  return {
    kind,
    phase,
    name: e.name,
    message: e.message,
    location: typeof location === 'string' ? location : undefined,
    stack: e.stack,
  };
}
