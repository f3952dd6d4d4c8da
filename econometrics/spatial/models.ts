/**
 * Spatial panel models with fixed effects by ML — `spatialLag` (SAR), `spatialError` (SEM) and
 * `spatialDurbin` (SDM: y = ρWy + Xβ + WXθ + μ + ε) — on the within-demeaned balanced panel stacked with
 * I_T ⊗ W, as spatialreg's lagsarlm / errorsarlm on that panel. Entity effects subtract entity means;
 * two-way effects also time means (x − x̄_i − x̄_t + x̄).
 *
 * Results: `rho` (or `lambda`) as the first coefficient row, then the regressors, then `W*x` terms (SDM);
 * statistics loglik, sigma2 (ML, SSE/NT), sigma2_lee_yu (σ²·T/(T−1), Lee and Yu's bias correction
 * for entity effects; with `leeYu: true` it is also `sigma2`); effects for SAR and SDM; SDM adds the
 * Wald tests against SAR (θ = 0) and SEM (θ = −ρβ, by the delta method) and, with `lrTests`, the LR
 * tests of both (two more fits).
 * z statistics and normal p-values (ML asymptotics, as spatialreg).
 */
import { Matrix } from 'ml-matrix';
import { DataError, InputError } from '../../common/errors';
import { gridGroupings, withinTransform, type Panel } from '../../panel';
import { chiSquareUpper } from '../distributions';
import { quadraticFormInverse } from '../linalg';
import type { EstimationResult } from '../result';
import { panelSample } from '../sample';
import { coefficientRows } from '../table';
import { impacts, type ImpactOptions } from './impacts';
import { lmTests } from './lm-tests';
import { spatialErrorFit, spatialLagFit, type Columns, type LogDetMethod, type SpatialFit } from './ml';
import { stackByTime } from './stack';
import { panelSpatialLag, type WeightsMatrix } from './weights';

export type SpatialEffects = 'entity' | 'twoways';

export interface SpatialModelOptions extends ImpactOptions {
  y: string;
  x: readonly string[];
  weights: WeightsMatrix;
  effects?: SpatialEffects;
  leeYu?: boolean;
  /** Log-determinant method (default 'auto': eigenvalues up to N = 400, exact sparse factorisation above). */
  logdet?: LogDetMethod;
  /** SDM: also fit SAR and SEM for the LR tests (default false: two more fits). */
  lrTests?: boolean;
}

export interface SpatialData {
  y: Float64Array;
  X: Columns;
  T: number;
  times: number[];
}

/** Stacked, demeaned y and X in `weights.ids` order; errors name the variable, entity and time. */
export function spatialPanelData(panel: Panel, options: SpatialModelOptions): SpatialData {
  const { weights: w } = options;
  const entities = panel.entityKeys;
  const stackedOf = (name: string) => {
    if (!panel.has(name)) throw new InputError(`spec: column '${name}' is not in the data`, name);
    return stackByTime(w, entities, panel.times, panel.column(name), name);
  };
  const ys = stackedOf(options.y);
  const T = ys.times.length;
  if (T < 2) throw new DataError(`spatial model: ${T} period; fixed effects need at least 2`, 'nobs');
  const effects = options.effects ?? 'entity';
  const by = gridGroupings({ N: w.n, T });
  const within = (v: Float64Array) => withinTransform(v, effects, by);
  return {
    y: within(ys.values),
    X: options.x.map((name) => within(stackedOf(name).values)),
    T,
    times: ys.times,
  };
}

function baseStatistics(fit: SpatialFit, T: number, options: SpatialModelOptions): Record<string, number> {
  const ly = (fit.sigma2 * T) / (T - 1);
  return {
    loglik: fit.loglik,
    sigma2: options.leeYu ? ly : fit.sigma2,
    sigma2_ml: fit.sigma2,
    sigma2_lee_yu: ly,
    periods: T,
    rho_lower: fit.interval[0],
    rho_upper: fit.interval[1],
  };
}

function result(
  estimator: string,
  panel: Panel,
  fit: SpatialFit,
  names: string[],
  statistics: Record<string, number>,
  options: SpatialModelOptions,
): EstimationResult {
  const params = [fit.rho, ...fit.beta];
  // The stack is T × N over the weights' ids, every cell present (stackByTime): a row is used when its
  // entity is in the weights matrix.
  const ids = new Set(options.weights.ids);
  return {
    estimator,
    nobs: fit.nobs,
    ngroups: options.weights.n,
    coefficients: coefficientRows(names, params, { vcov: fit.vcov, dfT: Infinity }),
    statistics,
    sample: panelSample(panel, (r) =>
      ids.has(panel.entityKeys[r]) ? true : `outside the weights matrix (${options.weights.label})`,
    ),
    warnings:
      panel.nrows !== fit.nobs ? [`${panel.nrows - fit.nobs} rows outside the weights matrix`] : undefined,
  };
}

export function spatialLag(panel: Panel, options: SpatialModelOptions): EstimationResult {
  const d = spatialPanelData(panel, options);
  const fit = spatialLagFit(options.weights, d.y, d.X, 'sar', options.logdet);
  const out = result('sar', panel, fit, ['rho', ...options.x], baseStatistics(fit, d.T, options), options);
  out.effects = impacts(options.weights, options.x, [fit.rho, ...fit.beta], fit.vcov, false, {
    ...options,
    jacobian: fit.jacobian,
  });
  return out;
}

export function spatialError(panel: Panel, options: SpatialModelOptions): EstimationResult {
  const d = spatialPanelData(panel, options);
  const fit = spatialErrorFit(options.weights, d.y, d.X, options.logdet);
  return result('sem', panel, fit, ['lambda', ...options.x], baseStatistics(fit, d.T, options), options);
}

export function spatialDurbin(panel: Panel, options: SpatialModelOptions): EstimationResult {
  const d = spatialPanelData(panel, options);
  const w = options.weights;
  const WX = d.X.map((c) => panelSpatialLag(w, c));
  const fit = spatialLagFit(w, d.y, [...d.X, ...WX], 'sdm', options.logdet);
  const K = options.x.length;
  const statistics = baseStatistics(fit, d.T, options);
  if (options.lrTests ?? false) {
    const sar = spatialLagFit(w, d.y, d.X, 'sar', options.logdet);
    const sem = spatialErrorFit(w, d.y, d.X, options.logdet);
    statistics.lr_sar = 2 * (fit.loglik - sar.loglik);
    statistics.lr_sar_p = chiSquareUpper(statistics.lr_sar, K);
    statistics.lr_sem = 2 * (fit.loglik - sem.loglik);
    statistics.lr_sem_p = chiSquareUpper(statistics.lr_sem, K);
  }
  // Wald θ = 0: θ' V_θθ⁻¹ θ.
  const Vtt = fit.vcov.subMatrix(1 + K, 2 * K, 1 + K, 2 * K);
  const theta = Array.from(fit.beta.subarray(K));
  const wald = quadraticFormInverse(Vtt, theta);
  statistics.wald_sar = wald;
  statistics.wald_sar_p = chiSquareUpper(wald, K);
  // Common factor θ = −ρβ (SDM reduces to SEM): g = θ + ρβ, Wald by the delta method with
  // ∂g/∂ρ = β, ∂g/∂β = ρI, ∂g/∂θ = I.
  const p = 1 + 2 * K;
  const J = new Matrix(K, p);
  const g = new Matrix(K, 1);
  for (let a = 0; a < K; a++) {
    g.set(a, 0, fit.beta[K + a] + fit.rho * fit.beta[a]);
    J.set(a, 0, fit.beta[a]);
    J.set(a, 1 + a, fit.rho);
    J.set(a, 1 + K + a, 1);
  }
  const waldSem = quadraticFormInverse(J.mmul(fit.vcov).mmul(J.transpose()), g.getColumn(0));
  statistics.wald_sem = waldSem;
  statistics.wald_sem_p = chiSquareUpper(waldSem, K);
  const names = ['rho', ...options.x, ...options.x.map((x) => `W*${x}`)];
  const out = result('sdm', panel, fit, names, statistics, options);
  out.effects = impacts(w, options.x, [fit.rho, ...fit.beta], fit.vcov, true, {
    ...options,
    jacobian: fit.jacobian,
  });
  return out;
}

/** LM tests (lag, error, robust forms) on the non-spatial FE model, as named statistics. */
export function spatialLmTests(panel: Panel, options: SpatialModelOptions): Record<string, number> {
  const d = spatialPanelData(panel, options);
  const t = lmTests(options.weights, d.y, d.X);
  return Object.fromEntries(
    Object.entries(t).flatMap(([k, v]) => [
      [k, v.statistic],
      [`${k}_p`, v.p_value],
    ]),
  );
}
