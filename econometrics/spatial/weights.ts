/**
 * Spatial weights: entity codes plus a (usually row-standardised) N×N matrix held in compressed sparse
 * rows, with its eigenvalues computed once on demand for log|I − ρW|. Builders read an adjacency list,
 * a square matrix CSV, coordinates (inverse great-circle distance, k nearest neighbours) or an economic
 * variable (1/|x̄_i − x̄_j|). Every builder validates: unknown or repeated codes, self-links, asymmetric
 * contiguity and islands are errors naming the file and row.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { InputError } from '../../common/errors';

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
  return finish(ids, dense, source, symmetric, options);
}

function finish(
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

function checkIds(ids: readonly string[], source: string): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (id === '') throw new InputError(`${source}: id ${i + 1} is empty`, source);
    if (seen.has(id)) throw new InputError(`${source}: id ${id} appears twice`, source);
    seen.add(id);
  });
}

export interface ContiguityOptions extends BuildOptions {
  /** Links to remove, as code pairs (both directions), e.g. [['HI', 'GD']] for an isolated Hainan. */
  removeLinks?: readonly (readonly [string, string])[];
  /** Codes expected, in order (default: the order of the file's rows). Unknown codes are errors. */
  ids?: readonly string[];
}

/**
 * Contiguity from an adjacency list CSV (`code,neighbours`, neighbours separated by spaces). The relation
 * must be symmetric; a one-way link is an error naming both rows.
 */
export function contiguityFromList(
  text: string,
  source: string,
  options: ContiguityOptions = {},
): WeightsMatrix {
  const rows = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  if (rows.length === 0 || !('code' in rows[0]) || !('neighbours' in rows[0])) {
    throw new InputError(`${source}: expected columns code,neighbours`, source);
  }
  const fileIds = rows.map((r) => r.code);
  checkIds(fileIds, source);
  const ids = options.ids ? [...options.ids] : fileIds;
  const pos = new Map(ids.map((id, i) => [id, i]));
  const missing = ids.filter((id) => !fileIds.includes(id));
  if (missing.length > 0) throw new InputError(`${source}: no row for ${missing.join(', ')}`, source);
  const n = ids.length;
  const dense = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  rows.forEach((r, k) => {
    const i = pos.get(r.code);
    if (i === undefined)
      throw new InputError(`${source}: row ${k + 2}: unknown code ${r.code}`, `${source}:${k + 2}`);
    for (const nb of r.neighbours.split(/\s+/).filter(Boolean)) {
      const j = pos.get(nb);
      if (j === undefined) {
        throw new InputError(
          `${source}: row ${k + 2} (${r.code}): unknown neighbour code ${nb}`,
          `${source}:${k + 2}`,
        );
      }
      if (j === i)
        throw new InputError(
          `${source}: row ${k + 2}: ${r.code} lists itself as a neighbour`,
          `${source}:${k + 2}`,
        );
      dense[i][j] = 1;
    }
  });
  for (const [a, b] of options.removeLinks ?? []) {
    const i = pos.get(a);
    const j = pos.get(b);
    if (i === undefined || j === undefined || dense[i][j] === 0) {
      throw new InputError(`${source}: cannot remove link ${a}–${b}: not in the file`, source);
    }
    dense[i][j] = 0;
    dense[j][i] = 0;
  }
  const oneWay = asymmetricLinks(ids, dense);
  if (oneWay.length > 0) {
    throw new InputError(
      `${source}: contiguity must be symmetric; one-way links: ${oneWay.join(', ')}`,
      source,
    );
  }
  return finish(ids, dense, source, true, options);
}

function asymmetricLinks(ids: readonly string[], dense: readonly (readonly number[])[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = 0; j < ids.length; j++) {
      if ((dense[i][j] !== 0) !== (dense[j][i] !== 0) && dense[i][j] !== 0) out.push(`${ids[i]}→${ids[j]}`);
    }
  }
  return out;
}

const ADJACENCY_CSV = fileURLToPath(new URL('../../data/reference/adjacency.csv', import.meta.url));

/**
 * Queen contiguity of the 30 provinces (data/reference/adjacency.csv). Hainan is an island; the file
 * links it to Guangdong, the usual choice in this literature. `hainanGuangdong: false` removes that
 * link and leaves Hainan without neighbours (a zero row, as spdep's zero.policy = TRUE).
 */
export function provinceContiguity(
  options: { hainanGuangdong?: boolean; rowStandardise?: boolean } = {},
): WeightsMatrix {
  const keep = options.hainanGuangdong ?? true;
  return contiguityFromList(readFileSync(ADJACENCY_CSV, 'utf8'), 'data/reference/adjacency.csv', {
    rowStandardise: options.rowStandardise,
    removeLinks: keep ? [] : [['HI', 'GD']],
    allowIslands: !keep,
    label: keep ? 'contiguity (Hainan–Guangdong linked)' : 'contiguity (Hainan isolated)',
  });
}

/**
 * A square weights matrix CSV: header row (first cell any label, then N ids) and N rows, each an id
 * (in the header's order) followed by N numbers.
 */
export function weightsFromMatrixCsv(
  text: string,
  source: string,
  options: BuildOptions = {},
): WeightsMatrix {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw new InputError(`${source}: not a valid CSV (${(e as Error).message})`, source);
  }
  if (rows.length < 2)
    throw new InputError(`${source}: expected a header row and one row per entity`, source);
  const ids = rows[0].slice(1);
  if (rows.length - 1 !== ids.length) {
    throw new InputError(
      `${source}: header names ${ids.length} ids but there are ${rows.length - 1} rows`,
      source,
    );
  }
  const dense = rows.slice(1).map((r, k) => {
    if (r[0] !== ids[k]) {
      throw new InputError(
        `${source}: row ${k + 2} starts with '${r[0]}', expected '${ids[k]}' (the header's order)`,
        `${source}:${k + 2}`,
      );
    }
    if (r.length !== ids.length + 1) {
      throw new InputError(
        `${source}: row ${k + 2} has ${r.length - 1} values, expected ${ids.length}`,
        `${source}:${k + 2}`,
      );
    }
    return r.slice(1).map((cell, c) => {
      const v = Number(cell);
      if (cell === '' || !Number.isFinite(v)) {
        throw new InputError(
          `${source}: row ${k + 2} (${ids[k]}), column ${ids[c]}: expected a number, found '${cell}'`,
          `${source}:${k + 2}`,
        );
      }
      return v;
    });
  });
  return weightsFromDense(ids, dense, source, options);
}

export interface Point {
  id: string;
  lat: number;
  lon: number;
}

/** Mean Earth radius (IUGG), km; distances are great-circle (haversine) between capitals. */
export const EARTH_RADIUS_KM = 6371.0088;

export function greatCircleKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function checkPoints(points: readonly Point[], source: string): void {
  checkIds(
    points.map((p) => p.id),
    source,
  );
  for (const p of points) {
    if (!(Math.abs(p.lat) <= 90) || !(Math.abs(p.lon) <= 180)) {
      throw new InputError(
        `${source}: ${p.id}: latitude/longitude out of range (${p.lat}, ${p.lon})`,
        source,
      );
    }
  }
}

/** w_ij = 1/d_ij^power for d_ij ≤ cutoffKm (default no cut-off), d in km by great circle. */
export function inverseDistanceWeights(
  points: readonly Point[],
  options: BuildOptions & { power?: number; cutoffKm?: number; source?: string } = {},
): WeightsMatrix {
  const source = options.source ?? 'coordinates';
  checkPoints(points, source);
  const power = options.power ?? 1;
  const cutoff = options.cutoffKm ?? Infinity;
  const dense = points.map((a, i) =>
    points.map((b, j) => {
      if (i === j) return 0;
      const d = greatCircleKm(a, b);
      if (d === 0) throw new InputError(`${source}: ${a.id} and ${b.id} have the same coordinates`, source);
      return d <= cutoff ? d ** -power : 0;
    }),
  );
  return finish(
    points.map((p) => p.id),
    dense,
    source,
    true,
    { label: `inverse distance^${power}`, ...options },
  );
}

/** k nearest neighbours by great-circle distance (not symmetric; ties broken by input order). */
export function nearestNeighbourWeights(
  points: readonly Point[],
  k: number,
  options: BuildOptions & { source?: string } = {},
): WeightsMatrix {
  const source = options.source ?? 'coordinates';
  checkPoints(points, source);
  if (!Number.isInteger(k) || k < 1 || k >= points.length) {
    throw new InputError(`${source}: k = ${k}: expected an integer in 1..${points.length - 1}`, source);
  }
  const dense = points.map((a, i) => {
    const order = points
      .map((b, j) => ({ j, d: i === j ? Infinity : greatCircleKm(a, b) }))
      .sort((u, v) => u.d - v.d || u.j - v.j)
      .slice(0, k);
    const row = new Array<number>(points.length).fill(0);
    for (const { j } of order) row[j] = 1;
    return row;
  });
  const symmetric = dense.every((r, i) => r.every((v, j) => v === dense[j][i]));
  return finish(
    points.map((p) => p.id),
    dense,
    source,
    symmetric,
    { label: `${k} nearest neighbours`, ...options },
  );
}

/** Economic distance: w_ij = 1/|x̄_i − x̄_j| from each entity's mean of a variable (e.g. GDP per capita). */
export function economicDistanceWeights(
  ids: readonly string[],
  means: ArrayLike<number>,
  options: BuildOptions & { source?: string } = {},
): WeightsMatrix {
  const source = options.source ?? 'economic distance';
  if (means.length !== ids.length)
    throw new InputError(`${source}: ${means.length} means for ${ids.length} ids`, source);
  ids.forEach((id, i) => {
    if (!Number.isFinite(means[i]))
      throw new InputError(`${source}: ${id}: mean is not a finite number (${means[i]})`, source);
  });
  const dense = ids.map((a, i) =>
    ids.map((b, j) => {
      if (i === j) return 0;
      const d = Math.abs(means[i] - means[j]);
      if (d === 0)
        throw new InputError(
          `${source}: ${a} and ${b} have the same mean; 1/|x̄_i − x̄_j| is undefined`,
          source,
        );
      return 1 / d;
    }),
  );
  return finish(ids, dense, source, true, { label: 'economic distance', ...options });
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

export interface Eigenvalues {
  re: Float64Array;
  im: Float64Array;
}

const eigenCache = new WeakMap<WeightsMatrix, Eigenvalues>();

/**
 * Eigenvalues of W, computed once per matrix. A W similar to a symmetric matrix uses the symmetric
 * solver on D^{-1/2} C D^{-1/2} = D^{1/2} W D^{-1/2} (real spectrum, faster); otherwise the general one.
 */
export function eigenvalues(w: WeightsMatrix): Eigenvalues {
  const hit = eigenCache.get(w);
  if (hit) return hit;
  const dense = toDense(w);
  let result: Eigenvalues;
  const d = w.symmetricBaseRowSums;
  if (d) {
    const s = new Matrix(w.n, w.n);
    for (let i = 0; i < w.n; i++)
      for (let j = 0; j < w.n; j++) s.set(i, j, (Math.sqrt(d[i]) * dense[i][j]) / Math.sqrt(d[j]));
    // Average with the transpose to remove rounding asymmetry before the symmetric solver.
    const sym = s.add(s.transpose()).div(2);
    const e = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
    result = { re: Float64Array.from(e.realEigenvalues), im: new Float64Array(w.n) };
  } else {
    const e = new EigenvalueDecomposition(new Matrix(dense));
    result = { re: Float64Array.from(e.realEigenvalues), im: Float64Array.from(e.imaginaryEigenvalues) };
  }
  eigenCache.set(w, result);
  return result;
}

/** log|I − ρW| = Σ log|1 − ρλ| over the eigenvalues (complex pairs by modulus). */
export function logDetEigen(ev: Eigenvalues, rho: number): number {
  let s = 0;
  for (let i = 0; i < ev.re.length; i++) {
    const a = 1 - rho * ev.re[i];
    const b = rho * ev.im[i];
    s += b === 0 ? Math.log(Math.abs(a)) : 0.5 * Math.log(a * a + b * b);
  }
  return s;
}

/** The interval (1/λ_min, 1/λ_max) of ρ for which I − ρW is non-singular (real eigenvalues). */
export function rhoInterval(ev: Eigenvalues): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < ev.re.length; i++) {
    if (ev.im[i] !== 0) continue;
    lo = Math.min(lo, ev.re[i]);
    hi = Math.max(hi, ev.re[i]);
  }
  return [1 / lo, 1 / hi];
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
