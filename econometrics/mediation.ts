/**
 * Mediation in the steps of Wen Zhonglin's procedure (温忠麟, 2004/2014), each step a regression of the
 * chosen estimator (FE by default) on one common sample (rows complete for y, M and every x):
 *   (1) y = c·x + C  → total effect c;   (2) M = a·x + C  → path a;   (3) y = c'·x + b·M + C.
 * Indirect effect a·b, its share a·b / c, the Sobel z = a·b / √(b²s_a² + a²s_b²) with a normal p-value,
 * and a cluster bootstrap of a·b: entities are drawn with replacement (a drawn twice enters twice as two
 * entities), a and b are re-estimated by the within estimator, and the percentile and bias-corrected
 * (BC) intervals are read from the replicates. The generator is MT19937 under the spec's seed.
 */
import mt19937 from '@stdlib/random-base-mt19937';
import { InputError } from '../common/errors';
import type { Panel } from '../panel';
import { percentile } from '../panel/percentile';
import { normalCdfStd, normalQuantileStd, normalTwoSided } from './distributions';
import { fixedEffectsFit, type Effects, withinSlopes } from './fe';
import { modelFrame } from './frame';
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
  cluster?: string;
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
      throw new InputError(`mediation: ${term} was omitted (${(f.result.warnings ?? []).join('; ')})`, term);
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
    warnings: warnings.length ? [...new Set(warnings)] : undefined,
  };
}

/** Replicates of a·b under entity resampling. */
export function bootstrapIndirect(
  frame: ReturnType<typeof modelFrame>,
  y: string,
  mediator: string,
  core: string,
  controls: string[],
  reps: number,
  seed: number,
): { values: Float64Array; failed: number } {
  const rng = mt19937.factory({ seed });
  const G = frame.ngroups;
  const rowsOf: number[][] = Array.from({ length: G }, () => []);
  frame.entityCodes.forEach((g, i) => rowsOf[g].push(i));
  const col = (t: string) => frame.columns.get(t)!;
  const yv = col(y);
  const mv = col(mediator);
  const xa = [col(core), ...controls.map(col)];
  const xb = [col(core), mv, ...controls.map(col)];
  const values: number[] = [];
  let failed = 0;
  for (let r = 0; r < reps; r++) {
    const idx: number[] = [];
    const codes: number[] = [];
    for (let g = 0; g < G; g++) {
      const pick = Math.floor((rng() / 4294967296) * G);
      for (const i of rowsOf[pick]) {
        idx.push(i);
        codes.push(g);
      }
    }
    const c = Int32Array.from(codes);
    const take = (v: Float64Array) => Float64Array.from(idx, (i) => v[i]);
    const a = withinSlopes(take(mv), xa.map(take), c, G)[0];
    const b = withinSlopes(take(yv), xb.map(take), c, G)[1];
    if (Number.isFinite(a) && Number.isFinite(b)) values.push(a * b);
    else failed++;
  }
  return { values: Float64Array.from(values), failed };
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
