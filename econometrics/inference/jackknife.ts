/**
 * The cluster jackknife (CRV3 of MacKinnon, Nielsen & Webb 2023), without a refit per cluster: the
 * estimate with cluster j left out differs from the full-sample one by
 *
 *   b_(j) − b = −B Z_j' (I − H_jj)⁺ e_j,
 *
 * with H the hat matrix of the working design U = [X̃, D] (working-design.ts), so that leaving a cluster
 * out also re-estimates the fixed effects it shares with other clusters; the pseudo-inverse drops the
 * directions of fixed effects the cluster alone identifies. The covariance is
 *
 *   CRV3 = (G − 1)/G · Σ_j (b_(j) − b)(b_(j) − b)',   t referred to t(G − 1).
 *
 * This is CR3 scaled by (G − 1)/G: clubSandwich's `vcovCR(type = "CR3")` is the unscaled sum (and equals
 * it exactly when the clusters nest the fixed effects). Centring on b, not on the mean of the b_(j),
 * is MacKinnon–Nielsen–Webb's CV3 (their CV3J centres on the mean).
 *
 * Hand-written: no TypeScript library implements the cluster jackknife.
 */
import type { Matrix } from 'ml-matrix';
import {
  designCrossBlock,
  matVec,
  sandwichOfScores,
  WorkingDesign,
  type ClusteredFit,
} from './working-design';

export interface JackknifeResult {
  vcov: Matrix;
  nclusters: number;
  /** b_(j) − b for each cluster j (length p each). */
  deltas: Float64Array[];
}

export function clusterJackknife(fit: ClusteredFit, wd = new WorkingDesign(fit)): JackknifeResult {
  const G = wd.nclusters;
  const p = fit.design.length;
  const deltas: Float64Array[] = [];
  const scores: Float64Array[] = [];
  for (let j = 0; j < G; j++) {
    const a = wd.adjustment(j, -1);
    const u = designCrossBlock(fit.design, wd.rows[j], matVec(a, wd.block(j, fit.residuals)));
    scores.push(u);
    const d = matVec(fit.bread, u);
    for (let c = 0; c < p; c++) d[c] = -d[c];
    deltas.push(d);
  }
  const vcov = sandwichOfScores(fit.bread, scores).mul((G - 1) / G);
  return { vcov, nclusters: G, deltas };
}
