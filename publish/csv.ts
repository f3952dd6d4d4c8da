import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Study } from '../study';
import { cellText, type PublishedStep, type TableLayout } from './layout';
import { chosenPValue } from './inference';

/** One CSV per table in the paper's layout (stars, SEs in parentheses, notes last); returns the paths. */
export async function writeCsvTables(dir: string, tables: TableLayout[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const t of tables) {
    const records = [
      [t.title],
      ...t.headers.map((h, i) => [t.stubs[i] ?? '', ...h]),
      ...t.rows.map((r) => [r.label, ...r.cells.map((c) => cellText(c))]),
      ...t.notes.map((n) => [n]),
    ];
    const path = join(dir, `${t.id}.csv`);
    await writeFile(path, stringify(records));
    paths.push(path);
  }
  return paths;
}

/**
 * The tidy estimates of every step, one row per coefficient, for analysts who re-use the numbers: the
 * conventional p-value (the column's vce) next to the wild bootstrap one and the p-value the table's
 * stars come from (`stars_from`: wild, a vce, or empty for the column's own).
 */
export function tidyCoefficientsCsv(steps: PublishedStep[], study?: Pick<Study, 'tables'>): string {
  const rows = steps.flatMap((s) => {
    const table = study?.tables.find((t) => t.id === s.tableId);
    const column = table?.columns.find((c) => c.id === s.columnId);
    return s.result.coefficients.map((c) => {
      const chosen = table && column ? chosenPValue(table, column, c) : undefined;
      return [
        s.stepId,
        s.tableId,
        s.columnId,
        s.result.estimator,
        c.term,
        c.estimate,
        c.std_error,
        c.statistic,
        c.p_value,
        c.df,
        c.p_value_wild,
        c.ci_wild_lower,
        c.ci_wild_upper,
        chosen !== undefined ? table!.stars : '',
        chosen ?? c.p_value,
        s.result.nobs,
      ];
    });
  });
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
      'df',
      'p_value_wild',
      'ci_wild_lower',
      'ci_wild_upper',
      'stars_from',
      'p_value_stars',
      'nobs',
    ],
    cast: { number: (v) => (Number.isFinite(v) ? String(v) : '') },
    // Absent optional numbers (no df, no bootstrap) print as empty cells.
  });
}
