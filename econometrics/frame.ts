/**
 * The model frame: the spec's terms evaluated on a panel, restricted to complete rows (listwise
 * deletion), with entity and time codes re-numbered over the rows kept.
 */
import { DataError, InputError } from '../common/errors';
import { evaluateTerm, type Panel } from '../panel';
import type { SampleRow } from './result';
import { missingReason, panelSample } from './sample';

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
  /** Entity key of each code (entityKeys[code]). */
  entityKeys: string[];
  /** Rows dropped because some term was missing. */
  dropped: number;
  /** Every panel row, used or dropped with the terms it misses (the fit's e(sample)). */
  sample: SampleRow[];
}

export function modelFrame(panel: Panel, terms: readonly string[], context = 'spec'): ModelFrame {
  const unique = [...new Set(terms)];
  const full = unique.map((t) => {
    try {
      return evaluateTerm(panel, t);
    } catch (e) {
      if (e instanceof InputError)
        throw new InputError(`${context}: term '${t}': ${e.message}`, e.location ?? t);
      throw e;
    }
  });
  // A term with no value at all is a data gap, not a collinearity: say so before listwise deletion hides it.
  const empty = unique.filter((_, j) => !full[j].some((v) => Number.isFinite(v)));
  if (empty.length) {
    throw new DataError(
      `${context}: no values for ${empty.map((t) => `'${t}'`).join(', ')} in any of the ${panel.nrows} rows of this sample`,
      empty[0],
    );
  }
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
  // Listwise deletion is the frame's only drop: the sample is read off the same test.
  const sample = panelSample(panel, (i) => {
    const missing = unique.filter((_, j) => !Number.isFinite(full[j][i]));
    return missing.length === 0 ? true : missingReason(panel, i, missing);
  });
  const rows = Int32Array.from(keep);
  const n = rows.length;
  const columns = new Map<string, Float64Array>();
  unique.forEach((t, j) => {
    const src = full[j];
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) out[r] = src[rows[r]];
    columns.set(t, out);
  });
  // Entity codes re-numbered over the kept rows (in order of first appearance), without string keys.
  const remap = new Int32Array(panel.ngroups).fill(-1);
  const entityCodes = new Int32Array(n);
  const entityKeys: string[] = [];
  let ngroups = 0;
  for (let r = 0; r < n; r++) {
    const c = panel.entityCodes[rows[r]];
    if (remap[c] < 0) {
      remap[c] = ngroups++;
      entityKeys.push(panel.entityLevels[c]);
    }
    entityCodes[r] = remap[c];
  }
  const times = new Float64Array(n);
  for (let r = 0; r < n; r++) times[r] = panel.times[rows[r]];
  const timeLevels = [...new Set(times)].sort((a, b) => a - b);
  const tIndex = new Map(timeLevels.map((t, c) => [t, c]));
  const timeCodes = new Int32Array(n);
  for (let r = 0; r < n; r++) timeCodes[r] = tIndex.get(times[r])!;
  return {
    rows,
    nobs: n,
    columns,
    entityCodes,
    ngroups,
    timeCodes,
    timeLevels,
    entityKeys,
    dropped: panel.nrows - n,
    sample,
  };
}

export function requireObservations(frame: ModelFrame, needed: number, what: string): void {
  if (frame.nobs < needed) {
    throw new DataError(
      `${what}: too few observations: ${frame.nobs} complete rows (${frame.dropped} dropped for missing values), ` +
        `at least ${needed} needed`,
      'nobs',
    );
  }
}
