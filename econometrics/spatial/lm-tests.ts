/**
 * Anselin's Lagrange multiplier tests on the OLS residuals e of the (demeaned) non-spatial model, with
 * W_NT = I_T ⊗ W, n = NT, σ² = e'e/n, T_W = tr(W_NT'W_NT + W_NT²), J = (W_NT Xb)'M(W_NT Xb)/σ² + T_W:
 *   LM_error = (e'W e/σ²)²/T_W,   LM_lag = (e'W y/σ²)²/J,
 *   RLM_error = (e'We/σ² − T_W/J · e'Wy/σ²)² / (T_W − T_W²/J),   RLM_lag = (e'Wy/σ² − e'We/σ²)²/(J − T_W),
 * each χ²(1) — spdep's lm.LMtests on the same regression.
 */
import { chiSquareUpper } from '../distributions';
import { fullRankQr, type Columns } from '../linalg';
import { panelSpatialLag, type WeightsMatrix } from './weights';

export interface LmTest {
  statistic: number;
  p_value: number;
}

export interface LmTests {
  lm_error: LmTest;
  lm_lag: LmTest;
  rlm_error: LmTest;
  rlm_lag: LmTest;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function lmTests(w: WeightsMatrix, y: Float64Array, X: Columns): LmTests {
  const n = y.length;
  const T = n / w.n;
  const qr = fullRankQr(X, 'LM tests (the non-spatial FE model)');
  const residualOf = (v: Float64Array) => qr.residuals(v, qr.coefficients(v));
  const e = residualOf(y);
  const fitted = y.map((v, i) => v - e[i]);
  const sigma2 = dot(e, e) / n;
  const We = panelSpatialLag(w, e);
  const Wy = panelSpatialLag(w, y);
  const WXb = panelSpatialLag(w, fitted);
  const MWXb = residualOf(WXb);
  // tr(W'W + W²) of the N×N block, from the sparse rows.
  let trW = 0;
  const value = (i: number, j: number) => {
    for (let q = w.rowPtr[i]; q < w.rowPtr[i + 1]; q++) if (w.colIdx[q] === j) return w.values[q];
    return 0;
  };
  for (let i = 0; i < w.n; i++) {
    for (let q = w.rowPtr[i]; q < w.rowPtr[i + 1]; q++)
      trW += w.values[q] * (w.values[q] + value(w.colIdx[q], i));
  }
  trW *= T;
  const J = dot(WXb, MWXb) / sigma2 + trW;
  const dErr = dot(e, We) / sigma2;
  const dLag = dot(e, Wy) / sigma2;
  const test = (s: number): LmTest => ({ statistic: s, p_value: chiSquareUpper(s, 1) });
  return {
    lm_error: test((dErr * dErr) / trW),
    lm_lag: test((dLag * dLag) / J),
    rlm_error: test((dErr - (trW / J) * dLag) ** 2 / (trW - (trW * trW) / J)),
    rlm_lag: test((dLag - dErr) ** 2 / (J - trW)),
  };
}
