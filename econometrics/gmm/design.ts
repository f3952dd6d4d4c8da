/**
 * The design of plm::pgmm's difference and system GMM: the panel laid on its full time grid and, per
 * unit, the transformed equations (y, X) and their instrument matrix Z, stacked for moments.ts.
 *
 * - Unbalanced gaps are missing rows. With m = the largest regressor lag and g = the smallest
 *   GMM-instrument lag, TL1 = max(m + 1, g), TL2 = max(m, g − 1): difference equations for periods
 *   TL1+1…T, level equations (system) for TL2+1…T.
 * - GMM instruments for the difference equation at t: the levels x_{t−g_max} … x_{t−g_min}, one column
 *   per (t, lag) or, collapsed, one per lag; for the level equation at t: Δx_{t−1} (one per t, or one
 *   column when collapsed). IV-style instruments: their own differences (and levels, system).
 *   Time dummies (optional): differenced dummies in difference GMM; an intercept and dummies in the
 *   level equations of system GMM. Rows with a missing value are zero rows.
 * - The one-step weighting block H: tridiagonal (2, −1) for differences, plm's "full" block matrix
 *   [[G, FD], [FD', I]] for the system.
 */
import { DataError, InputError } from '../../common/errors';
import { gridLayout, onGrid, type Panel } from '../../panel';
import type { SampleRow } from '../result';
import { panelSample } from '../sample';
import type { SparseBlock, StackedUnits } from './moments';

export interface LaggedTerm {
  variable: string;
  /** Lags included as regressors, e.g. [1, 2] for L.y and L2.y, [0, 1] for x and L.x. */
  lags: number[];
}

export interface GmmInstrument {
  variable: string;
  /** Lag range [min, max] of the levels used as instruments (max is clamped to the sample). */
  lags: [number, number];
  collapse?: boolean;
  /** The variable's relation to the errors (spec.gmm.instruments[].type); for the table note. */
  type?: 'endogenous' | 'predetermined';
}

export interface GmmOptions {
  y: string;
  /** Regressors with their lags; the lagged dependent variable is one of them (e.g. y with [1]). */
  regressors: LaggedTerm[];
  gmmInstruments: GmmInstrument[];
  /** IV-style instruments; default: the regressors whose variable has no GMM instruments. */
  ivInstruments?: LaggedTerm[];
  timeDummies?: boolean;
  twoStep?: boolean;
  /** Robust (Windmeijer for two-step) SEs in the coefficient table (default true). */
  robust?: boolean;
  /** Difference-in-Hansen tests of the levels instruments and of each instrument group (default false). */
  diffHansen?: boolean;
}

export function termName(variable: string, lag: number): string {
  return lag === 0 ? variable : lag === 1 ? `L.${variable}` : `L${lag}.${variable}`;
}

interface Unit {
  y: Float64Array;
  X: Float64Array[]; // columns
  /** W row-major (rows × instruments), for the accumulation kernels. */
  flat: Float64Array;
  rows: number;
}

/** The design of one GMM estimation: names, sizes, equations and the fit's options. */
export interface Design {
  names: string[];
  L: number;
  K: number;
  nd: number;
  nl: number;
  transformation: 'd' | 'ld';
  twoStep: boolean;
  robust: boolean;
  /** Difference-in-Hansen subsets: instrument groups and (system GMM) the levels equations' GMM columns. */
  groups?: InstrumentGroup[];
  levelColumns?: number[];
}

export interface GmmDesign {
  design: Design;
  stacked: StackedUnits;
  /** Difference equations with data (plm's nobs). */
  nobs: number;
  /**
   * e(sample): the province-years whose difference equation has data (the rows nobs counts, what
   * xtabond2 calls the observations of the transformed equation); the others with why, a system GMM
   * row that enters only the levels equation saying so.
   */
  sample: SampleRow[];
}

export function gmmDesign(panel: Panel, options: GmmOptions, transformation: 'd' | 'ld'): GmmDesign {
  if (options.regressors.length === 0)
    throw new InputError('gmm: at least one regressor is required', 'spec.x');
  if (options.gmmInstruments.length === 0) {
    throw new InputError('gmm: at least one GMM-style instrument is required', 'spec.gmm.instruments');
  }
  for (const t of [...options.regressors, ...(options.ivInstruments ?? [])]) {
    if (t.lags.length === 0 || t.lags.some((l) => !Number.isInteger(l) || l < 0)) {
      throw new InputError(`gmm: ${t.variable}: lags must be integers ≥ 0`, 'spec.gmm');
    }
  }
  for (const g of options.gmmInstruments) {
    const [lo, hi] = g.lags;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) {
      throw new InputError(
        `gmm: instrument ${g.variable}: lags [${lo}, ${hi}] must satisfy 1 ≤ min ≤ max`,
        'spec.gmm.instruments',
      );
    }
  }
  const need = new Set([
    options.y,
    ...options.regressors.map((r) => r.variable),
    ...options.gmmInstruments.map((g) => g.variable),
  ]);
  const gmmVars = new Set(options.gmmInstruments.map((g) => g.variable));
  const iv = options.ivInstruments ?? options.regressors.filter((r) => !gmmVars.has(r.variable));
  for (const t of iv) need.add(t.variable);
  for (const v of need) if (!panel.has(v)) throw new InputError(`gmm: column '${v}' is not in the data`, v);

  const times = [...new Set(Array.from(panel.times))].sort((a, b) => a - b);
  for (let k = 1; k < times.length; k++) {
    if (times[k] - times[k - 1] !== times[1] - times[0]) {
      throw new DataError(
        `gmm: time values must be equally spaced; found ${times[k - 1]} then ${times[k]}`,
        panel.index.time,
      );
    }
  }
  const T = times.length;
  const mainMax = Math.max(...options.regressors.flatMap((r) => r.lags));
  const gmmMin = Math.min(...options.gmmInstruments.map((g) => g.lags[0]));
  const TL1 = Math.max(mainMax + 1, gmmMin);
  const TL2 = Math.max(mainMax, gmmMin - 1);
  if (transformation === 'ld' && !(TL2 === 1 || TL2 === 2)) {
    throw new InputError(
      `gmm: system GMM supports a largest regressor lag of 1 or 2 with GMM lags from ≤ 3 (plm's level-instrument layout); found TL2 = ${TL2}`,
      'spec.gmm',
    );
  }
  const nd = T - TL1; // difference rows per unit
  const nl = transformation === 'ld' ? T - TL2 : 0; // level rows per unit
  if (nd < 1)
    throw new DataError(
      `gmm: ${T} periods leave no difference equations after ${TL1} lost periods`,
      'spec.gmm',
    );

  // Each variable on the panel's full grid (panel/grid.ts): entity i at period t is cell t·G + i.
  const grid = gridLayout(panel.entityKeys, panel.times, { entities: panel.entityLevels, what: 'gmm' });
  const G = grid.N;
  const series = new Map<string, Float64Array>();
  for (const v of need) series.set(v, onGrid(grid, panel.column(v)));
  const at = (v: string, i: number, t: number) => series.get(v)![t * G + i];
  const lagged = (v: string, i: number, l: number, t: number) => (t - l >= 0 ? at(v, i, t - l) : NaN);

  const regNames = options.regressors.flatMap((r) => r.lags.map((l) => termName(r.variable, l)));
  const timeDummies = options.timeDummies ?? true;
  const timeName = panel.index.time;
  const dummyNames = !timeDummies
    ? []
    : transformation === 'd'
      ? times.slice(TL1).map((t) => `${timeName}_${t}`)
      : ['_cons', ...times.slice(TL2 + 1).map((t) => `${timeName}_${t}`)];
  const names = [...regNames, ...dummyNames];
  const K = names.length;

  // Instrument column counts.
  const gmmCols1 = options.gmmInstruments.map((g) => {
    if (g.collapse) return Math.min(T - g.lags[0], g.lags[1] + 1 - g.lags[0]);
    let c = 0;
    for (let t1 = TL1 + 1; t1 <= T; t1++) c += t1 - g.lags[0] - Math.max(1, t1 - g.lags[1]) + 1;
    return c;
  });
  const w1Cols = gmmCols1.reduce((a, b) => a + b, 0) + (timeDummies && transformation === 'd' ? nd : 0);
  const w2Cols =
    transformation === 'ld'
      ? options.gmmInstruments.reduce((a, g) => a + (g.collapse ? 1 : T - 2), 0) + (timeDummies ? nl : 0)
      : 0;
  const ivCount = iv.reduce((a, t) => a + t.lags.length, 0);
  const zCols = transformation === 'ld' ? 2 * ivCount : ivCount;
  const L = w1Cols + w2Cols + zCols;
  const R = nd + nl;

  // Instrument groups for the difference-in-Hansen tests: each GMM-style variable's columns (difference
  // and level equations), the IV-style columns, and the levels equations' GMM-style columns together.
  const groups: InstrumentGroup[] = [];
  const levelColumns: number[] = [];
  let diffAt = 0;
  let levelAt = w1Cols;
  options.gmmInstruments.forEach((g, gi) => {
    const columns = range(diffAt, gmmCols1[gi]);
    diffAt += gmmCols1[gi];
    if (transformation === 'ld') {
      const n = g.collapse ? 1 : T - 2;
      columns.push(...range(levelAt, n));
      levelColumns.push(...range(levelAt, n));
      levelAt += n;
    }
    const same = options.gmmInstruments.filter((h) => h.variable === g.variable).length > 1;
    groups.push({ name: same ? `${g.variable}(${g.lags.join('-')})` : g.variable, columns });
  });
  if (zCols > 0) groups.push({ name: 'iv', columns: range(w1Cols + w2Cols, zCols) });

  const units: Unit[] = [];
  // Per grid cell (t·G + i): why its difference equation is left out (the first TL1 periods have none),
  // and whether its levels equation has data.
  const diffMissing = new Map<number, string[]>();
  const inLevels = new Uint8Array(T * G);
  const diffTerms = ['D.' + options.y, ...regNames.map((n) => 'D.' + n)];
  for (let i = 0; i < G; i++) {
    const flat = new Float64Array(R * L);
    const W = { set: (r: number, c: number, v: number) => (flat[r * L + c] = v) };
    const y = new Float64Array(R);
    const X = Array.from({ length: K }, () => new Float64Array(R));
    // Difference rows: t = TL1 … T−1 (0-based).
    for (let r = 0; r < nd; r++) {
      const t = TL1 + r;
      const dy = lagged(options.y, i, 0, t) - lagged(options.y, i, 0, t - 1);
      const row = [dy];
      for (const reg of options.regressors)
        for (const l of reg.lags) row.push(lagged(reg.variable, i, l, t) - lagged(reg.variable, i, l, t - 1));
      if (timeDummies) {
        if (transformation === 'd') for (let c = 0; c < nd; c++) row.push(c === r ? 1 : c === r - 1 ? -1 : 0);
        else for (let c = 0; c < nl; c++) row.push(c === 0 ? 0 : c === r + 1 ? 1 : c === r ? -1 : 0);
      }
      if (row.some((v) => Number.isNaN(v))) {
        diffMissing.set(
          t * G + i,
          diffTerms.filter((_, k) => Number.isNaN(row[k])),
        );
        continue; // a zero row, as plm
      }
      y[r] = row[0];
      for (let k = 0; k < K; k++) X[k][r] = row[k + 1];
      let col = 0;
      options.gmmInstruments.forEach((g, gi) => {
        const t1 = t + 1;
        const from = Math.max(1, t1 - g.lags[1]);
        const to = t1 - g.lags[0];
        if (g.collapse) {
          for (let s = to, c = 0; s >= from; s--, c++) W.set(r, col + c, zeroIfNaN(at(g.variable, i, s - 1)));
        } else {
          let before = 0;
          for (let u = TL1 + 1; u < t1; u++) before += u - g.lags[0] - Math.max(1, u - g.lags[1]) + 1;
          for (let s = from, c = 0; s <= to; s++, c++)
            W.set(r, col + before + c, zeroIfNaN(at(g.variable, i, s - 1)));
        }
        col += gmmCols1[gi];
      });
      if (timeDummies && transformation === 'd')
        for (let c = 0; c < nd; c++) W.set(r, col + c, c === r ? 1 : c === r - 1 ? -1 : 0);
      let zc = w1Cols + w2Cols;
      for (const term of iv) {
        for (const l of term.lags)
          W.set(r, zc++, zeroIfNaN(lagged(term.variable, i, l, t) - lagged(term.variable, i, l, t - 1)));
      }
    }
    // Level rows: t = TL2 … T−1 (0-based).
    for (let q = 0; q < nl; q++) {
      const r = nd + q;
      const t = TL2 + q;
      const row = [lagged(options.y, i, 0, t)];
      for (const reg of options.regressors) for (const l of reg.lags) row.push(lagged(reg.variable, i, l, t));
      if (timeDummies) for (let c = 0; c < nl; c++) row.push(c === 0 ? 1 : c === q ? 1 : 0);
      if (row.some((v) => Number.isNaN(v))) continue;
      inLevels[t * G + i] = 1;
      y[r] = row[0];
      for (let k = 0; k < K; k++) X[k][r] = row[k + 1];
      let col = w1Cols;
      for (const g of options.gmmInstruments) {
        // Δx_{t−1} = x_{t−1} − x_{t−2}, defined for t ≥ 2; plm's first level row (TL2 = 1) has none.
        const v = t >= 2 ? at(g.variable, i, t - 1) - at(g.variable, i, t - 2) : NaN;
        if (g.collapse) W.set(r, col, zeroIfNaN(v));
        else if (t >= 2) W.set(r, col + (t - 2), zeroIfNaN(v));
        col += g.collapse ? 1 : T - 2;
      }
      if (timeDummies) for (let c = 0; c < nl; c++) W.set(r, col + c, c === 0 ? 1 : c === q ? 1 : 0);
      let zc = w1Cols + w2Cols + ivCount;
      for (const term of iv)
        for (const l of term.lags) W.set(r, zc++, zeroIfNaN(lagged(term.variable, i, l, t)));
    }
    units.push({ y, X, flat, rows: R });
  }
  const design: Design = {
    names,
    L,
    K,
    nd,
    nl,
    transformation,
    twoStep: options.twoStep ?? true,
    robust: options.robust ?? true,
    ...(options.diffHansen
      ? { groups, levelColumns: transformation === 'ld' ? levelColumns : undefined }
      : {}),
  };
  // nobs and e(sample) from one test: a difference row with data (a zero row is plm's missing row).
  const counted = new Uint8Array(T * G);
  let nobs = 0;
  units.forEach((u, i) => {
    for (let r = 0; r < nd; r++)
      if (u.X.some((c) => c[r] !== 0) || u.y[r] !== 0) {
        counted[(TL1 + r) * G + i] = 1;
        nobs++;
      }
  });
  const sample = panelSample(panel, (row) => {
    const cell = grid.cells[row];
    if (counted[cell]) return true;
    const t = Math.floor(cell / G);
    const why =
      t < TL1
        ? `no difference equation: the first ${TL1} period${TL1 === 1 ? '' : 's'} go to lags and differencing`
        : diffMissing.has(cell)
          ? `missing ${diffMissing.get(cell)!.join(', ')}`
          : 'difference equation is all zeros';
    return inLevels[cell] ? `${why}; in the levels equation only (N counts difference equations)` : why;
  });
  return { design, stacked: stack(units, design), nobs, sample };
}

export interface InstrumentGroup {
  name: string;
  columns: number[];
}

export const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

function zeroIfNaN(v: number): number {
  return Number.isNaN(v) ? 0 : v;
}

/**
 * plm's one-step weighting block for the difference (G) and system ("full") equations, as triplets:
 * G tridiagonal (2, −1); with level rows FD(t) ((t−1) × t, row r: −1 at r, +1 at r+1) off the diagonal
 * and the identity for the level block.
 */
export function hBlock(nd: number, nl: number): SparseBlock {
  const row: number[] = [];
  const col: number[] = [];
  const value: number[] = [];
  const put = (r: number, c: number, v: number) => {
    row.push(r);
    col.push(c);
    value.push(v);
  };
  for (let r = 0; r < nd; r++) {
    put(r, r, 2);
    if (r + 1 < nd) {
      put(r, r + 1, -1);
      put(r + 1, r, -1);
    }
  }
  if (nl > 0) {
    for (let r = 0; r < nd; r++) {
      put(r, nd + r, -1);
      put(nd + r, r, -1);
      put(r, nd + r + 1, 1);
      put(nd + r + 1, r, 1);
    }
    for (let q = 0; q < nl; q++) put(nd + q, nd + q, 1);
  }
  return { row: Int32Array.from(row), col: Int32Array.from(col), value: Float64Array.from(value) };
}

/** The units' blocks laid end to end (Z, X row-major, y) for the kernels of moments.ts. */
function stack(units: Unit[], d: Design): StackedUnits {
  const N = units.length;
  const R = d.nd + d.nl;
  const { L, K } = d;
  const Z = new Float64Array(N * R * L);
  const X = new Float64Array(N * R * K);
  const y = new Float64Array(N * R);
  units.forEach((u, i) => {
    Z.set(u.flat, i * R * L);
    y.set(u.y, i * R);
    for (let k = 0; k < K; k++) {
      const xk = u.X[k];
      for (let r = 0; r < R; r++) X[(i * R + r) * K + k] = xk[r];
    }
  });
  return { N, R, L, K, Z, X, y };
}
