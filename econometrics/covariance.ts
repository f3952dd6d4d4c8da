/**
 * Covariance estimators for a linear fit, as separate pieces an estimator composes. Each takes the
 * design Z the coefficients were computed from (X for OLS/FE, the projected X̂ for 2SLS), the residuals
 * e, and bread B = (Z'Z)⁻¹, and returns V with the degrees of freedom its t statistics use.
 *
 * | name           | V                                                   | t df    |
 * |----------------|-----------------------------------------------------|---------|
 * | conventional   | s²·B, s² = e'e / df_resid                           | df_resid|
 * | robust (HC1)   | N/df_resid · B (Σᵢ eᵢ² zᵢzᵢ') B                     | df_resid|
 * | cluster        | c · B (Σ_g u_g u_g') B, u_g = Σ_{i∈g} zᵢeᵢ          | G − 1   |
 * | cluster, 2 dims| V₁ + V₂ − V₁₂ (inference/two-way-cluster.ts)        | min G − 1 |
 * | cr2            | B (Σ_g Z_g'A_g e_g e_g'A_g Z_g) B (inference/cr2.ts) | Satterthwaite, per coefficient |
 * | cr3            | (G−1)/G Σ_g (b_(g) − b)(b_(g) − b)' (inference/jackknife.ts) | G − 1 |
 * | driscoll-kraay | B (Ω₀ + Σ_l w_l(Ω_l + Ω_l')) B (inference/driscoll-kraay.ts) | T − 1 |
 *
 * df_resid is the estimator's residual degrees of freedom (OLS: N − K − 1; entity FE: N − G − K, the
 * entity intercepts counted). The cluster factor c is Stata's G/(G−1)·(N−1)/(N−K) where K counts the
 * estimated coefficients including `_cons` but not fixed effects absorbed by the within transformation
 * when the clusters nest the entities (xtreg, fe convention); time dummies count, and absorbed effects
 * not nested in the clusters count too (areg). The plm convention (vcovHC type "sss") uses K = slopes
 * only. Each estimator passes the K and df it follows; see conventions.ts and fe.ts.
 */
import { Matrix } from 'ml-matrix';
import { InputError } from '../common/errors';
import { bellMcCaffreyCovariance } from './inference/cr2';
import { driscollKraayCovariance } from './inference/driscoll-kraay';
import { clusterJackknife } from './inference/jackknife';
import { twoWayClusterCovariance } from './inference/two-way-cluster';
import { nestedIn, type Absorbed, type WithinDesign } from './inference/working-design';
import type { Columns } from './linalg';

import { VCE_NAMES, type VceName } from './registry';

export { VCE_NAMES, type VceName };

export interface CovarianceInput {
  design: Columns;
  residuals: Float64Array;
  bread: Matrix;
  /** The absorbed design and its (X̃'X̃)⁻¹, when the estimator has them (cr2, cr3, cluster diagnostics). */
  within?: WithinDesign;
}

export interface Covariance {
  vce: VceName;
  vcov: Matrix;
  /** Degrees of freedom of the t statistics (Infinity: normal). */
  dfT: number;
  /** Number of clusters, when clustered (the first dimension's, when two-way). */
  nclusters?: number;
  /** Two-way clustering: the second dimension's number of clusters. */
  nclusters2?: number;
  /** t degrees of freedom of each coefficient when they vary (cr2: Satterthwaite). */
  dfByCoef?: Float64Array;
  /** Denominator degrees of freedom of Wald F tests, when the vce fixes them. */
  fDf2?: number;
  /** Driscoll–Kraay: the lag length used and the number of time periods. */
  maxlag?: number;
  nperiods?: number;
}

/** Conventional: s²(Z'Z)⁻¹ with s² = e'e / dfResid. */
export function conventionalCovariance(fit: CovarianceInput, dfResid: number): Covariance {
  let ssr = 0;
  for (const e of fit.residuals) ssr += e * e;
  return { vce: 'conventional', vcov: fit.bread.clone().mul(ssr / dfResid), dfT: dfResid };
}

/** HC1 heteroskedasticity-robust: factor·B(Σ eᵢ²zᵢzᵢ')B with factor N/dfResid by default. */
export function robustCovariance(fit: CovarianceInput, dfResid: number, factor?: number): Covariance {
  const n = fit.residuals.length;
  const k = fit.design.length;
  const acc = new Float64Array(k * k);
  const z = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const e2 = fit.residuals[i] ** 2;
    for (let a = 0; a < k; a++) z[a] = fit.design[a][i];
    for (let a = 0; a < k; a++) for (let b = a; b < k; b++) acc[a * k + b] += e2 * z[a] * z[b];
  }
  const meat = new Matrix(k, k);
  for (let a = 0; a < k; a++) for (let b = a; b < k; b++) meat.set(a, b, acc[a * k + b]);
  symmetrize(meat);
  const vcov = sandwich(fit.bread, meat).mul(factor ?? n / dfResid);
  return { vce: 'robust', vcov, dfT: dfResid };
}

export interface ClusterOptions {
  /** Cluster code of each row (0..G-1). */
  clusters: Int32Array;
  /** K in the factor G/(G−1)·(N−1)/(N−K). */
  k: number;
  /** t degrees of freedom; default G − 1 (Stata). */
  dfT?: number;
}

/** Cluster-robust: G/(G−1)·(N−1)/(N−K) · B(Σ_g u_g u_g')B. */
export function clusterCovariance(fit: CovarianceInput, options: ClusterOptions): Covariance {
  const n = fit.residuals.length;
  const k = fit.design.length;
  // Codes are compact (0..G−1), as clusterCodes returns them.
  let G = 0;
  for (const c of options.clusters) if (c + 1 > G) G = c + 1;
  const u = new Float64Array(G * k);
  for (let i = 0; i < n; i++) {
    const g = options.clusters[i];
    const e = fit.residuals[i];
    for (let a = 0; a < k; a++) u[g * k + a] += fit.design[a][i] * e;
  }
  const meat = new Matrix(k, k);
  for (let g = 0; g < G; g++) {
    for (let a = 0; a < k; a++) {
      const ua = u[g * k + a];
      for (let b = a; b < k; b++) meat.set(a, b, meat.get(a, b) + ua * u[g * k + b]);
    }
  }
  symmetrize(meat);
  if (G < 2) throw new InputError('clustered covariance needs at least 2 clusters', 'vce');
  const factor = (G / (G - 1)) * ((n - 1) / (n - options.k));
  return {
    vce: 'cluster',
    vcov: sandwich(fit.bread, meat).mul(factor),
    dfT: options.dfT ?? G - 1,
    nclusters: G,
  };
}

function sandwich(bread: Matrix, meat: Matrix): Matrix {
  return bread.mmul(meat).mmul(bread);
}

function symmetrize(m: Matrix): void {
  for (let a = 0; a < m.rows; a++) for (let b = 0; b < a; b++) m.set(a, b, m.get(b, a));
}

/** Re-numbers arbitrary group keys to codes 0..G-1 in order of first appearance. */
export function clusterCodes(keys: ArrayLike<string | number>): { codes: Int32Array; ngroups: number } {
  const map = new Map<string | number, number>();
  const codes = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    let c = map.get(keys[i]);
    if (c === undefined) map.set(keys[i], (c = map.size));
    codes[i] = c;
  }
  return { codes, ngroups: map.size };
}

/**
 * The covariance registry: computes the `vce` an estimator asked for, with the df choices the estimator
 * passes (its df_resid, HC1 factor, cluster K and t df; see conventions.ts).
 */
export function covarianceFor(
  vce: VceName,
  fit: CovarianceInput,
  params: {
    dfResid: number;
    hc1Factor: number;
    clusterK: number;
    clusterDfT?: number;
    clusters: () => Int32Array;
    /** Two-way clustering: the second dimension (vce `cluster` only). */
    secondClusters?: () => Int32Array;
    /** The fixed effects absorbed by the within transformation (cr2, cr3). */
    absorbed?: Absorbed;
    /** Time period (0..T−1 in order) and entity of each row (driscoll-kraay). */
    timeCodes?: () => Int32Array;
    entityCodes?: () => Int32Array;
    maxlag?: number;
    /** plm's t df (df_resid) for the two-way and Driscoll–Kraay estimators, instead of Stata-style ones. */
    plmDf?: boolean;
    /** Coefficients whose Satterthwaite df cr2 computes (default all). */
    dfFor?: number[];
  },
): Covariance {
  if (params.secondClusters && vce !== 'cluster')
    throw new InputError(
      `spec.cluster: two cluster variables need vce "cluster", not "${vce}"`,
      'spec.cluster',
    );
  switch (vce) {
    case 'conventional':
      return conventionalCovariance(fit, params.dfResid);
    case 'robust':
      return robustCovariance(fit, params.dfResid, params.hc1Factor);
    case 'cluster': {
      if (!params.secondClusters)
        return clusterCovariance(fit, {
          clusters: params.clusters(),
          k: params.clusterK,
          dfT: params.clusterDfT,
        });
      const two = twoWayClusterCovariance({
        ...fit,
        first: params.clusters(),
        second: params.secondClusters(),
        k: params.clusterK,
      });
      const minG = Math.min(...two.nclusters);
      return {
        vce,
        vcov: two.vcov,
        dfT: params.plmDf ? params.dfResid : minG - 1,
        fDf2: params.plmDf ? params.dfResid : minG - 1,
        nclusters: two.nclusters[0],
        nclusters2: two.nclusters[1],
      };
    }
    case 'cr2': {
      const r = bellMcCaffreyCovariance(
        { ...fit, clusters: params.clusters(), absorbed: params.absorbed },
        params.dfFor,
      );
      return { vce, vcov: r.vcov, dfT: NaN, dfByCoef: r.df, fDf2: r.nclusters - 1, nclusters: r.nclusters };
    }
    case 'cr3': {
      const r = clusterJackknife({ ...fit, clusters: params.clusters(), absorbed: params.absorbed });
      return { vce, vcov: r.vcov, dfT: r.nclusters - 1, fDf2: r.nclusters - 1, nclusters: r.nclusters };
    }
    case 'driscoll-kraay': {
      if (!params.timeCodes || !params.entityCodes)
        throw new InputError('vce: driscoll-kraay needs a panel time index', 'spec.vce');
      const r = driscollKraayCovariance({
        ...fit,
        timeCodes: params.timeCodes(),
        entityCodes: params.entityCodes(),
        maxlag: params.maxlag,
      });
      return {
        vce,
        vcov: r.vcov,
        dfT: params.plmDf ? params.dfResid : r.nperiods - 1,
        fDf2: r.nperiods - 1,
        maxlag: r.maxlag,
        nperiods: r.nperiods,
      };
    }
    default:
      throw new InputError(`vce: expected one of ${VCE_NAMES.join(', ')}, found '${String(vce)}'`, 'vce');
  }
}

/** The chosen covariance and each alternative the spec asks for (spec.inference.vce), on one fit. */
export function covariances(
  vce: VceName,
  alternatives: readonly VceName[] | undefined,
  fit: CovarianceInput,
  params: Parameters<typeof covarianceFor>[2],
): { cov: Covariance; alternatives: { vce: VceName; cov: Covariance }[] } {
  return {
    cov: covarianceFor(vce, fit, params),
    alternatives: (alternatives ?? []).map((v) => ({ vce: v, cov: covarianceFor(v, fit, params) })),
  };
}

/**
 * Stata's K in the cluster factor G/(G−1)·(N−1)/(N−K): the design's columns plus the absorbed effects
 * (ngroups − 1) unless the clusters nest them (areg, xtreg fe: entity effects within entity clusters
 * are not counted; reghdfe's rule for two-way clustering: nested in either dimension).
 */
export function stataClusterK(
  designColumns: number,
  absorbed: { codes: Int32Array; ngroups: number },
  clusters: { codes: Int32Array; second?: Int32Array },
): number {
  const nested =
    nestedIn(absorbed.codes, clusters.codes) ||
    (!!clusters.second && nestedIn(absorbed.codes, clusters.second));
  return designColumns + (nested ? 0 : absorbed.ngroups - 1);
}
