/**
 * Which covariance estimators and inference each estimator can honour. A spec asking for something its
 * estimator cannot do is a spec error naming the key, both when `aicarbon estimate` reads the spec and
 * when a study is validated, before any work — never a silently ignored option.
 */
import type { Spec } from '../spec';

interface Support {
  vce: readonly Spec['vce'][];
  /** `cluster: [a, b]` (two-way, with vce cluster). */
  twoWay: boolean;
  /** spec.inference.wild. */
  wild: boolean;
  /** Why the rest is not supported, said in the error. */
  why?: string;
}

const LINEAR: Support = {
  vce: ['conventional', 'robust', 'cluster', 'cr2', 'cr3', 'driscoll-kraay'],
  twoWay: true,
  wild: true,
};

export const INFERENCE_SUPPORT: Record<string, Support> = {
  ols: LINEAR,
  fe: LINEAR,
  iv: {
    ...LINEAR,
    wild: false,
    why: 'the wild restricted efficient bootstrap of 2SLS (WRE) is not implemented',
  },
  vif: { vce: ['conventional'], twoWay: false, wild: false, why: 'VIFs have no standard errors' },
  mediation: {
    vce: ['conventional', 'robust', 'cluster'],
    twoWay: false,
    wild: false,
    why: 'the Sobel test and the cluster bootstrap of a·b use one-way standard errors',
  },
  moderation: {
    vce: ['conventional', 'robust', 'cluster'],
    twoWay: false,
    wild: false,
    why: 'the marginal effects are t-tested with one df',
  },
  diffgmm: {
    vce: ['conventional', 'robust', 'cluster'],
    twoWay: false,
    wild: false,
    why: 'GMM reports plm’s plain or Windmeijer-corrected (robust = cluster by entity) SEs',
  },
  sysgmm: {
    vce: ['conventional', 'robust', 'cluster'],
    twoWay: false,
    wild: false,
    why: 'GMM reports plm’s plain or Windmeijer-corrected (robust = cluster by entity) SEs',
  },
};

const SPATIAL: Support = {
  vce: ['conventional'],
  twoWay: false,
  wild: false,
  why: 'spatial models report maximum-likelihood (information matrix or observed Hessian) SEs',
};
for (const e of ['sar', 'sem', 'sdm', 'moran', 'lisa']) INFERENCE_SUPPORT[e] = SPATIAL;

/** The spec's vce / cluster / inference keys its estimator cannot honour (paths relative to the spec). */
export function inferenceIssues(s: Spec): { path: string[]; message: string }[] {
  const sup = INFERENCE_SUPPORT[s.estimator];
  if (!sup) return [];
  const out: { path: string[]; message: string }[] = [];
  const why = sup.why ? `; ${sup.why}` : '';
  if (!sup.vce.includes(s.vce))
    out.push({
      path: ['vce'],
      message: `estimator "${s.estimator}" does not support vce "${s.vce}" (supported: ${sup.vce.join(', ')})${why}`,
    });
  if (Array.isArray(s.cluster) && !sup.twoWay)
    out.push({ path: ['cluster'], message: `estimator "${s.estimator}" does not cluster two ways${why}` });
  if (s.inference?.wild && !sup.wild)
    out.push({
      path: ['inference', 'wild'],
      message: `estimator "${s.estimator}" does not support the wild cluster bootstrap${why}`,
    });
  return out;
}
