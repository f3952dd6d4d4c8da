/**
 * GMM's one-step and two-step estimates (plm's pgmm): one-step weights A1 = N·(Σ Z_i'H Z_i)⁻¹, two-step
 * A2 = (Σ Z_i'e_i e_i'Z_i)⁻¹ from the one-step residuals, b = (X'Z A Z'X)⁻¹ X'Z A Z'y. A singular
 * weighting matrix switches to a generalised inverse as plm does (linalg's inverseOrGeneralised).
 */
import { Matrix } from 'ml-matrix';
import { inverseOf, inverseOrGeneralised } from '../linalg';
import type { Design } from './design';
import { hBlock } from './design';
import {
  instrumentCrossRegressors,
  momentCross,
  residuals,
  unitMoments,
  weightedInstrumentCross,
  type StackedUnits,
} from './moments';

export const asMatrix = (rows: number, cols: number, a: Float64Array) => Matrix.from1DArray(rows, cols, a);

export interface GmmFit {
  /** Z'X (L × K) and Z'y, summed, and each unit's Z_i'X_i (for Windmeijer's correction). */
  cross: ReturnType<typeof instrumentCrossRegressors>;
  WX: Matrix;
  A1: Matrix;
  A2: Matrix;
  /** Σ g_i g_i' of the one-step residuals' moments g_i = Z_i'e1_i. */
  SA2: Matrix;
  one: { B: Matrix; b: number[] };
  e1: Float64Array;
  g1: Float64Array;
  /** The final estimate (two-step when the design asks for it), its (X'Z A Z'X)⁻¹ and residuals. */
  b: number[];
  B: Matrix;
  e: Float64Array;
  /** The final weighting matrix. */
  A: Matrix;
}

export function gmmFit(s: StackedUnits, d: Design, warnings: string[]): GmmFit {
  const { N, L, K } = s;
  const S1 = asMatrix(L, L, weightedInstrumentCross(s, hBlock(d.nd, d.nl)));
  const cross = instrumentCrossRegressors(s);
  const WX = asMatrix(L, K, cross.ZX);
  const Wy = asMatrix(L, 1, cross.Zy);
  const A1 = inverseOrGeneralised(S1, 'first-step', warnings).mul(N);
  const fitWith = (A: Matrix) => {
    const WXtA = WX.transpose().mmul(A);
    const B = inverseOf(WXtA.mmul(WX), "GMM's X'Z·A·Z'X");
    return { B, b: B.mmul(WXtA.mmul(Wy)).getColumn(0) };
  };
  const one = fitWith(A1);
  const e1 = residuals(s, one.b);
  const g1 = unitMoments(s, e1);
  const SA2 = asMatrix(L, L, momentCross(g1, N, L));
  const A2 = inverseOrGeneralised(SA2, 'second-step', warnings);
  const final = d.twoStep ? fitWith(A2) : one;
  const e = d.twoStep ? residuals(s, final.b) : e1;
  return { cross, WX, A1, A2, SA2, one, e1, g1, b: final.b, B: final.B, e, A: d.twoStep ? A2 : A1 };
}
