import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Study } from '../study';
import { cellText, type PublishedStep, type TableLayout } from './layout';
import { chosenPValue } from './inference';

/** A table in the paper's layout as CSV (stars, SEs in parentheses, notes last). */
export function tableCsv(t: TableLayout): string {
  return stringify([
    [t.title],
    ...t.headers.map((h, i) => [t.stubs[i] ?? '', ...h]),
    ...t.rows.map((r) => [r.label, ...r.cells.map((c) => cellText(c))]),
    ...t.notes.map((n) => [n]),
  ]);
}

/** One CSV per table (`tableCsv`, or the texts given in the tables' order); returns the paths. */
export async function writeCsvTables(
  dir: string,
  tables: TableLayout[],
  texts: string[] = tables.map(tableCsv),
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths = tables.map((t) => join(dir, `${t.id}.csv`));
  await Promise.all(paths.map((path, i) => writeFile(path, texts[i])));
  return paths;
}

const TIDY_COLUMNS = [
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
];
const TIDY_HEADER = stringify([], { header: true, columns: TIDY_COLUMNS });

/**
 * The tidy estimates of every step, one row per coefficient, for analysts who re-use the numbers: the
 * conventional p-value (the column's vce) next to the wild bootstrap one and the p-value the table's
 * stars come from (`stars_from`: wild, a vce, or empty for the column's own).
 */
export function tidyCoefficientsCsv(steps: PublishedStep[], study?: Pick<Study, 'tables'>): string {
  return TIDY_HEADER + steps.map((s) => tidyStepRows(s, study)).join('');
}

/** One step's rows of `tidyCoefficientsCsv`, without the header. */
export function tidyStepRows(s: PublishedStep, study?: Pick<Study, 'tables'>): string {
  const table = study?.tables.find((t) => t.id === s.tableId);
  const column = table?.columns.find((c) => c.id === s.columnId);
  const rows = s.result.coefficients.map((c) => {
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
  // Absent optional numbers (no df, no bootstrap) print as empty cells.
  return stringify(rows, { cast: { number: (v) => (Number.isFinite(v) ? String(v) : '') } });
}
