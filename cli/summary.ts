/**
 * The end of a run in a few lines: estimations done and failed, elapsed time per stage and in total,
 * where the report and the workbook are, and the output folder (the JSON is `--json`'s).
 */
import { dirname, relative, sep } from 'node:path';
import type { RefreshResult } from '../workflows/types';
import { STAGES } from '../workflows/progress';
import { formatElapsed } from './follow';

type Stages = RefreshResult['stages'];

/** A path as the user typed it: relative to the working directory when inside it. */
export function shownPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : path;
}

export function stageTimes(stages: Stages): string {
  if (!stages) return '';
  return STAGES.filter((s) => stages[s]?.start && stages[s]?.end)
    .map((s) => `${s} ${formatElapsed(Date.parse(stages[s]!.end!) - Date.parse(stages[s]!.start))}`)
    .join(' · ');
}

export function runSummary(
  result: RefreshResult,
  options: { stages?: Stages; start?: Date; end?: Date; tty?: boolean } = {},
): string {
  const failed = result.failedSteps ?? [];
  const done = result.estimations - failed.length;
  const total =
    options.start && options.end
      ? ` in ${formatElapsed(options.end.getTime() - options.start.getTime())}`
      : '';
  const lines = [
    `Refresh ${result.runId} ${failed.length ? 'completed with failed estimations' : 'done'}${total}: ` +
      `${done} of ${result.estimations} estimations done${failed.length ? `, ${failed.length} failed` : ''}; ` +
      `${result.files} input files, ${result.observations} observations.`,
  ];
  const times = stageTimes(options.stages);
  if (times) lines.push(`  stages    ${times}`);
  const report = result.published.find((f) => f.endsWith('.html'));
  const workbook = result.published.find((f) => f.endsWith('.xlsx'));
  if (report) lines.push(`  report    ${shownPath(report)}`);
  if (workbook) lines.push(`  workbook  ${shownPath(workbook)}`);
  if (result.published.length) {
    const folder = commonFolder(result.published);
    lines.push(`  folder    ${shownPath(folder)}${sep} (${result.published.length} files)`);
  }
  // The cells two sources disagreed on (value kept, values set aside, why), then the inputs' notes.
  const conflictLines = result.conflictLines ?? [];
  const conflicts = result.conflicts ?? conflictLines.length;
  if (conflicts > 0) {
    lines.push(`${conflicts} cell${conflicts > 1 ? 's' : ''} where sources disagree (the first value kept):`);
    for (const l of conflictLines) lines.push(`  ${l}`);
    if (conflicts > conflictLines.length)
      lines.push(
        `  … and ${conflicts - conflictLines.length} more: SELECT * FROM analyst_conflicts WHERE run_id = '${result.runId}'`,
      );
  }
  if (result.notes?.length) {
    lines.push('Notes on the inputs:');
    for (const note of result.notes) lines.push(`  ${note}`);
  }
  if (failed.length) {
    lines.push('Could not be estimated from these inputs (kept in the store, table estimation_failures):');
    for (const s of failed) lines.push(`  ${s.stepId}: ${s.error}`);
  }
  return lines.join('\n');
}

function commonFolder(paths: string[]): string {
  let folder = dirname(paths[0]);
  while (!paths.every((p) => p.startsWith(folder + sep)) && dirname(folder) !== folder)
    folder = dirname(folder);
  return folder;
}
