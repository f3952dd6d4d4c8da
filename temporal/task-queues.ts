/**
 * The task queues of a deployment. Two queues so I/O and estimation scale separately (more compute
 * workers for a big study); both are named after the deployment — the store and output folder the
 * workers write to — so a refresh's activities run only on workers bound to its store and folder, even
 * when several deployments (or two `aicarbon run` with different DATABASE_URL) share one Temporal server.
 *
 *   aicarbon-io-<deployment>, aicarbon-compute-<deployment>
 *
 * The deployment is AICARBON_DEPLOYMENT when set (docker-compose names it), else the first 12 hex digits
 * of sha256(store identity, output folder) (temporal/deployment.ts). The refresh carries its queues in its
 * input. This module is read by the workflows too: constants and types only.
 */
/** The queues of refreshes started before queues were per deployment (replayed as they ran). */
export const LEGACY_IO_QUEUE = 'aicarbon-io';
export const LEGACY_COMPUTE_QUEUE = 'aicarbon-compute';

export interface TaskQueues {
  deployment: string;
  io: string;
  compute: string;
}
