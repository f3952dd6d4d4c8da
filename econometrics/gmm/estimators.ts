/**
 * The GMM estimators as the dispatcher calls them: `diffgmm` and `sysgmm`, from spec.gmm. Every variable
 * may be a term of the spec language (`y: "ln(emp)"`): terms become columns of the panel first
 * (panel/terms.ts), so GMM's lags of `ln(emp)` are the logs of the lagged values, as plm's lag(log(emp)).
 */
import { InputError } from '../../common/errors';
import { withTerms, type Panel } from '../../panel';
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
    gmmInstruments: g.instruments.map((i) => ({
      variable: i.variable,
      lags: i.lags ?? (i.type === 'predetermined' ? [1, 99] : [2, 99]),
      collapse: i.collapse,
      type: i.type,
    })),
    ivInstruments: g.iv?.map((variable) => ({ variable, lags: g.xlags[variable] ?? [0] })),
    timeDummies: g.timeDummies,
    twoStep: g.twoStep,
    robust: spec.vce !== 'conventional',
    diffHansen: g.diffHansen,
  };
}

/** The panel with every term the GMM options read evaluated as a column. */
function withGmmTerms(panel: Panel, o: GmmOptions): Panel {
  return withTerms(panel, [
    o.y,
    ...o.regressors.map((r) => r.variable),
    ...o.gmmInstruments.map((g) => g.variable),
    ...(o.ivInstruments ?? []).map((r) => r.variable),
  ]);
}

export function diffGmmEstimator(panel: Panel, spec: Spec): EstimationResult {
  const o = gmmOptions(spec);
  return differenceGmm(withGmmTerms(panel, o), o);
}

export function sysGmmEstimator(panel: Panel, spec: Spec): EstimationResult {
  const o = gmmOptions(spec);
  return systemGmm(withGmmTerms(panel, o), o);
}
