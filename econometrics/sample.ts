/**
 * The sample of an estimation (Stata's e(sample)): every row of the panel the estimator was given (the
 * spec's subset, after winsorizing), each marked used or not, with why an unused row was left out.
 * Each estimator derives it where it drops rows (the model frame's listwise deletion, GMM's lost periods
 * and empty equations, the spatial models' weights and first period), so the used rows always number N.
 */
import type { Panel } from '../panel';
import type { SampleRow } from './result';

/**
 * The panel's rows as sample rows: `use(r)` is true for a used row, else the reason it was left out.
 * Rows stay in the panel's order (entity, then time).
 */
export function panelSample(panel: Panel, use: (row: number) => true | string): SampleRow[] {
  const out: SampleRow[] = new Array(panel.nrows);
  for (let r = 0; r < panel.nrows; r++) {
    const verdict = use(r);
    const row: SampleRow = { entity: panel.entityKeys[r], time: panel.times[r], used: verdict === true };
    if (verdict !== true) row.reason = verdict;
    out[r] = row;
  }
  return out;
}

/** How many rows of a sample are used (what N counts). */
export const usedCount = (sample: readonly SampleRow[]) => sample.reduce((n, s) => n + (s.used ? 1 : 0), 0);

/**
 * Why a row with missing terms was dropped: the terms, and for a lag, lead or difference the period it
 * reads when the entity has no row there (`L.AIT (no 2010 row)`: the first year of a lag).
 */
export function missingReason(panel: Panel, row: number, terms: readonly string[]): string {
  const described = terms.map((t) => {
    const op = /^([LFD])(\d*)\./.exec(t.trim());
    if (!op) return t;
    const k = op[2] === '' ? 1 : Number(op[2]);
    const at = op[1] === 'F' ? panel.times[row] + k : panel.times[row] - k;
    return hasRow(panel, row, at) ? t : `${t} (no ${at} row)`;
  });
  return `missing ${described.join(', ')}`;
}

/** Whether row's entity has a row at time `at` (rows are sorted by entity, then time). */
function hasRow(panel: Panel, row: number, at: number): boolean {
  const code = panel.entityCodes[row];
  const step = at < panel.times[row] ? -1 : 1;
  for (let s = row + step; s >= 0 && s < panel.nrows && panel.entityCodes[s] === code; s += step) {
    if (panel.times[s] === at) return true;
    if ((step < 0 && panel.times[s] < at) || (step > 0 && panel.times[s] > at)) return false;
  }
  return false;
}
