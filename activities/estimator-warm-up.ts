/**
 * The estimators' warm-up: a thread that has just started runs the study's estimations once on a
 * synthetic panel of the study's shape, while its worker waits for work (a standing worker that has just
 * started), so that the first refresh's real steps find the estimators compiled and optimised.
 *
 * Why: V8 compiles a function as it first runs and optimises it only once it is hot. The first pass of
 * the sample study's 52 estimations in a fresh thread takes about 1.4 s. A second pass takes about
 * 0.75 s, and so does a first pass after this warm-up (median of 3 fresh processes each, load 2). That
 * pass is most of the estimate stage of a refresh after the worker started.
 *
 * What it runs: every step the plan names, with its own spec and weights, on rows of the study's shape.
 * The rows are the 30 provinces × the study's years. A `region` column gets each province's region, so
 * a regional sample keeps its rows. Every other column the step reads gets deterministic pseudo-random
 * values in [0.5, 1.5): positive, so a log stays finite, and independent draws, so no two columns are
 * collinear. The results are thrown
 * away, and so are errors (a synthetic panel may give an estimator nothing it can use). Estimators are
 * pure functions of their input, so a real step's result is the same after the warm-up as without it
 * (tests/activities/estimator-pool.test.ts).
 *
 * It gives way: the pool sets `stop` when the first real step arrives, and the thread checks it before
 * each synthetic step, so a real step waits at most for one synthetic step (tens of milliseconds). It
 * costs CPU, about as much as one cold pass, so only a worker with nothing else to do runs it
 * (activities/estimator-pool.ts says why `aicarbon run` does not).
 */
import { estimate } from '../econometrics/estimate';
import type { Spec } from '../econometrics/spec';
import { Panel, type PanelRow } from '../panel';
import type { FromRowsOptions } from '../panel/panel';
import { provinces } from '../regions/provinces';
import type { Study } from '../study/schema';
import { weightsOption } from '../study/weights';

/** The steps to rehearse, as the main thread knows them (the study is already parsed there). */
export interface WarmUpPlan {
  study: Study;
  /** The panel's index columns (the entity holds province codes, the time the years). */
  panel: FromRowsOptions;
  /** Each step's spec, weight matrix and the columns it reads (its key's: freshness stepColumns). */
  steps: { spec: Spec; weights?: string; columns: string[] }[];
}

export interface WarmUpTask {
  warmUp: WarmUpPlan & {
    /** A flag the pool sets (to 1) to stop the warm-up before its next step. */
    stop: Int32Array;
  };
}

/** The rows of one synthetic step: the index (province, year) and `columns`, as PanelRow objects. */
export function syntheticRows(
  study: Pick<Study, 'years'>,
  index: Pick<FromRowsOptions, 'entity' | 'time'>,
  columns: readonly string[],
  seed = 1,
): PanelRow[] {
  // A 32-bit linear congruential generator (Numerical Recipes): deterministic, and cheap next to an estimation.
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return 0.5 + state / 2 ** 32;
  };
  const rows: PanelRow[] = [];
  const [first, last] = study.years;
  for (const p of provinces())
    for (let year = first; year <= last; year++) {
      const row: PanelRow = { [index.entity]: p.code, [index.time]: year };
      for (const c of columns)
        if (c !== index.entity && c !== index.time) row[c] = c === 'region' ? p.region : next();
      rows.push(row);
    }
  return rows;
}

/** Runs the plan's steps until `stop` is set; returns how many ran. */
export function runWarmUp(task: WarmUpTask['warmUp']): number {
  let ran = 0;
  for (const [i, step] of task.steps.entries()) {
    if (Atomics.load(task.stop, 0)) break;
    const rows = syntheticRows(task.study, task.panel, step.columns, i + 1);
    try {
      estimate(Panel.fromRows(rows, task.panel), step.spec, weightsOption(task.study, step.weights, rows));
    } catch {
      // Synthetic data may give an estimator nothing it can use; the compiled code is what counts.
    }
    ran++;
  }
  return ran;
}
