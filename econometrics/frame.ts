/**
 * The model frame: the spec's terms evaluated on a panel, restricted to complete rows (listwise
 * deletion), with entity and time codes re-numbered over the rows kept.
 */
import { InputError } from '../common/errors';
import type { Panel } from '../panel';
import { clusterCodes } from './covariance';

export interface ModelFrame {
  /** Row indices of the panel that are used. */
  rows: Int32Array;
  nobs: number;
  /** Evaluated term columns over the used rows, by term string. */
  columns: Map<string, Float64Array>;
  entityCodes: Int32Array;
  ngroups: number;
  timeCodes: Int32Array;
  /** Distinct time values of the used rows, in the order of their codes. */
  timeLevels: number[];
  entityKeys: string[];
  /** Rows dropped because some term was missing. */
  dropped: number;
}

export function modelFrame(panel: Panel, terms: readonly string[], context = 'spec'): ModelFrame {
  const unique = [...new Set(terms)];
  const full = unique.map((t) => {
    try {
      return panel.term(t);
    } catch (e) {
      if (e instanceof InputError)
        throw new InputError(`${context}: term '${t}': ${e.message}`, e.location ?? t);
      throw e;
    }
  });
  const keep: number[] = [];
  for (let i = 0; i < panel.nrows; i++) {
    let ok = true;
    for (const c of full) {
      if (!Number.isFinite(c[i])) {
        ok = false;
        break;
      }
    }
    if (ok) keep.push(i);
  }
  const rows = Int32Array.from(keep);
  const columns = new Map<string, Float64Array>();
  unique.forEach((t, j) =>
    columns.set(
      t,
      Float64Array.from(rows, (i) => full[j][i]),
    ),
  );
  const entityKeys = Array.from(rows, (i) => panel.entityKeys[i]);
  const ent = clusterCodes(entityKeys);
  const times = Array.from(rows, (i) => panel.times[i]);
  const timeLevels = [...new Set(times)].sort((a, b) => a - b);
  const tIndex = new Map(timeLevels.map((t, c) => [t, c]));
  return {
    rows,
    nobs: rows.length,
    columns,
    entityCodes: ent.codes,
    ngroups: ent.ngroups,
    timeCodes: Int32Array.from(times, (t) => tIndex.get(t)!),
    timeLevels,
    entityKeys,
    dropped: panel.nrows - rows.length,
  };
}

export function requireObservations(frame: ModelFrame, needed: number, what: string): void {
  if (frame.nobs < needed) {
    throw new InputError(
      `${what}: too few observations: ${frame.nobs} complete rows (${frame.dropped} dropped for missing values), ` +
        `at least ${needed} needed`,
      'nobs',
    );
  }
}
