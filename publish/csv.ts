import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { cellText, type PublishedStep, type TableLayout } from './layout';

/** One CSV per table in the paper's layout (stars, SEs in parentheses, notes last); returns the paths. */
export async function writeCsvTables(dir: string, tables: TableLayout[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const t of tables) {
    const records = [
      [t.title],
      ...t.headers.map((h) => ['', ...h]),
      ...t.rows.map((r) => [r.label, ...r.cells.map((c) => cellText(c))]),
      ...t.notes.map((n) => [n]),
    ];
    const path = join(dir, `${t.id}.csv`);
    await writeFile(path, stringify(records));
    paths.push(path);
  }
  return paths;
}

/** The tidy estimates of every step, one row per coefficient, for analysts who re-use the numbers. */
export function tidyCoefficientsCsv(steps: PublishedStep[]): string {
  const rows = steps.flatMap((s) =>
    s.result.coefficients.map((c) => [
      s.stepId,
      s.tableId,
      s.columnId,
      s.result.estimator,
      c.term,
      c.estimate,
      c.std_error,
      c.statistic,
      c.p_value,
      s.result.nobs,
    ]),
  );
  return stringify(rows, {
    header: true,
    columns: [
      'step',
      'table',
      'column',
      'estimator',
      'term',
      'estimate',
      'std_error',
      'statistic',
      'p_value',
      'nobs',
    ],
    cast: { number: (v) => (Number.isFinite(v) ? String(v) : '') },
  });
}
