/**
 * What an estimator is, as the dispatcher (estimate.ts) calls it: a panel, the parsed spec and the
 * inputs that are not in the spec (spatial weights, saved bootstrap draws) in, a tidy result out.
 */
import type { Panel } from '../panel';
import type { EstimationResult } from './result';
import type { WeightsMatrix } from './spatial/weights';
import type { Spec } from './spec';

export interface EstimateOptions {
  /** Spatial weights, for the estimators whose contract requires them (registry.ts). */
  weights?: WeightsMatrix;
  /**
   * Wild bootstrap weights to use instead of drawing them (to reproduce a bootstrap run elsewhere): one
   * array of B·G weights, draw after draw, with the clusters in the order of `clusters`.
   */
  wildDraws?: { clusters: string[]; weights: Float64Array };
}

export type Estimator = (panel: Panel, spec: Spec, options: EstimateOptions) => EstimationResult;
