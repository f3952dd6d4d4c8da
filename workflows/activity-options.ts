/**
 * The durability contract of every activity, in one place. Transient faults (network, database,
 * a killed worker) are retried with backoff; bad input (`InputError`) and data the step cannot support
 * (`DataError`) fail at once, naming the input (common/errors.ts).
 *
 * The task queue is the refresh's (its input names its deployment's queues: temporal/task-queues.ts);
 * which activity runs on which queue is said once, by the object it belongs to (activities/index.ts).
 */
import type { ActivityOptions } from '@temporalio/workflow';

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 8,
  nonRetryableErrorTypes: ['InputError', 'DataError'],
};

export function ioOptions(taskQueue: string): ActivityOptions {
  return {
    taskQueue,
    startToCloseTimeout: '10m',
    // Ingestion heartbeats; a killed worker is noticed within this, not after the whole timeout.
    heartbeatTimeout: '1m',
    retry,
  };
}

/**
 * A search portal's ingest: one activity asks every query (1,320 for 30 provinces × 11 years × 4
 * branches) politely and waits out Retry-After of any length, heartbeating all the while and
 * resuming from its checkpoint when retried — so it may run for hours; the heartbeat notices a dead
 * worker within the minute.
 */
export function portalIngestOptions(taskQueue: string): ActivityOptions {
  return { ...ioOptions(taskQueue), startToCloseTimeout: '24h' };
}

export function computeOptions(taskQueue: string): ActivityOptions {
  return {
    taskQueue,
    startToCloseTimeout: '15m',
    // A batch heartbeats after each estimation; a minute covers the largest study step and still
    // notices a killed worker within a minute (`aicarbon run` fails a dead local worker's tasks at once).
    heartbeatTimeout: '1m',
    retry,
  };
}
