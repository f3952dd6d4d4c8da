/** `aicarbon diff RUN_A RUN_B`: what changed between two refreshes, from the store. */
import { InputError } from '../../common/errors';
import { loadConfig } from '../../common/config';
import { diffRuns, formatDiff } from '../../publish/diff';
import { loadEstimations } from '../../store/estimations';
import { say } from '../output';
import { openStore } from '../store-session';

export interface DiffOptions {
  tolerance: number;
  json?: boolean;
}

export async function diffAction(runA: string, runB: string, opts: DiffOptions): Promise<void> {
  const db = await openStore(loadConfig());
  try {
    const [a, b] = await Promise.all([loadEstimations(db, runA), loadEstimations(db, runB)]);
    if (!a.length) throw new InputError(`no stored estimations for run ${runA} in ${db.describe}`, runA);
    if (!b.length) throw new InputError(`no stored estimations for run ${runB} in ${db.describe}`, runB);
    const diff = diffRuns(a, b, { tolerance: opts.tolerance });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
      return;
    }
    say(
      `${diff.changes.length} changed quantities, ${diff.starChanges.length} with changed significance stars`,
    );
    process.stdout.write(`${formatDiff(diff, { a: runA, b: runB })}\n`);
  } finally {
    await db.close();
  }
}
