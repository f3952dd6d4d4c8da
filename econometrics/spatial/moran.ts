/**
 * Moran's I (global, per cross-section and pooled) and local Moran (LISA), following spdep's
 * `moran.test`, `moran.mc` and `localmoran`:
 *   I = (n/S0) · z'Wz / z'z, z = x − x̄, S0 = Σw_ij, S1 = ½Σ(w_ij + w_ji)², S2 = Σ_i (w_i· + w_·i)²,
 *   E[I] = −1/(n−1),
 *   Var_N[I] = (n²S1 − nS2 + 3S0²)/(S0²(n²−1)) − E²,
 *   Var_R[I] = [n((n²−3n+3)S1 − nS2 + 3S0²) − b2((n²−n)S1 − 2nS2 + 6S0²)] / ((n−1)(n−2)(n−3)S0²) − E²,
 *   b2 = n Σz⁴ / (Σz²)² (kurtosis).
 * Pooled: the stacked panel with I_T ⊗ W, deviations from the overall mean.
 * Hand-written because no maintained TypeScript library computes these moments.
 */
import mt19937 from '@stdlib/random-base-mt19937';
import { DataError } from '../../common/errors';
import { normalCdfStd } from '../distributions';
import type { MoranRow } from '../result';
import { stackByTime } from './stack';
import { spatialLag, type WeightsMatrix } from './weights';

export type Alternative = 'greater' | 'less' | 'two.sided';

export interface MoranOptions {
  /** Variance under randomisation (spdep's default) or normality. */
  randomisation?: boolean;
  /** Alternative hypothesis of p_value and p_permutation; spdep's default is 'greater'. */
  alternative?: Alternative;
  /** Permutations for p_permutation (0: none). */
  permutations?: number;
  /** Seed of the Mersenne Twister used for permutations. */
  seed?: number;
}

interface WeightSums {
  s0: number;
  s1: number;
  s2: number;
}

function weightSums(w: WeightsMatrix): WeightSums {
  const n = w.n;
  const rowSum = new Float64Array(n);
  const colSum = new Float64Array(n);
  const entries = new Map<number, number>();
  let s0 = 0;
  for (let i = 0; i < n; i++) {
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) {
      const j = w.colIdx[k];
      const v = w.values[k];
      s0 += v;
      rowSum[i] += v;
      colSum[j] += v;
      entries.set(i * n + j, v);
    }
  }
  let s1 = 0;
  for (const [key, v] of entries) {
    const i = Math.floor(key / n);
    const j = key % n;
    const t = entries.get(j * n + i) ?? 0;
    // ½Σ(w_ij + w_ji)² over all ordered pairs; a pair present only one way contributes twice (ij and ji).
    s1 += t === 0 ? v * v : 0.5 * (v + t) ** 2;
  }
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += (rowSum[i] + colSum[i]) ** 2;
  return { s0, s1, s2 };
}

function pValue(z: number, alternative: Alternative): number {
  if (alternative === 'greater') return normalCdfStd(-z);
  if (alternative === 'less') return normalCdfStd(z);
  return 2 * normalCdfStd(-Math.abs(z));
}

function moranStatistic(
  w: WeightsMatrix,
  z: Float64Array,
  blocks: number,
  s0: number,
  zz: number,
  lag: Float64Array,
): number {
  let num = 0;
  for (let b = 0; b < blocks; b++) spatialLag(w, z, lag, b * w.n);
  for (let i = 0; i < z.length; i++) num += z[i] * lag[i];
  return (z.length / s0) * (num / zz);
}

/**
 * Moran's I of x (length T·N, time-major blocks of N in `w.ids` order; T = 1 for one cross-section).
 * `time` labels the row.
 */
export function moranI(
  w: WeightsMatrix,
  x: ArrayLike<number>,
  time: number | 'pooled',
  options: MoranOptions = {},
): MoranRow {
  const blocks = x.length / w.n;
  if (!Number.isInteger(blocks) || blocks < 1)
    throw new DataError(`moran: ${x.length} values for N = ${w.n} entities`);
  const n = x.length;
  if (n < 4) throw new DataError(`moran: ${n} observations; at least 4 are needed`);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]))
      throw new DataError(`moran: value ${i + 1} (time ${time}) is missing or not finite`);
    m += x[i];
  }
  m /= n;
  const z = new Float64Array(n);
  let zz = 0;
  let z4 = 0;
  for (let i = 0; i < n; i++) {
    z[i] = x[i] - m;
    zz += z[i] * z[i];
    z4 += z[i] ** 4;
  }
  if (zz === 0) throw new DataError(`moran: the variable is constant (time ${time})`);
  const one = weightSums(w);
  const s0 = one.s0 * blocks;
  const s1 = one.s1 * blocks;
  const s2 = one.s2 * blocks;
  const lag = new Float64Array(n);
  const I = moranStatistic(w, z, blocks, s0, zz, lag);
  const expected = -1 / (n - 1);
  let variance: number;
  if (options.randomisation ?? true) {
    const b2 = (n * z4) / (zz * zz);
    variance =
      (n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0) -
        b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)) /
        ((n - 1) * (n - 2) * (n - 3) * s0 * s0) -
      expected * expected;
  } else {
    variance = (n * n * s1 - n * s2 + 3 * s0 * s0) / (s0 * s0 * (n * n - 1)) - expected * expected;
  }
  const zScore = (I - expected) / Math.sqrt(variance);
  const alternative = options.alternative ?? 'greater';
  const row: MoranRow = { time, I, expected, variance, z: zScore, p_value: pValue(zScore, alternative) };
  const nsim = options.permutations ?? 0;
  if (nsim > 0)
    row.p_permutation = permutationP(w, z, blocks, s0, zz, I, nsim, options.seed ?? 1, alternative);
  return row;
}

/**
 * spdep's moran.mc: values permuted across all n positions; p = (#{I_sim ≥ I} + 1)/(nsim + 1) for
 * 'greater' (≤ for 'less'; two-sided doubles the smaller tail, capped at 1).
 */
function permutationP(
  w: WeightsMatrix,
  z: Float64Array,
  blocks: number,
  s0: number,
  zz: number,
  observed: number,
  nsim: number,
  seed: number,
  alternative: Alternative,
): number {
  const rng = mt19937.factory({ seed });
  const maxU = mt19937.MAX + 1;
  const perm = Float64Array.from(z);
  const lag = new Float64Array(z.length);
  let above = 0;
  let below = 0;
  for (let s = 0; s < nsim; s++) {
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor((rng() / maxU) * (i + 1));
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    const I = moranStatistic(w, perm, blocks, s0, zz, lag);
    if (I >= observed) above++;
    if (I <= observed) below++;
  }
  const pg = (above + 1) / (nsim + 1);
  const pl = (below + 1) / (nsim + 1);
  if (alternative === 'greater') return pg;
  if (alternative === 'less') return pl;
  return Math.min(1, 2 * Math.min(pg, pl));
}

/**
 * Moran's I for each cross-section (rows grouped by `times`) and, with `pooled`, for the stacked panel
 * (I_T ⊗ W; not by default: it repeats every permutation on NT values). `values` and `times` are
 * aligned with `entities`; every cross-section must cover all N entities of `w` exactly once.
 */
export function moranByTime(
  w: WeightsMatrix,
  entities: readonly string[],
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  options: MoranOptions & { pooled?: boolean; variable?: string } = {},
): MoranRow[] {
  const stacked = stackByTime(w, entities, times, values, options.variable ?? 'value');
  const rows = stacked.times.map((t, b) =>
    moranI(w, stacked.values.subarray(b * w.n, (b + 1) * w.n), t, {
      ...options,
      seed: (options.seed ?? 1) + b,
    }),
  );
  if (options.pooled ?? false) rows.push(moranI(w, stacked.values, 'pooled', options));
  return rows;
}

export type LisaCluster = 'High-High' | 'Low-Low' | 'High-Low' | 'Low-High' | 'Not significant';

export interface LisaRow {
  id: string;
  /** Standardised value and its spatial lag: the Moran scatter-plot coordinates. */
  z: number;
  lag: number;
  Ii: number;
  expected: number;
  variance: number;
  zScore: number;
  p_value: number;
  cluster: LisaCluster;
}

/**
 * Local Moran I_i = (z_i/m2) Σ_j w_ij z_j, m2 = Σz²/n, b2 = (Σz⁴/n)/m2², w_i = Σ_j w_ij, w_i(2) = Σ_j w_ij²,
 * with spdep's localmoran moments. conditional (spdep's default, Sokal et al. 1998):
 *   E = −z_i² w_i/((n−1)m2), Var = (z_i/m2)² · n/(n−2) · (w_i(2) − w_i²/(n−1)) · (m2 − z_i²/(n−1));
 * total randomisation (conditional = false):
 *   E = −w_i/(n−1), Var = w_i(2)(n−b2)/(n−1) + (w_i² − w_i(2))(2b2−n)/((n−1)(n−2)) − E².
 * p two-sided (spdep's default). Clusters by the signs of z_i and its lag (spdep's "pysal" quadrants)
 * where p < alpha (default 0.05).
 */
export function localMoran(
  w: WeightsMatrix,
  x: ArrayLike<number>,
  options: { alpha?: number; conditional?: boolean } = {},
): LisaRow[] {
  const n = w.n;
  if (x.length !== n) throw new DataError(`localMoran: ${x.length} values for N = ${n} entities`);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]))
      throw new DataError(`localMoran: value for ${w.ids[i]} is missing or not finite`);
    m += x[i];
  }
  m /= n;
  const z = new Float64Array(n);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    z[i] = x[i] - m;
    m2 += z[i] ** 2;
    m4 += z[i] ** 4;
  }
  m2 /= n;
  m4 /= n;
  const b2 = m4 / (m2 * m2);
  const lag = spatialLag(w, z);
  const sd = Math.sqrt(m2);
  const alpha = options.alpha ?? 0.05;
  const conditional = options.conditional ?? true;
  return w.ids.map((id, i) => {
    let wi = 0;
    let wi2 = 0;
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) {
      wi += w.values[k];
      wi2 += w.values[k] ** 2;
    }
    const Ii = (z[i] / m2) * lag[i];
    const zi2 = z[i] ** 2;
    const expected = conditional ? -(zi2 * wi) / ((n - 1) * m2) : -wi / (n - 1);
    const variance = conditional
      ? (z[i] / m2) ** 2 * (n / (n - 2)) * (wi2 - (wi * wi) / (n - 1)) * (m2 - zi2 / (n - 1))
      : (wi2 * (n - b2)) / (n - 1) + ((wi * wi - wi2) * (2 * b2 - n)) / ((n - 1) * (n - 2)) - expected ** 2;
    const zScore = (Ii - expected) / Math.sqrt(variance);
    const p = 2 * normalCdfStd(-Math.abs(zScore));
    const cluster: LisaCluster = !(p < alpha)
      ? 'Not significant'
      : z[i] > 0
        ? lag[i] > 0
          ? 'High-High'
          : 'High-Low'
        : lag[i] > 0
          ? 'Low-High'
          : 'Low-Low';
    return { id, z: z[i] / sd, lag: lag[i] / sd, Ii, expected, variance, zScore, p_value: p, cluster };
  });
}
