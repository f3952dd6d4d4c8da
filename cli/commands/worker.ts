import { Command } from 'commander';
import { runWorkerProcess, type QueueRole } from '../../worker';
import { action } from '../output';

export function workerCommand(): Command {
  return new Command('worker')
    .description(
      'Run a worker until SIGINT/SIGTERM against TEMPORAL_ADDRESS (default: the local dev server). ' +
        'The io queue runs workflows, ingestion, the store and publishing; the compute queue runs indicators and estimations.',
    )
    .option('--queues <list>', 'comma-separated: io, compute', 'io,compute')
    .action(
      action(async (opts: { queues: string }) => {
        const roles = opts.queues.split(',').map((s) => s.trim());
        for (const r of roles) {
          if (r !== 'io' && r !== 'compute')
            throw new Error(`--queues: unknown queue "${r}" (expected io, compute)`);
        }
        await runWorkerProcess(roles as QueueRole[]);
      }),
    );
}
