/**
 * All activities, built around their dependencies (the store and the configuration). Each is a thin
 * wrapper: the work is in the pure modules; bad input becomes a non-retryable failure.
 */
import type { Config } from '../common/config';
import type { Db } from '../store/db';
import { estimateActivities } from './estimate';
import { nonRetryableOnBadInput } from './failures';
import { ingestActivities } from './ingest';
import { panelActivities } from './panel';
import { planRefresh, plannedSteps } from './plan';
import { publishActivities } from './publish';
import { runActivities } from './runs';

export function createActivities(deps: { db: Db; config: Config }) {
  const all = {
    ...runActivities(deps.db, deps.config),
    ...ingestActivities(deps.db, deps.config),
    ...panelActivities(deps.db, deps.config),
    ...estimateActivities(deps.db, deps.config),
    ...publishActivities(deps.db, deps.config),
    async planStudy(studyPath: string) {
      return { steps: plannedSteps(studyPath) };
    },
    async planRefresh(args: { studyPath: string; inputsDir: string }) {
      return planRefresh({ ...args, buildManifest: deps.config.buildManifest });
    },
  };
  return Object.fromEntries(
    Object.entries(all).map(([name, fn]) => [
      name,
      nonRetryableOnBadInput(fn as (...a: unknown[]) => Promise<unknown>),
    ]),
  ) as typeof all;
}

export type Activities = ReturnType<typeof createActivities>;
