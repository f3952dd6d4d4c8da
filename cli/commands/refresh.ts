/**
 * `aicarbon refresh`: trigger a refresh on a cluster whose workers do the work; print its run id.
 * It warns at once when no live worker polls the refresh's queues (it would wait until one does), and
 * with `--wait` follows it like `run` does: progress, what it waits for, the same summary and root
 * cause, the same exit statuses.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { loadConfig } from '../../common/config';
import { watchQueues } from '../../temporal/pollers';
import { refreshWorkflowId } from '../../workflows/types';
import { follow } from '../follow';
import { EXIT_INCOMPLETE, say } from '../output';
import { runSummary } from '../summary';
import { openTemporal, workflowUrl } from '../temporal-session';
import { triggerRefresh } from '../trigger';
import { applyInputOptions, failureExit, failureMessage, planFor, type InputOptions } from './run';

export interface RefreshOptions extends InputOptions {
  force?: boolean;
  wait?: boolean;
  json?: boolean;
}

export async function refresh(opts: RefreshOptions): Promise<void> {
  const config = applyInputOptions(loadConfig(), opts);
  const input = await planFor(config, opts);
  const namespace = config.temporalNamespace;
  const temporal = await openTemporal(config, {
    startDevServer: false,
    log: say,
    searchAttributes: true,
    user: 'aicarbon refresh',
  });
  try {
    const { handle, outcome } = await triggerRefresh(temporal.client, input, {
      force: opts.force,
      recompute: opts.force,
    });
    say(`${outcome}: ${input.runId}`);
    const url = workflowUrl(temporal.uiUrl, namespace, refreshWorkflowId(input));
    if (url) say(`Web UI: ${url}`);
    process.stdout.write(`${input.runId}\n`);
    if (outcome !== 'already-completed') {
      const watch = await watchQueues(temporal.client, namespace, input.queues!);
      if (!watch.ready)
        say(
          `warning: no live worker polls ${watch.missing.join(', ')}: the refresh waits until one does. ` +
            'Start workers with `aicarbon worker` (same DATABASE_URL and AICARBON_OUT_DIR), or use `aicarbon run`.',
        );
    }
    if (!opts.wait) return;
    try {
      const result = await follow(handle, { client: temporal.client, namespace, queues: input.queues });
      const d = await handle.describe();
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(result)}\n`
          : `${runSummary(result, { stages: result.stages, start: d.startTime, end: d.closeTime })}\n`,
      );
      if (result.failedSteps?.length) process.exitCode = EXIT_INCOMPLETE;
    } catch (e) {
      if (!(e instanceof WorkflowFailedError)) throw e;
      say(`Refresh ${input.runId} failed: ${failureMessage(e)}`);
      process.exitCode = failureExit(e);
    }
  } finally {
    await temporal.close();
  }
}
