/**
 * The spatial weights matrix (spdep's listw): entity codes plus a (usually row-standardised) N×N matrix
 * held in compressed sparse rows, built and validated from dense rows; its spatial lag Wx and the panel
 * lag (I_T ⊗ W)x; the comparison of two link patterns. Validation: unknown or repeated codes,
 * self-links, negative weights and islands are errors naming the input.
 */
import { Matrix } from 'ml-matrix';
import { InputError } from '../../../common/errors';

export interface WeightsMatrix {
  /** Entity codes; row/column i of the matrix is `ids[i]`. */
  readonly ids: readonly string[];
  readonly n: number;
  /** CSR storage: row i's entries are `values[rowPtr[i] .. rowPtr[i+1])` in columns `colIdx[...]`. */
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
  readonly rowStandardised: boolean;
  /**
   * When W = D⁻¹C with C symmetric (contiguity, inverse distance, economic distance), the row sums d
   * of C: then W is similar to the symmetric D^{-1/2} C D^{-1/2} and its eigenvalues are real.
   */
  readonly symmetricBaseRowSums?: Float64Array;
  /** What the matrix is, for reports (e.g. `contiguity (adjacency.csv)`). */
  readonly label: string;
}

export interface BuildOptions {
  /** Row-standardise (default true). */
  rowStandardise?: boolean;
  /** Allow entities without neighbours (zero rows, spdep's zero.policy); default false: an error. */
  allowIslands?: boolean;
  label?: string;
}

/** Builds and validates from dense rows (a number[][] in `ids` order). `source` names the input. */
export function weightsFromDense(
  ids: readonly string[],
  rows: readonly (readonly number[])[] | Matrix,
  source: string,
  options: BuildOptions = {},
): WeightsMatrix {
  const dense = rows instanceof Matrix ? rows.to2DArray() : rows;
  const n = ids.length;
  checkIds(ids, source);
  if (dense.length !== n) throw new InputError(`${source}: ${dense.length} rows for ${n} ids`, source);
  for (let i = 0; i < n; i++) {
    if (dense[i].length !== n) {
      throw new InputError(`${source}: row ${ids[i]} has ${dense[i].length} columns, expected ${n}`, source);
    }
    for (let j = 0; j < n; j++) {
      const v = dense[i][j];
      if (!Number.isFinite(v) || v < 0) {
        throw new InputError(
          `${source}: row ${ids[i]}, column ${ids[j]}: expected a finite weight ≥ 0, found ${v}`,
          source,
        );
      }
      if (i === j && v !== 0)
        throw new InputError(`${source}: self-link at ${ids[i]} (diagonal ${v}, expected 0)`, source);
    }
  }
  const symmetric = dense.every((r, i) =>
    r.every((v, j) => Math.abs(v - dense[j][i]) <= 1e-12 * Math.max(1, Math.abs(v))),
  );
  return weightsFromRows(ids, dense, source, symmetric, options);
}

/** The CSR matrix from validated dense rows: row-standardised unless told otherwise; islands refused unless allowed. */
export function weightsFromRows(
  ids: readonly string[],
  dense: readonly (readonly number[])[],
  source: string,
  symmetric: boolean,
  options: BuildOptions,
): WeightsMatrix {
  const n = ids.length;
  const standardise = options.rowStandardise ?? true;
  const rowSums = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rowSums[i] += dense[i][j];
  const islands = ids.filter((_, i) => rowSums[i] === 0);
  if (islands.length > 0 && !options.allowIslands) {
    throw new InputError(
      `${source}: ${islands.join(', ')} ${islands.length === 1 ? 'has' : 'have'} no neighbours (an island); link it or pass allowIslands`,
      source,
    );
  }
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (dense[i][j] !== 0) {
        cols.push(j);
        vals.push(standardise && rowSums[i] > 0 ? dense[i][j] / rowSums[i] : dense[i][j]);
      }
    }
    rowPtr[i + 1] = cols.length;
  }
  return {
    ids: [...ids],
    n,
    rowPtr,
    colIdx: Int32Array.from(cols),
    values: Float64Array.from(vals),
    rowStandardised: standardise,
    symmetricBaseRowSums:
      symmetric && islands.length === 0 ? (standardise ? rowSums : new Float64Array(n).fill(1)) : undefined,
    label: options.label ?? source,
  };
}

export function checkIds(ids: readonly string[], source: string): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (id === '') throw new InputError(`${source}: id ${i + 1} is empty`, source);
    if (seen.has(id)) throw new InputError(`${source}: id ${id} appears twice`, source);
    seen.add(id);
  });
}

/** Dense row-major copy (n×n). */
export function toDense(w: WeightsMatrix): number[][] {
  const out = Array.from({ length: w.n }, () => new Array<number>(w.n).fill(0));
  for (let i = 0; i < w.n; i++)
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) out[i][w.colIdx[k]] = w.values[k];
  return out;
}

/** Wx for one cross-section (x in `ids` order), written into `out`. */
export function spatialLag(
  w: WeightsMatrix,
  x: ArrayLike<number>,
  out: Float64Array = new Float64Array(w.n),
  offset = 0,
): Float64Array {
  for (let i = 0; i < w.n; i++) {
    let s = 0;
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) s += w.values[k] * x[offset + w.colIdx[k]];
    out[offset + i] = s;
  }
  return out;
}

/** (I_T ⊗ W)x for a stacked panel (time-major: T blocks of N in `ids` order). */
export function panelSpatialLag(w: WeightsMatrix, x: ArrayLike<number>): Float64Array {
  if (x.length % w.n !== 0)
    throw new Error(`panelSpatialLag: length ${x.length} is not a multiple of N = ${w.n}`);
  const out = new Float64Array(x.length);
  for (let off = 0; off < x.length; off += w.n) spatialLag(w, x, out, off);
  return out;
}

export interface ContiguityDifference {
  /** Links in the candidate that the reference does not have (code pairs, each once). */
  extra: [string, string][];
  /** Links of the reference missing from the candidate. */
  missing: [string, string][];
  /** Codes of the candidate with no neighbours. */
  islands: string[];
}

/**
 * Compares the link pattern of a candidate matrix (e.g. a matrix shipped with someone's data) with a
 * reference contiguity: extra links, missing links, islands. Codes must be the same set.
 */
export function compareContiguity(candidate: WeightsMatrix, reference: WeightsMatrix): ContiguityDifference {
  const refPos = new Map(reference.ids.map((id, i) => [id, i]));
  const unknown = candidate.ids.filter((id) => !refPos.has(id));
  if (unknown.length > 0 || candidate.n !== reference.n) {
    throw new InputError(
      `${candidate.label}: codes differ from ${reference.label}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
      candidate.label,
    );
  }
  const links = (w: WeightsMatrix) => {
    const set = new Set<string>();
    for (let i = 0; i < w.n; i++) {
      for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) {
        const a = w.ids[i];
        const b = w.ids[w.colIdx[k]];
        set.add(a < b ? `${a}|${b}` : `${b}|${a}`);
      }
    }
    return set;
  };
  const c = links(candidate);
  const r = links(reference);
  const pair = (s: string) => s.split('|') as [string, string];
  return {
    extra: [...c]
      .filter((l) => !r.has(l))
      .sort()
      .map(pair),
    missing: [...r]
      .filter((l) => !c.has(l))
      .sort()
      .map(pair),
    islands: candidate.ids.filter((_, i) => candidate.rowPtr[i + 1] === candidate.rowPtr[i]),
  };
}
