import { loadConfig } from '../../common/config';
import { progressQuery } from '../../workflows/progress';
import { say } from '../output';
import { openTemporal, workflowUrl } from '../temporal-session';

export interface StatusOptions {
  json?: boolean;
}

export async function status(runId: string, opts: StatusOptions): Promise<void> {
  const config = loadConfig();
  const temporal = await openTemporal(config, { startDevServer: false, log: say });
  try {
    const handle = temporal.client.workflow.getHandle(runId);
    const d = await handle.describe().catch(() => {
      throw new Error(`No refresh with id ${runId} on ${temporal.address}.`);
    });
    const progress = await handle.query(progressQuery).catch(() => undefined);
    const status = {
      runId,
      status: d.status.name,
      startTime: d.startTime,
      closeTime: d.closeTime,
      ...(progress ?? {}),
      url: workflowUrl(temporal.uiUrl, config.temporalNamespace, runId, d.runId),
    };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(status)}\n`);
    } else {
      say(`${runId}: ${status.status}`);
      if (progress) {
        say(`  stage ${progress.stage}, ${progress.stepsDone}/${progress.stepsTotal} steps`);
        if (progress.error) say(`  error: ${progress.error}`);
      }
      if (status.url) say(`  ${status.url}`);
    }
  } finally {
    await temporal.close();
  }
}
