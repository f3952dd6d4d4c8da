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
export {
  differenceGmm,
  systemGmm,
  termName,
  type GmmInstrument,
  type GmmOptions,
  type LaggedTerm,
} from './gmm/pgmm';
export * from './spatial/weights';
export {
  moranI,
  moranByTime,
  localMoran,
  type LisaRow,
  type LisaCluster,
  type MoranOptions,
} from './spatial/moran';
export {
  spatialLag,
  spatialError,
  spatialDurbin,
  spatialLmTests,
  spatialPanelData,
  type SpatialModelOptions,
  type SpatialEffects,
} from './spatial/models';
export { impacts, type ImpactOptions } from './spatial/impacts';
export { lmTests, type LmTests } from './spatial/lm-tests';
export { jacobian, spatialLagFit, spatialErrorFit, type LogDetMethod, type SpatialFit } from './spatial/ml';
export { sparseLogDet } from './spatial/logdet';
export { stackByTime } from './spatial/stack';
