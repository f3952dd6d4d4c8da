/**
 * Fixed effects by the within transformation (entity, time, or two-way), as Stata's `xtreg, fe` reports
 * it by default (see conventions.ts for the plm option).
 *
 * Stata convention: the regression of ỹ + ȳ on x̃ + x̄ and a constant, where ~ is the deviation from the
 * absorbed group's mean and ¯ the grand mean. Slopes equal the within estimator; `_cons` = ȳ − x̄'b and
 * its SE come from the same regression. Two-way effects add time dummies (first period the base) to the
 * entity within regression (FWL: the same slopes as the two-way within transformation of plm, also on
 * unbalanced panels); the dummies are estimated but not listed in `coefficients`.
 *
 * df_resid = N − G − K (G absorbed groups, K slopes incl. time dummies). Statistics (xtreg names):
 * r2_within = 1 − SSR/Σỹ², r2_between = corr(ȳ_g, x̄_g'b)², r2_overall = corr(y, x'b)²; f_stat the Wald F
 * of all slopes; f_u the F test that all group effects are zero (against pooled OLS).
 */
import { DataError } from '../common/errors';
import { demeanBy, groupMeans, type Panel } from '../panel';
import { covariances, stataClusterK, type Covariance } from './covariance';
import { fUpper } from './distributions';
import { modelFrame, requireObservations, type ModelFrame } from './frame';
import { correlation, findCollinear, mean, qrLeastSquares, sumSquares, type Columns } from './linalg';
import { attachSmallClusterInference } from './inference/small-cluster';
import {
  CONS,
  covarianceStatistics,
  frameClusters,
  isOneWayClustered,
  olsOnFrame,
  sharedCovarianceParams,
  warningsFor,
  type LinearOptions,
} from './ols';
import type { EstimationResult } from './result';
import { attachAlternatives, coefficientRows, waldF } from './table';

export type Effects = 'none' | 'entity' | 'time' | 'twoways';

export interface FixedEffectsOptions extends LinearOptions {
  /** Default `entity`; `none` is pooled OLS. */
  effects?: Effects;
}

export function fixedEffects(panel: Panel, options: FixedEffectsOptions): EstimationResult {
  const frame = modelFrame(panel, [options.y, ...options.x]);
  if ((options.effects ?? 'entity') === 'none')
    return { ...olsOnFrame(panel, frame, options), estimator: 'fe' };
  return fixedEffectsOnFrame(panel, frame, options);
}

/** The absorbed grouping and the extra dummy columns of an `effects` choice, over the frame's rows. */
export function absorption(
  frame: ModelFrame,
  effects: Effects,
  timeName: string,
): { codes: Int32Array; ngroups: number; dummies: Columns; dummyNames: string[] } {
  if (effects === 'none')
    return { codes: new Int32Array(frame.nobs), ngroups: 1, dummies: [], dummyNames: [] };
  if (effects === 'time')
    return { codes: frame.timeCodes, ngroups: frame.timeLevels.length, dummies: [], dummyNames: [] };
  const base = { codes: frame.entityCodes, ngroups: frame.ngroups };
  if (effects !== 'twoways') return { ...base, dummies: [], dummyNames: [] };
  const dummies: Columns = [];
  const dummyNames: string[] = [];
  for (let t = 1; t < frame.timeLevels.length; t++) {
    dummies.push(Float64Array.from(frame.timeCodes, (c) => (c === t ? 1 : 0)));
    dummyNames.push(`${timeName}_${frame.timeLevels[t]}`);
  }
  return { ...base, dummies, dummyNames };
}

export function fixedEffectsOnFrame(
  panel: Panel,
  frame: ModelFrame,
  options: FixedEffectsOptions,
): EstimationResult {
  return fixedEffectsFit(panel, frame, options).result;
}

/** A fit with its full coefficient vector and covariance (names include `_cons` and time dummies). */
export interface LinearFitDetail {
  result: EstimationResult;
  names: string[];
  coef: Float64Array;
  cov: Covariance;
}

export function fixedEffectsFit(
  panel: Panel,
  frame: ModelFrame,
  options: FixedEffectsOptions,
): LinearFitDetail {
  const convention = options.convention ?? 'stata';
  const vce = options.vce ?? 'conventional';
  const effects = options.effects ?? 'entity';
  const n = frame.nobs;
  const abs = absorption(frame, effects, panel.index.time);
  const yRaw = frame.columns.get(options.y)!;
  const xRaw: Columns = [...options.x.map((t) => frame.columns.get(t)!), ...abs.dummies];
  const names = [...options.x, ...abs.dummyNames];
  const isDummy = new Set(abs.dummyNames);
  const yW = demeanBy(yRaw, abs);
  const xW = xRaw.map((c) => demeanBy(c, abs));
  const absorbed = effects === 'time' ? 'the time effects' : 'the entity fixed effects';
  const { keep, dropped } = findCollinear(xW, names, {
    zeroMeaning: `constant within groups, absorbed by ${absorbed}`,
  });
  const K = keep.length;
  if (keep.filter((j) => !isDummy.has(names[j])).length === 0 && options.x.length > 0) {
    throw new DataError(
      `fixed effects: no regressor varies within groups (${dropped.map((d) => `${d.term} ${d.reason}`).join('; ')})`,
      'x',
    );
  }
  requireObservations(frame, abs.ngroups + K + 1, 'fixed effects');
  const dfResid = n - abs.ngroups - K;

  const stata = convention === 'stata';
  const ybar = mean(yRaw);
  const Z: Columns = keep.map((j) => (stata ? addConstant(xW[j], mean(xRaw[j])) : xW[j]));
  const zNames = keep.map((j) => names[j]);
  if (stata) {
    Z.push(new Float64Array(n).fill(1));
    zNames.push(CONS);
  }
  const yZ = stata ? addConstant(yW, ybar) : yW;
  const fit = qrLeastSquares(Z, yZ);
  const clusters = frameClusters(panel, frame, options.cluster);
  const slopesOnly = zNames.filter((s) => s !== CONS && !isDummy.has(s)).length;
  const absorbedFe = { codes: abs.codes, ngroups: abs.ngroups };
  // The absorbed design X̃ (Z without the grand means and _cons) and (X̃'X̃)⁻¹, the slopes' block of the
  // bread (working-design.ts), for the cluster corrections and diagnostics: not demeaned or inverted again.
  const within = {
    columns: keep.map((j) => xW[j]),
    index: keep.map((_, c) => c),
    bread: stata && K > 0 ? fit.bread.subMatrix(0, K - 1, 0, K - 1) : fit.bread,
  };
  const covFit = { design: Z, residuals: fit.residuals, bread: fit.bread, within };
  const covParams = {
    ...sharedCovarianceParams(
      frame,
      clusters,
      options,
      zNames.flatMap((s, j) => (isDummy.has(s) ? [] : [j])),
    ),
    absorbed: absorbedFe,
    dfResid,
    hc1Factor: stata ? n / dfResid : n / (n - slopesOnly),
    clusterK: stata ? stataClusterK(Z.length, abs, clusters) : slopesOnly,
    clusterDfT: stata ? undefined : dfResid,
  };
  const { cov, alternatives } = covariances(vce, options.alternatives, covFit, covParams);

  const ssr = sumSquares(fit.residuals);
  const tssWithin = sumSquares(yW);
  const xb = new Float64Array(n);
  zNames.forEach((name, j) => {
    if (name === CONS) return;
    const raw = xRaw[keep[j]];
    for (let i = 0; i < n; i++) xb[i] += fit.coef[j] * raw[i];
  });
  const statistics: Record<string, number> = {
    nobs: n,
    ngroups: abs.ngroups,
    df_model: K,
    df_resid: dfResid,
    t_df: cov.dfT,
    r2_within: 1 - ssr / tssWithin,
    r2_between: correlation(groupMeans(yRaw, abs), groupMeans(xb, abs)) ** 2,
    r2_overall: correlation(yRaw, xb) ** 2,
    sigma_e: Math.sqrt(ssr / dfResid),
    ssr,
  };
  if (!stata && effects === 'twoways') {
    // plm's R² for two-way within: against the two-way demeaned y (y residualised on the time dummies too).
    const dW = abs.dummies.map((c) => demeanBy(c, abs));
    const dk = findCollinear(dW, abs.dummyNames).keep.map((j) => dW[j]);
    statistics.r2_within = 1 - ssr / sumSquares(qrLeastSquares(dk, yW).residuals);
  }
  const fIdx = zNames
    .map((_, j) => j)
    .filter((j) => zNames[j] !== CONS && (stata || !isDummy.has(zNames[j])));
  // plm's pwaldtest refers any vcovHC-based F to G − 1 (df2adj), white1 included; Stata only when clustered.
  const groupDf2 = vce === 'cluster' || (!stata && vce === 'robust');
  const F = waldF(
    fit.coef,
    cov.vcov,
    fIdx,
    cov.fDf2 ?? (groupDf2 ? (cov.nclusters ?? frame.ngroups) - 1 : dfResid),
  );
  Object.assign(statistics, { f_stat: F.f, f_df1: F.df1, f_df2: F.df2, f_p: F.p });
  Object.assign(
    statistics,
    groupEffectsF(yRaw, xRaw, keep, names, stata ? undefined : isDummy, ssr, dfResid),
  );
  const extra = dropped.map((d) => `${d.term} ${d.reason}; omitted`);
  covarianceStatistics(cov, statistics, extra);
  const result: EstimationResult = {
    estimator: 'fe',
    nobs: n,
    ngroups: abs.ngroups,
    coefficients: coefficientRows(zNames, fit.coef, cov, (s) => !isDummy.has(s)),
    statistics,
    sample: frame.sample,
    warnings: warningsFor(frame, extra),
  };
  attachAlternatives(result.coefficients, zNames, fit.coef, alternatives);
  attachSmallClusterInference(result, {
    design: Z,
    y: yZ,
    bread: fit.bread,
    coef: fit.coef,
    residuals: fit.residuals,
    names: zNames,
    x: options.x,
    clusters,
    absorbed: absorbedFe,
    within,
    clustered: isOneWayClustered(vce, clusters),
    wild: options.wild,
    draws: options.wildDraws,
  });
  return { result, names: zNames, coef: fit.coef, cov };
}

/** F test that all absorbed group effects are zero: FE against pooled OLS on the same regressors. */
function groupEffectsF(
  y: Float64Array,
  xRaw: Columns,
  keep: number[],
  names: string[],
  exclude: Set<string> | undefined,
  ssr: number,
  dfResid: number,
): Record<string, number> {
  const cols = keep.filter((j) => !exclude?.has(names[j])).map((j) => xRaw[j]);
  cols.push(new Float64Array(y.length).fill(1));
  const k = findCollinear(cols, [...cols.map((_, j) => `c${j}`)]).keep.map((j) => cols[j]);
  const ssrPooled = sumSquares(qrLeastSquares(k, y).residuals);
  const df1 = y.length - k.length - dfResid;
  const f = (ssrPooled - ssr) / df1 / (ssr / dfResid);
  return { f_u: f, f_u_df1: df1, f_u_df2: dfResid, f_u_p: fUpperSafe(f, df1, dfResid) };
}

function fUpperSafe(f: number, d1: number, d2: number): number {
  return d1 > 0 ? fUpper(f, d1, d2) : NaN;
}

function addConstant(x: Float64Array, c: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + c;
  return out;
}
