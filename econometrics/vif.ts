/**
 * Variance inflation factors of the regressors of y ~ x (pooled, with a constant, on the rows complete
 * for y and every x, as R's car::vif on lm): VIF_j = 1 / (1 − R²_j), R²_j from x_j on the other x.
 */
import { DataError, InputError } from '../common/errors';
import type { Panel } from '../panel';
import { modelFrame, requireObservations } from './frame';
import { findCollinear, mean, qrLeastSquares, sumSquares } from './linalg';
import { warningsFor } from './ols';
import type { EstimationResult } from './result';

export function varianceInflation(panel: Panel, options: { y: string; x: string[] }): EstimationResult {
  if (options.x.length < 2) throw new InputError('spec.x: VIF needs at least two regressors', 'spec.x');
  const frame = modelFrame(panel, [options.y, ...options.x]);
  requireObservations(frame, options.x.length + 2, 'VIF');
  const ones = new Float64Array(frame.nobs).fill(1);
  const cols = options.x.map((t) => frame.columns.get(t)!);
  const { dropped } = findCollinear([ones, ...cols], ['_cons', ...options.x], { alwaysKeep: [0] });
  if (dropped.length) {
    throw new DataError(
      `spec.x: VIF is undefined: ${dropped.map((d) => `${d.term} ${d.reason}`).join('; ')}`,
      'spec.x',
    );
  }
  const statistics: Record<string, number> = { nobs: frame.nobs };
  let total = 0;
  options.x.forEach((term, j) => {
    const others = [ones, ...cols.filter((_, k) => k !== j)];
    const r = qrLeastSquares(others, cols[j]).residuals;
    const r2 = 1 - sumSquares(r) / sumSquares(cols[j], mean(cols[j]));
    const vif = 1 / (1 - r2);
    statistics[`vif:${term}`] = vif;
    total += vif;
  });
  statistics.mean_vif = total / options.x.length;
  return {
    estimator: 'vif',
    nobs: frame.nobs,
    ngroups: frame.ngroups,
    coefficients: [],
    statistics,
    sample: frame.sample,
    warnings: warningsFor(frame, []),
  };
}
