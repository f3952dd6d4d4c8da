/**
 * The panel columns an estimation reads, from its spec and its estimator's contract (registry.ts): the
 * early cut-off keys each estimation on the content of these columns only, so a refresh whose
 * indicators changed in other columns reuses it (freshness/step-keys.ts).
 *
 *   reads(spec) = index (entity, time)
 *               ∪ columns of y, x, cluster, subset.by, winsorize (vars, default y; by)
 *               ∪ columns of every option key the estimator reads (OPTION_VARIABLES: endogenous,
 *                 instruments, mediator, moderator, the GMM instrument variables, …)
 *
 * A term is read through the columns it names (`L.AIT` → AIT, `ln(x):z` → x, z; panel/terms.ts); lags
 * read the time index, which every estimation reads. The estimation activity builds the panel of these
 * columns only, so an estimator reading a column not listed here fails loudly instead of being served
 * stale numbers from a key that does not cover it.
 */
import { termColumns } from '../panel/terms';
import { contractOf, OPTION_VARIABLES } from './registry';
import type { Spec } from './spec';

export interface PanelIndexNames {
  entity: string;
  time: string;
}

/** The columns `spec` reads, sorted, the index columns included. */
export function columnsRead(spec: Spec, index: PanelIndexNames): string[] {
  const terms: string[] = [spec.y, ...spec.x];
  if (spec.cluster !== undefined)
    terms.push(...(Array.isArray(spec.cluster) ? spec.cluster : [spec.cluster]));
  if (spec.subset) terms.push(spec.subset.by);
  const winsorize =
    spec.winsorize === undefined ? [] : Array.isArray(spec.winsorize) ? spec.winsorize : [spec.winsorize];
  for (const w of winsorize) {
    terms.push(...(w.vars ?? [spec.y]));
    if (w.by) terms.push(w.by);
  }
  const record = spec as unknown as Record<string, unknown>;
  for (const key of contractOf(spec.estimator).options) terms.push(...OPTION_VARIABLES[key](record[key]));
  const columns = new Set([index.entity, index.time, ...terms.flatMap(termColumns)]);
  return [...columns].sort();
}

/**
 * The rows with only `columns` (the estimation's panel and its weights read nothing else): a column
 * missing from the rows stays missing, as on the whole panel.
 */
export function rowsOfColumns<R extends Record<string, unknown>>(
  rows: readonly R[],
  columns: readonly string[],
): Record<string, unknown>[] {
  return rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) if (Object.hasOwn(r, c)) out[c] = r[c];
    return out;
  });
}
