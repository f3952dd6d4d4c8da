/**
 * The durability contract of every activity, in one place. Transient faults (network, database,
 * a killed worker) are retried with backoff; bad input (`InputError`) and data the step cannot support
 * (`DataError`) fail at once, naming the input (common/errors.ts).
 */
import type { ActivityOptions } from '@temporalio/workflow';
import { COMPUTE_QUEUE, IO_QUEUE } from '../temporal/task-queues';

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 8,
  nonRetryableErrorTypes: ['InputError', 'DataError'],
};

export const ioOptions: ActivityOptions = {
  taskQueue: IO_QUEUE,
  startToCloseTimeout: '10m',
  // Ingestion heartbeats; a killed worker is noticed within this, not after the whole timeout.
  heartbeatTimeout: '1m',
  retry,
};

/**
 * A search portal's ingest: one activity asks every query (1,320 for 30 provinces × 11 years × 4
 * branches) politely and waits out Retry-After of any length, heartbeating all the while and
 * resuming from its checkpoint when retried — so it may run for hours; the heartbeat notices a dead
 * worker within the minute.
 */
export const portalIngestOptions: ActivityOptions = { ...ioOptions, startToCloseTimeout: '24h' };

export const computeOptions: ActivityOptions = {
  taskQueue: COMPUTE_QUEUE,
  startToCloseTimeout: '15m',
  // Estimations are synchronous CPU work that cannot heartbeat mid-way; a minute covers the largest
  // study step and still notices a killed worker within a minute.
  heartbeatTimeout: '1m',
  retry,
};
