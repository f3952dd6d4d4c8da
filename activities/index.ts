/**
 * All activities, built around their dependencies (the store and the configuration), in one object
 * per task queue: `io` (files, the store, publishing; on the queue the workflows run on) and `compute`
 * (indicators and estimations). This is the one place that says which queue runs an activity: the
 * worker registers `io` on the io queue and `compute` on the compute queue, and the workflows proxy
 * each object's type with that queue's options. Each activity is a thin wrapper: the work is in the
 * pure modules; bad input becomes a non-retryable failure.
 */
import type { Config } from '../common/config';
import type { Db } from '../store/db';
import { taskQueues } from '../temporal/deployment';
import { beginActivities } from './begin';
import { estimateActivities, warmUpPlan } from './estimate';
import { estimatorPool } from './estimator-pool';
import { nonRetryableOnBadInput } from './failures';
import { ingestActivities } from './ingest';
import { panelActivities } from './panel';
import { planRefresh, plannedSteps } from './plan';
import { preloadPublishing, publishActivities } from './publish';
import { runActivities } from './runs';

function wrapped<T extends Record<string, unknown>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      nonRetryableOnBadInput(fn as (...a: unknown[]) => Promise<unknown>),
    ]),
  ) as T;
}

export function createActivities(deps: { db: Db; config: Config }) {
  const panel = panelActivities(deps.db, deps.config);
  const runs = runActivities(deps.db, deps.config);
  const ingest = ingestActivities(deps.db, deps.config);
  // The estimators' threads (none start until a panel is assembled or a step estimated), stopped by
  // `close`.
  const estimators = estimatorPool();
  const io = {
    ...runs,
    ...ingest,
    ...beginActivities(runs, ingest),
    /**
     * A refresh that assembles its panel goes on to estimate: the estimators' threads start now and
     * load their modules on another core while this one assembles.
     */
    assemblePanel(...args: Parameters<typeof panel.assemblePanel>) {
      estimators.warm();
      return panel.assemblePanel(...args);
    },
    ...publishActivities(deps.db, deps.config),
    async planStudy(studyPath: string) {
      return { steps: plannedSteps(studyPath) };
    },
    /** The scheduled refresh's plan, bound to this worker's deployment (its store and output folder). */
    async planRefresh(args: { studyPath: string; inputsDir: string }) {
      return {
        ...(await planRefresh({ ...args, buildManifest: deps.config.buildManifest })),
        queues: taskQueues(deps.config),
      };
    },
  };
  const estimation = estimateActivities(deps.db, deps.config, estimators);
  const compute = {
    computeIndicators: panel.computeIndicators,
    ...estimation,
    /**
     * The estimate stage begins: publishing's modules load now, while this thread mostly waits for the
     * estimators (a worker on the compute queue alone loads them once for nothing).
     */
    linkStoredSteps(...args: Parameters<typeof estimation.linkStoredSteps>) {
      preloadPublishing();
      return estimation.linkStoredSteps(...args);
    },
  };
  return {
    io: wrapped(io),
    compute: wrapped(compute),
    /**
     * Warms the estimators up on the study at `studyPath` (its estimations on a synthetic panel, until
     * the first real step): for a worker that has just started and has nothing else to do. Resolves to
     * the number of synthetic steps run; a study that cannot be read warms nothing (its refresh reports
     * it).
     */
    warmUpEstimators(studyPath: string): Promise<number> {
      let plan;
      try {
        plan = warmUpPlan(studyPath);
      } catch {
        return Promise.resolve(0);
      }
      return estimators.warmUp(plan);
    },
    /** How many estimators' threads the compute activities run their steps on. */
    estimatorThreads: estimators.threads,
    /** After the workers stop: ends the estimators' threads, so the process can exit at once. */
    close: () => estimators.destroy(),
  };
}

export type IoActivities = ReturnType<typeof createActivities>['io'];
export type ComputeActivities = ReturnType<typeof createActivities>['compute'];
