/**
 * Hand-made results for publishing tests: every step of a study gets a result of its estimator's
 * shape with round, recognisable numbers (no estimation, no R).
 */
import type { EstimationResult } from '../../econometrics/result';
import type { PublishedStep } from '../../publish';
import { sdmEntityImpacts } from '../../econometrics/spatial/entity-impacts';
import { localMoran } from '../../econometrics/spatial/moran';
import { buildStudyWeights, listEstimations, type Study } from '../../study';
import { provinces } from '../../regions/provinces';
import type { PanelRow } from '../../panel';

const coef = (term: string, estimate: number, std_error: number, p_value: number) => ({
  term,
  estimate,
  std_error,
  statistic: estimate / std_error,
  p_value,
});

/**
 * The dynamic spatial model's shape (econometrics/spatial/dynamic-model.ts): τ (L.y), ψ (W*L.y), ρ, x,
 * W*x; short- and long-run effects, the long-run ones of the last regressor NaN (no equilibrium drawn).
 */
export function handMadeDynamicResult(
  estimator: string,
  y: string,
  x: string[],
  k: number,
): EstimationResult {
  const effect = (term: string, horizon: 'short' | 'long', scale: number) => ({
    term,
    horizon,
    direct: -0.2 * scale,
    direct_se: 0.05 * scale,
    indirect: -0.1 * scale,
    indirect_se: 0.08 * scale,
    total: -0.3 * scale,
    total_se: 0.1 * scale,
  });
  return {
    estimator,
    nobs: 300,
    ngroups: 30,
    coefficients: [
      coef(`L.${y}`, 0.6, 0.03, 0),
      coef(`W*L.${y}`, -0.07, 0.07, 0.3),
      coef('rho', 0.25, 0.07, 0.0004),
      ...x.map((t, i) => coef(t, -0.2 + i / 10 + k / 100, 0.05, 0.001)),
      ...x.map((t, i) => coef(`W*${t}`, -0.1 + i / 10, 0.08, 0.2)),
    ],
    statistics: { loglik: 284.9, sigma2: 0.01, spectral_radius: 0.72, spectral_radius_exact: 1 },
    effects: [
      ...x.map((t) => effect(t, 'short', 1)),
      ...x.map((t, i) =>
        i === x.length - 1 && i > 0
          ? { ...effect(t, 'long', 2.5), direct: NaN, indirect: NaN, total: NaN }
          : effect(t, 'long', 2.5),
      ),
    ],
  };
}

export function handMadeResult(estimator: string, y: string, x: string[], k: number): EstimationResult {
  switch (estimator) {
    case 'vif':
      return {
        estimator,
        nobs: 330,
        coefficients: [],
        statistics: { ...Object.fromEntries(x.map((t, i) => [`vif:${t}`, 1.5 + i / 10])), mean_vif: 1.75 },
      };
    case 'moran':
      return {
        estimator,
        nobs: 330,
        coefficients: [],
        statistics: {},
        moran: Array.from({ length: 11 }, (_, i) => ({
          time: 2011 + i,
          I: 0.2 + i / 100,
          expected: -1 / 29,
          variance: 0.01,
          z: 2.5,
          p_value: i === 10 ? 0.2 : 0.004,
        })),
      };
    case 'mediation':
      return {
        estimator,
        nobs: 330,
        coefficients: [
          coef(`total:${x[0]}`, -0.138, 0.038, 0.001),
          coef(`a:${x[0]}`, 0.081, 0.02, 0.001),
          coef('b:EE', -0.65, 0.3, 0.03),
          coef(`direct:${x[0]}`, -0.085, 0.04, 0.04),
          coef('indirect', -0.053, 0.02, 0.008),
        ],
        statistics: {
          share: 0.3815,
          sobel_z: -2.65,
          sobel_p: 0.008,
          boot_ci_lower: -0.09,
          boot_ci_upper: -0.02,
        },
      };
    case 'sdm':
      return {
        estimator,
        nobs: 330,
        ngroups: 30,
        // The shape of econometrics/spatial/models.ts: rho first, then x, then W*x.
        coefficients: [
          coef('rho', 0.3, 0.05, 0),
          ...x.map((t, i) => coef(t, -0.5 + i / 10 + k / 100, 0.1, 0.001)),
          ...x.map((t, i) => coef(`W*${t}`, -0.9 + i / 10, 0.3, 0.004)),
        ],
        statistics: { loglik: -120.5, sigma2: 0.02, rho_lower: -1, rho_upper: 1 },
        effects: x.map((t) => ({
          term: t,
          direct: -0.616,
          direct_se: 0.109,
          indirect: -0.499,
          indirect_se: 0.395,
          total: -0.823,
          total_se: 0.426,
        })),
      };
    default:
      return {
        estimator,
        nobs: estimator === 'iv' ? 300 : 330,
        ngroups: 30,
        coefficients: [
          // GMM reports y's lags (spec.gmm.ylags) as regressors named L.y.
          ...(estimator === 'sysgmm' ? [coef(`L.${y}`, 0.8, 0.05, 0)] : []),
          ...x.map((t, i) => coef(t, -0.1 * (i + 1) - k / 1000, 0.04, 0.001 * (i + 1))),
          coef('_cons', 4.7, 0.2, 0),
        ],
        statistics: {
          ...(estimator === 'ols' ? { r2: 0.5 } : { r2_within: 0.517 }),
          ...(estimator === 'iv' ? { 'first_stage_f:AIT': 812.4 } : {}),
          ...(estimator === 'sysgmm' ? { ar1_p: 0.01, ar2_p: 0.4, hansen_p: 0.6 } : {}),
        },
      };
  }
}

/**
 * A hand-made result for every estimation step of the study. With `rows`, Moran steps also carry the
 * LISA and SDM steps the entity impacts their estimators store, computed by the econometrics code on
 * those rows under the study's weights (what the report's maps read from the store).
 */
export function handMadeRun(study: Study, rows?: PanelRow[]): PublishedStep[] {
  return listEstimations(study).map((s, k) => {
    const result = s.spec.spatial?.dynamic
      ? handMadeDynamicResult(s.spec.estimator, s.spec.y, s.spec.x, k)
      : handMadeResult(s.spec.estimator, s.spec.y, s.spec.x, k);
    if (rows && s.weights && s.spec.estimator === 'moran') {
      const w = buildStudyWeights(study, s.weights, rows);
      result.lisa = [...new Set(rows.map((r) => Number(r.year)))].flatMap((time) => {
        const byProvince = new Map(
          rows.filter((r) => Number(r.year) === time).map((r) => [r.province, r[s.spec.y]]),
        );
        const x = w.ids.map((id) => Number(byProvince.get(id)));
        // As the Moran estimator's defaults: 999 conditional permutations, labels from the BH-adjusted p.
        return x.every(Number.isFinite)
          ? localMoran(w, x, { permutations: 999, seed: 20240101 + time }).map((l) => ({ time, ...l }))
          : [];
      });
    }
    // As the estimator: per-province impacts for the static SDM only.
    if (rows && s.weights && s.spec.estimator === 'sdm' && !s.spec.spatial?.dynamic) {
      const entityEffects = sdmEntityImpacts(
        buildStudyWeights(study, s.weights, rows),
        s.spec.x,
        result.coefficients,
      );
      if (entityEffects.length) result.entityEffects = entityEffects;
    }
    return { stepId: s.stepId, tableId: s.tableId, columnId: s.columnId, result };
  });
}

/**
 * A 30 × 11 indicator panel for the figures and maps: AIT rising west to east and over time, CI
 * falling with AIT, both with a fixed wiggle so no two provinces tie.
 */
export function syntheticRows(): PanelRow[] {
  return provinces().flatMap((p, i) =>
    Array.from({ length: 11 }, (_, t) => {
      const AIT = (p.lon - 80) / 10 + t / 5 + ((i * 7) % 5) / 10;
      return {
        province: p.code,
        year: 2011 + t,
        region: p.region,
        AIT,
        CI: 6 - 0.5 * AIT + ((i * 3 + t) % 4) / 4,
        ED: 10 + i / 10 + t / 50,
        EE: null,
      };
    }),
  );
}
