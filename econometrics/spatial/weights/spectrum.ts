/**
 * The spectrum of W for the eigenvalue log-determinant: eigenvalues computed once per matrix,
 * log|I − ρW| = Σ log|1 − ρλ| and the interval of ρ for which I − ρW is non-singular.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { toDense, type WeightsMatrix } from './matrix';

export interface Eigenvalues {
  re: Float64Array;
  im: Float64Array;
}

const eigenCache = new WeakMap<WeightsMatrix, Eigenvalues>();

/**
 * Eigenvalues of W, computed once per matrix. A W similar to a symmetric matrix uses the symmetric
 * solver on D^{-1/2} C D^{-1/2} = D^{1/2} W D^{-1/2} (real spectrum, faster); otherwise the general one.
 */
export function eigenvalues(w: WeightsMatrix): Eigenvalues {
  const hit = eigenCache.get(w);
  if (hit) return hit;
  const dense = toDense(w);
  let result: Eigenvalues;
  const d = w.symmetricBaseRowSums;
  if (d) {
    const s = new Matrix(w.n, w.n);
    for (let i = 0; i < w.n; i++)
      for (let j = 0; j < w.n; j++) s.set(i, j, (Math.sqrt(d[i]) * dense[i][j]) / Math.sqrt(d[j]));
    // Average with the transpose to remove rounding asymmetry before the symmetric solver.
    const sym = s.add(s.transpose()).div(2);
    const e = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
    result = { re: Float64Array.from(e.realEigenvalues), im: new Float64Array(w.n) };
  } else {
    const e = new EigenvalueDecomposition(new Matrix(dense));
    result = { re: Float64Array.from(e.realEigenvalues), im: Float64Array.from(e.imaginaryEigenvalues) };
  }
  eigenCache.set(w, result);
  return result;
}

/** log|I − ρW| = Σ log|1 − ρλ| over the eigenvalues (complex pairs by modulus). */
export function logDetEigen(ev: Eigenvalues, rho: number): number {
  let s = 0;
  for (let i = 0; i < ev.re.length; i++) {
    const a = 1 - rho * ev.re[i];
    const b = rho * ev.im[i];
    s += b === 0 ? Math.log(Math.abs(a)) : 0.5 * Math.log(a * a + b * b);
  }
  return s;
}

/** The interval (1/λ_min, 1/λ_max) of ρ for which I − ρW is non-singular (real eigenvalues). */
export function rhoInterval(ev: Eigenvalues): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < ev.re.length; i++) {
    if (ev.im[i] !== 0) continue;
    lo = Math.min(lo, ev.re[i]);
    hi = Math.max(hi, ev.re[i]);
  }
  return [1 / lo, 1 / hi];
}
