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
  /** The permutation p-value's rule (default `spdep`); see `permutationP`. */
  permutationP?: PermutationRule;
  /** Permutations to use instead of drawing them (each a permutation of 0…n−1), to reproduce R's. */
  savedPermutations?: readonly ArrayLike<number>[];
}

export type PermutationRule = 'spdep' | 'phipson-smyth';

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
  const nsim = options.savedPermutations?.length ?? options.permutations ?? 0;
  if (nsim > 0) {
    const sims = permutedMoran(w, z, blocks, s0, zz, nsim, options.seed ?? 1, options.savedPermutations);
    row.p_permutation = permutationP(sims, I, alternative, options.permutationP ?? 'spdep');
  }
  return row;
}

/** Moran's I of `nsim` random permutations of z across all n positions (MT19937 Fisher–Yates). */
function permutedMoran(
  w: WeightsMatrix,
  z: Float64Array,
  blocks: number,
  s0: number,
  zz: number,
  nsim: number,
  seed: number,
  saved?: readonly ArrayLike<number>[],
): Float64Array {
  const rng = mt19937.factory({ seed });
  const maxU = mt19937.MAX + 1;
  const perm = Float64Array.from(z);
  const lag = new Float64Array(z.length);
  const out = new Float64Array(nsim);
  for (let s = 0; s < nsim; s++) {
    if (saved) {
      const idx = saved[s];
      for (let i = 0; i < perm.length; i++) perm[i] = z[idx[i]];
    } else {
      for (let i = perm.length - 1; i > 0; i--) {
        const j = Math.floor((rng() / maxU) * (i + 1));
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
    }
    out[s] = moranStatistic(w, perm, blocks, s0, zz, lag);
  }
  return out;
}

/**
 * The permutation p-value of the observed I among the simulated ones.
 *   spdep (moran.mc): with r the rank of I among all nsim + 1 values (ties averaged) and
 *     d = max(nsim − r, 0): greater (d + 1)/(nsim + 1) — i.e. max(#{I* > I}, 1)/(nsim + 1) without ties —,
 *     less 1 − (d + 1)/(nsim + 1), two-sided 1 − 2|r − (nsim + 1)/2|/(nsim + 1).
 *   phipson-smyth (Phipson & Smyth 2010, exact): greater (#{I* ≥ I} + 1)/(nsim + 1), less with ≤,
 *     two-sided twice the smaller, at most 1.
 */
export function permutationP(
  sims: ArrayLike<number>,
  observed: number,
  alternative: Alternative,
  rule: PermutationRule,
): number {
  const nsim = sims.length;
  let above = 0;
  let below = 0;
  let ties = 0;
  for (let s = 0; s < nsim; s++) {
    if (sims[s] > observed) above++;
    else if (sims[s] < observed) below++;
    else ties++;
  }
  if (rule === 'phipson-smyth') {
    const pg = (above + ties + 1) / (nsim + 1);
    const pl = (below + ties + 1) / (nsim + 1);
    if (alternative === 'greater') return pg;
    if (alternative === 'less') return pl;
    return Math.min(1, 2 * Math.min(pg, pl));
  }
  // R's rank(): the observed value shares the average rank of its tie group.
  const rank = below + 1 + ties / 2;
  const d = Math.max(nsim - rank, 0);
  if (alternative === 'greater') return (d + 1) / (nsim + 1);
  if (alternative === 'less') return 1 - (d + 1) / (nsim + 1);
  return 1 - (2 * Math.abs(rank - (nsim + 1) / 2)) / (nsim + 1);
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
  /** Conditional-permutation pseudo p-value (folded, two-sided), when permutations were drawn. */
  p_permutation?: number;
  /** Benjamini–Hochberg adjusted p-value over the n locations (of p_permutation, else of p_value). */
  p_bh: number;
  cluster: LisaCluster;
}

/** Which p-value decides a LISA cluster label. */
export type LisaLabelP = 'analytical' | 'permutation' | 'permutation-bh';

export interface LocalMoranOptions {
  /** Cluster labels where the chosen p-value is below alpha (default 0.05). */
  alpha?: number;
  /** Moments under conditional randomisation (spdep's default) or total randomisation. */
  conditional?: boolean;
  /** Conditional permutations per location for p_permutation (default 0: none). */
  permutations?: number;
  seed?: number;
  /** Default: `permutation-bh` with permutations, `analytical` without. */
  labelsFrom?: LisaLabelP;
  /** Draws to use instead of drawing them: for each location, each draw's neighbour indices. */
  savedDraws?: readonly (readonly ArrayLike<number>[])[];
}

/** Benjamini–Hochberg step-up adjusted p-values (R's p.adjust(p, "BH")). */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const n = p.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b] - p[a]);
  const out = new Float64Array(n);
  let running = 1;
  order.forEach((i, k) => {
    const rank = n - k;
    running = Math.min(running, (n / rank) * p[i]);
    out[i] = running;
  });
  return out;
}

/**
 * Local Moran I_i = (z_i/m2) Σ_j w_ij z_j, m2 = Σz²/n, b2 = (Σz⁴/n)/m2², w_i = Σ_j w_ij, w_i(2) = Σ_j w_ij²,
 * with spdep's localmoran moments. conditional (spdep's default, Sokal et al. 1998):
 *   E = −z_i² w_i/((n−1)m2), Var = (z_i/m2)² · n/(n−2) · (w_i(2) − w_i²/(n−1)) · (m2 − z_i²/(n−1));
 * total randomisation (conditional = false):
 *   E = −w_i/(n−1), Var = w_i(2)(n−b2)/(n−1) + (w_i² − w_i(2))(2b2−n)/((n−1)(n−2)) − E².
 * p two-sided (spdep's default).
 *
 * Conditional permutation (Anselin 1995; PySAL's esda.Moran_Local, GeoDa): z_i stays, and |N_i| of the
 * other n − 1 values, drawn without replacement (MT19937, location after location), take its
 * neighbours' places: I_i* = (z_i/m2) Σ_k w_ik z_(k). p_permutation = (min(b, nsim − b) + 1)/(nsim + 1),
 * b = #{I_i* ≥ I_i} (folded, two-sided: spdep's "Pr(folded) Sim"; spdep 1.2's localmoran_perm draws with
 * replacement, hence this explicit reference). p_bh: Benjamini–Hochberg over the n locations.
 * Clusters by the signs of z_i and its lag (spdep's "pysal" quadrants) where the `labelsFrom` p-value is
 * below alpha (default 0.05).
 */
export function localMoran(
  w: WeightsMatrix,
  x: ArrayLike<number>,
  options: LocalMoranOptions = {},
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
  const rows = w.ids.map((id, i) => {
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
    return { id, Ii, expected, variance, zScore, p_value: 2 * normalCdfStd(-Math.abs(zScore)) };
  });
  const nsim = options.savedDraws?.[0]?.length ?? options.permutations ?? 0;
  const pPerm =
    nsim > 0
      ? conditionalPermutationP(
          w,
          z,
          m2,
          rows.map((r) => r.Ii),
          nsim,
          options,
        )
      : undefined;
  const pBh = benjaminiHochberg(pPerm ?? rows.map((r) => r.p_value));
  const from = options.labelsFrom ?? (pPerm ? 'permutation-bh' : 'analytical');
  if (from !== 'analytical' && !pPerm)
    throw new DataError(`localMoran: labels from "${from}" need permutations`, 'permutations');
  return rows.map((r, i) => {
    const p = from === 'analytical' ? r.p_value : from === 'permutation' ? pPerm![i] : pBh[i];
    const cluster: LisaCluster = !(p < alpha)
      ? 'Not significant'
      : z[i] > 0
        ? lag[i] > 0
          ? 'High-High'
          : 'High-Low'
        : lag[i] > 0
          ? 'Low-High'
          : 'Low-Low';
    return {
      ...r,
      z: z[i] / sd,
      lag: lag[i] / sd,
      ...(pPerm ? { p_permutation: pPerm[i] } : {}),
      p_bh: pBh[i],
      cluster,
    };
  });
}

/** Folded conditional-permutation p-values of the local I_i (see localMoran). */
function conditionalPermutationP(
  w: WeightsMatrix,
  z: Float64Array,
  m2: number,
  observed: number[],
  nsim: number,
  options: LocalMoranOptions,
): Float64Array {
  const n = w.n;
  const rng = mt19937.factory({ seed: options.seed ?? 1 });
  const scale = 1 / (mt19937.MAX + 1);
  const out = new Float64Array(n);
  const others = new Int32Array(n - 1);
  for (let i = 0; i < n; i++) {
    const from = w.rowPtr[i];
    const crd = w.rowPtr[i + 1] - from;
    if (crd === 0) {
      out[i] = NaN;
      continue;
    }
    for (let j = 0, k = 0; j < n; j++) if (j !== i) others[k++] = j;
    const saved = options.savedDraws?.[i];
    // A draw of the actual neighbours reproduces I_i: count it as ≥ whatever the rounding of the sum.
    const cut = observed[i] - 1e-12 * Math.abs(observed[i]);
    let b = 0;
    for (let s = 0; s < nsim; s++) {
      let lagSim = 0;
      if (saved) {
        const idx = saved[s];
        for (let k = 0; k < crd; k++) lagSim += w.values[from + k] * z[idx[k]];
      } else {
        for (let k = 0; k < crd; k++) {
          const j = k + Math.floor(rng() * scale * (n - 1 - k));
          const t = others[k];
          others[k] = others[j];
          others[j] = t;
          lagSim += w.values[from + k] * z[others[k]];
        }
      }
      if ((z[i] / m2) * lagSim >= cut) b++;
    }
    out[i] = (Math.min(b, nsim - b) + 1) / (nsim + 1);
  }
  return out;
}
