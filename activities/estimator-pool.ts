/**
 * The estimators' threads: a piscina pool running each step's pure compute (activities/estimator-thread.ts)
 * off the main thread, so that in a process hosting the workflows, the io activities, the store
 * (PGlite is on the main thread) and the compute worker — `aicarbon run` — the compute worker's two
 * estimation tasks really run at once on two cores, and the store writes the main thread makes between
 * steps overlap them. The activity keeps the store, heartbeats and error classification.
 *
 * - Lazy: no thread starts until a step is to be estimated (a run with nothing to estimate starts
 *   none), then all of them at once: the estimate stage's lookup starts them when it leaves steps to
 *   compute, so they load the estimators' modules while the stage schedules its batches.
 * - Sized `min(2, cores)`: the compute worker runs at most two estimation tasks at once
 *   (`maxConcurrentActivityTaskExecutions` in worker.ts), each awaiting one step at a time, so a third
 *   thread would only idle; on one core, one thread and the second task waits its turn.
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

export type { EstimationTask } from './estimator-thread';

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
  /** Stops the threads (a no-op when none started); a task in flight is rejected. */
  destroy(): Promise<void>;
}

const THREAD_ENTRY = new URL('./estimator-thread.ts', import.meta.url);

export function estimatorPool(
  options: {
    threads?: number;
    /** A thread's heap and stack limits (Node's Worker resourceLimits): one that exceeds them dies. */
    resourceLimits?: ResourceLimits;
  } = {},
): EstimatorPool {
  const threads = options.threads ?? Math.min(2, availableParallelism());
  let pool: Piscina<EstimationTask, EstimationReply> | undefined;
  let destroyed = false;
  const started = () => {
    if (destroyed) throw new Error('the estimator pool was destroyed (the worker is shutting down)');
    pool ??= new Piscina<EstimationTask, EstimationReply>({
      filename: THREAD_ENTRY.href,
      minThreads: threads,
      maxThreads: threads,
      resourceLimits: options.resourceLimits,
      execArgv: THREAD_ENTRY.pathname.endsWith('.ts') ? ['--import', tsxLoader()] : undefined,
    });
    return pool;
  };
  return {
    async run(task) {
      let reply: EstimationReply;
      try {
        reply = await started().run(task);
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
    async destroy() {
      destroyed = true;
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
