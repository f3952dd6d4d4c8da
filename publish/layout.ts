/**
 * The paper's table layout, computed once from tidy results and rendered by every writer (Excel,
 * CSV): a coefficient row with stars and a standard-error row under it per term, then N, R² and the
 * notes. Stars at 10 / 5 / 1 %.
 */
import type { EstimationResult } from '../econometrics/result';
import type { StudyTable } from '../study';

export interface PublishedStep {
  stepId: string;
  tableId: string;
  columnId: string;
  result: EstimationResult;
}

export const stars = (p: number) =>
  !Number.isFinite(p) ? '' : p < 0.01 ? '***' : p < 0.05 ? '**' : p < 0.1 ? '*' : '';

export interface LayoutCell {
  value: number | null;
  /** `coef` (with stars) or `se` (in parentheses) or `stat`. */
  kind: 'coef' | 'se' | 'stat';
  stars?: string;
}

export interface TableLayout {
  id: string;
  title: string;
  columns: string[];
  /** Row label + one cell per column. */
  rows: { label: string; cells: LayoutCell[] }[];
  notes?: string;
}

const STAT_ROWS: [string, (r: EstimationResult) => number | undefined][] = [
  ['N', (r) => r.nobs],
  ['Provinces', (r) => r.ngroups],
  ['R² (within)', (r) => r.statistics.r2_within],
  ['R²', (r) => r.statistics.r2],
];

export function tableLayout(table: StudyTable, steps: PublishedStep[]): TableLayout {
  const byColumn = new Map(steps.filter((s) => s.tableId === table.id).map((s) => [s.columnId, s.result]));
  const columns = table.columns.map((c) => c.id);
  const terms: string[] = [];
  for (const c of columns) {
    for (const row of byColumn.get(c)?.coefficients ?? [])
      if (!terms.includes(row.term)) terms.push(row.term);
  }
  // The constant goes last, as in the paper.
  terms.sort((a, b) => Number(a === '_cons') - Number(b === '_cons'));
  const rows: TableLayout['rows'] = [];
  for (const term of terms) {
    const coefs = columns.map((c) => byColumn.get(c)?.coefficients.find((r) => r.term === term));
    rows.push({
      label: term,
      cells: coefs.map((r) => ({
        value: r?.estimate ?? null,
        kind: 'coef',
        stars: r ? stars(r.p_value) : '',
      })),
    });
    rows.push({ label: '', cells: coefs.map((r) => ({ value: r?.std_error ?? null, kind: 'se' })) });
  }
  const statNames = new Set<string>();
  for (const [label, get] of STAT_ROWS) {
    const values = columns.map((c) => {
      const r = byColumn.get(c);
      const v = r ? get(r) : undefined;
      return v === undefined || !Number.isFinite(v) ? null : v;
    });
    if (values.some((v) => v !== null)) {
      rows.push({ label, cells: values.map((value) => ({ value, kind: 'stat' })) });
      statNames.add(label);
    }
  }
  // Estimators without coefficient rows (VIF, Moran) publish their named statistics.
  if (terms.length === 0) {
    const names = [...new Set(columns.flatMap((c) => Object.keys(byColumn.get(c)?.statistics ?? {})))];
    for (const name of names) {
      rows.push({
        label: name,
        cells: columns.map((c) => ({ value: byColumn.get(c)?.statistics[name] ?? null, kind: 'stat' })),
      });
    }
  }
  return { id: table.id, title: table.title, columns, rows, notes: table.notes };
}
