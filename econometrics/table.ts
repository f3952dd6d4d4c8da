/**
 * Coefficient rows and Wald tests from an estimate and its covariance: every estimator's rows are made
 * here, t statistics referred to t(dfT) (per coefficient when the covariance says so), or to the normal
 * when dfT is Infinity (ML and GMM asymptotics: z statistics).
 */
import { Matrix } from 'ml-matrix';
import type { Covariance } from './covariance';
import { fUpper, tTwoSided } from './distributions';
import { quadraticFormInverse } from './linalg';
import type { CoefficientRow } from './result';

export function coefficientRows(
  names: readonly string[],
  coef: ArrayLike<number>,
  cov: Pick<Covariance, 'vcov' | 'dfT' | 'dfByCoef'>,
  include: (name: string) => boolean = () => true,
): CoefficientRow[] {
  const rows: CoefficientRow[] = [];
  for (let j = 0; j < names.length; j++) {
    if (!include(names[j])) continue;
    const se = Math.sqrt(cov.vcov.get(j, j));
    const t = coef[j] / se;
    const df = cov.dfByCoef ? cov.dfByCoef[j] : cov.dfT;
    rows.push({
      term: names[j],
      estimate: coef[j],
      std_error: se,
      statistic: t,
      p_value: tTwoSided(t, df),
      ...(cov.dfByCoef ? { df } : {}),
    });
  }
  return rows;
}

export interface WaldF {
  f: number;
  df1: number;
  df2: number;
  p: number;
}

/** F = b_S' V_SS⁻¹ b_S / q for the coefficients at `indices`, referred to F(q, df2). */
export function waldF(coef: ArrayLike<number>, vcov: Matrix, indices: number[], df2: number): WaldF {
  const q = indices.length;
  // A clustered V has rank at most G − 1 (df2 + 1 here): more restrictions cannot be tested (Stata: missing).
  if (q === 0 || q > df2) return { f: NaN, df1: q, df2, p: NaN };
  const b = indices.map((i) => coef[i]);
  const V = new Matrix(q, q);
  for (let a = 0; a < q; a++) for (let c = 0; c < q; c++) V.set(a, c, vcov.get(indices[a], indices[c]));
  const f = quadraticFormInverse(V, b) / q;
  return { f, df1: q, df2, p: fUpper(f, q, df2) };
}

/** The field suffix of an alternative vce: `driscoll-kraay` → `driscoll_kraay`. */
export const vceField = (vce: string) => vce.replace(/-/g, '_');

/**
 * Adds each alternative covariance's SE, p-value (and df where it varies) to the rows, as
 * `std_error_<vce>`, `p_value_<vce>`, `df_<vce>`.
 */
export function attachAlternatives(
  rows: CoefficientRow[],
  names: readonly string[],
  coef: ArrayLike<number>,
  alternatives: readonly { vce: string; cov: Covariance }[],
): void {
  for (const { vce, cov } of alternatives) {
    const f = vceField(vce);
    for (const row of rows) {
      const j = names.indexOf(row.term);
      if (j < 0) continue;
      const se = Math.sqrt(cov.vcov.get(j, j));
      const df = cov.dfByCoef ? cov.dfByCoef[j] : cov.dfT;
      row[`std_error_${f}`] = se;
      row[`p_value_${f}`] = tTwoSided(coef[j] / se, df);
      if (cov.dfByCoef) row[`df_${f}`] = df;
    }
  }
}
