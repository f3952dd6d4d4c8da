/** The GMM estimators as the dispatcher calls them: `diffgmm` and `sysgmm`, from spec.gmm. */
import { InputError } from '../../common/errors';
import type { Panel } from '../../panel';
import type { EstimationResult } from '../result';
import type { Spec } from '../spec';
import { differenceGmm, systemGmm, type GmmOptions } from './pgmm';

function gmmOptions(spec: Spec): GmmOptions {
  const g = spec.gmm;
  if (!g)
    throw new InputError('spec.gmm: required by diffgmm and sysgmm (at least gmm.instruments)', 'spec.gmm');
  for (const name of Object.keys(g.xlags)) {
    if (!spec.x.includes(name)) {
      throw new InputError(`spec.gmm.xlags.${name}: '${name}' is not among spec.x`, `spec.gmm.xlags.${name}`);
    }
  }
  return {
    y: spec.y,
    regressors: [
      { variable: spec.y, lags: g.ylags },
      ...spec.x.map((variable) => ({ variable, lags: g.xlags[variable] ?? [0] })),
    ],
    gmmInstruments: g.instruments.map((i) => ({ variable: i.variable, lags: i.lags, collapse: i.collapse })),
    ivInstruments: g.iv?.map((variable) => ({ variable, lags: g.xlags[variable] ?? [0] })),
    timeDummies: g.timeDummies,
    twoStep: g.twoStep,
    robust: spec.vce !== 'conventional',
  };
}

export const diffGmmEstimator = (panel: Panel, spec: Spec): EstimationResult =>
  differenceGmm(panel, gmmOptions(spec));
export const sysGmmEstimator = (panel: Panel, spec: Spec): EstimationResult =>
  systemGmm(panel, gmmOptions(spec));
