/**
 * The dispatcher: a spec names an estimator, FITS maps the name to its fit. What each estimator
 * accepts is its contract in registry.ts, checked when the spec is parsed (before any work); adding an
 * estimator is a contract there and one line here (the Record over EstimatorName will not compile
 * without both). Sample preparation shared by all (subset, winsorize) happens here, in that order:
 * winsorizing uses the estimation subset's own percentiles.
 */
import { InputError } from '../common/errors';
import type { Panel } from '../panel';
import { fixedEffects } from './fe';
import { fixedEffectsIv } from './iv';
import { mediation } from './mediation';
import { moderation } from './moderation';
import type { EstimateOptions, Estimator } from './estimator';
import { diffGmmEstimator, sysGmmEstimator } from './gmm/estimators';
import { pooledOls } from './ols';
import { moranEstimator, sarEstimator, sdmEstimator, semEstimator } from './spatial/estimators';
import type { EstimatorName } from './registry';
import type { EstimationResult } from './result';
import { parseSpec, type Spec } from './spec';
import { varianceInflation } from './vif';

const base = (s: Spec) => ({
  y: s.y,
  x: s.x,
  vce: s.vce,
  cluster: s.cluster,
  convention: s.convention,
  maxlag: s.maxlag,
  wild: s.inference?.wild,
  alternatives: s.inference?.vce,
});

export const FITS: Record<EstimatorName, Estimator> = {
  ols: (p, s, o) => pooledOls(p, { ...base(s), wildDraws: o.wildDraws }),
  fe: (p, s, o) => fixedEffects(p, { ...base(s), effects: s.effects, wildDraws: o.wildDraws }),
  iv: (p, s, o) =>
    fixedEffectsIv(p, {
      ...base(s),
      wildDraws: o.wildDraws,
      effects: s.effects,
      endogenous: required(s.endogenous, 'endogenous'),
      instruments: required(s.instruments, 'instruments'),
    }),
  vif: (p, s) => varianceInflation(p, { y: s.y, x: s.x }),
  mediation: (p, s) =>
    mediation(p, {
      ...base(s),
      effects: s.effects,
      mediator: required(s.mediator, 'mediator'),
      bootstrap: s.bootstrap,
    }),
  moderation: (p, s) =>
    moderation(p, {
      ...base(s),
      effects: s.effects,
      moderator: required(s.moderator, 'moderator'),
      center: s.center,
      quantiles: s.quantiles,
    }),
  diffgmm: diffGmmEstimator,
  sysgmm: sysGmmEstimator,
  sar: sarEstimator,
  sem: semEstimator,
  sdm: sdmEstimator,
  moran: moranEstimator,
};

// The schema already requires these (registry.ts); this narrows the type.
function required<T>(value: T | undefined, key: string): T {
  if (value === undefined) throw new InputError(`spec.${key}: required by this estimator`, `spec.${key}`);
  return value;
}

export function estimate(panel: Panel, spec: unknown, options: EstimateOptions = {}): EstimationResult {
  const s = parseSpec(spec);
  return FITS[s.estimator](prepareSample(panel, s), s, options);
}

/** Applies the spec's subset and winsorize steps; checks that entity/time match the panel. */
export function prepareSample(panel: Panel, spec: Spec): Panel {
  for (const key of ['entity', 'time'] as const) {
    const want = spec[key];
    if (want !== undefined && want !== panel.index[key]) {
      throw new InputError(
        `spec.${key}: '${want}' but the panel's ${key} column is '${panel.index[key]}'`,
        `spec.${key}`,
      );
    }
  }
  let p = panel;
  if (spec.subset) p = p.subset(spec.subset.by, spec.subset.values);
  const steps =
    spec.winsorize === undefined ? [] : Array.isArray(spec.winsorize) ? spec.winsorize : [spec.winsorize];
  for (const w of steps) {
    for (const v of w.vars ?? [spec.y]) {
      p = p.withColumn(
        v,
        p.winsorize(v, { lower: w.lower, upper: w.upper, by: w.by, definition: w.definition }),
      );
    }
  }
  return p;
}
