/**
 * The spatial estimators as the dispatcher calls them: `sar`, `sem`, `sdm` and `moran`, with the weights
 * matrix from EstimateOptions (the CLI's --weights W.csv), validated and row-standardised here.
 * `effects` in the spec: 'entity' (default) or 'twoways'. Work beyond the model is done only when the spec
 * asks for it: `spatial.lmTests` adds the LM tests of the non-spatial FE model to `statistics` (sar, sem,
 * sdm), `spatial.lrTests` the LR tests of the SDM against SAR and SEM (two more fits), `spatial.pooled`
 * Moran's pooled row (all permutations again on the stacked panel). `spatial.dynamic` (sar, sdm) fits the
 * dynamic spatial panel instead (dynamic-model.ts).
 */
import { InputError } from '../../common/errors';
import { evaluateTerm, withTerms, type Panel } from '../../panel';
import type { EstimateOptions } from '../estimator';
import type { EstimationResult, LocalMoranRow } from '../result';
import { panelSample } from '../sample';
import type { Spec } from '../spec';
import { dynamicSpatialModel } from './dynamic-model';
import { sdmEntityImpacts } from './entity-impacts';
import { localMoran, moranByTime, type LocalMoranOptions } from './moran';
import { spatialDurbin, spatialError, spatialLag, spatialLmTests, type SpatialModelOptions } from './models';
import type { WeightsMatrix } from './weights';

function weightsOf(options: EstimateOptions): WeightsMatrix {
  if (!options.weights) {
    throw new InputError(
      'weights: this estimator needs a spatial weights matrix (--weights W.csv)',
      'weights',
    );
  }
  return options.weights;
}

function modelOptions(spec: Spec, options: EstimateOptions): SpatialModelOptions {
  // effects is 'entity' or 'twoways' and x is non-empty: the contract (registry.ts) checked the spec.
  if (spec.effects !== 'entity' && spec.effects !== 'twoways')
    throw new InputError(`spec.effects: '${spec.effects}' is not a spatial panel effect`, 'spec.effects');
  return {
    y: spec.y,
    x: spec.x,
    weights: weightsOf(options),
    effects: spec.effects,
    leeYu: spec.spatial?.leeYu,
    lrTests: spec.spatial?.lrTests ?? false,
    simulations: spec.spatial?.simulations ?? 1000,
    seed: spec.spatial?.seed ?? 20240101,
  };
}

/** The model, plus the LM tests of the non-spatial FE model when the spec asks for them. */
function withLm(fit: (p: Panel, o: SpatialModelOptions) => EstimationResult) {
  return (panel: Panel, spec: Spec, options: EstimateOptions): EstimationResult => {
    const o = modelOptions(spec, options);
    // Terms of the spec language (`ln(x)`, `L.x`) become columns before stacking (panel/terms.ts).
    panel = withTerms(panel, [spec.y, ...spec.x]);
    const res = fit(panel, o);
    if (spec.spatial?.lmTests) res.statistics = { ...res.statistics, ...spatialLmTests(panel, o) };
    return res;
  };
}

/**
 * The dynamic spatial panel (spec.spatial.dynamic): y_{t−1} (τ) and W y_{t−1} (ψ) beside ρ W y_t, by
 * QML with Yu, de Jong & Lee's bias correction unless spec.spatial.biasCorrection is 'none'
 * (dynamic-model.ts); short- and long-run effects. No per-entity impacts: the maps show the static model's.
 */
function dynamicEstimator(model: 'sar' | 'sdm', panel: Panel, spec: Spec, options: EstimateOptions) {
  const o = modelOptions(spec, options);
  const dyn = spec.spatial!.dynamic!;
  panel = withTerms(panel, [spec.y, ...spec.x]);
  return dynamicSpatialModel(panel, {
    model,
    y: o.y,
    x: o.x,
    weights: o.weights,
    effects: o.effects!,
    ylag: dyn.ylag,
    wylag: dyn.wylag,
    stationarity: dyn.stationarity,
    biasCorrection: spec.spatial?.biasCorrection ?? 'yu-dejong-lee',
    simulations: o.simulations,
    seed: o.seed,
  });
}

const staticSar = withLm(spatialLag);
export function sarEstimator(panel: Panel, spec: Spec, options: EstimateOptions): EstimationResult {
  return spec.spatial?.dynamic
    ? dynamicEstimator('sar', panel, spec, options)
    : staticSar(panel, spec, options);
}
export const semEstimator = withLm(spatialError);
/** SDM, plus each entity's direct, received and emitted impacts of every regressor (stored for the maps). */
export function sdmEstimator(panel: Panel, spec: Spec, options: EstimateOptions): EstimationResult {
  if (spec.spatial?.dynamic) return dynamicEstimator('sdm', panel, spec, options);
  const res = withLm(spatialDurbin)(panel, spec, options);
  const entityEffects = sdmEntityImpacts(weightsOf(options), spec.x, res.coefficients);
  return entityEffects.length ? { ...res, entityEffects } : res;
}

/** Moran's I of spec.y for each period, and pooled when spec.spatial.pooled (spec.x is ignored). */
export function moranEstimator(panel: Panel, spec: Spec, options: EstimateOptions): EstimationResult {
  const w = weightsOf(options);
  const s = spec.spatial;
  const moran = moranByTime(w, panel.entityKeys, panel.times, evaluateTerm(panel, spec.y), {
    variable: spec.y,
    permutations: s?.permutations ?? 999,
    permutationP: s?.permutationP ?? 'spdep',
    seed: s?.seed ?? 20240101,
    alternative: s?.alternative ?? 'greater',
    randomisation: s?.randomisation ?? true,
    pooled: s?.pooled ?? false,
  });
  const nsimLisa = s?.lisaPermutations ?? 999;
  const lisa = lisaByTime(w, panel.entityKeys, panel.times, evaluateTerm(panel, spec.y), {
    permutations: nsimLisa,
    seed: s?.seed ?? 20240101,
    labelsFrom: s?.lisaLabels ?? (nsimLisa > 0 ? 'permutation-bh' : 'analytical'),
    alpha: s?.lisaAlpha ?? 0.05,
  });
  return {
    estimator: 'moran',
    nobs: panel.nrows,
    ngroups: w.n,
    coefficients: [],
    statistics: {},
    // A balanced panel over the weights' ids (stackByTime), every row in every period's statistic.
    sample: panelSample(panel, () => true),
    moran,
    lisa,
  };
}

/** Local Moran's I (LISA) of every period in which every entity of W has a value (options: the spec's lisa* keys). */
function lisaByTime(
  w: WeightsMatrix,
  entities: readonly string[],
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  options: LocalMoranOptions,
): LocalMoranRow[] {
  const byTime = new Map<number, Map<string, number>>();
  for (let r = 0; r < entities.length; r++) {
    let m = byTime.get(times[r]);
    if (!m) byTime.set(times[r], (m = new Map()));
    m.set(entities[r], values[r]);
  }
  return [...byTime.keys()]
    .sort((a, b) => a - b)
    .flatMap((time) => {
      const m = byTime.get(time)!;
      const x = w.ids.map((id) => m.get(id) ?? NaN);
      if (!x.every(Number.isFinite)) return [];
      // One permutation stream per period, as the global test's.
      const seed = (options.seed ?? 1) + time;
      return localMoran(w, x, { ...options, seed }).map((row) => ({ time, ...row }));
    });
}
