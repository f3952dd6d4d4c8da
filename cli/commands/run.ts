/**
 * `aicarbon run`: the whole study on the inputs, in one command. Starts (or reuses) the local dev
 * server, triggers the refresh, follows it, prints one summary.
 *
 * Resuming cannot hang: on a refresh that is already running, `run` looks at who polls its
 * deployment's queues (temporal/pollers.ts). When no live worker does — the previous `run` was
 * stopped with Ctrl-C or killed — it starts its own worker at once and fails the activities the dead
 * worker had started, so Temporal retries them now rather than after their heartbeat timeout; when a
 * live worker does (another `run` or `aicarbon worker`), it only follows. While following it says what
 * the refresh waits for whenever nothing moves for a few seconds (cli/follow.ts).
 *
 * A standing worker (`aicarbon worker`, kept up beside the dev server) is used, not duplicated: when
 * one live polls every queue of the refresh's deployment, `run` hands the refresh to it — it opens no
 * store (the worker holds the embedded one: a second opener would be refused) and loads no worker
 * code, so what the user waits for is the workflow on an already warm process. Only to one of its own
 * build (its poller identity names it): a standing worker on other code is named and nothing starts.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { resolve } from 'node:path';
import { loadConfig, type Config } from '../../common/config';
import { InputError } from '../../common/errors';
import { getRun } from '../../store/runs';
import { planRefresh } from '../../activities/plan';
import { storeWhenOpen, type Db } from '../../store/db';
import { failLostActivities, identityBuild, isStandingWorker, watchQueues } from '../../temporal/pollers';
import { workerBuild } from '../../freshness/code-versions';
import { taskQueues } from '../../temporal/deployment';
import type { WorkerSet } from '../../worker';
import { PROGRESS_MEMO, type Progress } from '../../workflows/progress';
import { refreshWorkflowId, type RefreshInput, type RefreshResult } from '../../workflows/types';
import { follow } from '../follow';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INCOMPLETE, EXIT_INTERRUPTED, say } from '../output';
import { openStore } from '../store-session';
import { runSummary } from '../summary';
import { openTemporal, workflowUrl, type TemporalSession } from '../temporal-session';
import { refreshState, triggerRefresh } from '../trigger';

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

/** The refresh these options name, bound to this configuration's deployment (store + output folder). */
export async function planFor(config: Config, opts: InputOptions): Promise<RefreshInput> {
  const queues = taskQueues(config);
  const planned = await planRefresh({
    studyPath: config.studyPath,
    inputsDir: config.inputsDir,
    estimateConcurrency: opts.concurrency,
    buildManifest: config.buildManifest,
  });
  return { ...planned, queues };
}

/** A failed refresh's exit status: 2 when its root cause is bad input, else 1. */
export function failureExit(e: WorkflowFailedError): number {
  let kind: string | undefined;
  for (let c: unknown = e.cause; c instanceof Error; c = c.cause) {
    const type = (c as { type?: string }).type;
    if (type === 'RefreshInputError' || type === 'InputError') kind = 'input';
  }
  return kind === 'input' ? EXIT_BAD_INPUT : EXIT_FAILED;
}

/** The root cause of a failed refresh, as the workflow recorded it (`stage: file, sheet, cell …`). */
export function failureMessage(e: WorkflowFailedError): string {
  const details = (e.cause as { details?: unknown[] } | undefined)?.details?.[0] as
    { stage?: string; cause?: string } | undefined;
  if (details?.stage && details.cause) return `${details.stage}: ${details.cause}`;
  let message = e.message;
  for (let c: unknown = e.cause; c instanceof Error; c = c.cause) message = c.message;
  return message;
}

export async function run(opts: RunOptions): Promise<void> {
  const config = applyInputOptions(loadConfig(), opts);
  // The worker's modules (Temporal's worker runtime, estimators, publishing) are most of the command's
  // start-up and a refresh that already completed needs none of them: loaded when a worker is needed,
  // from the start with --force (it overlaps the planning and the server's answers).
  const loadingWorker = opts.force ? import('../../worker') : undefined;
  loadingWorker?.catch(() => {}); // a failure is reported where it is awaited
  // Bad inputs, study or settings stop here, before anything starts.
  const input = await planFor(config, opts);
  const workflowId = refreshWorkflowId(input);
  const namespace = config.temporalNamespace;
  const temporal: TemporalSession = await openTemporal(config, {
    startDevServer: true,
    log: say,
    searchAttributes: true,
    user: 'aicarbon run',
  });
  let workers: WorkerSet | undefined;
  let db: Db | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await workers?.shutdown();
      await db?.close();
      await temporal.close();
    })());
  const following = new AbortController();
  // The CLI handles Ctrl-C itself: stop the local worker cleanly, leave the refresh to resume later.
  const onSignal = () => {
    following.abort();
    say(
      workers
        ? `\nInterrupted: stopping the local worker. The refresh ${input.runId} stays in Temporal; ` +
            'run the same command again to resume it.'
        : `\nInterrupted: no longer following. The refresh ${input.runId} goes on in its worker; ` +
            'run the same command again to follow it.',
    );
    // The client stays open until exit: a call still in flight must not meet a closed channel.
    (async () => {
      await workers?.shutdown();
      await db?.close();
      await temporal.releaseServer();
    })().finally(() => process.exit(EXIT_INTERRUPTED));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // A worker is needed unless the refresh already completed or a live worker is on its queues; it
    // starts (and the store opens) before the trigger, so a bad DATABASE_URL starts nothing.
    const build = workerBuild(config.buildManifest);
    const [state, queues] = await Promise.all([
      refreshState(temporal.client, workflowId),
      watchQueues(temporal.client, namespace, input.queues!, build),
    ]);
    // A standing worker of this deployment does the work (and holds its store).
    const standing = queues.standing ? queues : undefined;
    let force = opts.force;
    // The deployment is its store (temporal/task-queues.ts): a standing worker on its queues stored a
    // completed refresh's results there, and holds an embedded store, so only PostgreSQL is asked.
    if (state === 'completed' && !force && !(standing && !config.databaseUrl)) {
      // Completed in Temporal is not enough: its results must be in the store this run points at (a
      // new, empty DATABASE_URL is not "already completed"). Memoisation makes the rerun cheap.
      const store = await openStore(config);
      const stored = (await getRun(store, input.runId).finally(() => store.close()))?.status === 'completed';
      if (!stored) {
        say(
          `Refresh ${input.runId} completed before, but its results are not in ${store.describe}: running it again.`,
        );
        force = true;
      }
    }
    const watch = state === 'running' ? queues : undefined;
    const needWorker = !standing && (force || state === 'absent' || (watch !== undefined && !watch.ready));
    // A standing worker on other code would take this refresh's tasks beside ours (and it holds an
    // embedded store): the refresh is named for this code, so it is not started at all.
    if (needWorker && queues.otherBuilds.length)
      throw new InputError(
        `A standing worker of other code polls this deployment's queues (${queues.otherBuilds.join(', ')}; ` +
          `this checkout is build ${build}): restart it on this code, or stop it, then run again.`,
        'aicarbon worker',
      );
    if (needWorker) {
      const { startCommandWorkers } = await (loadingWorker ?? import('../../worker'));
      // The store opens (PGlite: ~0.5 s on the main thread) while the workers start (the io worker's
      // workflow thread loads its bundle, ~0.4 s on another), not one after the other.
      const opening = openStore(config);
      opening.catch(() => {}); // reported where it is awaited
      db = storeWhenOpen(opening, config);
      workers = await startCommandWorkers({
        address: temporal.address,
        namespace,
        db,
        config,
        label: 'aicarbon run',
      });
      await opening; // a store that cannot be opened stops the command here, before the trigger
    }
    if (state === 'running' && workers) {
      const lost = await failLostActivities(temporal.client, namespace, [
        workflowId,
        `${workflowId}/estimate`,
      ]);
      say(
        `Refresh ${input.runId} was interrupted (no live worker on its queues): resuming it with a worker in this process` +
          (lost.length
            ? `; ${lost.length} task${lost.length > 1 ? 's' : ''} of the stopped worker retried now.`
            : '.'),
      );
    }
    // The estimate stage gets one lane per estimator thread of the workers that run it — this
    // process's, or the standing workers' as their identities name them — unless --concurrency says
    // otherwise: the stage queues every step's compute on those threads as its lookup ends
    // (activities/estimate-ahead.ts), so a lane only takes their results and stores them, and each
    // lane more adds two batches (a task and two signals each, through the server). On the sample
    // study 1 lane (2 batches) against 4 (8): the code-changed run 0.15-0.25 s shorter.
    const lanes = workers ? workers.estimatorThreads : standing ? queues.standingThreads : undefined;
    const refresh = lanes && !opts.concurrency ? { ...input, estimateConcurrency: lanes } : input;
    const { handle, outcome } = await triggerRefresh(temporal.client, refresh, {
      force,
      recompute: opts.force,
    });
    const description = await handle.describe();
    const url = workflowUrl(temporal.uiUrl, namespace, workflowId, description.runId);
    const workerNames = (w: typeof queues) => [
      ...new Set(
        w.pollers
          .filter(
            (p) =>
              p.live && (!standing || (isStandingWorker(p.identity) && identityBuild(p.identity) === build)),
          )
          .map((p) => p.identity),
      ),
    ];
    if (outcome === 'started')
      say(
        `Refresh ${input.runId} started` +
          (standing ? ` on the standing worker ${workerNames(standing).join(', ')}.` : '.'),
      );
    else if (outcome === 'already-completed')
      say(`Refresh ${input.runId} already completed for these inputs (use --force to run it again).`);
    else if (!workers)
      say(
        `Refresh ${input.runId} is already running: following it (worker ${workerNames(queues).join(', ')}).`,
      );
    if (url) say(`Web UI: ${url}`);
    const result: RefreshResult = await follow(handle, {
      client: temporal.client,
      namespace,
      queues: input.queues,
    });
    // The refresh is over: the local workers stop while its final state is read (one describe: the
    // progress memo and the close time), not after.
    workers?.shutdown().catch(() => {}); // awaited (again) by the cleanup
    const final = await handle.describe().catch(() => undefined);
    const progress = final?.memo?.[PROGRESS_MEMO] as Progress | undefined;
    const failedSteps = result.failedSteps ?? [];
    if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      process.stdout.write(
        `${runSummary(result, {
          stages: result.stages ?? progress?.stages,
          start: description.startTime,
          end: final?.closeTime,
          tty: Boolean(process.stdout.isTTY),
        })}\n`,
      );
    if (failedSteps.length) process.exitCode = EXIT_INCOMPLETE;
  } catch (e) {
    if (e instanceof WorkflowFailedError) {
      say(`Refresh ${input.runId} failed: ${failureMessage(e)}`);
      process.exitCode = failureExit(e);
    } else {
      throw e;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
