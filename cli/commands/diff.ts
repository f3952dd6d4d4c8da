/**
 * `aicarbon diff RUN_A RUN_B`: what changed between two refreshes, from the store — first what they were
 * made from (input files, study, code: freshness/run-changes.ts), then the estimates, significance-star
 * changes first (publish/diff.ts).
 */
import { InputError } from '../../common/errors';
import { loadConfig } from '../../common/config';
import { formatRunChanges, runChanges, type RecordedRun } from '../../freshness/run-changes';
import { diffRuns, formatDiff, type RunDiff } from '../../publish/diff';
import type { Queryable } from '../../store/db';
import { loadEstimations } from '../../store/estimations';
import { loadRunSteps } from '../../store/run-steps';
import { getRun } from '../../store/runs';
import { say } from '../output';
import { openStore } from '../store-session';

export interface DiffOptions {
  tolerance: number;
  json?: boolean;
  coefficientsOnly?: boolean;
}

/** Coefficient estimates only: not their SEs, statistics, effects, Moran's I or nobs. */
const isCoefficient = (term: string) => !term.includes(':') && term !== 'nobs';

async function recorded(db: Queryable, runId: string): Promise<RecordedRun> {
  const run = await getRun(db, runId);
  return {
    runId,
    steps: await loadRunSteps(db, runId),
    codeVersion: run?.code_version ?? null,
    modules: run?.code_modules ?? null,
  };
}

export async function diffAction(runA: string, runB: string, opts: DiffOptions): Promise<void> {
  const db = await openStore(loadConfig());
  try {
    const [a, b] = await Promise.all([loadEstimations(db, runA), loadEstimations(db, runB)]);
    if (!a.length) throw new InputError(`no stored estimations for run ${runA} in ${db.describe}`, runA);
    if (!b.length) throw new InputError(`no stored estimations for run ${runB} in ${db.describe}`, runB);
    const made = runChanges(await recorded(db, runA), await recorded(db, runB));
    let diff: RunDiff = diffRuns(a, b, { tolerance: opts.tolerance });
    if (opts.coefficientsOnly) {
      const changes = diff.changes.filter((c) => isCoefficient(c.term));
      diff = { ...diff, changes, starChanges: changes.filter((c) => c.starsChanged) };
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ ...made, ...diff }, null, 2)}\n`);
      return;
    }
    say(
      `${diff.changes.length} changed ${opts.coefficientsOnly ? 'coefficients' : 'quantities'}, ` +
        `${diff.starChanges.length} with changed significance stars`,
    );
    process.stdout.write(`${formatRunChanges(made, { a: runA, b: runB })}\n`);
    process.stdout.write(`${formatDiff(diff, { a: runA, b: runB })}\n`);
  } finally {
    await db.close();
  }
}
