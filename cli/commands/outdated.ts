/**
 * `aicarbon outdated`: without running anything, every step a refresh of these inputs would run and why,
 * and the steps it would reuse (freshness/outdated.ts), against the store DATABASE_URL points at.
 */
import { planRefreshKeys } from '../../activities/plan';
import { InputError } from '../../common/errors';
import { loadConfig } from '../../common/config';
import { formatOutdated, outdated } from '../../freshness/outdated';
import { loadRunSteps, storedKeys } from '../../store/run-steps';
import { getRun, latestCompletedRun } from '../../store/runs';
import { planColumnDigests } from '../plan-digests';
import { openStore } from '../store-session';
import { applyInputOptions, type InputOptions } from './run';

export interface OutdatedOptions extends InputOptions {
  run?: string;
  json?: boolean;
}

export async function outdatedAction(opts: OutdatedOptions): Promise<void> {
  const config = applyInputOptions(loadConfig(), opts);
  const db = await openStore(config);
  try {
    // The estimations' keys need the indicator columns' digests: the store's, or a preview.
    const plan = await planRefreshKeys({
      studyPath: config.studyPath,
      inputsDir: config.inputsDir,
      buildManifest: config.buildManifest,
      columnDigests: planColumnDigests(db),
    });
    const run = opts.run ? await getRun(db, opts.run) : await latestCompletedRun(db, plan.input.studyId);
    if (opts.run && !run) throw new InputError(`--run: no run ${opts.run} in ${db.describe}`, '--run');
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
    if (opts.json)
      process.stdout.write(`${JSON.stringify({ runId: plan.input.runId, ...report }, null, 2)}\n`);
    else process.stdout.write(`${formatOutdated(report)}\n`);
  } finally {
    await db.close();
  }
}
