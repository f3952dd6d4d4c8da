import { Command } from 'commander';
import { loadConfig } from '../../common/config';
import { planRefresh } from '../../activities/plan';
import { follow } from '../follow';
import { action, say } from '../output';
import { openTemporal, workflowUrl } from '../temporal-session';
import { triggerRefresh } from '../trigger';
import { applyInputOptions, withInputOptions } from './run';

export function refreshCommand(): Command {
  return withInputOptions(
    new Command('refresh').description(
      'Trigger a refresh on a running cluster (TEMPORAL_ADDRESS, or the local dev server) whose workers do the work.',
    ),
  )
    .option('--force', 'run again even if this exact refresh already completed')
    .option('--wait', 'follow the refresh until it ends')
    .action(
      action(
        async (opts: {
          inputs?: string;
          study?: string;
          concurrency?: number;
          force?: boolean;
          wait?: boolean;
        }) => {
          const config = applyInputOptions(loadConfig(), opts);
          const input = await planRefresh({
            studyPath: config.studyPath,
            inputsDir: config.inputsDir,
            estimateConcurrency: opts.concurrency,
          });
          const temporal = await openTemporal(config, { startDevServer: false, log: say });
          try {
            const { handle, outcome } = await triggerRefresh(temporal.client, input, { force: opts.force });
            say(`${outcome}: ${input.runId}`);
            const url = workflowUrl(temporal.uiUrl, config.temporalNamespace, input.runId);
            if (url) say(`Web UI: ${url}`);
            process.stdout.write(`${input.runId}\n`);
            if (opts.wait) process.stdout.write(`${JSON.stringify(await follow(handle))}\n`);
          } finally {
            await temporal.close();
          }
        },
      ),
    );
}
