/**
 * `aicarbon status RUN [--json]`: what a refresh is doing or did, at once and without a worker — from
 * Temporal's describe (state, start and end, the progress memo, the stage search attribute, the pending
 * activities) and from the store when it can be read (the run's row, every failed estimation with its
 * reason). Printed on stdout.
 */
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { loadConfig, type Config } from '../../common/config';
import { InputError } from '../../common/errors';
import { STAGE } from '../../temporal/search-attributes';
import { queuesOfDeployment, taskQueues } from '../../temporal/deployment';
import { watchQueues } from '../../temporal/pollers';
import { LEGACY_COMPUTE_QUEUE, LEGACY_IO_QUEUE, type TaskQueues } from '../../temporal/task-queues';
import { PROGRESS_MEMO, type Progress } from '../../workflows/progress';
import { formatElapsed } from '../follow';
import { say } from '../output';
import { stageTimes } from '../summary';
import { openTemporal, workflowUrl } from '../temporal-session';

export interface StatusOptions {
  json?: boolean;
}

export interface RunStatus {
  runId: string;
  workflowId: string;
  /** running, completed, failed, terminated, canceled, timed out. */
  state: string;
  stage?: string;
  stepsDone?: number;
  stepsTotal?: number;
  failedSteps: { stepId: string; error: string }[];
  inFlight: string[];
  pending: { activity: string; attempt: number; state: string; worker?: string; lastFailure?: string }[];
  /** Of a running refresh: the live workers polling its queues (pid@host and queues). */
  workers?: string[];
  /** Of a running refresh: the queues no live worker polls (nothing moves until one does). */
  unpolled?: string[];
  startTime?: string;
  closeTime?: string;
  elapsedMs?: number;
  stages?: Progress['stages'];
  error?: string;
  /** Where the store part came from, or why it is missing. */
  store: string;
  url?: string;
}

async function describeRun(
  client: Client,
  runId: string,
  config: Config,
): Promise<{ workflowId: string; d: WorkflowExecutionDescription } | undefined> {
  // A run id names a refresh of this deployment (its store and output folder); older refreshes and
  // full workflow ids are their own workflow id.
  const ids = runId.includes('@') ? [runId] : [`${runId}@${taskQueues(config).deployment}`, runId];
  for (const workflowId of ids) {
    const d = await client.workflow
      .getHandle(workflowId)
      .describe()
      .catch(() => undefined);
    if (d) return { workflowId, d };
  }
  return undefined;
}

/** The store's view of the run; PGlite held by a running process is skipped, not waited for. */
async function fromStore(config: Config, runId: string) {
  const { openDb } = await import('../../store/db');
  const { getRun } = await import('../../store/runs');
  const { loadEstimationFailures } = await import('../../store/estimations');
  if (!config.databaseUrl) {
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    if (!existsSync(join(config.dataDir, 'pglite')))
      return { note: `no embedded store in ${config.dataDir} (set DATABASE_URL or AICARBON_DATA_DIR)` };
  }
  let db;
  try {
    db = await openDb({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      migrate: false,
      connectTimeoutMs: 2000,
    });
  } catch (e) {
    return { note: `store not read: ${(e as Error).message.split('\n')[0]}` };
  }
  try {
    const run = await getRun(db, runId).catch(() => undefined);
    if (!run) return { note: `${db.describe} has no run ${runId}` };
    const failures = await loadEstimationFailures(db, runId).catch(() => []);
    return {
      note: db.describe,
      run,
      failures: failures.map((f) => ({ stepId: f.stepId, error: f.error })),
    };
  } finally {
    await db.close();
  }
}

/** A refresh's queues from its workflow id: `RUN@deployment`, or the shared queues of older refreshes. */
function queuesOf(workflowId: string): TaskQueues {
  const at = workflowId.lastIndexOf('@');
  if (at < 0) return { deployment: '', io: LEGACY_IO_QUEUE, compute: LEGACY_COMPUTE_QUEUE };
  return queuesOfDeployment(workflowId.slice(at + 1));
}

/** Who works on a running refresh: live pollers by process, and the queues nobody live polls. */
async function workersOf(client: Client, namespace: string, workflowId: string) {
  const watch = await watchQueues(client, namespace, queuesOf(workflowId)).catch(() => undefined);
  if (!watch) return {};
  const byWorker = new Map<string, Set<string>>();
  for (const p of watch.pollers.filter((q) => q.live)) {
    const who = p.identity.split(' ')[0];
    byWorker.set(
      who,
      (byWorker.get(who) ?? new Set()).add(p.queue.startsWith('aicarbon-io') ? 'io' : 'compute'),
    );
  }
  return {
    workers: [...byWorker].map(([who, queues]) => `${who} (${[...queues].sort().reverse().join(', ')})`),
    unpolled: watch.missing,
  };
}

const PENDING_STATE = [
  'unspecified',
  'scheduled',
  'started',
  'cancel requested',
  'paused',
  'pause requested',
];

export async function runStatus(
  client: Client,
  runId: string,
  config: Config,
  where: { address: string; uiUrl?: string },
): Promise<RunStatus> {
  const found = await describeRun(client, runId, config);
  if (!found)
    throw new InputError(
      `no refresh ${runId} on Temporal at ${where.address} (namespace ${config.temporalNamespace}); ` +
        'run ids are printed by `aicarbon run` and `aicarbon refresh`',
      runId,
    );
  const { workflowId, d } = found;
  const progress = d.memo?.[PROGRESS_MEMO] as Progress | undefined;
  const store = await fromStore(config, runId.split('@')[0]);
  const pending = [];
  for (const id of [workflowId, `${workflowId}/estimate`]) {
    const desc =
      id === workflowId
        ? d
        : await client.workflow
            .getHandle(id)
            .describe()
            .catch(() => undefined);
    if (!desc || desc.status.name !== 'RUNNING') continue;
    for (const a of desc.raw.pendingActivities ?? [])
      pending.push({
        activity: a.activityType?.name ?? String(a.activityId),
        attempt: a.attempt ?? 1,
        state: PENDING_STATE[a.state ?? 0] ?? String(a.state),
        ...(a.lastWorkerIdentity ? { worker: a.lastWorkerIdentity } : {}),
        ...(a.lastFailure?.message ? { lastFailure: a.lastFailure.message } : {}),
        ...(a.lastStartedTime ? { since: new Date(tsToMs(a.lastStartedTime)).toISOString() } : {}),
      });
  }
  const running = d.status.name === 'RUNNING';
  const workers = running ? await workersOf(client, config.temporalNamespace, workflowId) : {};
  const attribute = d.typedSearchAttributes.get(STAGE);
  const failedSteps = store.failures ?? progress?.failed ?? [];
  const start = d.startTime;
  const end = d.closeTime;
  return {
    runId: runId.split('@')[0],
    workflowId,
    state: d.status.name.toLowerCase().replace('_', ' '),
    stage: progress?.stage ?? attribute ?? store.run?.stage,
    stepsDone: progress?.stepsDone,
    stepsTotal: progress?.stepsTotal,
    failedSteps,
    inFlight: progress?.inFlight ?? [],
    pending,
    ...workers,
    startTime: start?.toISOString(),
    closeTime: end?.toISOString(),
    elapsedMs: (end ?? new Date()).getTime() - start.getTime(),
    stages: progress?.stages,
    error: progress?.error ?? store.run?.error ?? undefined,
    store: store.note,
    url: workflowUrl(where.uiUrl, config.temporalNamespace, workflowId, d.runId),
  };
}

export function formatStatus(s: RunStatus): string {
  const lines = [`${s.runId}  ${s.state}${s.stage && s.stage !== s.state ? `, stage ${s.stage}` : ''}`];
  const row = (k: string, v: string | undefined) => v && lines.push(`  ${k.padEnd(10)}${v}`);
  if (s.stepsTotal !== undefined)
    row(
      'steps',
      `${s.stepsDone} of ${s.stepsTotal} done` +
        (s.failedSteps.length ? `, ${s.failedSteps.length} failed` : ''),
    );
  row('in flight', s.inFlight.join(', '));
  row('started', s.startTime);
  row(
    s.closeTime ? 'ended' : 'elapsed',
    s.closeTime ? `${s.closeTime} (${formatElapsed(s.elapsedMs ?? 0)})` : formatElapsed(s.elapsedMs ?? 0),
  );
  row('stages', stageTimes(s.stages));
  if (s.workers) row('workers', s.workers.length ? s.workers.join('; ') : 'none live');
  if (s.unpolled?.length)
    row(
      'waiting',
      `no live worker polls ${s.unpolled.join(', ')}: nothing moves until one does; ` +
        '`aicarbon run` with the same inputs resumes it with a worker of its own',
    );
  row('error', s.error);
  for (const p of s.pending)
    row(
      'pending',
      `${p.activity} ${p.state}, attempt ${p.attempt}${p.worker ? ` on ${p.worker}` : ''}` +
        (p.lastFailure ? `; last failure: ${p.lastFailure.slice(0, 200)}` : ''),
    );
  if (s.failedSteps.length) {
    lines.push('  failed estimations:');
    for (const f of s.failedSteps) lines.push(`    ${f.stepId}: ${f.error}`);
  }
  row('workflow', s.workflowId);
  row('store', s.store);
  row('Web UI', s.url);
  return lines.join('\n');
}

export async function status(runId: string, opts: StatusOptions): Promise<void> {
  const config = loadConfig();
  const temporal = await openTemporal(config, { startDevServer: false, log: say });
  try {
    const s = await runStatus(temporal.client, runId, config, temporal);
    process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
  } finally {
    await temporal.close();
  }
}
