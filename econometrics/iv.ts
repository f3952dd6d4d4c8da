/**
 * Fixed-effects two-stage least squares (Table 4 (1)(2): AIT instrumented by L.AIT), by the within
 * transformation of y, the regressors and the instruments, then 2SLS.
 *
 * Stata convention (default): as in fe.ts, every variable enters as its within deviation plus its grand
 * mean and a constant is estimated, so `_cons` = ȳ − x̄'b. With W the instruments (excluded instruments,
 * exogenous regressors, constant), X̂ = P_W X, b = (X̂'X̂)⁻¹X̂'y; residuals e = y − Xb use the actual X.
 * The covariance pieces of covariance.ts take design X̂, residuals e and bread (X̂'X̂)⁻¹; df_resid =
 * N − G − K as for FE (plm's `plm(y ~ x | z, model = "within")` agrees on slopes and conventional SEs).
 *
 * Diagnostics per endogenous regressor: the first-stage FE regression on the instruments and exogenous
 * regressors, with the F (Wald, same vce) of the excluded instruments, and their partial R² (both sides
 * residualised on the exogenous regressors).
 */
import { DataError, InputError } from '../common/errors';
import { demeanBy, type Panel } from '../panel';
import { covariances, stataClusterK } from './covariance';
import { absorption, fixedEffectsFit, type FixedEffectsOptions } from './fe';
import { modelFrame, requireObservations } from './frame';
import { findCollinear, mean, qrLeastSquares, sumSquares, type Columns } from './linalg';
import { ivDiagnostics, type IvVce } from './inference/iv-diagnostics';
import { wildBootstrapDraws, wildStatistics } from './inference/small-cluster';
import { wildRestrictedEfficient } from './inference/wild-iv';
import { CONS, covarianceStatistics, frameClusters, sharedCovarianceParams, warningsFor } from './ols';
import type { EstimationResult } from './result';
import { attachAlternatives, coefficientRows, waldF } from './table';

export interface IvOptions extends FixedEffectsOptions {
  /** Regressors (among x) treated as endogenous. */
  endogenous: string[];
  /** Excluded instruments (terms, lags allowed: `L.AIT`). */
  instruments: string[];
}

export function fixedEffectsIv(panel: Panel, options: IvOptions): EstimationResult {
  const { y, x, endogenous, instruments } = options;
  if (endogenous.length === 0)
    throw new InputError('spec.endogenous: at least one endogenous regressor is needed', 'spec.endogenous');
  endogenous.forEach((e, i) => {
    if (!x.includes(e)) {
      throw new InputError(
        `spec.endogenous[${i}]: '${e}' is not among the regressors x (${x.join(', ')})`,
        `spec.endogenous[${i}]`,
      );
    }
  });
  instruments.forEach((z, i) => {
    if (x.includes(z) || z === y) {
      throw new InputError(
        `spec.instruments[${i}]: '${z}' is a regressor or the outcome, not an excluded instrument`,
        `spec.instruments[${i}]`,
      );
    }
  });
  if (instruments.length < endogenous.length) {
    throw new InputError(
      `spec.instruments: ${instruments.length} excluded instrument(s) for ${endogenous.length} endogenous regressor(s); the model is not identified`,
      'spec.instruments',
    );
  }
  const convention = options.convention ?? 'stata';
  const vce = options.vce ?? 'conventional';
  const effects = options.effects ?? 'entity';
  const frame = modelFrame(panel, [y, ...x, ...instruments]);
  const n = frame.nobs;
  // effects 'none' is pooled 2SLS: one absorbed group, i.e. plain centring plus the constant.
  const abs = absorption(frame, effects, panel.index.time);
  const stata = convention === 'stata' || effects === 'none';
  const exog = x.filter((t) => !endogenous.includes(t));
  const col = (t: string) => frame.columns.get(t)!;
  const within = (c: Float64Array) => {
    const w = demeanBy(c, abs);
    if (!stata) return w;
    const m = mean(c);
    return w.map((v) => v + m);
  };
  const ones = new Float64Array(n).fill(1);
  const xNames = [...x, ...abs.dummyNames];
  const xCols = [...x.map(col), ...abs.dummies].map(within);
  const wNames = [...instruments, ...exog, ...abs.dummyNames];
  const wCols = [...instruments.map(col), ...exog.map(col), ...abs.dummies].map(within);
  if (stata) {
    xNames.push(CONS);
    xCols.push(ones);
    wNames.push(CONS);
    wCols.push(ones);
  }
  const zeroMeaning = 'constant within groups, absorbed by the fixed effects';
  const xk = findCollinear(xCols, xNames, { zeroMeaning, alwaysKeep: stata ? [xCols.length - 1] : [] });
  const wk = findCollinear(wCols, wNames, { zeroMeaning, alwaysKeep: stata ? [wCols.length - 1] : [] });
  const lostInstrument = wk.dropped.find((d) => instruments.includes(d.term));
  if (lostInstrument) {
    throw new DataError(
      `spec.instruments: instrument ${lostInstrument.term} ${lostInstrument.reason}`,
      'spec.instruments',
    );
  }
  const X = xk.keep.map((j) => xCols[j]);
  const names = xk.keep.map((j) => xNames[j]);
  const W = wk.keep.map((j) => wCols[j]);
  const K = names.filter((s) => s !== CONS).length;
  requireObservations(frame, abs.ngroups + K + 1, 'FE-2SLS');
  const dfResid = n - abs.ngroups - K;

  // First stage: X̂ = P_W X, column by column (exogenous columns reproduce themselves).
  const Xhat: Columns = X.map((c) => {
    const r = qrLeastSquares(W, c).residuals;
    return c.map((v, i) => v - r[i]);
  });
  const yA = within(col(y));
  const second = qrLeastSquares(Xhat, yA);
  const b = second.coef;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let j = 0; j < X.length; j++) f += X[j][i] * b[j];
    e[i] = yA[i] - f;
  }
  const isDummy = new Set(abs.dummyNames);
  const slopesOnly = names.filter((s) => s !== CONS && !isDummy.has(s)).length;
  const clusters = frameClusters(panel, frame, options.cluster);
  const covFit = { design: Xhat, residuals: e, bread: second.bread };
  const covParams = {
    ...sharedCovarianceParams(
      frame,
      clusters,
      options,
      names.flatMap((s, j) => (isDummy.has(s) ? [] : [j])),
    ),
    absorbed: { codes: abs.codes, ngroups: abs.ngroups },
    dfResid,
    hc1Factor: stata ? n / dfResid : n / (n - slopesOnly),
    clusterK: stata ? stataClusterK(X.length, abs, clusters) : slopesOnly,
    clusterDfT: stata ? undefined : dfResid,
  };
  const { cov, alternatives } = covariances(vce, options.alternatives, covFit, covParams);
  const ssr = sumSquares(e);
  const statistics: Record<string, number> = {
    nobs: n,
    ngroups: abs.ngroups,
    df_model: K,
    df_resid: dfResid,
    t_df: cov.dfT,
    sigma_e: Math.sqrt(ssr / dfResid),
    ssr,
    n_instruments: instruments.length,
  };
  const extra = [...xk.dropped, ...wk.dropped].map((d) => `${d.term} ${d.reason}; omitted`);
  covarianceStatistics(cov, statistics, extra);

  // ivreg2's identification, weak-instrument-robust and specification tests (xtivreg2, fe).
  const ivVce: IvVce | undefined =
    vce === 'conventional' || vce === 'robust'
      ? vce
      : (vce === 'cluster' && !clusters.second) || vce === 'cr2' || vce === 'cr3'
        ? 'cluster'
        : undefined;
  if (ivVce) {
    const pooled = effects === 'none';
    const prep = (c: Float64Array) => (pooled ? c : demeanBy(c, abs));
    const exoCols = [...exog.map(col), ...abs.dummies].map(prep);
    const exoNames = [...exog, ...abs.dummyNames];
    if (pooled) {
      exoCols.push(ones);
      exoNames.push(CONS);
    }
    const exoKeep = findCollinear(exoCols, exoNames).keep;
    const diag = ivDiagnostics({
      y: prep(col(y)),
      endogenous: endogenous.map((t) => prep(col(t))),
      exogenous: exoKeep.map((j) => exoCols[j]),
      excluded: instruments.map((t) => prep(col(t))),
      vce: ivVce,
      clusters: ivVce === 'cluster' ? clusters.codes : undefined,
      dofminus: pooled ? 0 : abs.ngroups,
      names: { endogenous, exogenous: exoKeep.map((j) => exoNames[j]), excluded: instruments },
    });
    Object.assign(statistics, diag.statistics);
    extra.push(...diag.warnings);
  } else {
    extra.push(
      `IV diagnostics (Kleibergen–Paap, Anderson–Rubin, Hansen, C) are not computed under vce "${vce}"`,
    );
  }

  for (const endo of endogenous) {
    const fs = fixedEffectsFit(panel, frame, {
      y: endo,
      x: [...instruments, ...exog],
      effects,
      vce,
      cluster: options.cluster,
      maxlag: options.maxlag,
      convention: 'stata',
    });
    const idx = instruments.map((z) => fs.names.indexOf(z));
    const df2 = fs.cov.fDf2 ?? (vce === 'cluster' ? fs.cov.dfT : fs.result.statistics.df_resid);
    const F = waldF(fs.coef, fs.cov.vcov, idx, df2);
    if (stata) {
      statistics[`first_stage_f:${endo}`] = F.f;
      statistics[`first_stage_f_df2:${endo}`] = F.df2;
      statistics[`first_stage_f_p:${endo}`] = F.p;
    }
    statistics[`partial_r2:${endo}`] = partialR2(
      demeanBy(col(endo), abs),
      instruments.map((z) => demeanBy(col(z), abs)),
      [...exog.map((t) => demeanBy(col(t), abs)), ...abs.dummies.map((d) => demeanBy(d, abs))],
    );
  }
  const coefficients = coefficientRows(names, b, cov, (s) => !isDummy.has(s));
  attachAlternatives(coefficients, names, b, alternatives);
  if (options.wild) {
    const wild = options.wild;
    const { draws, G } = wildBootstrapDraws(
      wild,
      clusters,
      effects === 'none' ? undefined : abs,
      options.wildDraws,
    );
    for (const term of wild.terms ?? [endogenous[0]]) {
      const k = names.indexOf(term);
      const row = coefficients.find((c) => c.term === term);
      if (k < 0 || !row) {
        extra.push(`inference.wild: ${term} was omitted; not bootstrapped`);
        continue;
      }
      const t = wildRestrictedEfficient(
        { regressors: X, instruments: W, y: yA, estimate: b[k], clusters: clusters.codes },
        k,
        wild,
        draws,
      );
      row.p_value_wild = t.p_value;
      row.ci_wild_lower = t.ci_lower;
      row.ci_wild_upper = t.ci_upper;
    }
    Object.assign(statistics, wildStatistics(wild, draws, G), { wild_wre: 1 });
  }
  return {
    estimator: 'iv',
    nobs: n,
    ngroups: abs.ngroups,
    coefficients,
    statistics,
    sample: frame.sample,
    warnings: warningsFor(frame, extra),
  };
}

/** R² of the excluded instruments for the endogenous regressor, both residualised on the exogenous ones. */
function partialR2(endo: Float64Array, instruments: Columns, exog: Columns): number {
  const keep = findCollinear(
    exog,
    exog.map((_, j) => `w${j}`),
  ).keep.map((j) => exog[j]);
  const resid = (c: Float64Array) => (keep.length ? qrLeastSquares(keep, c).residuals : c);
  const rx = resid(endo);
  const rz = instruments.map(resid);
  return 1 - sumSquares(qrLeastSquares(rz, rx).residuals) / sumSquares(rx);
}
