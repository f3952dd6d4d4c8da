/**
 * Pooled OLS with a constant (`_cons`, reported last as Stata does).
 * df_resid = N − K − 1; see covariance.ts for each vce and conventions.ts for the t df under clustering.
 */
import type { Panel } from '../panel';
import type { Convention } from './conventions';
import { clusterCodes, covarianceFor, type VceName } from './covariance';
import { modelFrame, requireObservations, type ModelFrame } from './frame';
import { findCollinear, mean, qrLeastSquares, sumSquares, type Columns } from './linalg';
import type { EstimationResult } from './result';
import { coefficientRows, waldF } from './table';

export interface LinearOptions {
  y: string;
  x: string[];
  /** Covariance estimator; default `conventional`. */
  vce?: VceName;
  /** Column (numeric or label) to cluster by; default the panel entity. */
  cluster?: string;
  convention?: Convention;
}

export const CONS = '_cons';

export function pooledOls(panel: Panel, options: LinearOptions): EstimationResult {
  const frame = modelFrame(panel, [options.y, ...options.x]);
  return olsOnFrame(panel, frame, options);
}

/** Cluster codes of the frame's rows: the entity by default, else the named column. */
export function frameClusters(
  panel: Panel,
  frame: ModelFrame,
  cluster?: string,
): { codes: Int32Array; ngroups: number } {
  if (!cluster || cluster === panel.index.entity) return { codes: frame.entityCodes, ngroups: frame.ngroups };
  const keys = panel.groupKeys(cluster);
  return clusterCodes(Array.from(frame.rows, (i) => keys[i]));
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
  const cov = covarianceFor(
    vce,
    { design: Z, residuals: fit.residuals, bread: fit.bread },
    {
      dfResid,
      hc1Factor: n / dfResid,
      clusterK: Z.length,
      clusterDfT: convention === 'plm' ? dfResid : undefined,
      clusters: () => clusters.codes,
    },
  );
  const ssr = sumSquares(fit.residuals);
  const tss = sumSquares(y, mean(y));
  const r2 = 1 - ssr / tss;
  const slopeIdx = zNames.map((_, j) => j).filter((j) => zNames[j] !== CONS);
  const F = waldF(fit.coef, cov.vcov, slopeIdx, vce === 'cluster' ? cov.nclusters! - 1 : dfResid);
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
  if (cov.nclusters !== undefined) statistics.n_clusters = cov.nclusters;
  return {
    estimator: 'ols',
    nobs: n,
    ngroups: frame.ngroups,
    coefficients: coefficientRows(zNames, fit.coef, cov),
    statistics,
    warnings: warningsFor(
      frame,
      dropped.map((d) => `${d.term} ${d.reason}; omitted`),
    ),
  };
}

export function warningsFor(frame: ModelFrame, extra: string[]): string[] | undefined {
  const w = [...extra];
  if (frame.dropped > 0) w.push(`${frame.dropped} rows dropped for missing values (listwise)`);
  return w.length ? w : undefined;
}
