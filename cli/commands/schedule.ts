/**
 * `aicarbon schedule`: the Temporal Schedule of the yearly refresh. The inputs folder and the study
 * are checked (as a refresh would read them) and the cron was checked by the command line before
 * anything is created. Updating a schedule keeps its paused state — an operator's pause stays until
 * `--unpause` — and `--describe` shows it without changing it.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleOptions } from '@temporalio/client';
import { loadConfig } from '../../common/config';
import { InputError } from '../../common/errors';
import { calendarAsCron } from '../cron';
import { say } from '../output';
import { openTemporal } from '../temporal-session';
import { applyInputOptions, planFor } from './run';

export interface ScheduleCommandOptions {
  inputs?: string;
  study?: string;
  id: string;
  cron: string;
  paused?: boolean;
  unpause?: boolean;
  describe?: boolean;
  json?: boolean;
}

export async function schedule(opts: ScheduleCommandOptions): Promise<void> {
  const config = applyInputOptions(loadConfig(), opts);
  if (opts.describe) return describeSchedule(opts);
  // The scheduled refresh reads these on the workers: refuse what a refresh would refuse, now.
  const input = await planFor(config, {});
  const temporal = await openTemporal(config, {
    startDevServer: false,
    log: say,
    searchAttributes: true,
    user: 'aicarbon schedule',
  });
  try {
    const options: ScheduleOptions = {
      scheduleId: opts.id,
      spec: { cronExpressions: [opts.cron] },
      action: {
        type: 'startWorkflow',
        workflowType: 'scheduledRefreshWorkflow',
        taskQueue: input.queues!.io,
        args: [{ studyPath: config.studyPath, inputsDir: config.inputsDir }],
        staticSummary: 'Yearly aicarbon refresh',
      },
      policies: { overlap: 'SKIP', catchupWindow: '7 days' },
      state: { paused: Boolean(opts.paused), note: `created by aicarbon schedule` },
    };
    let paused = Boolean(opts.paused);
    try {
      await temporal.client.schedule.create(options);
      say(`Schedule ${opts.id} created (${opts.cron})${paused ? ', paused' : ''}.`);
    } catch (e) {
      if (!(e instanceof ScheduleAlreadyRunning)) throw e;
      await temporal.client.schedule.getHandle(opts.id).update((previous) => {
        // An operator's pause stays unless --unpause; --paused pauses.
        paused = opts.paused ? true : opts.unpause ? false : previous.state.paused;
        return {
          ...previous,
          spec: options.spec,
          action: options.action,
          policies: { ...previous.policies, ...options.policies },
          state: {
            ...previous.state,
            paused,
            ...(paused !== previous.state.paused
              ? {
                  note: paused
                    ? 'paused by aicarbon schedule --paused'
                    : 'unpaused by aicarbon schedule --unpause',
                }
              : {}),
          },
        };
      });
      say(
        `Schedule ${opts.id} updated (${opts.cron}); ${paused ? 'paused' : 'active'}` +
          (paused && !opts.paused ? ' as before (--unpause to resume it)' : '') +
          '.',
      );
    }
    await printSchedule(temporal, opts);
  } finally {
    await temporal.close();
  }
}

async function describeSchedule(opts: ScheduleCommandOptions): Promise<void> {
  const config = loadConfig();
  const temporal = await openTemporal(config, { startDevServer: false, log: say });
  try {
    await printSchedule(temporal, opts);
  } finally {
    await temporal.close();
  }
}

async function printSchedule(
  temporal: Awaited<ReturnType<typeof openTemporal>>,
  opts: ScheduleCommandOptions,
): Promise<void> {
  let d;
  try {
    d = await temporal.client.schedule.getHandle(opts.id).describe();
  } catch (e) {
    if (e instanceof ScheduleNotFoundError)
      throw new InputError(
        `no schedule ${opts.id} on ${temporal.address}; create it with \`aicarbon schedule\``,
        '--id',
      );
    throw e;
  }
  const action = d.action as { workflowType?: string; taskQueue?: string; args?: unknown[] };
  const args = (action.args?.[0] ?? {}) as { studyPath?: string; inputsDir?: string };
  const view = {
    scheduleId: opts.id,
    state: d.state.paused ? 'paused' : 'active',
    note: d.state.note,
    cron: (d.spec.calendars ?? []).map((c) => calendarAsCron(c)),
    workflow: action.workflowType,
    taskQueue: action.taskQueue,
    inputs: args.inputsDir,
    study: args.studyPath,
    nextActionTimes: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
    recentActions: d.info.recentActions.slice(-3).map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
    })),
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return;
  }
  const lines = [`${view.scheduleId}  ${view.state}${view.note ? ` (${view.note})` : ''}`];
  const row = (k: string, v?: string) => v && lines.push(`  ${k.padEnd(9)}${v}`);
  row('cron', view.cron.join(', '));
  row('runs', `${view.workflow} on ${view.taskQueue}`);
  row('inputs', view.inputs);
  row('study', view.study);
  row('next', view.nextActionTimes.join(', ') || (d.state.paused ? '(paused)' : '(none)'));
  for (const a of view.recentActions) row('fired', `${a.scheduledAt} → ${a.workflowId}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
