/**
 * Pooled OLS with a constant (`_cons`, reported last as Stata does).
 * df_resid = N − K − 1; see covariance.ts for each vce and conventions.ts for the t df under clustering.
 */
import { InputError } from '../common/errors';
import type { Panel } from '../panel';
import type { Convention } from './conventions';
import { clusterCodes, covariances, type Covariance, type VceName } from './covariance';
import { attachSmallClusterInference, type SuppliedDraws, type WildSpec } from './inference/small-cluster';
import { modelFrame, requireObservations, type ModelFrame } from './frame';
import { findCollinear, mean, qrLeastSquares, sumSquares, type Columns } from './linalg';
import type { EstimationResult } from './result';
import { attachAlternatives, coefficientRows, waldF } from './table';

export interface LinearOptions {
  y: string;
  x: string[];
  /** Covariance estimator; default `conventional`. */
  vce?: VceName;
  /** Column (numeric or label) to cluster by; default the panel entity. Two columns: two-way. */
  cluster?: string | readonly [string, string];
  convention?: Convention;
  /** Driscoll–Kraay lag length (default ⌊T^{1/4}⌋). */
  maxlag?: number;
  /** The wild cluster restricted bootstrap (spec.inference.wild). */
  wild?: WildSpec;
  /** Further covariance estimators whose SEs and p-values the rows carry (spec.inference.vce). */
  alternatives?: readonly VceName[];
  /** Supplied bootstrap weights (EstimateOptions.wildDraws). */
  wildDraws?: SuppliedDraws;
}

export const CONS = '_cons';

export function pooledOls(panel: Panel, options: LinearOptions): EstimationResult {
  const frame = modelFrame(panel, [options.y, ...options.x]);
  return olsOnFrame(panel, frame, options);
}

export interface FrameClusters {
  codes: Int32Array;
  ngroups: number;
  /** The cluster's value for each code. */
  keys: string[];
  /** Two-way clustering: the second dimension's codes. */
  second?: Int32Array;
}

/** Cluster codes of the frame's rows: the entity by default, else the named column(s). */
export function frameClusters(
  panel: Panel,
  frame: ModelFrame,
  cluster?: string | readonly [string, string],
): FrameClusters {
  const one = (name: string | undefined) => {
    if (!name || name === panel.index.entity)
      return { codes: frame.entityCodes, ngroups: frame.ngroups, keys: frame.entityKeys };
    const keys = panel.groupKeys(name);
    const picked = Array.from(frame.rows, (i) => keys[i]);
    const c = clusterCodes(picked);
    const names: string[] = new Array<string>(c.ngroups);
    c.codes.forEach((code, r) => (names[code] = picked[r]));
    return { ...c, keys: names };
  };
  if (typeof cluster === 'string' || cluster === undefined) return one(cluster);
  return { ...one(cluster[0]), second: one(cluster[1]).codes };
}

/** The covariance parameters every linear estimator shares (the estimator adds its own df choices). */
export function sharedCovarianceParams(
  frame: ModelFrame,
  clusters: FrameClusters,
  options: LinearOptions,
  dfFor: number[],
) {
  return {
    clusters: () => clusters.codes,
    secondClusters: clusters.second ? () => clusters.second! : undefined,
    timeCodes: () => frame.timeCodes,
    entityCodes: () => frame.entityCodes,
    maxlag: options.maxlag,
    plmDf: options.convention === 'plm',
    dfFor,
  };
}

/** Named statistics of the covariance (clusters, lags) and a warning if a variance came out negative. */
export function covarianceStatistics(
  cov: Covariance,
  statistics: Record<string, number>,
  warnings: string[],
) {
  if (cov.nclusters !== undefined) statistics.n_clusters = cov.nclusters;
  if (cov.nclusters2 !== undefined) statistics.n_clusters2 = cov.nclusters2;
  if (cov.maxlag !== undefined) {
    statistics.dk_maxlag = cov.maxlag;
    statistics.dk_periods = cov.nperiods!;
  }
  if (cov.dfByCoef) delete statistics.t_df;
  for (let j = 0; j < cov.vcov.rows; j++) {
    if (cov.vcov.get(j, j) < 0) {
      warnings.push('the two-way cluster covariance has a negative variance; its standard error is missing');
      break;
    }
  }
}

/** A vce the estimator cannot honour is a spec error naming the key. */
export function requireVce(vce: string, supported: readonly string[], estimator: string): void {
  if (!supported.includes(vce))
    throw new InputError(
      `spec.vce: ${estimator} does not support vce "${vce}" (supported: ${supported.join(', ')})`,
      'spec.vce',
    );
}

export function olsOnFrame(panel: Panel, frame: ModelFrame, options: LinearOptions): EstimationResult {
  const convention = options.convention ?? 'stata';
  const vce = options.vce ?? 'conventional';
  const y = frame.columns.get(options.y)!;
  const n = frame.nobs;
  const ones = new Float64Array(n).fill(1);
  const cols: Columns = [...options.x.map((t) => frame.columns.get(t)!), ones];
  const names = [...options.x, CONS];
  const { keep, dropped } = findCollinear(cols, names, { alwaysKeep: [cols.length - 1] });
  const Z = keep.map((j) => cols[j]);
  const zNames = keep.map((j) => names[j]);
  requireObservations(frame, Z.length + 1, 'pooled OLS');
  const fit = qrLeastSquares(Z, y);
  const dfResid = n - Z.length;
  const clusters = frameClusters(panel, frame, options.cluster);
  const covFit = { design: Z, residuals: fit.residuals, bread: fit.bread };
  const covParams = {
    ...sharedCovarianceParams(
      frame,
      clusters,
      options,
      zNames.map((_, j) => j),
    ),
    dfResid,
    hc1Factor: n / dfResid,
    clusterK: Z.length,
    clusterDfT: convention === 'plm' ? dfResid : undefined,
  };
  const { cov, alternatives } = covariances(vce, options.alternatives, covFit, covParams);
  const ssr = sumSquares(fit.residuals);
  const tss = sumSquares(y, mean(y));
  const r2 = 1 - ssr / tss;
  const slopeIdx = zNames.map((_, j) => j).filter((j) => zNames[j] !== CONS);
  const F = waldF(
    fit.coef,
    cov.vcov,
    slopeIdx,
    cov.fDf2 ?? (vce === 'cluster' ? cov.nclusters! - 1 : dfResid),
  );
  const statistics: Record<string, number> = {
    nobs: n,
    ngroups: frame.ngroups,
    df_model: slopeIdx.length,
    df_resid: dfResid,
    t_df: cov.dfT,
    r2,
    r2_adj: 1 - ((1 - r2) * (n - 1)) / dfResid,
    f_stat: F.f,
    f_df1: F.df1,
    f_df2: F.df2,
    f_p: F.p,
    rmse: Math.sqrt(ssr / dfResid),
    ssr,
  };
  const extra = dropped.map((d) => `${d.term} ${d.reason}; omitted`);
  covarianceStatistics(cov, statistics, extra);
  const result: EstimationResult = {
    estimator: 'ols',
    nobs: n,
    ngroups: frame.ngroups,
    coefficients: coefficientRows(zNames, fit.coef, cov),
    statistics,
    sample: frame.sample,
    warnings: warningsFor(frame, extra),
  };
  attachAlternatives(result.coefficients, zNames, fit.coef, alternatives);
  attachSmallClusterInference(result, {
    design: Z,
    y,
    bread: fit.bread,
    coef: fit.coef,
    residuals: fit.residuals,
    names: zNames,
    x: options.x,
    clusters,
    clustered: isOneWayClustered(vce, clusters),
    wild: options.wild,
    draws: options.wildDraws,
  });
  return result;
}

/** One-way cluster-robust vce: the fits that carry cluster diagnostics. */
export function isOneWayClustered(vce: VceName, clusters: FrameClusters): boolean {
  return (vce === 'cluster' && !clusters.second) || vce === 'cr2' || vce === 'cr3';
}

export function warningsFor(frame: ModelFrame, extra: string[]): string[] | undefined {
  const w = [...extra];
  if (frame.dropped > 0) w.push(`${frame.dropped} rows dropped for missing values (listwise)`);
  return w.length ? w : undefined;
}
