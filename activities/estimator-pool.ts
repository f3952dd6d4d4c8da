/**
 * The estimators' threads: a piscina pool running each step's pure compute (activities/estimator-thread.ts)
 * off the main thread, so that in a process hosting the workflows, the io activities, the store
 * (PGlite is on the main thread) and the compute worker — `aicarbon run` — estimation runs on another
 * core, beside the store writes the main thread makes between steps (and, with three cores or more,
 * the compute worker's two tasks at once). The activity keeps the store, heartbeats and error
 * classification.
 *
 * - Lazy: no thread starts until the refresh is about to estimate (a worker that never assembles nor
 *   estimates starts none), then all of them at once: the panel's assembly starts them (a refresh
 *   that assembles goes on to estimate), so they load the estimators' modules (~0.4 s) on the other
 *   core while the main thread assembles, and the estimate stage's lookup starts them if not yet. A
 *   standing worker starts them as it starts, to warm them up (below).
 * - Sized `cores − 1`, at least one and at most two: the compute worker runs at most two estimation
 *   tasks at once (`maxConcurrentActivityTaskExecutions` in worker.ts), each awaiting one step at a
 *   time, so a third thread would only idle; and one core is left to the main thread, whose store
 *   writes run beside the compute. On two cores a second thread costs more than it gains: each thread
 *   compiles the estimators afresh (a step runs 2–3× slower cold than warm), so two threads spent
 *   about 1.5 s more CPU per code-changed run than one (12.4–12.7 s against 10.3–11.0 s, interleaved,
 *   load 4–6) for no shorter wall.
 * - Warmed up by a process with nothing else to do: `warmUp(plan)` starts the threads and has each run
 *   the plan's steps on a synthetic panel (activities/estimator-warm-up.ts) until the first real step
 *   arrives, so the real steps find the estimators compiled (a cold pass takes about twice a warm one).
 *   A standing worker does it when it starts. `aicarbon run` does not: on two cores the warm-up only
 *   competed with the command's own start and first stages. Over 10 interleaved code-changed runs
 *   (load 3–4), the estimate stage fell from 2.2 to 1.5 s, but the run's median wall went from 6.57 s
 *   to 6.76 s and its CPU from 9.3 to 10.4 s.
 * - Errors keep their kind across the boundary (the thread replies with it): a DataError from the
 *   estimator comes back as a value for the activity to record, an InputError or a fault is thrown as
 *   one again; a thread that dies fails only its own task, as a fault (retried), and piscina starts
 *   another in its place.
 * - Run where the code is: compiled JavaScript in dist/ (the build compiles the thread's entry, see
 *   scripts/build.mjs) or the TypeScript sources (tsx, vitest), where a thread needs tsx's loader too.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { DataError, InputError } from '../common/errors';
import type { EstimationResult } from '../econometrics/result';
import type { CarriedError, EstimationReply, EstimationTask } from './estimator-thread';
import type { WarmUpPlan, WarmUpTask } from './estimator-warm-up';

export type { EstimationTask } from './estimator-thread';
export type { WarmUpPlan } from './estimator-warm-up';

export interface EstimatorPool {
  /**
   * One step's compute. Resolves with the tidy result and the estimator's own time, or with the
   * DataError the data gave (the step's recorded failure); rejects with an InputError or a fault.
   */
  run(task: EstimationTask): Promise<{ result: EstimationResult; ms: number } | { dataError: DataError }>;
  /**
   * Starts the threads now (they load the estimators' modules) when a step is about to be estimated,
   * so that the first task does not wait for them.
   */
  warm(): void;
  /**
   * Starts the threads and warms them up on `plan` (once per pool; none once a real step has run),
   * each until the first real step arrives. Resolves to the number of synthetic steps run, never
   * rejects.
   */
  warmUp(plan: WarmUpPlan): Promise<number>;
  /** How many threads the pool runs (started or not). */
  readonly threads: number;
  /** Stops the threads (a no-op when none started); a task in flight is rejected. */
  destroy(): Promise<void>;
}

const THREAD_ENTRY = new URL('./estimator-thread.ts', import.meta.url);

/** How many tasks a thread is handed at a time (it computes them one after another). */
export const TASKS_POSTED = 8;

export function estimatorPool(
  options: {
    threads?: number;
    /** A thread's heap and stack limits (Node's Worker resourceLimits): one that exceeds them dies. */
    resourceLimits?: ResourceLimits;
  } = {},
): EstimatorPool {
  const threads = options.threads ?? Math.max(1, Math.min(2, availableParallelism() - 1));
  let pool: Piscina<EstimationTask | WarmUpTask, EstimationReply | { warmedUp: number }> | undefined;
  let destroyed = false;
  // Set (to 1) by the first real step: a warm-up stops before its next synthetic step.
  const stop = new Int32Array(new SharedArrayBuffer(4));
  let warmedUp: Promise<number> | undefined;
  const started = () => {
    if (destroyed) throw new Error('the estimator pool was destroyed (the worker is shutting down)');
    pool ??= new Piscina({
      filename: THREAD_ENTRY.href,
      minThreads: threads,
      maxThreads: threads,
      // A thread's next tasks are posted to it while it computes one, so each starts as soon as the
      // last ends, not when the main thread next turns to the pool (busy storing results, or loading
      // publishing's modules for a quarter of a second: activities/estimate-ahead.ts).
      concurrentTasksPerWorker: TASKS_POSTED,
      resourceLimits: options.resourceLimits,
      execArgv: THREAD_ENTRY.pathname.endsWith('.ts') ? ['--import', tsxLoader()] : undefined,
    });
    return pool;
  };
  return {
    threads,
    async run(task) {
      Atomics.store(stop, 0, 1);
      let reply: EstimationReply;
      try {
        reply = (await started().run(task)) as EstimationReply;
      } catch (e) {
        // The thread died (or the pool was destroyed) with the task in it: a fault, retried.
        throw new Error(`estimator thread failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
      if ('result' in reply) return reply;
      const error = rebuilt(reply.error);
      if (error instanceof DataError && reply.error.phase === 'estimate') return { dataError: error };
      throw error;
    },
    warm() {
      if (!destroyed) started();
    },
    warmUp(plan) {
      if (destroyed) return Promise.resolve(0);
      const threadPool = started();
      if (warmedUp || Atomics.load(stop, 0)) return warmedUp ?? Promise.resolve(0);
      // One task per thread (each idle thread takes one), each the whole plan: a thread compiles alone.
      const task: WarmUpTask = { warmUp: { ...plan, stop } };
      warmedUp = Promise.all(
        Array.from({ length: threads }, () =>
          threadPool.run(task).then(
            (r) => (r as { warmedUp: number }).warmedUp,
            () => 0, // a warm-up that fails (a thread that died) only leaves the code cold
          ),
        ),
      ).then((counts) => counts.reduce((a, b) => a + b, 0));
      return warmedUp;
    },
    async destroy() {
      destroyed = true;
      Atomics.store(stop, 0, 1);
      await pool?.destroy();
    },
  };
}

/** The error the thread caught, as its own kind again (and its stack, for a fault's log). */
function rebuilt(c: CarriedError): Error {
  const e =
    c.kind === 'DataError'
      ? new DataError(c.message, c.location)
      : c.kind === 'InputError'
        ? new InputError(c.message, c.location)
        : Object.assign(new Error(c.message), { name: c.name });
  if (c.stack) e.stack = c.stack;
  return e;
}

/** tsx's ESM loader by absolute URL, so a thread of the TypeScript sources resolves it from anywhere. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}
