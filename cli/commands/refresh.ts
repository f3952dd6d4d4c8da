import { loadConfig } from '../../common/config';
import { planRefresh } from '../../activities/plan';
import { follow } from '../follow';
import { say } from '../output';
import { openTemporal, workflowUrl } from '../temporal-session';
import { triggerRefresh } from '../trigger';
import { applyInputOptions, type InputOptions } from './run';

export interface RefreshOptions extends InputOptions {
  force?: boolean;
  wait?: boolean;
  json?: boolean;
}

export async function refresh(opts: RefreshOptions): Promise<void> {
  const config = applyInputOptions(loadConfig(), opts);
  const input = await planRefresh({
    studyPath: config.studyPath,
    inputsDir: config.inputsDir,
    estimateConcurrency: opts.concurrency,
    buildManifest: config.buildManifest,
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
}
