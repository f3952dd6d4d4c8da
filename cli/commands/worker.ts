/** `aicarbon worker`: a worker process for a deployment, until SIGINT/SIGTERM. */
import { runWorkerProcess, type QueueRole } from '../../worker';

export interface WorkerOptions {
  queues: QueueRole[];
}

export async function worker(opts: WorkerOptions): Promise<void> {
  await runWorkerProcess(opts.queues);
}
