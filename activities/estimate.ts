import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import { InputError, isDataError } from '../common/errors';
import { estimate, type EstimateOptions } from '../econometrics/estimate';
import { Panel } from '../panel';
import type { Db } from '../store/db';
import { saveEstimation, saveEstimationFailure } from '../store/estimations';
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
        starsFrom: study.tables.find((t) => t.id === step.tableId)?.stars,
      };
      const started = performance.now();
      let result;
      try {
        result = estimate(panel, step.spec, weightsOption(study, step.weights, rows));
      } catch (e) {
        // A step the data cannot support (DataError) is recorded and the study goes on, on the first
        // attempt; a spec mistake (InputError) fails the run without retries; anything else is retried.
        if (!isDataError(e)) throw e;
        await saveEstimationFailure(db, key, e.message);
        return { stepId: step.stepId, failed: e.message };
      }
      const ms = performance.now() - started;
      await saveEstimation(db, key, result, ms);
      return { stepId: step.stepId, nobs: result.nobs, ms };
    },
  };
}

/** A step's weight matrix, built from the study's definition (spatial estimators only). */
export function weightsOption(study: Study, name: string | undefined, rows: PanelRow[]): EstimateOptions {
  return name ? { weights: buildStudyWeights(study, name, rows) } : {};
}
