/**
 * The instrument algebra of dynamic panel GMM on stacked Float64Arrays: every per-unit quantity of
 * pgmm.ts's estimator is a block of one flat array (units × rows × instruments), and every sum over units
 * is a loop that writes into a preallocated accumulator — no matrix object per unit.
 *
 * For unit i with instruments Z_i (R × L, row-major, mostly zeros), regressors X_i (R × K) and a weight
 * block H (R × R, sparse):
 *   S_H = Σ Z_i' H Z_i,  Z'X = Σ Z_i'X_i (and each Z_i'X_i, kept for Windmeijer's correction),
 *   Z'y = Σ Z_i'y_i,  e_i = y_i − X_i b,  g_i = Z_i'e_i,  S_g = Σ g_i g_i',
 * with loops that skip zero instrument entries. Hand-written because no TypeScript library has GMM.
 */

/** The data of all units: row-major blocks of equal size. */
export interface StackedUnits {
  N: number;
  /** Rows per unit (difference plus level equations). */
  R: number;
  L: number;
  K: number;
  /** Z: N × R × L. */
  Z: Float64Array;
  /** X: N × R × K. */
  X: Float64Array;
  /** y: N × R. */
  y: Float64Array;
}

/** A sparse symmetric R × R weight block as (row, column, value) triplets, all entries listed. */
export interface SparseBlock {
  row: Int32Array;
  col: Int32Array;
  value: Float64Array;
}

/** S_H = Σ Z_i' H Z_i (L × L, row-major). */
export function weightedInstrumentCross(s: StackedUnits, H: SparseBlock): Float64Array {
  const { N, R, L, Z } = s;
  const out = new Float64Array(L * L);
  const hz = new Float64Array(R * L);
  const nh = H.value.length;
  for (let i = 0; i < N; i++) {
    const base = i * R * L;
    hz.fill(0);
    for (let t = 0; t < nh; t++) {
      const h = H.value[t];
      const src = base + H.col[t] * L;
      const dst = H.row[t] * L;
      for (let l = 0; l < L; l++) {
        const z = Z[src + l];
        if (z !== 0) hz[dst + l] += h * z;
      }
    }
    for (let r = 0; r < R; r++) {
      const zr = base + r * L;
      const hr = r * L;
      for (let l1 = 0; l1 < L; l1++) {
        const z = Z[zr + l1];
        if (z === 0) continue;
        const o = l1 * L;
        for (let l2 = 0; l2 < L; l2++) out[o + l2] += z * hz[hr + l2];
      }
    }
  }
  return out;
}

/** Z_i'X_i per unit (N × L × K) and their sum Z'X (L × K); Z'y (L). */
export function instrumentCrossRegressors(s: StackedUnits): {
  perUnit: Float64Array;
  ZX: Float64Array;
  Zy: Float64Array;
} {
  const { N, R, L, K, Z, X, y } = s;
  const perUnit = new Float64Array(N * L * K);
  const ZX = new Float64Array(L * K);
  const Zy = new Float64Array(L);
  for (let i = 0; i < N; i++) {
    const zb = i * R * L;
    const xb = i * R * K;
    const pb = i * L * K;
    for (let r = 0; r < R; r++) {
      const yr = y[i * R + r];
      const xr = xb + r * K;
      for (let l = 0; l < L; l++) {
        const z = Z[zb + r * L + l];
        if (z === 0) continue;
        Zy[l] += z * yr;
        const o = pb + l * K;
        for (let k = 0; k < K; k++) perUnit[o + k] += z * X[xr + k];
      }
    }
  }
  for (let q = 0; q < perUnit.length; q++) ZX[q % (L * K)] += perUnit[q];
  return { perUnit, ZX, Zy };
}

/** Residuals e = y − X b (N × R). */
export function residuals(s: StackedUnits, b: ArrayLike<number>): Float64Array {
  const { N, R, K, X, y } = s;
  const e = new Float64Array(N * R);
  for (let q = 0; q < N * R; q++) {
    let v = y[q];
    const xr = q * K;
    for (let k = 0; k < K; k++) v -= X[xr + k] * b[k];
    e[q] = v;
  }
  return e;
}

/** g_i = Z_i'v_i for every unit (N × L), for any stacked v (N × R). */
export function unitMoments(s: StackedUnits, v: Float64Array): Float64Array {
  const { N, R, L, Z } = s;
  const g = new Float64Array(N * L);
  for (let i = 0; i < N; i++) {
    const gb = i * L;
    for (let r = 0; r < R; r++) {
      const vr = v[i * R + r];
      if (vr === 0) continue;
      const zr = (i * R + r) * L;
      for (let l = 0; l < L; l++) g[gb + l] += Z[zr + l] * vr;
    }
  }
  return g;
}

/** Σ_i g_i (L). */
export function sumMoments(g: Float64Array, N: number, L: number): Float64Array {
  const out = new Float64Array(L);
  for (let i = 0; i < N; i++) for (let l = 0; l < L; l++) out[l] += g[i * L + l];
  return out;
}

/** S_g = Σ_i g_i g_i' (L × L, row-major, symmetric). */
export function momentCross(g: Float64Array, N: number, L: number): Float64Array {
  const out = new Float64Array(L * L);
  for (let i = 0; i < N; i++) {
    const gb = i * L;
    for (let a = 0; a < L; a++) {
      const ga = g[gb + a];
      if (ga === 0) continue;
      const o = a * L;
      for (let c = a; c < L; c++) out[o + c] += ga * g[gb + c];
    }
  }
  for (let a = 0; a < L; a++) for (let c = 0; c < a; c++) out[a * L + c] = out[c * L + a];
  return out;
}

/**
 * Windmeijer's derivative term, column k: Σ_i (a_ik (c_i'v) + c_i (a_ik'v)) with a_ik = Z_i'x_ik (from
 * `perUnit`), c_i the one-step moments g1_i and v = A2 Σ g2_i; all K columns (L × K, row-major).
 */
export function windmeijerSums(
  perUnit: Float64Array,
  g1: Float64Array,
  v: ArrayLike<number>,
  N: number,
  L: number,
  K: number,
): Float64Array {
  const out = new Float64Array(L * K);
  const av = new Float64Array(K);
  for (let i = 0; i < N; i++) {
    const gb = i * L;
    const pb = i * L * K;
    let cv = 0;
    for (let l = 0; l < L; l++) cv += g1[gb + l] * v[l];
    av.fill(0);
    for (let l = 0; l < L; l++) {
      const vl = v[l];
      const o = pb + l * K;
      for (let k = 0; k < K; k++) av[k] += perUnit[o + k] * vl;
    }
    for (let l = 0; l < L; l++) {
      const c = g1[gb + l];
      const o = pb + l * K;
      const w = l * K;
      for (let k = 0; k < K; k++) out[w + k] += perUnit[o + k] * cv + c * av[k];
    }
  }
  return out;
}

/**
 * The accumulators of the Arellano–Bond test of order m on the difference residuals (rows 0 … nd−1 of
 * each unit), with ε_i the residuals and ε_i,−m their m-th lag (zero before the first):
 *   num = Σ_i ε_i,−m'ε_i,  EVE = Σ_i (ε_i,−m'ε_i)²,  EX = Σ_i ε_i,−m'X_i (K),
 *   ZVE = Σ_i Z_i'ε_i (ε_i,−m'ε_i) (L; ε_i zero-padded over the level rows).
 */
export function arAccumulators(
  s: StackedUnits,
  e: Float64Array,
  nd: number,
  order: number,
): { num: number; EVE: number; EX: Float64Array; ZVE: Float64Array } {
  const { N, R, L, K, Z, X } = s;
  const EX = new Float64Array(K);
  const ZVE = new Float64Array(L);
  let num = 0;
  let EVE = 0;
  for (let i = 0; i < N; i++) {
    const eb = i * R;
    let rr = 0;
    for (let r = order; r < nd; r++) rr += e[eb + r] * e[eb + r - order];
    EVE += rr * rr;
    num += rr;
    for (let r = order; r < nd; r++) {
      const lagged = e[eb + r - order];
      if (lagged === 0) continue;
      const xr = (eb + r) * K;
      for (let k = 0; k < K; k++) EX[k] += lagged * X[xr + k];
    }
    if (rr === 0) continue;
    for (let r = 0; r < nd; r++) {
      const w = e[eb + r] * rr;
      if (w === 0) continue;
      const zr = (eb + r) * L;
      for (let l = 0; l < L; l++) ZVE[l] += Z[zr + l] * w;
    }
  }
  return { num, EVE, EX, ZVE };
}
