import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import { InputError, isDataError } from '../common/errors';
import { estimate } from '../econometrics/estimate';
import type { EstimateOptions } from '../econometrics/estimator';
import { Panel, type PanelRow } from '../panel';
import type { Config } from '../common/config';
import { codeVersionsFor } from '../freshness/code-versions';
import { estimationStepKey } from '../freshness/step-keys';
import type { Db } from '../store/db';
import { linkStoredEstimation, saveEstimation, saveEstimationFailure } from '../store/estimations';
import { setRunStage } from '../store/runs';
import { buildStudyWeights, type Study } from '../study';
import { cachedRows, cachedStudy } from './study-cache';

interface StepArgs {
  runId: string;
  studyPath: string;
  indicatorsHash: string;
}

/** `reused`: the result was stored under the step's content key by an earlier run, not computed. */
export type StepOutcome =
  | { stepId: string; nobs: number; ms: number; reused?: boolean }
  | { stepId: string; failed: string; reused?: boolean };

export function estimateActivities(db: Db, config?: Pick<Config, 'buildManifest'>) {
  /** The indicator panel of a hash, built once per process (every step of a run reads the same one). */
  const panels = new Map<string, Promise<{ rows: PanelRow[]; panel: Panel }>>();
  const panelOf = (hash: string) => {
    let hit = panels.get(hash);
    if (!hit) {
      hit = cachedRows(db, hash).then((rows) => ({
        rows: rows as PanelRow[],
        panel: Panel.fromRows(rows, {
          entity: 'province',
          time: 'year',
          source: `panel ${hash.slice(0, 12)}`,
        }),
      }));
      hit.catch(() => panels.delete(hash));
      panels.set(hash, hit);
      if (panels.size > 4) panels.delete(panels.keys().next().value as string);
    }
    return hit;
  };

  async function estimateOne(args: StepArgs, stepId: string): Promise<StepOutcome> {
    await setRunStage(db, args.runId, 'estimate');
    const { study, steps } = cachedStudy(args.studyPath);
    const step = steps.get(stepId);
    if (!step) throw new InputError(`${args.studyPath}: no estimation step ${stepId}`, stepId);
    // The step's content key: a result stored under it (by any run) is linked, not computed again.
    const content = estimationStepKey(
      study,
      step,
      args.indicatorsHash,
      codeVersionsFor(config?.buildManifest),
    );
    const known = await linkStoredEstimation(db, { runId: args.runId, stepId: step.stepId, content });
    if (known)
      return 'failed' in known
        ? { stepId: step.stepId, failed: known.failed, reused: known.reused }
        : { stepId: step.stepId, nobs: known.nobs, ms: 0, reused: known.reused };
    const { rows, panel } = await panelOf(args.indicatorsHash);
    const key = {
      runId: args.runId,
      stepId: step.stepId,
      tableId: step.tableId,
      columnId: step.columnId,
      sample: step.sample,
      spec: step.spec,
      starsFrom: study.tables.find((t) => t.id === step.tableId)?.stars,
      content,
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
      return { stepId: step.stepId, failed: e.message, reused: false };
    }
    const ms = performance.now() - started;
    // Another refresh may have stored the same key meanwhile: then its copy stays and is linked.
    const { stored } = await saveEstimation(db, key, result, ms);
    return { stepId: step.stepId, nobs: result.nobs, ms, reused: !stored };
  }

  return {
    /**
     * One table column of the study: read the indicator panel by its hash, estimate, store the tidy
     * result (replacing any earlier attempt's rows). Returns only a headline, never the data.
     * (Refreshes started before estimations were batched still schedule this one.)
     */
    async estimateStep(args: StepArgs & { stepId: string }): Promise<StepOutcome> {
      Context.current().heartbeat(args.stepId);
      return estimateOne(args, args.stepId);
    },

    /**
     * Several columns in one task, so the per-task cost of the orchestration stays below the compute:
     * each step is stored as soon as it is estimated and recorded in the heartbeat, so a retry after a
     * crash resumes after the last stored step instead of recomputing the batch.
     */
    async estimateSteps(args: StepArgs & { stepIds: string[] }): Promise<StepOutcome[]> {
      const ctx = Context.current();
      const before = (ctx.info.heartbeatDetails as { done?: StepOutcome[] } | undefined)?.done ?? [];
      const done = before.filter((o) => args.stepIds.includes(o.stepId));
      for (const stepId of args.stepIds) {
        if (done.some((o) => o.stepId === stepId)) continue;
        done.push(await estimateOne(args, stepId));
        ctx.heartbeat({ done });
      }
      return args.stepIds.map((id) => done.find((o) => o.stepId === id)!);
    },
  };
}

/** A step's weight matrix, built from the study's definition (spatial estimators only). */
export function weightsOption(study: Study, name: string | undefined, rows: PanelRow[]): EstimateOptions {
  return name ? { weights: buildStudyWeights(study, name, rows) } : {};
}
