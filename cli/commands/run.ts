import { NativeConnection, Runtime } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { resolve } from 'node:path';
import { loadConfig, type Config } from '../../common/config';
import { planRefresh } from '../../activities/plan';
import { openDb } from '../../store/db';
import { getRun } from '../../store/runs';
import { startWorkers, type WorkerSet } from '../../worker';
import { follow } from '../follow';
import { EXIT_FAILED, EXIT_INCOMPLETE, say } from '../output';
import { openTemporal, workflowUrl } from '../temporal-session';
import { hasPollers, refreshState, triggerRefresh } from '../trigger';
import type { RefreshResult } from '../../workflows/types';
import { createLogger, logLevelFrom } from '../../common/logger';
import { temporalLogger } from '../../temporal/runtime-logger';

export interface InputOptions {
  inputs?: string;
  study?: string;
  concurrency?: number;
}

export interface RunOptions extends InputOptions {
  force?: boolean;
  json?: boolean;
}

export function applyInputOptions(config: Config, opts: { inputs?: string; study?: string }): Config {
  return {
    ...config,
    ...(opts.inputs ? { inputsDir: resolve(opts.inputs) } : {}),
    ...(opts.study ? { studyPath: resolve(opts.study) } : {}),
  };
}

/**
 * What a person should know about the inputs, after the totals: the cells two sources disagreed on
 * (value kept, values set aside, why) and the inputs' notes (repeated manifest entries or records).
 */
function printConflictsAndNotes(result: RefreshResult): void {
  const lines = result.conflictLines ?? [];
  const total = result.conflicts ?? lines.length;
  if (total > 0) {
    say(`${total} cell${total > 1 ? 's' : ''} where sources disagree (the first value kept):`);
    for (const l of lines) say(`  ${l}`);
    if (total > lines.length)
      say(
        `  … and ${total - lines.length} more: SELECT * FROM analyst_conflicts WHERE run_id = '${result.runId}'`,
      );
  }
  const notes = result.notes ?? [];
  if (notes.length) {
    say('Notes on the inputs:');
    for (const n of notes) say(`  ${n}`);
  }
}

export async function run(opts: RunOptions): Promise<void> {
  const config = applyInputOptions(loadConfig(), opts);
  // The CLI handles Ctrl-C itself: stop the local worker cleanly, leave the refresh to resume later.
  const log = createLogger({ level: logLevelFrom(config.logLevel, 'error'), name: 'aicarbon' });
  Runtime.install({ logger: temporalLogger(log), shutdownSignals: [] });
  const input = await planRefresh({
    studyPath: config.studyPath,
    inputsDir: config.inputsDir,
    estimateConcurrency: opts.concurrency,
    buildManifest: config.buildManifest,
  });
  const temporal = await openTemporal(config, { startDevServer: true, log: say });
  let workers: WorkerSet | undefined;
  let closeWorkerResources: (() => Promise<void>) | undefined;
  const cleanup = async () => {
    await workers?.shutdown();
    await closeWorkerResources?.();
    await temporal.close();
  };
  const onSignal = () => {
    say(
      `\nInterrupted: stopping the local worker. The refresh ${input.runId} stays in Temporal; ` +
        'run the same command again to resume it.',
    );
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const namespace = config.temporalNamespace;
    // A worker is needed unless the refresh already completed or another process is working on it;
    // it starts (and the store opens) before the trigger, so a bad DATABASE_URL starts nothing.
    const state = await refreshState(temporal.client, input.runId);
    let force = opts.force;
    if (state === 'completed' && !force) {
      // Completed in Temporal is not enough: its results must be in the store this run points at (a
      // new, empty DATABASE_URL is not "already completed"). Memoisation makes the rerun cheap.
      const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      const stored = (await getRun(db, input.runId).finally(() => db.close()))?.status === 'completed';
      if (!stored) {
        say(
          `Refresh ${input.runId} completed before, but its results are not in ${db.describe}: running it again.`,
        );
        force = true;
      }
    }
    const needWorker =
      (state === 'running' && !(await hasPollers(temporal.client, namespace))) || state === 'absent' || force;
    if (needWorker) {
      const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      const connection = await NativeConnection.connect({ address: temporal.address });
      closeWorkerResources = async () => {
        await connection.close();
        await db.close();
      };
      workers = await startWorkers({ connection, namespace, db, config });
    }
    const { handle, outcome } = await triggerRefresh(temporal.client, input, { force });
    const description = await handle.describe();
    const url = workflowUrl(temporal.uiUrl, namespace, input.runId, description.runId);
    say(
      outcome === 'started'
        ? `Refresh ${input.runId} started.`
        : outcome === 'attached-running'
          ? `Refresh ${input.runId} is already running: following it.`
          : `Refresh ${input.runId} already completed for these inputs (use --force to run it again).`,
    );
    if (url) say(`Web UI: ${url}`);
    const result = await follow(handle);
    say(
      `Done: ${result.files} input files, ${result.observations} observations, ` +
        `${result.estimations} estimations; published ${result.published.length} files:`,
    );
    for (const f of result.published) say(`  ${f}`);
    printConflictsAndNotes(result);
    // Refreshes recorded before failed steps were reported carry no list.
    const failedSteps = result.failedSteps ?? [];
    if (failedSteps.length) {
      say(`${failedSteps.length} estimations could not be computed from these inputs:`);
      for (const s of failedSteps) say(`  ${s.stepId}: ${s.error}`);
      process.exitCode = EXIT_INCOMPLETE;
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (e) {
    if (e instanceof WorkflowFailedError) {
      say(`Refresh ${input.runId} failed: ${e.cause?.message ?? e.message}`);
      process.exitCode = EXIT_FAILED;
    } else {
      throw e;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
