import { Context } from '@temporalio/activity';
import { InputError } from '../common/errors';
import { columnDigests, type ColumnDigests, type PanelRow } from '../panel';
import type { Config } from '../common/config';
import { codeVersionsFor } from '../freshness/code-versions';
import { estimationStepKey, PANEL_INDEX, stepColumns } from '../freshness/step-keys';
import type { Db } from '../store/db';
import {
  linkStoredEstimation,
  linkStoredEstimations,
  ownedSteps,
  saveEstimation,
  saveEstimationFailure,
} from '../store/estimations';
import { setRunStage } from '../store/runs';
import type { EstimationStep, Study } from '../study';
import { AheadQueue } from './estimate-ahead';
import { TASKS_POSTED, type EstimatorPool, type WarmUpPlan } from './estimator-pool';
import { sharePanel, type SharedPanel } from './shared-panel';
import { cachedSnapshot, cachedStudy } from './study-cache';

/** What the estimator threads give back for a step: its result, or the data's failure. */
type Computed = Awaited<ReturnType<EstimatorPool['run']>>;

interface StepArgs {
  runId: string;
  studyPath: string;
  indicatorsHash: string;
  /** A forced rerun: estimate again unless stored since then (store/snapshots.ts Recompute). */
  storedSince?: string;
}

/** `reused`: the result was stored under the step's content key by an earlier run, not computed. */
export type StepOutcome =
  | { stepId: string; nobs: number; ms: number; reused?: boolean }
  | { stepId: string; failed: string; reused?: boolean };

/**
 * What the estimators' threads warm up on (activities/estimator-warm-up.ts): every estimation of the
 * study at `studyPath`, with the columns its key covers, in the study's order.
 */
export function warmUpPlan(studyPath: string): WarmUpPlan {
  const { study, steps } = cachedStudy(studyPath);
  return {
    study,
    panel: { ...PANEL_INDEX, source: 'warm-up (synthetic panel)' },
    steps: [...steps.values()].map((step) => ({
      spec: step.spec,
      weights: step.weights,
      columns: stepColumns(study, step),
    })),
  };
}

/**
 * The estimation activities over `estimators` (the pool whose threads compute each step: the activity
 * itself reads and writes the store, heartbeats and classifies failures on the main thread). The
 * caller owns the pool and destroys it when its worker stops (worker.ts).
 */
export function estimateActivities(
  db: Db,
  config: Pick<Config, 'buildManifest'> | undefined,
  estimators: EstimatorPool,
) {
  /**
   * The indicator panel of a hash with its column digests, read once per process (every step of a run
   * reads the same one): the digests the indicator step stored with it, or (a panel stored before
   * they were) computed from its rows the same way; `shared()` the rows as the threads are handed them
   * (activities/shared-panel.ts), written on first use, once per panel.
   */
  const panels = new Map<
    string,
    Promise<{ rows: PanelRow[]; digests: ColumnDigests; shared: () => SharedPanel }>
  >();
  const panelOf = (hash: string) => {
    let hit = panels.get(hash);
    if (!hit) {
      hit = cachedSnapshot(db, hash).then(({ rows, report }) => {
        let shared: SharedPanel | undefined;
        return {
          rows: rows as PanelRow[],
          digests:
            (report as { columnDigests?: ColumnDigests }).columnDigests ?? columnDigests(rows, PANEL_INDEX),
          shared: () => (shared ??= sharePanel(hash, rows as PanelRow[])),
        };
      });
      hit.catch(() => panels.delete(hash));
      panels.set(hash, hit);
      if (panels.size > 4) panels.delete(panels.keys().next().value as string);
    }
    return hit;
  };

  /**
   * Per run, the steps it owned no row of when the stage looked its steps up (linkStoredSteps): their
   * saves need not clear an earlier result of the run's (store/estimations.ts ownedSteps). A batch in
   * another process, or an older refresh's, does not know and clears as before.
   */
  const ownsNothing = new Map<string, Set<string>>();

  /**
   * Per run, the computes of the steps its stage found nothing stored for, queued for the threads as
   * the lookup ends, by content key (activities/estimate-ahead.ts says why); a batch takes its step's
   * from here, or computes it itself when it is not here.
   */
  const ahead = new Map<string, AheadQueue<Computed>>();

  /**
   * Links the step's result when one is stored under its content key — on the digests of the columns it
   * reads (the early cut-off): stored by any run, on any indicator panel with these columns.
   */
  async function linkStored(args: StepArgs, stepId: string, lookup = true) {
    const { study, steps } = cachedStudy(args.studyPath);
    const step = steps.get(stepId);
    if (!step) throw new InputError(`${args.studyPath}: no estimation step ${stepId}`, stepId);
    const { digests, shared } = await panelOf(args.indicatorsHash);
    const content = estimationStepKey(study, step, digests, codeVersionsFor(config?.buildManifest));
    if (!lookup) return { outcome: undefined, study, step, shared, content };
    const known = await linkStoredEstimation(
      db,
      { runId: args.runId, stepId: step.stepId, content },
      { withSample: true, storedSince: args.storedSince },
    );
    const outcome: StepOutcome | undefined = !known
      ? undefined
      : 'failed' in known
        ? { stepId: step.stepId, failed: known.failed, reused: known.reused }
        : { stepId: step.stepId, nobs: known.nobs, ms: 0, reused: known.reused };
    return { outcome, study, step, shared, content };
  }

  /**
   * A step's compute, handed to the estimator threads: off the main thread, so the store, the other
   * lane's steps and the heartbeats go on meanwhile. The estimator sees only the columns its key
   * covers: one it reads beyond them is not found (an error), never a value the key does not vouch
   * for. The thread takes them from the panel it was handed once (activities/shared-panel.ts).
   */
  function compute(args: StepArgs, study: Study, step: EstimationStep, shared: () => SharedPanel) {
    const computed = estimators.run({
      shared: shared(),
      columns: stepColumns(study, step),
      panel: { ...PANEL_INDEX, source: `panel ${args.indicatorsHash.slice(0, 12)}` },
      spec: step.spec,
      study: { weights: study.weights, years: study.years },
      weights: step.weights,
    });
    // Awaited by completeStep; a failure of a step whose batch stopped before it (or that no batch
    // took) is not unhandled.
    computed.catch(() => undefined);
    return computed;
  }

  /**
   * A step's first half: its lookup (`lookup: false`: the stage has just looked it up, linkStoredSteps,
   * and found nothing stored), then its compute — the one the lookup queued (`ahead`), else handed to
   * the estimator threads now — not awaited, so the caller may store the previous step meanwhile.
   * Resolves to the linked outcome when one is stored.
   */
  async function beginStep(args: StepArgs, stepId: string, lookup = true) {
    const { outcome, study, step, shared, content } = await linkStored(args, stepId, lookup);
    if (outcome) return { outcome };
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
    const computed = ahead.get(args.runId)?.take(content.key) ?? compute(args, study, step, shared);
    return { key, computed };
  }

  /** A step's second half: its computed result (or the data's failure) stored. */
  async function completeStep(
    args: StepArgs,
    begun: Awaited<ReturnType<typeof beginStep>>,
  ): Promise<StepOutcome> {
    if (begun.outcome) return begun.outcome;
    const { key, computed } = begun;
    const recompute = { storedSince: args.storedSince };
    const known = { ownsNothing: ownsNothing.get(args.runId)?.has(key.stepId) };
    const out = await computed;
    if ('dataError' in out) {
      // A step the data cannot support (DataError) is recorded and the study goes on, on the first
      // attempt; a spec mistake (InputError, thrown) fails the run without retries; anything else
      // (thrown, a dead thread's too) is retried.
      const { message } = out.dataError;
      await saveEstimationFailure(db, key, message, recompute, known);
      return { stepId: key.stepId, failed: message, reused: false };
    }
    const { result, ms } = out;
    // Another refresh may have stored the same key meanwhile: then its copy stays and is linked.
    const { stored } = await saveEstimation(db, key, result, ms, recompute, known);
    return { stepId: key.stepId, nobs: result.nobs, ms, reused: !stored };
  }

  return {
    /**
     * One table column of the study: read the indicator panel by its hash, estimate, store the tidy
     * result (replacing any earlier attempt's rows). Returns only a headline, never the data.
     * (Refreshes started before estimations were batched still schedule this one.)
     */
    async estimateStep(args: StepArgs & { stepId: string }): Promise<StepOutcome> {
      Context.current().heartbeat(args.stepId);
      await setRunStage(db, args.runId, 'estimate');
      return completeStep(args, await beginStep(args, args.stepId));
    },

    /**
     * Before any batch: links every step whose result is already stored under its content key, in one
     * task, and returns their outcomes; the stage then schedules only the others (a refresh after one
     * input changed computes a few columns instead of sending every column through a batch), whose
     * computes are queued on the estimators' threads here (`ahead`).
     */
    async linkStoredSteps(args: StepArgs & { stepIds: string[] }): Promise<StepOutcome[]> {
      await setRunStage(db, args.runId, 'estimate');
      const steps = [];
      for (const stepId of args.stepIds) {
        const { content, study, step, shared } = await linkStored(args, stepId, false);
        steps.push({ stepId, content, study, step, shared });
      }
      // What the run owns already, before anything is linked or estimated, in one statement.
      const owned = await ownedSteps(db, args.runId);
      // Every step's key looked up in one statement, the run linked to those found in one more.
      const known = await linkStoredEstimations(db, args.runId, steps, {
        withSample: true,
        storedSince: args.storedSince,
      });
      ownsNothing.set(args.runId, new Set(args.stepIds.filter((id) => !owned.has(id))));
      if (ownsNothing.size > 4) ownsNothing.delete(ownsNothing.keys().next().value as string);
      // The stage estimates the others next, in batches: their computes are queued on the threads
      // now, in the stage's order (`ahead`).
      const queued = new AheadQueue<Computed>(TASKS_POSTED * estimators.threads);
      for (const { stepId, content, study, step, shared } of steps)
        if (!known.has(stepId)) queued.add(content.key, () => compute(args, study, step, shared));
      ahead.set(args.runId, queued);
      if (ahead.size > 4) ahead.delete(ahead.keys().next().value as string);
      return args.stepIds.flatMap((stepId): StepOutcome[] => {
        const o = known.get(stepId);
        if (!o) return [];
        return [
          'failed' in o
            ? { stepId, failed: o.failed, reused: o.reused }
            : { stepId, nobs: o.nobs, ms: 0, reused: o.reused },
        ];
      });
    },

    /**
     * Several columns in one task, so the per-task cost of the orchestration stays below the compute:
     * each step is stored as soon as it is estimated and recorded in the heartbeat, so a retry after a
     * crash resumes after the last stored step instead of recomputing the batch. One step ahead: the
     * next step computes on a thread while this one is stored, so neither the threads nor the store
     * wait for the other (steps are still stored, and heartbeats sent, one by one in order).
     */
    async estimateSteps(
      args: StepArgs & {
        stepIds: string[];
        /**
         * The stage looked every step up just before (linkStoredSteps) and batched only those with
         * nothing stored, so each is estimated without a second lookup; one another refresh stores
         * meanwhile is still found when saving (saveEstimation keeps one copy and links it).
         */
        lookedUp?: boolean;
      },
    ): Promise<StepOutcome[]> {
      const ctx = Context.current();
      await setRunStage(db, args.runId, 'estimate');
      const before = (ctx.info.heartbeatDetails as { done?: StepOutcome[] } | undefined)?.done ?? [];
      const done = before.filter((o) => args.stepIds.includes(o.stepId));
      // A retried attempt looks up again: its earlier attempt may have stored steps it did not report.
      const lookup = !args.lookedUp || ctx.info.attempt > 1;
      const todo = args.stepIds.filter((id) => !done.some((o) => o.stepId === id));
      let next = todo.length ? beginStep(args, todo[0], lookup) : undefined;
      for (let i = 0; i < todo.length; i++) {
        const begun = await next!;
        next = i + 1 < todo.length ? beginStep(args, todo[i + 1], lookup) : undefined;
        // The step begun ahead is abandoned if this one fails (its thread's work is discarded).
        next?.catch(() => undefined);
        done.push(await completeStep(args, begun));
        ctx.heartbeat({ done });
      }
      return args.stepIds.map((id) => done.find((o) => o.stepId === id)!);
    },
  };
}
