/**
 * Cluster diagnostics in the manner of summclust (MacKinnon, Nielsen & Webb 2022, "Leverage, influence,
 * and the jackknife in clustered regression models"), for one coefficient k, on the absorbed design X̃
 * of working-design.ts (X̃ = Z for pooled OLS; the fixed effects partialled out otherwise):
 *
 *   N_g                  observations of cluster g
 *   leverage L_g         tr(X̃_g M X̃_g'),  M = (X̃'X̃)⁻¹;  Σ_g L_g = number of columns of X̃
 *   partial leverage     x̌_g'x̌_g / x̌'x̌, x̌ = x̃_k residualised on the other columns;  Σ_g = 1
 *   β_(g)                the estimate with cluster g left out (the jackknife, jackknife.ts; when the
 *                        clusters nest the fixed effects, −(X̃'X̃ − X̃_g'X̃_g)⁻¹X̃_g'e_g exactly)
 *
 * and the effective number of clusters of Carter, Schnepel & Steigerwald (2017) for coefficient k:
 *
 *   γ_g = α'X̃_g'Ω_g X̃_g α,  α = M e_k;   G*(ρ) = G / (1 + Γ),  Γ = (1/G) Σ_g (γ_g − γ̄)² / γ̄²,
 *
 * with Ω_g = I (ρ = 0, `effective_clusters`) and Ω_g = 11' (ρ = 1, `effective_clusters_rho1`; not
 * defined when the within design sums to zero in every cluster, i.e. entity clusters with entity
 * effects).
 *
 * Hand-written: no TypeScript library computes these.
 */
import { Cholesky } from '../linalg';
import type { ClusterDiagnosticRow } from '../result';
import { clusterJackknife } from './jackknife';
import { WorkingDesign, type ClusteredFit } from './working-design';

export interface ClusterDiagnostics {
  rows: ClusterDiagnosticRow[];
  statistics: Record<string, number>;
}

/**
 * Diagnostics for coefficient index `k` (of the design); `keys[g]` names cluster g, `coef` is the
 * full-sample estimate vector.
 */
export function clusterDiagnostics(
  fit: ClusteredFit,
  k: number,
  coef: ArrayLike<number>,
  keys: readonly string[],
): ClusterDiagnostics {
  const wd = new WorkingDesign(fit);
  const G = wd.nclusters;
  const q = wd.xw.length;
  const kx = wd.xwIndex.indexOf(k);
  if (kx < 0) throw new Error('clusterDiagnostics: the coefficient is absorbed');
  const xw = wd.xw;
  const m = wd.m;
  const alpha = Float64Array.from({ length: q }, (_, c) => m.get(c, kx));
  // x̌ = X̃α / M_kk is x̃_k residualised on the other columns, with x̌'x̌ = 1/M_kk: the partial leverage of
  // cluster g is Σ_{i∈g} (x̃_i'α)² / M_kk, with no second regression.
  const mkk = m.get(kx, kx);

  // One pass over the rows builds the per-cluster cross-products X̃_g'X̃_g (upper triangle), X̃_g'e_g and
  // X̃_g'1; every statistic is then a q × q form per cluster, not per row:
  //   L_g = tr(M X̃_g'X̃_g),  γ_g(0) = α'X̃_g'X̃_g α,  partial_g = γ_g(0)/M_kk,  Σ_{i∈g} x̃_i'α = α'X̃_g'1.
  const qq = q * q;
  const xtxG = new Float64Array(G * qq);
  const xeG = new Float64Array(G * q);
  const sumG = new Float64Array(G * q);
  const row = new Float64Array(q);
  for (let i = 0; i < wd.n; i++) {
    const g = fit.clusters[i];
    for (let c = 0; c < q; c++) row[c] = xw[c][i];
    const e = fit.residuals[i];
    for (let a = 0; a < q; a++) {
      const ra = row[a];
      xeG[g * q + a] += ra * e;
      sumG[g * q + a] += ra;
      const off = g * qq + a * q;
      for (let b = a; b < q; b++) xtxG[off + b] += ra * row[b];
    }
  }
  const leverage = new Float64Array(G);
  const partial = new Float64Array(G);
  const gamma0 = new Float64Array(G);
  const sumXa = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const off = g * qq;
    for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) xtxG[off + a * q + b] = xtxG[off + b * q + a];
    let lev = 0;
    let aXa = 0;
    let sa = 0;
    for (let a = 0; a < q; a++) {
      let xa = 0;
      for (let b = 0; b < q; b++) {
        const x = xtxG[off + a * q + b];
        lev += m.get(b, a) * x;
        xa += x * alpha[b];
      }
      aXa += alpha[a] * xa;
      sa += alpha[a] * sumG[g * q + a];
    }
    leverage[g] = lev;
    gamma0[g] = aXa;
    partial[g] = aXa / mkk;
    sumXa[g] = sa;
  }
  const gamma1 = sumXa.map((s) => s * s);

  // β_(g): the exact leave-one-cluster-out estimate.
  const betaOut = new Float64Array(G);
  if (wd.nested) {
    const xtx = new Float64Array(q * q);
    for (let g = 0; g < G; g++) for (let i = 0; i < qq; i++) xtx[i] += xtxG[g * qq + i];
    const sub = new Float64Array(q * q);
    const rhs = new Float64Array(q);
    for (let g = 0; g < G; g++) {
      for (let i = 0; i < qq; i++) sub[i] = xtx[i] - xtxG[g * qq + i];
      for (let a = 0; a < q; a++) rhs[a] = xeG[g * q + a];
      // Not positive definite: cluster g alone identifies a coefficient, so β_(g) does not exist.
      const chol = Cholesky.tryOf(sub, 1e-6);
      betaOut[g] = chol ? coef[k] - chol.solveInto(rhs, rhs)[kx] : NaN;
    }
  } else {
    const jk = clusterJackknife(fit, wd);
    for (let g = 0; g < G; g++) betaOut[g] = coef[k] + jk.deltas[g][k];
  }

  const rows: ClusterDiagnosticRow[] = [];
  for (let g = 0; g < G; g++) {
    rows.push({
      cluster: keys[g] ?? String(g),
      nobs: wd.rows[g].length,
      leverage: leverage[g],
      partial_leverage: partial[g],
      beta_jackknife: betaOut[g],
    });
  }
  const statistics: Record<string, number> = {
    n_clusters: G,
    effective_clusters: effectiveClusters(gamma0, 0),
    leverage_max: Math.max(...leverage),
    partial_leverage_max: Math.max(...partial),
    beta_jackknife_min: Math.min(...betaOut),
    beta_jackknife_max: Math.max(...betaOut),
  };
  // γ_g(1) ≤ N_g·γ_g(0): relative to that scale, a zero mean is a design summing to zero per cluster.
  let scale = 0;
  for (let g = 0; g < G; g++) scale += (wd.rows[g].length * gamma0[g]) / G;
  const g1 = effectiveClusters(gamma1, 1e-10 * scale);
  if (Number.isFinite(g1)) statistics.effective_clusters_rho1 = g1;
  return { rows, statistics };
}

/** G* = G / (1 + Γ), Γ = mean of ((γ_g − γ̄)/γ̄)²; NaN when γ̄ is not above `zero`. */
function effectiveClusters(gamma: Float64Array, zero: number): number {
  const G = gamma.length;
  let mean = 0;
  for (const v of gamma) mean += v;
  mean /= G;
  if (!(mean > zero)) return NaN;
  let s = 0;
  for (const v of gamma) s += ((v - mean) / mean) ** 2;
  return G / (1 + s / G);
}
