/**
 * `aicarbon outdated`: without running anything, every step a refresh of these inputs would run and why,
 * and the steps it would reuse (freshness/outdated.ts), against the store DATABASE_URL points at. When
 * the indicator panel would be recomputed, it is previewed in memory (nothing stored) so the report can
 * say which estimations the early cut-off reuses and which column makes the others rerun.
 */
import { planRefreshKeys } from '../../activities/plan';
import { InputError } from '../../common/errors';
import { loadConfig, type Config } from '../../common/config';
import { formatOutdated, outdated } from '../../freshness/outdated';
import type { Db } from '../../store/db';
import { loadRunSteps, storedKeys } from '../../store/run-steps';
import { getRun, latestCompletedRun } from '../../store/runs';
import { planColumnDigests } from '../plan-digests';
import { openStore } from '../store-session';
import { applyInputOptions, type InputOptions } from './run';

export interface OutdatedOptions extends InputOptions {
  run?: string;
  json?: boolean;
}

/** The report for the inputs and study of `config` against the store `db` (and `runId`, or the latest run). */
export async function outdatedReport(
  db: Db,
  config: Pick<Config, 'studyPath' | 'inputsDir' | 'buildManifest'>,
  runId?: string,
) {
  // The estimations' keys need the indicator columns' digests: the store's, or a preview.
  const plan = await planRefreshKeys({
    studyPath: config.studyPath,
    inputsDir: config.inputsDir,
    buildManifest: config.buildManifest,
    columnDigests: planColumnDigests(db),
  });
  const run = runId ? await getRun(db, runId) : await latestCompletedRun(db, plan.input.studyId);
  if (runId && !run) throw new InputError(`--run: no run ${runId} in ${db.describe}`, '--run');
  const earlier = run
    ? {
        runId: run.run_id,
        steps: await loadRunSteps(db, run.run_id),
        ...(run.code_modules ? { modules: run.code_modules } : {}),
      }
    : undefined;
  const report = outdated({
    planned: plan.keys,
    stored: await storedKeys(
      db,
      plan.keys.map((k) => k.key),
    ),
    ...(earlier ? { earlier } : {}),
    modules: plan.modules,
    storeName: db.describe,
  });
  return { runId: plan.input.runId, ...report };
}

export async function outdatedAction(opts: OutdatedOptions): Promise<void> {
  const config = applyInputOptions(loadConfig(), opts);
  const db = await openStore(config);
  try {
    const report = await outdatedReport(db, config, opts.run);
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${formatOutdated(report)}\n`);
  } finally {
    await db.close();
  }
}
