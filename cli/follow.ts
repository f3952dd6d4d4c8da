/**
 * Follows a refresh until it ends: a progress bar (stage, steps, elapsed time, the steps in flight) on a
 * terminal, one line per stage change elsewhere (CI logs). Progress comes from the workflow's
 * `progress` query while a worker answers it, else from its memo (no worker needed).
 *
 * It never waits silently: when nothing has moved for a few seconds it says what the refresh waits for
 * — nobody polling one of its queues (and who polled last), or the activities pending with their
 * attempt, worker and last failure — and repeats that while the wait lasts.
 */
import cliProgress from 'cli-progress';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { watchQueues } from '../temporal/pollers';
import { PROGRESS_MEMO, progressQuery, type Progress } from '../workflows/progress';
import type { RefreshResult } from '../workflows/types';

export interface FollowOptions {
  client: Client;
  namespace: string;
  queues?: { io: string; compute: string };
  intervalMs?: number;
  /** Say what the refresh waits for after this long without a change (default 5 s). */
  stallMs?: number;
  stream?: NodeJS.WriteStream;
  /** Stops following (Ctrl-C): the bar is closed and the promise never settles. */
  signal?: AbortSignal;
}

/** 75 → `1:15`, 3725 → `1:02:05`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const [h, m, sec] = hms;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/** The label of the steps in flight: the first two, and how many more. */
export function inFlightLabel(p: Pick<Progress, 'inFlight'>, max = 2): string {
  const f = p.inFlight ?? [];
  if (!f.length) return '';
  return f.length > max ? `${f.slice(0, max).join(', ')} +${f.length - max}` : f.join(', ');
}

/** The progress of a refresh: by query when a worker answers within `timeoutMs`, else from its memo. */
export async function readProgress(
  client: Client,
  handle: WorkflowHandle,
  options: { query?: boolean; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ progress?: Progress; from: 'query' | 'memo' }> {
  if (options.query !== false) {
    try {
      const query = () => handle.query(progressQuery);
      const signal = options.signal;
      const progress = await client.connection.withDeadline(Date.now() + (options.timeoutMs ?? 1500), () =>
        signal ? client.connection.withAbortSignal(signal, query) : query(),
      );
      return { progress, from: 'query' };
    } catch (e) {
      // Cancelled by the caller (the refresh ended meanwhile, and the command is about to close its
      // connection): nothing more is asked. A describe sent now could still be in flight, or waiting to
      // be retried, when the connection closes, and its retry then threw 'Channel has been shut down'
      // out of a timer, ending a completed run with exit 1 (seen in tests/cli/run.test.ts).
      if (options.signal?.aborted) throw e;
      // No worker answers (or the refresh just closed): the memo has the last progress it recorded.
    }
  }
  const d = await handle.describe();
  return { progress: d.memo?.[PROGRESS_MEMO] as Progress | undefined, from: 'memo' };
}

/** What the refresh `workflowId` (and its estimate stage) is waiting for, in one line. */
export async function whatItWaitsFor(
  client: Client,
  namespace: string,
  workflowId: string,
  queues?: { io: string; compute: string },
): Promise<string> {
  if (queues) {
    const watch = await watchQueues(client, namespace, queues).catch(() => undefined);
    if (watch && !watch.ready) {
      const stale = watch.pollers.filter((p) => !p.live && p.lastAccess);
      const last = stale.length
        ? `; last poll by ${stale[0].identity}, ${formatElapsed(Date.now() - stale[0].lastAccess!.getTime())} ago (gone)`
        : '';
      return `waiting for a worker: no live worker polls ${watch.missing.join(', ')}${last}. Start one with \`aicarbon worker\` (same DATABASE_URL and AICARBON_OUT_DIR) or run \`aicarbon run\`.`;
    }
  }
  // Pending activities, alike ones counted together: `ingestSource ×12 (attempt 1, running on …)`.
  const pending = new Map<string, number>();
  for (const id of [workflowId, `${workflowId}/estimate`]) {
    const d = await client.workflow
      .getHandle(id)
      .describe()
      .catch(() => undefined);
    if (!d || d.status.name !== 'RUNNING') continue;
    for (const a of d.raw.pendingActivities ?? []) {
      const started = a.state === 2 || a.state === 3;
      const failure = a.lastFailure?.message ? `; last failure: ${a.lastFailure.message.slice(0, 200)}` : '';
      const next = a.nextAttemptScheduleTime
        ? `; next attempt in ${formatElapsed(tsToMs(a.nextAttemptScheduleTime) - Date.now())}`
        : '';
      const key =
        `${a.activityType?.name ?? 'activity'}\0(attempt ${a.attempt ?? 1}` +
        (started ? `, running on ${a.lastWorkerIdentity || 'a worker'}` : ', waiting for a worker') +
        `${failure}${next})`;
      pending.set(key, (pending.get(key) ?? 0) + 1);
    }
  }
  const lines = [...pending].map(([key, n]) => {
    const [name, rest] = key.split('\0');
    return `${name}${n > 1 ? ` ×${n}` : ''} ${rest}`;
  });
  return lines.length
    ? `waiting for ${lines.join('; ')}`
    : 'waiting for the workflow to take its next step (its task waits for a worker; one that just stopped is noticed within ~10 s)';
}

const noResult = () => undefined;
type ProgressRead = { progress?: Progress; from: 'query' | 'memo' };

export async function follow(handle: WorkflowHandle, options: FollowOptions): Promise<RefreshResult> {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const stallMs = options.stallMs ?? 5000;
  const described = await handle.describe().catch(() => undefined);
  const start = described?.startTime ?? new Date();
  // A refresh that had closed (one reported completed) took until its close, not until now.
  const elapsed = () => formatElapsed((described?.closeTime ?? new Date()).getTime() - start.getTime());
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: ' {stage} |{bar}| {value}/{total} steps {elapsed} {failed}{current}',
          stream,
          hideCursor: true,
          barsize: 24,
          linewrap: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  let lastStage = '';
  let settled = false;
  let signature = '';
  let changedAt = Date.now();
  let saidAt = 0;
  let useQuery = true;
  const result = handle.result().finally(() => (settled = true));
  const payload = (p: Progress) => ({
    stage: p.stage.padEnd(10),
    elapsed: elapsed(),
    failed: p.failedSteps ? `(${p.failedSteps} failed) ` : '',
    current: inFlightLabel(p) ? `· ${inFlightLabel(p)}` : '',
  });
  const say = (line: string) => {
    if (bar && started) {
      stream.write('\r\x1b[K');
      stream.write(`${line}\n`);
      bar.render();
    } else stream.write(`${line}\n`);
  };
  const show = (p: Progress) => {
    if (bar) {
      if (!started) bar.start(Math.max(p.stepsTotal, 1), p.stepsDone, payload(p));
      started = true;
      bar.setTotal(Math.max(p.stepsTotal, 1));
      bar.update(p.stepsDone, payload(p));
    } else if (p.stage !== lastStage) {
      stream.write(`  stage ${p.stage} (${p.stepsDone} of ${p.stepsTotal} steps, ${elapsed()})\n`);
    }
    lastStage = p.stage;
  };
  try {
    while (!settled) {
      if (options.signal?.aborted) {
        bar?.stop();
        return await new Promise<never>(() => {});
      }
      const noProgress: ProgressRead = { progress: undefined, from: 'memo' };
      const asking = new AbortController();
      const reading: Promise<ProgressRead> = readProgress(options.client, handle, {
        query: useQuery,
        signal: asking.signal,
      }).catch(() => noProgress);
      // A refresh that ends meanwhile (or had ended: one reported completed) is read from its memo and
      // its query cancelled, not waited for: a query of a closed workflow goes to a worker to replay it,
      // and with none it took ~0.5 s to fail (holding the process open that long after the end).
      let read: ProgressRead | undefined = await Promise.race([reading, result.then(noResult, noResult)]);
      if (!read) {
        asking.abort();
        read = await readProgress(options.client, handle, { query: false }).catch(() => noProgress);
      }
      const { progress, from } = read;
      // A refresh nobody answers for is read from its memo until something moves again.
      useQuery = from === 'query' || Date.now() - changedAt < stallMs;
      if (progress) show(progress);
      else if (bar && started) bar.update({ elapsed: elapsed() });
      const now = `${progress?.stage}|${progress?.stepsDone}|${progress?.inFlight?.join(',')}`;
      if (now !== signature) {
        signature = now;
        changedAt = Date.now();
        useQuery = true;
      } else if (!settled && Date.now() - changedAt > stallMs && Date.now() - saidAt > 3 * stallMs) {
        saidAt = Date.now();
        const why = await whatItWaitsFor(
          options.client,
          options.namespace,
          handle.workflowId,
          options.queues,
        ).catch((e: Error) => `cannot ask Temporal what it waits for: ${e.message}`);
        if (!settled) say(`  no progress for ${formatElapsed(Date.now() - changedAt)}: ${why}`);
      }
      // The timer is cleared when the result wins: left pending it would hold the process open for up
      // to an interval after the refresh ended.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        result.catch(() => {}),
        new Promise((r) => (timer = setTimeout(r, options.intervalMs ?? 500))),
      ]);
      clearTimeout(timer);
    }
    const value = (await result) as RefreshResult;
    if (bar && started)
      bar.update(bar.getTotal(), { ...payload({ stage: 'done' } as Progress), failed: '', current: '' });
    return value;
  } finally {
    bar?.stop();
  }
}
