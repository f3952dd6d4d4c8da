import { ScheduleAlreadyRunning, type ScheduleOptions } from '@temporalio/client';
import { loadConfig } from '../../common/config';
import { IO_QUEUE } from '../../temporal/task-queues';
import { say } from '../output';
import { openTemporal } from '../temporal-session';
import { applyInputOptions } from './run';

export interface ScheduleCommandOptions {
  inputs?: string;
  study?: string;
  id: string;
  cron: string;
  paused?: boolean;
  describe?: boolean;
}

export async function schedule(opts: ScheduleCommandOptions): Promise<void> {
  const config = applyInputOptions(loadConfig(), opts);
  const temporal = await openTemporal(config, { startDevServer: false, log: say });
  try {
    const options: ScheduleOptions = {
      scheduleId: opts.id,
      spec: { cronExpressions: [opts.cron] },
      action: {
        type: 'startWorkflow',
        workflowType: 'scheduledRefreshWorkflow',
        taskQueue: IO_QUEUE,
        args: [{ studyPath: config.studyPath, inputsDir: config.inputsDir }],
        staticSummary: 'Yearly aicarbon refresh',
      },
      policies: { overlap: 'SKIP', catchupWindow: '7 days' },
      state: { paused: Boolean(opts.paused), note: `created by aicarbon schedule` },
    };
    try {
      await temporal.client.schedule.create(options);
      say(`Schedule ${opts.id} created (${opts.cron}).`);
    } catch (e) {
      if (!(e instanceof ScheduleAlreadyRunning)) throw e;
      await temporal.client.schedule.getHandle(opts.id).update((previous) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: { ...previous.policies, ...options.policies },
        state: { ...previous.state, paused: Boolean(opts.paused) },
      }));
      say(`Schedule ${opts.id} updated (${opts.cron}).`);
    }
    const d = await temporal.client.schedule.getHandle(opts.id).describe();
    process.stdout.write(
      `${JSON.stringify({ scheduleId: opts.id, nextActionTimes: d.info.nextActionTimes.slice(0, 3) })}\n`,
    );
  } finally {
    await temporal.close();
  }
}
