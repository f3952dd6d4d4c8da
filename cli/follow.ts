/**
 * Follows a refresh until it ends: a progress bar fed by the workflow's progress query on a terminal,
 * one line per stage change elsewhere (CI logs).
 */
import cliProgress from 'cli-progress';
import type { WorkflowHandle } from '@temporalio/client';
import { progressQuery, type Progress } from '../workflows/progress';
import type { RefreshResult } from '../workflows/types';

export async function follow(
  handle: WorkflowHandle,
  options: { intervalMs?: number; stream?: NodeJS.WriteStream } = {},
): Promise<RefreshResult> {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: ' {stage} |{bar}| {value}/{total} steps {failed} {current}', stream, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  let lastStage = '';
  let settled = false;
  const result = handle.result().finally(() => (settled = true));
  const show = (p: Progress) => {
    if (bar) {
      if (!started)
        bar.start(Math.max(p.stepsTotal, 1), p.stepsDone, { stage: p.stage, current: '', failed: '' });
      started = true;
      bar.setTotal(Math.max(p.stepsTotal, 1));
      bar.update(p.stepsDone, {
        stage: p.stage.padEnd(10),
        current: p.current ?? '',
        failed: p.failedSteps ? `(${p.failedSteps} failed)` : '',
      });
    } else if (p.stage !== lastStage) {
      stream.write(`  stage ${p.stage} (${p.stepsDone}/${p.stepsTotal} steps)\n`);
    }
    lastStage = p.stage;
  };
  try {
    while (!settled) {
      try {
        show(await handle.query(progressQuery));
      } catch {
        // Not yet picked up by a worker, or just completed: keep waiting for the result.
      }
      await Promise.race([
        result.catch(() => {}),
        new Promise((r) => setTimeout(r, options.intervalMs ?? 500)),
      ]);
    }
    const value = (await result) as RefreshResult;
    if (bar && started) bar.update(bar.getTotal(), { stage: 'done'.padEnd(10), current: '', failed: '' });
    return value;
  } finally {
    bar?.stop();
  }
}
