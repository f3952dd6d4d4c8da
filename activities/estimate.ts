import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import { InputError } from '../common/errors';
import { estimate, type EstimateOptions } from '../econometrics/estimate';
import { Panel } from '../panel';
import type { Db } from '../store/db';
import { saveEstimation, saveEstimationFailure } from '../store/estimations';
import { toDense } from '../econometrics/spatial/weights';
import { buildStudyWeights, type PanelRow, type Study } from '../study';
import { cachedRows, cachedStudy } from './study-cache';

export function estimateActivities(db: Db) {
  return {
    /**
     * One table column of the study: read the indicator panel by its hash, estimate, store the tidy
     * result (replacing any earlier attempt's rows). Returns only a headline, never the data.
     */
    async estimateStep(args: { runId: string; studyPath: string; indicatorsHash: string; stepId: string }) {
      Context.current().heartbeat(args.stepId);
      const { study, steps } = cachedStudy(args.studyPath);
      const step = steps.get(args.stepId);
      if (!step) throw new InputError(`${args.studyPath}: no estimation step ${args.stepId}`, args.stepId);
      const rows = await cachedRows(db, args.indicatorsHash);
      const panel = Panel.fromRows(rows, {
        entity: 'province',
        time: 'year',
        source: `panel ${args.indicatorsHash.slice(0, 12)}`,
      });
      const key = {
        runId: args.runId,
        stepId: step.stepId,
        tableId: step.tableId,
        columnId: step.columnId,
        sample: step.sample,
        spec: step.spec,
      };
      const started = performance.now();
      let result;
      try {
        result = estimate(panel, step.spec, weightsOption(study, step.weights, rows));
      } catch (e) {
        // A step the data cannot support is reported and the study goes on; anything else is retried.
        if (!(e instanceof InputError)) throw e;
        await saveEstimationFailure(db, key, e.message);
        return { stepId: step.stepId, failed: e.message };
      }
      const ms = performance.now() - started;
      await saveEstimation(db, key, result, ms);
      return { stepId: step.stepId, nobs: result.nobs, ms };
    },
  };
}

/** The estimator interface takes a step's weights as a dense matrix with its entity order (N is 30 here). */
export function weightsOption(study: Study, name: string | undefined, rows: PanelRow[]): EstimateOptions {
  if (!name) return {};
  const w = buildStudyWeights(study, name, rows);
  return { weights: toDense(w), weightsIds: [...w.ids] };
}
