/**
 * The dynamic spatial lag (SAR) and Durbin (SDM) panel models as tidy results: `dynamicSpatialModel`.
 * Coefficient rows, in order: `L.y` (τ), `W*L.y` (ψ), `rho` (ρ), x… (β), `W*x`… (θ, SDM); bias-corrected
 * estimates with the covariance of dynamic.ts, z statistics and normal p-values.
 * Statistics: loglik (the maximised quasi-log-likelihood), sigma2 (bias-corrected unless 'none'),
 * sigma2_qml, `qml:<term>` (the estimates before the correction), kurtosis (excess, of the residuals,
 * in the fourth-moment term), spectral_radius (of A = (I − ρW)⁻¹(τI + ψW); a bound above N = 400:
 * spectral_radius_exact = 0), long_run_margin_z ((1 − τ − ψ − ρ)/SE), bias_corrected (1/0), periods,
 * rho_lower, rho_upper, effects_draws, effects_long_excluded.
 * Effects: short- and long-run rows (horizon `short` / `long`) for every regressor (dynamic-effects.ts).
 * Leaving the stationary region is a DataError (the data cannot support the model) naming the
 * condition, unless `stationarity: 'warn'` asks for a warning (then long-run effects are blank).
 */
import type { CoefficientRow, EstimationResult } from '../result';
import type { Panel } from '../../panel';
import { DataError } from '../../common/errors';
import { dynamicPanelData, dynamicSpatialFit, type BiasCorrection, type DynamicFit } from './dynamic';
import { dynamicImpacts } from './dynamic-effects';
import type { LogDetMethod } from './ml';
import { panelSample } from '../sample';
import { coefficientRows } from '../table';
import type { WeightsMatrix } from './weights';

export interface DynamicSpatialOptions {
  model: 'sar' | 'sdm';
  y: string;
  x: readonly string[];
  weights: WeightsMatrix;
  effects: 'entity' | 'twoways';
  ylag: boolean;
  wylag: boolean;
  biasCorrection: BiasCorrection;
  /** What leaving the stationary region does (default 'error'). */
  stationarity?: 'error' | 'warn';
  logdet?: LogDetMethod;
  simulations?: number;
  seed?: number;
}

export function dynamicSpatialModel(panel: Panel, options: DynamicSpatialOptions): EstimationResult {
  const w = options.weights;
  const d = dynamicPanelData(panel, { ...options, durbin: options.model === 'sdm' });
  const fit = dynamicSpatialFit(w, d, { ...options, durbin: options.model === 'sdm' });
  const warnings: string[] = [];
  const dynamic = options.ylag || options.wylag;
  const policy = options.stationarity ?? 'error';
  const q = fit.qmlStability;
  if (q && fit.corrected && !q.stationary) {
    if (policy === 'error')
      throw new DataError(
        `dynamic spatial model: ${q.condition}; the bias correction needs a stationary model (spatial.dynamic.stationarity "warn" reports the estimates anyway)`,
      );
    warnings.push(`${q.condition}; the bias correction assumes a stationary model`);
  }
  if (dynamic && !fit.stability.stationary) {
    if (policy === 'error')
      throw new DataError(
        `dynamic spatial model: ${fit.stability.condition}; set spatial.dynamic.stationarity to "warn" to report the estimates anyway`,
      );
    warnings.push(`${fit.stability.condition}; long-run effects are not defined`);
  } else if (dynamic && fit.stability.unverified) {
    warnings.push(fit.stability.condition);
  }
  const terms = [...fit.names, 'rho'];
  const order = [
    ...fit.names.flatMap((t, i) => (t.startsWith('L.') || t.startsWith('W*L.') ? [i] : [])),
    fit.names.length,
    ...fit.names.flatMap((t, i) => (t.startsWith('L.') || t.startsWith('W*L.') ? [] : [i])),
  ];
  // z statistics (ML asymptotics), rows in the order τ, ψ, ρ, β, θ.
  const rows = coefficientRows(terms, fit.params, { vcov: fit.vcov, dfT: Infinity });
  const coefficients: CoefficientRow[] = order.map((i) => rows[i]);
  const effects = dynamicImpacts(w, fit, options.y, options.x, options);
  const margin = longRunMargin(fit);
  if (dynamic && !(margin.sum < 1))
    warnings.push(
      `τ + ψ + ρ = ${margin.sum.toPrecision(4)} ≥ 1: no long-run equilibrium at the estimates (the long-run total multiplier 1/(1 − τ − ψ − ρ) is not defined${options.effects === 'twoways' ? '; the time effects absorb the common direction ω = 1, so the model is stationary all the same' : ''}); the long-run effects are left blank`,
    );
  else if (dynamic && margin.z < 4)
    warnings.push(
      `τ + ψ + ρ = ${margin.sum.toPrecision(4)} is ${margin.z.toFixed(1)} standard errors from 1: the long-run multiplier 1/(1 − τ − ψ − ρ) has no finite variance under the normal draws, so the long-run effects' simulated standard errors are dominated by draws near the boundary and change with the seed`,
    );
  if (effects.excluded > 0)
    warnings.push(
      `${effects.excluded} of ${effects.draws} simulation draws have τ + ψ + ρ ≥ 1 and are left out of the long-run standard errors`,
    );
  const statistics: Record<string, number> = {
    loglik: fit.qml.loglik,
    sigma2: fit.sigma2,
    sigma2_qml: fit.qml.sigma2,
    kurtosis: fit.kurtosis,
    bias_corrected: fit.corrected ? 1 : 0,
    periods: d.T,
    rho_lower: fit.interval[0],
    rho_upper: fit.interval[1],
    effects_draws: effects.draws,
    effects_long_excluded: effects.excluded,
  };
  if (dynamic) statistics.long_run_margin_z = margin.z;
  if (dynamic) {
    statistics.spectral_radius = fit.stability.radius;
    statistics.spectral_radius_exact = fit.stability.exact ? 1 : 0;
  }
  terms.forEach((t, i) => (statistics[`qml:${t}`] = fit.qml.params[i]));
  const used = d.n * d.T;
  // Every unit of W in every period (dynamicPanelData): the periods of the likelihood are used, the
  // first one only supplies y_{t−1}.
  const inLikelihood = new Set(d.times);
  const sample = panelSample(panel, (r) =>
    inLikelihood.has(panel.times[r]) ? true : `first period: supplies y_{t−1} (L.${options.y})`,
  );
  if (panel.nrows > used)
    warnings.push(
      `${panel.nrows - used} rows not in the likelihood (${dynamic ? `the first period ${d.times[0] - 1} supplies y_{t−1}` : 'outside the weights matrix'})`,
    );
  return {
    estimator: options.model,
    nobs: used,
    ngroups: d.n,
    coefficients,
    statistics,
    sample,
    effects: effects.rows,
    ...(warnings.length ? { warnings } : {}),
  };
}

/** τ + ψ + ρ and its distance from 1 in standard errors (the long-run effects need it below 1). */
export function longRunMargin(fit: DynamicFit): { sum: number; z: number } {
  const idx = fit.names.flatMap((t, i) => (t.startsWith('L.') || t.startsWith('W*L.') ? [i] : []));
  idx.push(fit.names.length);
  let sum = 0;
  let v = 0;
  for (const i of idx) {
    sum += fit.params[i];
    for (const j of idx) v += fit.vcov.get(i, j);
  }
  return { sum, z: (1 - sum) / Math.sqrt(v) };
}
