/**
 * Wiring: a worker on the deployment's io queue runs the workflows and the I/O activities (files,
 * store, publishing); a worker on its compute queue runs indicators and estimations. One process may
 * host both (the `aicarbon run` default) or either (deployments scale them separately). The queues are
 * those of the store and output folder this process writes to (temporal/task-queues.ts), so it never
 * takes work of a refresh bound to another store; which activity is on which queue is said by
 * activities/index.ts.
 *
 *   aicarbon worker [--queues io,compute]
 */
import { hostname } from 'node:os';
import { NativeConnection, Worker, Runtime } from '@temporalio/worker';
import { createActivities } from './activities';
import { preloadPublishing } from './activities/publish';
import { loadConfig, type Config } from './common/config';
import { createLogger, logLevelFrom } from './common/logger';
import { workerBuild } from './freshness/code-versions';
import { openDb, type Db } from './store/db';
import { taskQueues } from './temporal/deployment';
import type { TaskQueues } from './temporal/task-queues';
import { connectionAddress } from './temporal/connection';
import { temporalLogger } from './temporal/runtime-logger';
import { ensureWorkflowBundle, type LoadableBundle } from './temporal/workflow-bundle';

export type QueueRole = 'io' | 'compute';

let bundle: Promise<LoadableBundle> | undefined;

/** The workflows as webpack bundled them: the build's bundle when the sources match it (see its key). */
export function workflowBundle(): Promise<LoadableBundle> {
  bundle ??= ensureWorkflowBundle().then((b) => b.bundle);
  return bundle;
}

/**
 * How this process shows up as a poller: `<pid>@<host> <label> <role> [threads <n>] build <build>`, so
 * `aicarbon run` can tell a live worker on this machine from the leftover poller entry of a killed one,
 * a standing worker of its own code from one of other code (temporal/pollers.ts; build: freshness
 * workerBuild), and how many estimator threads a compute worker runs (the estimate stage's lanes).
 */
export function workerIdentity(
  role: QueueRole,
  label = 'aicarbon',
  build?: string,
  threads?: number,
): string {
  return (
    `${process.pid}@${hostname()} ${label} ${role}` +
    (threads ? ` threads ${threads}` : '') +
    (build ? ` build ${build}` : '')
  );
}

export interface WorkerSet {
  workers: Worker[];
  queues: TaskQueues;
  /** The estimators' threads of the compute worker (0 when the set has none). */
  estimatorThreads: number;
  /** Resolves when every worker has stopped. */
  running: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorkers(options: {
  connection: NativeConnection;
  namespace: string;
  db: Db;
  config: Config;
  roles?: QueueRole[];
  /** Names the process in the pollers list, e.g. `aicarbon run`. */
  label?: string;
  /**
   * A standing compute worker warms its estimators up on this study as it starts, so that its first
   * refresh finds them compiled (activities/estimator-pool.ts); `warmedUp` is called when done. A
   * standing io worker loads publishing's modules meanwhile.
   */
  warmUp?: { studyPath: string; warmedUp?: (steps: number, ms: number) => void };
}): Promise<WorkerSet> {
  const roles = options.roles ?? ['io', 'compute'];
  const queues = taskQueues(options.config);
  const build = workerBuild(options.config.buildManifest);
  const activities = createActivities({ db: options.db, config: options.config });
  if (options.warmUp && roles.includes('compute')) {
    const { studyPath, warmedUp } = options.warmUp;
    const started = performance.now();
    void activities
      .warmUpEstimators(studyPath)
      .then((steps) => warmedUp?.(steps, performance.now() - started));
  }
  // A standing io worker loads publishing's modules as it starts too, with nothing else to do: its
  // first refresh would otherwise load them as its estimate stage begins (activities/publish.ts).
  if (options.warmUp && roles.includes('io')) preloadPublishing();
  const workers: Worker[] = [];
  if (roles.includes('io')) {
    workers.push(
      await Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: queues.io,
        workflowBundle: await workflowBundle(),
        activities: activities.io,
        identity: workerIdentity('io', options.label, build),
      }),
    );
  }
  if (roles.includes('compute')) {
    workers.push(
      await Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: queues.compute,
        activities: activities.compute,
        // Estimations are CPU-bound; more in flight than cores only adds contention. A task's compute
        // runs on the estimators' threads (activities/estimator-pool.ts: one per core but the main
        // thread's, at most two), beside the main thread's store writes and workflow work; while one
        // task stores its step, the other computes.
        maxConcurrentActivityTaskExecutions: 2,
        identity: workerIdentity('compute', options.label, build, activities.estimatorThreads),
      }),
    );
  }
  // The estimators' threads end with the workers (their tasks have finished by then).
  const running = Promise.all(workers.map((w) => w.run()))
    .finally(() => activities.close())
    .then(() => undefined);
  return {
    workers,
    queues,
    estimatorThreads: roles.includes('compute') ? activities.estimatorThreads : 0,
    running,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running;
    },
  };
}

/**
 * The workers a command runs in its own process (`aicarbon run`): the Temporal runtime installed for a
 * command line — its logs through LOG_LEVEL (default error, Core's own warnings about slow workflow
 * tasks on a busy machine too), Ctrl-C left to the command, which stops the workers itself — then a
 * connection to `address` and the workers on it. Here rather than in the command so that a command
 * which needs no worker (a refresh already completed) never loads the worker runtime.
 */
export async function startCommandWorkers(options: {
  address: string;
  namespace: string;
  db: Db;
  config: Config;
  label: string;
}): Promise<WorkerSet & { connection: NativeConnection }> {
  const log = createLogger({ level: logLevelFrom(options.config.logLevel, 'error'), name: 'aicarbon' });
  Runtime.install({
    logger: temporalLogger(log),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, console: {} } },
    shutdownSignals: [],
  });
  const connection = await NativeConnection.connect({ address: options.address });
  try {
    const set = await startWorkers({ ...options, connection });
    let stopped: Promise<void> | undefined;
    return {
      ...set,
      connection,
      // Once: the command starts it when the refresh ends and awaits it again in its cleanup.
      shutdown: () =>
        (stopped ??= (async () => {
          await set.shutdown();
          await connection.close();
        })()),
    };
  } catch (e) {
    await connection.close();
    throw e;
  }
}

/** A standalone worker process (deployment, or the crash test): runs until SIGINT/SIGTERM. */
export async function runWorkerProcess(roles: QueueRole[], config = loadConfig()): Promise<void> {
  const log = createLogger({ level: logLevelFrom(config.logLevel, 'info'), name: 'aicarbon-worker' });
  Runtime.install({ logger: temporalLogger(log) });
  const queues = taskQueues(config);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const address = connectionAddress(config);
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address });
  } catch (e) {
    await db.close();
    throw new Error(`Cannot reach Temporal at ${address}: ${(e as Error).message}`);
  }
  // Runtime's own SIGINT/SIGTERM handlers shut the workers down gracefully (in-flight tasks finish
  // or are handed back), after which run() resolves.
  const set = await startWorkers({
    connection,
    namespace: config.temporalNamespace,
    db,
    config,
    roles,
    label: 'aicarbon worker',
    // Its first refresh after a start (an upgrade, say) then finds the estimators compiled.
    warmUp: {
      studyPath: config.studyPath,
      warmedUp: (steps, ms) =>
        log.info(
          { steps, ms: Math.round(ms) },
          `estimators warmed up: ${steps} synthetic steps in ${(ms / 1000).toFixed(1)} s`,
        ),
    },
  });
  log.info(
    { queues: roles.map((r) => queues[r]), address, store: db.describe },
    `aicarbon worker: ${roles.map((r) => queues[r]).join(' + ')}`,
  );
  await set.running;
  await connection.close();
  await db.close();
}
