/**
 * Wiring: a worker on `aicarbon-io` runs the workflows and the I/O activities (files, store,
 * publishing); a worker on `aicarbon-compute` runs indicators and estimations. One process may host
 * both (the `aicarbon run` default) or either (deployments scale them separately).
 *
 *   aicarbon worker [--queues io,compute]
 */
import { NativeConnection, Worker, Runtime } from '@temporalio/worker';
import { createActivities, type Activities } from './activities';
import { loadConfig, type Config } from './common/config';
import { createLogger, logLevelFrom } from './common/logger';
import { openDb, type Db } from './store/db';
import { COMPUTE_QUEUE, IO_QUEUE } from './temporal/task-queues';
import { connectionAddress } from './temporal/connection';
import { temporalLogger } from './temporal/runtime-logger';
import { ensureWorkflowBundle, type LoadableBundle } from './temporal/workflow-bundle';

export type QueueRole = 'io' | 'compute';

const IO_ACTIVITIES: (keyof Activities)[] = [
  'startRun',
  'finishRun',
  'linkRunFiles',
  'readInputManifest',
  'planStudy',
  'planRefresh',
  'storedRunStatus',
  'ingestSource',
  'assemblePanel',
  'publishRun',
];
const COMPUTE_ACTIVITIES: (keyof Activities)[] = ['computeIndicators', 'estimateStep', 'estimateSteps'];

let bundle: Promise<LoadableBundle> | undefined;

/** The workflows as webpack bundled them: the build's bundle when the sources match it (see its key). */
export function workflowBundle(): Promise<LoadableBundle> {
  bundle ??= ensureWorkflowBundle().then((b) => b.bundle);
  return bundle;
}

function pick(all: Activities, names: (keyof Activities)[]) {
  return Object.fromEntries(names.map((n) => [n, all[n]]));
}

export interface WorkerSet {
  workers: Worker[];
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
  identity?: string;
}): Promise<WorkerSet> {
  const roles = options.roles ?? ['io', 'compute'];
  const activities = createActivities({ db: options.db, config: options.config });
  const workers: Worker[] = [];
  if (roles.includes('io')) {
    workers.push(
      await Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: IO_QUEUE,
        workflowBundle: await workflowBundle(),
        activities: pick(activities, IO_ACTIVITIES),
        ...(options.identity ? { identity: `${options.identity}/io` } : {}),
      }),
    );
  }
  if (roles.includes('compute')) {
    workers.push(
      await Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: COMPUTE_QUEUE,
        activities: pick(activities, COMPUTE_ACTIVITIES),
        // Estimations are CPU-bound; more in flight than cores only adds contention.
        maxConcurrentActivityTaskExecutions: 2,
        ...(options.identity ? { identity: `${options.identity}/compute` } : {}),
      }),
    );
  }
  const running = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  return {
    workers,
    running,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running;
    },
  };
}

/** A standalone worker process (deployment, or the crash test): runs until SIGINT/SIGTERM. */
export async function runWorkerProcess(roles: QueueRole[], config = loadConfig()): Promise<void> {
  const log = createLogger({ level: logLevelFrom(config.logLevel, 'info'), name: 'aicarbon-worker' });
  Runtime.install({ logger: temporalLogger(log) });
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
  const set = await startWorkers({ connection, namespace: config.temporalNamespace, db, config, roles });
  log.info({ queues: roles, address, store: db.describe }, `aicarbon worker: ${roles.join(' + ')} queues`);
  await set.running;
  await connection.close();
  await db.close();
}
