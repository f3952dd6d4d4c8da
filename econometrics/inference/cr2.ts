/**
 * Bell–McCaffrey CR2 cluster-robust covariance with Satterthwaite degrees of freedom per coefficient
 * (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018), as clubSandwich's
 * `coef_test(fit, vcov = "CR2", test = "Satterthwaite")` computes it for lm, plm within and ivreg fits:
 *
 *   V = B (Σ_j Z_j' A_j e_j e_j' A_j Z_j) B,   A_j = (I − H_jj)^{+½},   B = (Z'Z)⁻¹,
 *
 * with H the hat matrix of the working design U = [X̃, D] (working-design.ts; the absorbed design and
 * the fixed effects' dummies) and ^{+½} the symmetric inverse square root on the range of I − H_jj. No
 * further small-sample factor.
 *
 * Degrees of freedom of coefficient k (the Satterthwaite approximation to the distribution of V_kk under
 * independent homoskedastic errors): with w = Z B e_k and v_j = A_j w_j,
 *   P_jl = δ_jl v_j'v_j − v_j'U_j (U'U)⁻¹ U_l'v_l,   df_k = (Σ_j P_jj)² / Σ_jl P_jl²,
 * and t_k is referred to t(df_k).
 *
 * Hand-written: no TypeScript library implements CR2 or its Satterthwaite degrees of freedom.
 */
import type { Matrix } from 'ml-matrix';
import {
  designCrossBlock,
  matVec,
  sandwichOfScores,
  WorkingDesign,
  type ClusteredFit,
} from './working-design';

export interface Cr2Result {
  vcov: Matrix;
  /** Satterthwaite df of each coefficient (NaN where not asked for). */
  df: Float64Array;
  nclusters: number;
}

/**
 * CR2 covariance of all coefficients; Satterthwaite df for the coefficients `dfFor` (default all).
 */
export function bellMcCaffreyCovariance(fit: ClusteredFit, dfFor?: number[]): Cr2Result {
  const wd = new WorkingDesign(fit);
  const G = wd.nclusters;
  const adjust = Array.from({ length: G }, (_, j) => wd.adjustment(j, -0.5));
  const scores = adjust.map((a, j) =>
    designCrossBlock(fit.design, wd.rows[j], matVec(a, wd.block(j, fit.residuals))),
  );
  const vcov = sandwichOfScores(fit.bread, scores);
  const p = fit.design.length;
  const df = new Float64Array(p).fill(NaN);
  for (const k of dfFor ?? Array.from({ length: p }, (_, c) => c)) df[k] = satterthwaite(wd, adjust, k);
  return { vcov, df, nclusters: G };
}

function satterthwaite(wd: WorkingDesign, adjust: Matrix[], k: number): number {
  const { fit } = wd;
  const G = wd.nclusters;
  const n = wd.n;
  // w = Z B e_k.
  const w = new Float64Array(n);
  fit.design.forEach((col, c) => {
    const b = fit.bread.get(c, k);
    if (b === 0) return;
    for (let i = 0; i < n; i++) w[i] += col[i] * b;
  });
  const q = wd.xw.length;
  const E = new Float64Array(G);
  // proj[j] = X̃_j' v_j; group sums of v_j per absorbed group for the dummies' part of U.
  const proj: Float64Array[] = [];
  const abs = fit.absorbed;
  const groupSums = abs ? new Map<number, Map<number, number>>() : undefined;
  for (let j = 0; j < G; j++) {
    const v = matVec(adjust[j], wd.block(j, w));
    let s = 0;
    for (const x of v) s += x * x;
    E[j] = s;
    proj.push(designCrossBlock(wd.xw, wd.rows[j], v));
    if (abs && groupSums) {
      const rows = wd.rows[j];
      for (let a = 0; a < rows.length; a++) {
        const g = abs.codes[rows[a]];
        let m = groupSums.get(g);
        if (!m) groupSums.set(g, (m = new Map()));
        m.set(j, (m.get(j) ?? 0) + v[a]);
      }
    }
  }
  // C = proj' M proj + Σ_g s_g s_g' / T_g  (G × G), P = diag(E) − C.
  const mProj = proj.map((pj) => matVec(wd.m, pj));
  const C = new Float64Array(G * G);
  for (let j = 0; j < G; j++) {
    for (let l = j; l < G; l++) {
      let s = 0;
      for (let c = 0; c < q; c++) s += proj[j][c] * mProj[l][c];
      C[j * G + l] = s;
    }
  }
  if (groupSums) {
    for (const [g, m] of groupSums) {
      const inv = 1 / wd.groupSize[g];
      const entries = [...m];
      for (const [j, sj] of entries) {
        for (const [l, sl] of entries) if (l >= j) C[j * G + l] += sj * sl * inv;
      }
    }
  }
  let trace = 0;
  let sumSq = 0;
  for (let j = 0; j < G; j++) {
    const pjj = E[j] - C[j * G + j];
    trace += pjj;
    sumSq += pjj * pjj;
    for (let l = j + 1; l < G; l++) sumSq += 2 * C[j * G + l] ** 2;
  }
  return (trace * trace) / sumSq;
}
