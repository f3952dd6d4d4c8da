/**
 * One valid spec per estimator (the least each contract requires), and every way to ask each for a
 * vce, cluster or inference its contract (econometrics/registry.ts) does not honour, with the key the
 * refusal must name. Shared by the registry, study and CLI tests so all three see the same cases.
 */
import { ESTIMATOR_NAMES, ESTIMATORS, VCE_NAMES, type EstimatorName } from '../../econometrics/registry';

const x = ['value', 'capital'];
export const VALID_SPECS: Record<EstimatorName, Record<string, unknown>> = {
  ols: { estimator: 'ols', y: 'inv', x },
  fe: { estimator: 'fe', y: 'inv', x },
  iv: { estimator: 'iv', y: 'inv', x, endogenous: ['value'], instruments: ['L.value'] },
  vif: { estimator: 'vif', y: 'inv', x },
  mediation: { estimator: 'mediation', y: 'inv', x: ['value'], mediator: 'capital' },
  moderation: { estimator: 'moderation', y: 'inv', x: ['value'], moderator: 'capital' },
  diffgmm: { estimator: 'diffgmm', y: 'inv', x, gmm: { instruments: [{ variable: 'inv', lags: [2, 3] }] } },
  sysgmm: { estimator: 'sysgmm', y: 'inv', x, gmm: { instruments: [{ variable: 'inv', lags: [2, 3] }] } },
  sar: { estimator: 'sar', y: 'inv', x },
  sem: { estimator: 'sem', y: 'inv', x },
  sdm: { estimator: 'sdm', y: 'inv', x },
  moran: { estimator: 'moran', y: 'inv' },
};

/** True when the estimator honours every vce, two-way clustering, inference.vce and inference.wild. */
export function fullContract(name: EstimatorName): boolean {
  const c = ESTIMATORS[name];
  return (
    VCE_NAMES.every((v) => (c.vce as readonly string[]).includes(v)) &&
    c.twoWay &&
    c.alternatives &&
    c.clusterVariable &&
    c.wild
  );
}

export interface RefusalCase {
  name: string;
  estimator: EstimatorName;
  /** The keys that ask for it, and the valid spec with them. */
  patch: Record<string, unknown>;
  spec: Record<string, unknown>;
  /** The spec key the message must start with (e.g. `spec.inference.wild`). */
  key: string;
}

/** Every unsupported vce, alternative vce, two-way cluster, cluster variable and wild bootstrap. */
export function refusalCases(): RefusalCase[] {
  const out: RefusalCase[] = [];
  const add = (estimator: EstimatorName, name: string, patch: Record<string, unknown>, key: string) =>
    out.push({ name, estimator, patch, spec: { ...VALID_SPECS[estimator], ...patch }, key });
  for (const name of ESTIMATOR_NAMES) {
    const c = ESTIMATORS[name];
    const supported = c.vce as readonly string[];
    const clustered = supported.includes('cluster') ? { vce: 'cluster' } : {};
    for (const v of VCE_NAMES.filter((v) => !supported.includes(v)))
      add(name, `${name} vce ${v}`, { vce: v }, 'spec.vce');
    if (!c.alternatives) {
      const other = VCE_NAMES.find((v) => v !== supported[0] && supported.includes(v)) ?? 'cr2';
      add(
        name,
        `${name} inference.vce`,
        { vce: supported[0], inference: { vce: [other] } },
        'spec.inference.vce',
      );
    }
    if (!c.twoWay)
      add(name, `${name} two-way cluster`, { ...clustered, cluster: ['province', 'year'] }, 'spec.cluster');
    if (!c.clusterVariable)
      add(name, `${name} cluster variable`, { ...clustered, cluster: 'province' }, 'spec.cluster');
    if (!c.wild)
      add(
        name,
        `${name} inference.wild`,
        { ...clustered, inference: { wild: { reps: 999 } } },
        'spec.inference.wild',
      );
  }
  return out;
}
