import { Command } from 'commander';
import { InputError } from '../../common/errors';
import { loadConfig } from '../../common/config';
import { diffRuns, formatDiff } from '../../publish/diff';
import { openDb } from '../../store/db';
import { loadEstimations } from '../../store/estimations';
import { action, say } from '../output';

export function diffCommand(): Command {
  return new Command('diff')
    .description('What changed between two refreshes: estimates beyond a tolerance, and significance stars.')
    .argument('<runA>', 'the earlier run id')
    .argument('<runB>', 'the later run id')
    .option('--tolerance <rel>', 'relative change below which values count as equal', (v) => Number(v), 1e-8)
    .option('--json', 'print the full diff as JSON')
    .action(
      action(async (runA: string, runB: string, opts: { tolerance: number; json?: boolean }) => {
        const config = loadConfig();
        const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        try {
          const [a, b] = await Promise.all([loadEstimations(db, runA), loadEstimations(db, runB)]);
          if (!a.length)
            throw new InputError(`no stored estimations for run ${runA} in ${db.describe}`, runA);
          if (!b.length)
            throw new InputError(`no stored estimations for run ${runB} in ${db.describe}`, runB);
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
      }),
    );
}
