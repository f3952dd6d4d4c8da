/**
 * Publishing a run's results as files under `out/<run id>/`: the paper-style workbook, a CSV per
 * table, the tidy results as JSON, and the estimation panel with its coverage. Written to a scratch
 * folder and renamed into place, so a rerun replaces the folder whole and a crash leaves no half-set.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { CoverageRow } from '../assembly/panel';
import type { Study } from '../study';
import { writeCsvTables } from './csv';
import { tableLayout, type PublishedStep } from './layout';
import { writeWorkbook } from './workbook';

export { tableLayout, stars, type PublishedStep, type TableLayout } from './layout';

export interface PublishInput {
  outDir: string;
  runId: string;
  study: Study;
  steps: PublishedStep[];
  panelRows: Record<string, number | string | null>[];
  coverage: CoverageRow[];
}

export async function publishResults(input: PublishInput): Promise<string[]> {
  const final = join(input.outDir, input.runId);
  const scratch = `${final}.partial-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const layouts = input.study.tables.map((t) => tableLayout(t, input.steps));
  const written: string[] = [];
  written.push(...(await writeCsvTables(join(scratch, 'tables'), layouts)));
  const workbook = join(scratch, 'results.xlsx');
  await writeWorkbook(workbook, layouts, { runId: input.runId, study: input.study.title });
  written.push(workbook);
  const results = join(scratch, 'results.json');
  await writeFile(
    results,
    JSON.stringify({ runId: input.runId, study: input.study.id, steps: input.steps }, null, 2),
  );
  written.push(results);
  const panel = join(scratch, 'panel.csv');
  const columns = Object.keys(input.panelRows[0] ?? {});
  await writeFile(
    panel,
    stringify(
      input.panelRows.map((r) => columns.map((c) => r[c] ?? '')),
      { header: true, columns },
    ),
  );
  written.push(panel);
  const coverage = join(scratch, 'coverage.csv');
  await writeFile(
    coverage,
    stringify(
      input.coverage.map((c) => [
        c.variable,
        c.observed,
        c.interpolated,
        c.missing,
        c.missingCells.join(' '),
      ]),
      { header: true, columns: ['variable', 'observed', 'interpolated', 'missing', 'missing_cells'] },
    ),
  );
  written.push(coverage);
  await rm(final, { recursive: true, force: true });
  await rename(scratch, final);
  return written.map((p) => p.replace(scratch, final));
}
