/**
 * Is anybody working on a deployment's queues? Temporal lists every worker that polled a task queue in
 * the last minutes (DescribeTaskQueue), a killed one included, with the time of its last poll. A
 * poller is live when
 *   - it runs on this machine (identity `<pid>@<host> …`, worker.ts) and that process is alive, or
 *   - it runs elsewhere and polled within the last 75 s (a long poll lasts up to a minute).
 * A refresh needs live pollers on the io queue (workflow and activity tasks) and on the compute queue.
 *
 * An activity a dead local worker had started would wait for its heartbeat timeout (a minute) before
 * Temporal retries it; `failLostActivities` fails it at once instead, so a resumed run goes on in
 * seconds (the retry resumes after the steps it stored).
 */
import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';

const { temporal } = proto;
import type { TaskQueues } from './task-queues';

const WORKFLOW = temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW;
const ACTIVITY = temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY;
const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
/** A live worker re-polls at least this often (Temporal's long poll is one minute). */
const REMOTE_LIVE_MS = 75_000;

export interface Poller {
  queue: string;
  kind: 'workflow' | 'activity';
  identity: string;
  lastAccess?: Date;
  live: boolean;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process of a poller on this machine, when its identity names one. */
export function localPid(identity: string): number | undefined {
  const m = /^(\d+)@(\S+)/.exec(identity);
  return m && m[2] === hostname() ? Number(m[1]) : undefined;
}

export function isLivePoller(identity: string, lastAccessMs: number | undefined, now = Date.now()): boolean {
  const pid = localPid(identity);
  if (pid !== undefined) return isAlive(pid);
  return lastAccessMs !== undefined && now - lastAccessMs < REMOTE_LIVE_MS;
}

async function pollersOf(
  client: Client,
  namespace: string,
  queue: string,
  kind: 'workflow' | 'activity',
): Promise<Poller[]> {
  const r = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: queue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: kind === 'workflow' ? WORKFLOW : ACTIVITY,
  });
  return (r.pollers ?? []).map((p) => {
    const ms = p.lastAccessTime ? tsToMs(p.lastAccessTime) : undefined;
    return {
      queue,
      kind,
      identity: p.identity ?? '',
      lastAccess: ms === undefined ? undefined : new Date(ms),
      live: isLivePoller(p.identity ?? '', ms),
    };
  });
}

export interface QueueWatch {
  /** True when live workers poll every queue the refresh needs. */
  ready: boolean;
  pollers: Poller[];
  /** The queues (and task kinds) nobody live polls, e.g. `aicarbon-compute-… (activities)`. */
  missing: string[];
  /**
   * True when standing workers (`aicarbon worker`, a deployment's; not another `aicarbon run`, whose
   * worker stops when its own refresh ends) of the build asked about live poll every queue: a refresh
   * can be handed to them.
   */
  standing: boolean;
  /** Live standing workers of another build (their identities): refreshes must not go to them. */
  otherBuilds: string[];
  /**
   * The estimator threads of the live standing compute workers of the build asked about, as their
   * identities name them (undefined when none does: a worker from before identities named them).
   */
  standingThreads?: number;
}

/**
 * A worker that stays up after a refresh: an `aicarbon worker` process (worker.ts runWorkerProcess).
 * Not an `aicarbon run` process's worker, which stops with its refresh, nor workers a program hosts
 * itself (tests, benchmarks): those can stop polling while their process lives on, and a refresh
 * handed to them would wait for nobody.
 */
export function isStandingWorker(identity: string): boolean {
  return /^\S+ aicarbon worker (io|compute)( |$)/.test(identity);
}

/** The estimator threads a compute worker's identity names (`… compute threads 2 build …`), if any. */
export function identityThreads(identity: string): number | undefined {
  const n = Number(/ threads (\d+)( |$)/.exec(identity)?.[1]);
  return n > 0 ? n : undefined;
}

/** The build a worker's identity names (`… build 1a2b3c4d5e6f`, worker.ts), if any. */
export function identityBuild(identity: string): string | undefined {
  return / build ([0-9a-f]+)$/.exec(identity)?.[1];
}

export async function watchQueues(
  client: Client,
  namespace: string,
  queues: Pick<TaskQueues, 'io' | 'compute'>,
  /** The build standing workers must run to count as `standing` (workerBuild); unset: any. */
  build?: string,
): Promise<QueueWatch> {
  const lists = await Promise.all([
    pollersOf(client, namespace, queues.io, 'workflow'),
    pollersOf(client, namespace, queues.io, 'activity'),
    pollersOf(client, namespace, queues.compute, 'activity'),
  ]);
  const names = [`${queues.io} (workflows)`, `${queues.io} (activities)`, `${queues.compute} (activities)`];
  const missing = names.filter((_, i) => !lists[i].some((p) => p.live));
  const standingOf = (p: Poller) => p.live && isStandingWorker(p.identity);
  const ours = (p: Poller) => build === undefined || identityBuild(p.identity) === build;
  const standing = lists.every((list) => list.some((p) => standingOf(p) && ours(p)));
  const otherBuilds = [
    ...new Set(
      lists
        .flat()
        .filter((p) => standingOf(p) && !ours(p))
        .map((p) => p.identity),
    ),
  ];
  const computePollers = lists[2];
  const computeWorkers = new Set(
    computePollers.filter((p) => standingOf(p) && ours(p)).map((p) => p.identity),
  );
  const threads = [...computeWorkers].map(identityThreads).filter((n) => n !== undefined);
  return {
    ready: missing.length === 0,
    pollers: lists.flat(),
    missing,
    standing,
    otherBuilds,
    ...(threads.length ? { standingThreads: threads.reduce((a, b) => a + b, 0) } : {}),
  };
}

/**
 * Fails the started activities of `workflowIds` whose worker was a process of this machine that is no
 * longer alive, so Temporal retries them now instead of after their heartbeat timeout. Returns what
 * it failed (`workflowId: activity type`).
 */
export async function failLostActivities(
  client: Client,
  namespace: string,
  workflowIds: string[],
): Promise<string[]> {
  const failed: string[] = [];
  for (const workflowId of workflowIds) {
    const d = await client.workflow
      .getHandle(workflowId)
      .describe()
      .catch(() => undefined);
    if (!d || d.status.name !== 'RUNNING') continue;
    for (const a of d.raw.pendingActivities ?? []) {
      const pid = a.lastWorkerIdentity ? localPid(a.lastWorkerIdentity) : undefined;
      if (a.state !== STARTED || pid === undefined || isAlive(pid)) continue;
      try {
        await client.workflowService.respondActivityTaskFailedById({
          namespace,
          workflowId,
          runId: d.runId,
          activityId: a.activityId!,
          identity: `${process.pid}@${hostname()} aicarbon run`,
          failure: {
            message: `the worker that ran it (${a.lastWorkerIdentity}) is gone`,
            source: 'aicarbon',
            applicationFailureInfo: { type: 'WorkerLost', nonRetryable: false },
          },
        });
        failed.push(`${workflowId}: ${a.activityType?.name ?? a.activityId}`);
      } catch {
        // It completed or timed out in the meantime: nothing to do.
      }
    }
  }
  return failed;
}
