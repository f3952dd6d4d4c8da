/**
 * Mediation in the steps of Wen Zhonglin's procedure (温忠麟, 2004/2014), each step a regression of the
 * chosen estimator (FE by default) on one common sample (rows complete for y, M and every x):
 *   (1) y = c·x + C  → total effect c;   (2) M = a·x + C  → path a;   (3) y = c'·x + b·M + C.
 * Indirect effect a·b, its share a·b / c, the Sobel z = a·b / √(b²s_a² + a²s_b²) with a normal p-value,
 * and a cluster bootstrap of a·b: entities are drawn with replacement (a drawn twice enters twice as two
 * entities), a and b are re-estimated by the within estimator, and the percentile and bias-corrected
 * (BC) intervals are read from the replicates. The generator is MT19937 under the spec's seed.
 * The bootstrap re-estimates by the entity within estimator whatever the point estimates' vce.
 */
import mt19937 from '@stdlib/random-base-mt19937';
import { Matrix } from 'ml-matrix';
import { DataError, InputError } from '../common/errors';
import { demeanBy, percentile, type Panel } from '../panel';
import { normalCdfStd, normalQuantileStd, normalTwoSided } from './distributions';
import { fixedEffectsFit, type Effects } from './fe';
import { modelFrame, type ModelFrame } from './frame';
import { solvePositiveDefinite } from './linalg';
import type { VceName } from './covariance';
import type { Convention } from './conventions';
import type { CoefficientRow, EstimationResult } from './result';

export interface MediationOptions {
  y: string;
  /** x[0] is the core regressor; the rest are controls. */
  x: string[];
  mediator: string;
  effects?: Effects;
  vce?: VceName;
  cluster?: string | readonly [string, string];
  convention?: Convention;
  bootstrap?: { reps: number; seed: number; level: number };
}

export function mediation(panel: Panel, options: MediationOptions): EstimationResult {
  const { y, x, mediator } = options;
  if (x.length === 0) throw new InputError('spec.x: mediation needs the core regressor as x[0]', 'spec.x');
  if (x.includes(mediator) || mediator === y) {
    throw new InputError(`spec.mediator: '${mediator}' must differ from y and from every x`, 'spec.mediator');
  }
  const core = x[0];
  const controls = x.slice(1);
  const effects = options.effects ?? 'entity';
  const frame = modelFrame(panel, [y, mediator, ...x]);
  const common = { effects, vce: options.vce, cluster: options.cluster, convention: options.convention };
  const total = fixedEffectsFit(panel, frame, { ...common, y, x });
  const pathA = fixedEffectsFit(panel, frame, { ...common, y: mediator, x });
  const pathB = fixedEffectsFit(panel, frame, { ...common, y, x: [core, mediator, ...controls] });
  const pick = (f: typeof total, term: string): CoefficientRow => {
    const r = f.result.coefficients.find((c) => c.term === term);
    if (!r)
      throw new DataError(`mediation: ${term} was omitted (${(f.result.warnings ?? []).join('; ')})`, term);
    return r;
  };
  const c = pick(total, core);
  const a = pick(pathA, core);
  const b = pick(pathB, mediator);
  const cp = pick(pathB, core);
  const ab = a.estimate * b.estimate;
  const sobelSe = Math.sqrt(b.estimate ** 2 * a.std_error ** 2 + a.estimate ** 2 * b.std_error ** 2);
  const z = ab / sobelSe;
  const statistics: Record<string, number> = {
    nobs: frame.nobs,
    c: c.estimate,
    c_se: c.std_error,
    a: a.estimate,
    a_se: a.std_error,
    b: b.estimate,
    b_se: b.std_error,
    c_prime: cp.estimate,
    c_prime_se: cp.std_error,
    indirect: ab,
    share: ab / c.estimate,
    sobel_z: z,
    sobel_p: normalTwoSided(z),
  };
  const label = (prefix: string, r: CoefficientRow): CoefficientRow => ({
    ...r,
    term: `${prefix}:${r.term}`,
  });
  const coefficients: CoefficientRow[] = [
    label('total', c),
    label('a', a),
    label('b', b),
    label('direct', cp),
    { term: 'indirect', estimate: ab, std_error: sobelSe, statistic: z, p_value: statistics.sobel_p },
  ];
  const warnings = [total, pathA, pathB].flatMap((f) => f.result.warnings ?? []);
  const boot = options.bootstrap;
  if (boot && boot.reps > 0) {
    if (effects !== 'entity') {
      throw new InputError(
        'spec.bootstrap: the cluster bootstrap is implemented for entity fixed effects',
        'spec.effects',
      );
    }
    const draws = bootstrapIndirect(frame, y, mediator, core, controls, boot.reps, boot.seed);
    Object.assign(statistics, bootstrapSummary(draws.values, ab, boot.level), {
      boot_reps: boot.reps,
      boot_failed: draws.failed,
      boot_seed: boot.seed,
    });
    if (draws.failed)
      warnings.push(`${draws.failed} bootstrap replicates had collinear regressors and were skipped`);
  }
  return {
    estimator: 'mediation',
    nobs: frame.nobs,
    ngroups: frame.ngroups,
    coefficients,
    statistics,
    sample: frame.sample,
    warnings: warnings.length ? [...new Set(warnings)] : undefined,
  };
}

/**
 * Replicates of a·b under entity resampling. An entity's within deviations do not depend on which other
 * entities are drawn, so each entity's cross-product matrix of its demeaned [x, M, controls, y] is formed
 * once and a replicate's normal equations are the sum over the drawn entities, solved by Cholesky.
 */
export function bootstrapIndirect(
  frame: ModelFrame,
  y: string,
  mediator: string,
  core: string,
  controls: string[],
  reps: number,
  seed: number,
): { values: Float64Array; failed: number } {
  const G = frame.ngroups;
  const vars = [core, mediator, ...controls, y].map((t) =>
    demeanBy(frame.columns.get(t)!, { codes: frame.entityCodes, ngroups: G }),
  );
  const p = vars.length;
  const cross = new Float64Array(G * p * p);
  for (let i = 0; i < frame.nobs; i++) {
    const off = frame.entityCodes[i] * p * p;
    for (let a = 0; a < p; a++) {
      const va = vars[a][i];
      for (let b = a; b < p; b++) cross[off + a * p + b] += va * vars[b][i];
    }
  }
  const iCore = 0;
  const iMed = 1;
  const iY = p - 1;
  const iControls = controls.map((_, j) => 2 + j);
  const pathA = { regressors: [iCore, ...iControls], outcome: iMed };
  const pathB = { regressors: [iCore, iMed, ...iControls], outcome: iY };
  const rng = mt19937.factory({ seed });
  const S = new Float64Array(p * p);
  // Only the upper triangle is read (solveNormal), so only it is summed: half the additions.
  const upper = new Int32Array((p * (p + 1)) / 2);
  for (let a = 0, i = 0; a < p; a++) for (let b = a; b < p; b++) upper[i++] = a * p + b;
  const values: number[] = [];
  let failed = 0;
  for (let r = 0; r < reps; r++) {
    S.fill(0);
    for (let g = 0; g < G; g++) {
      const off = Math.floor((rng() / 4294967296) * G) * p * p;
      for (let i = 0; i < upper.length; i++) S[upper[i]] += cross[off + upper[i]];
    }
    const a = solveNormal(S, p, pathA.regressors, pathA.outcome)?.[0];
    const b = solveNormal(S, p, pathB.regressors, pathB.outcome)?.[1];
    if (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b)) values.push(a * b);
    else failed++;
  }
  return { values: Float64Array.from(values), failed };
}

/** Slopes of the normal equations held in the upper triangle of S (p×p), or undefined if singular. */
function solveNormal(
  S: Float64Array,
  p: number,
  regressors: number[],
  outcome: number,
): number[] | undefined {
  const k = regressors.length;
  const at = (a: number, b: number) => (a <= b ? S[a * p + b] : S[b * p + a]);
  const xtx = new Matrix(k, k);
  const xty = new Matrix(k, 1);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) xtx.set(a, b, at(regressors[a], regressors[b]));
    xty.set(a, 0, at(regressors[a], outcome));
  }
  return solvePositiveDefinite(xtx, xty);
}

/** Mean, SD, percentile CI (R's default quantile type 7) and bias-corrected CI of the replicates. */
export function bootstrapSummary(
  values: Float64Array,
  estimate: number,
  level: number,
): Record<string, number> {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  const m = sum / n;
  let ss = 0;
  for (const v of sorted) ss += (v - m) ** 2;
  const alpha = 1 - level;
  let below = 0;
  for (const v of sorted) if (v < estimate) below++;
  const z0 = normalQuantileStd(below / n);
  const zl = normalQuantileStd(alpha / 2);
  const bcLo = normalCdfStd(2 * z0 + zl);
  const bcHi = normalCdfStd(2 * z0 - zl);
  return {
    boot_mean: m,
    boot_sd: Math.sqrt(ss / (n - 1)),
    boot_ci_lower: percentile(sorted, (100 * alpha) / 2, 'type7'),
    boot_ci_upper: percentile(sorted, 100 * (1 - alpha / 2), 'type7'),
    boot_bc_lower: percentile(sorted, 100 * bcLo, 'type7'),
    boot_bc_upper: percentile(sorted, 100 * bcHi, 'type7'),
    boot_z0: z0,
  };
}
