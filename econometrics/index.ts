/** The linear econometrics core's public API (GMM and spatial estimators register in estimate.ts). */
export { estimate, prepareSample, ESTIMATORS, type Estimator, type EstimateOptions } from './estimate';
export { parseSpec, specSchema, type Spec, type SpecInput } from './spec';
export { pooledOls, type LinearOptions } from './ols';
export {
  fixedEffects,
  fixedEffectsFit,
  type Effects,
  type FixedEffectsOptions,
  type LinearFitDetail,
} from './fe';
export { fixedEffectsIv, type IvOptions } from './iv';
export { varianceInflation } from './vif';
export { mediation, bootstrapSummary, type MediationOptions } from './mediation';
export { moderation, type ModerationOptions } from './moderation';
export {
  clusterCovariance,
  conventionalCovariance,
  covarianceFor,
  robustCovariance,
  type Covariance,
  type VceName,
} from './covariance';
export type { Convention } from './conventions';
export { modelFrame, type ModelFrame } from './frame';
export * from './distributions';
export type { CoefficientRow, EstimationResult, EffectRow, MoranRow } from './result';
