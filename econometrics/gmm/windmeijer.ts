/**
 * GMM's robust covariance, as plm's vcovHC.pgmm. Two-step: Windmeijer's (2005) finite-sample corrected
 * V = B + DB + (DB)' + D V1 D', B = (X'Z A2 Z'X)⁻¹, V1 the one-step robust covariance, column k of D
 * B X'Z A2 Σ_i (a_ik c_i'v + c_i a_ik'v) with a_ik = Z_i'x_ik, c_i = Z_i'e1_i, v = A2 Σ_i Z_i'e2_i.
 * One-step: the sandwich B X'Z A1 S A1 Z'X B, S = Σ_i Z_i'e1_i e1_i'Z_i.
 */
import type { Matrix } from 'ml-matrix';
import type { Design } from './design';
import { asMatrix, type GmmFit } from './fit';
import { sumMoments, unitMoments, windmeijerSums, type StackedUnits } from './moments';

export function robustGmmCovariance(s: StackedUnits, fit: GmmFit, d: Design): Matrix {
  const { N, L, K } = s;
  const { A1, A2, SA2, WX, B } = fit;
  const oneStepSandwich = (Bo: Matrix) =>
    Bo.mmul(WX.transpose().mmul(A1).mmul(SA2).mmul(A1).mmul(WX)).mmul(Bo);
  if (!d.twoStep) return oneStepSandwich(B);
  const We = asMatrix(L, 1, sumMoments(unitMoments(s, fit.e), N, L));
  const vcov1s = oneStepSandwich(fit.one.B);
  const A2We = A2.mmul(We).getColumn(0);
  const left = B.mmul(WX.transpose()).mmul(A2);
  const D = left.mmul(asMatrix(L, K, windmeijerSums(fit.cross.perUnit, fit.g1, A2We, N, L, K)));
  const DB = D.mmul(B);
  return B.clone().add(DB).add(DB.transpose()).add(D.mmul(vcov1s).mmul(D.transpose()));
}
