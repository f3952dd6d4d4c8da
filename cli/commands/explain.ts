import { Command } from 'commander';
import { loadRunPanels } from '../../activities/run-panels';
import { InputError } from '../../common/errors';
import { loadConfig } from '../../common/config';
import { explain, formatExplain } from '../../indicators/explain';
import { openDb } from '../../store/db';
import { action } from '../output';

export function explainCommand(): Command {
  return new Command('explain')
    .description('Trace one value of a run back through the indicators to source file, sheet and cell.')
    .requiredOption('--run <id>', 'run id')
    .requiredOption('--province <code>', 'province code, e.g. GD')
    .requiredOption('--year <year>', 'year', (v) => Number(v))
    .requiredOption(
      '--variable <name>',
      'study variable (CI, AIT, EE, …) or raw variable (gdp, co2_inventory, …)',
    )
    .option('--json', 'print the chain as JSON')
    .action(
      action(
        async (opts: { run: string; province: string; year: number; variable: string; json?: boolean }) => {
          const config = loadConfig();
          const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
          try {
            const panels = await loadRunPanels(db, opts.run);
            if (!panels)
              throw new InputError(
                `--run: no run ${opts.run} with a stored panel in ${db.describe}`,
                '--run',
              );
            const chain = explain(panels.indicators, panels.assembled, {
              variable: opts.variable,
              province: opts.province.toUpperCase(),
              year: opts.year,
            });
            process.stdout.write(
              opts.json ? `${JSON.stringify(chain, null, 2)}\n` : `${formatExplain(chain).join('\n')}\n`,
            );
          } finally {
            await db.close();
          }
        },
      ),
    );
}
