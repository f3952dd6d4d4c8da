/**
 * How the Web UI names the estimate stage's activities (their summaries): a step by its column,
 * estimator and sample, a batch by its columns grouped by table. The UI's event list cuts a summary
 * after about 120 characters, so a batch's label is made to fit: runs of numbered columns as ranges,
 * then, if still too long, the last tables' counts of columns, then as many tables as fit.
 */
import type { PlannedStep } from './types';

/** About as many characters of a summary as the Web UI shows. */
export const SUMMARY_CHARS = 120;

/** `table3/(4): fe (all)`: the column, its estimator and its sample, as the Web UI shows a step. */
export const stepLabel = (step: PlannedStep): string => `${step.stepId}: ${step.estimator} (${step.sample})`;

/**
 * `(1) (2) (3) (4) mediation` → `(1)–(4) mediation`: three or more consecutive numbered columns as a
 * range; others as they are, in their order.
 */
export function columnRuns(columns: string[]): string[] {
  const number = (column: string) => {
    const m = /^\((\d+)\)$/.exec(column);
    return m ? Number(m[1]) : undefined;
  };
  const out: string[] = [];
  for (let i = 0; i < columns.length;) {
    const first = number(columns[i]);
    let last = i;
    if (first !== undefined)
      while (last + 1 < columns.length && number(columns[last + 1]) === first + last + 1 - i) last++;
    if (last - i >= 2) {
      out.push(`${columns[i]}–${columns[last]}`);
      i = last + 1;
    } else out.push(columns[i++]);
  }
  return out;
}

/**
 * `26 estimations: vif VIF; table3 (1)–(7); table4 (1)–(10); …`: a batch's columns grouped by table,
 * within SUMMARY_CHARS. When they do not fit, the last tables' columns are counted instead
 * (`table12 ×4`), from the last table back; when even the counts do not fit, as many tables as fit and
 * how many more (`and 3 more tables`).
 */
export function batchLabel(batch: PlannedStep[]): string {
  const byTable = new Map<string, string[]>();
  for (const step of batch) byTable.set(step.tableId, [...(byTable.get(step.tableId) ?? []), step.columnId]);
  const head = `${batch.length} estimations: `;
  const tables = [...byTable];
  const listed = tables.map(([table, columns]) => `${table} ${columnRuns(columns).join(' ')}`);
  const counted = tables.map(([table, columns]) => `${table} ×${columns.length}`);
  for (let kept = tables.length; kept >= 0; kept--) {
    const label = head + [...listed.slice(0, kept), ...counted.slice(kept)].join('; ');
    if (label.length <= SUMMARY_CHARS) return label;
  }
  for (let shown = tables.length - 1; shown > 0; shown--) {
    const label = `${head}${counted.slice(0, shown).join('; ')}; and ${tables.length - shown} more tables`;
    if (label.length <= SUMMARY_CHARS) return label;
  }
  return `${head}${tables.length} tables`;
}
