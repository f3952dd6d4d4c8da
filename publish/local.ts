/**
 * Province-level spatial results for the report's maps: LISA clusters of a variable in one year, and
 * each province's own impact of a regressor under a fitted spatial Durbin model.
 */
import { Matrix, inverse } from 'ml-matrix';
import { localMoran, type LisaRow } from '../econometrics/spatial/moran';
import { toDense, type WeightsMatrix } from '../econometrics/spatial/weights';
import type { PublishedStep } from './layout';

export type { LisaRow } from '../econometrics/spatial/moran';

export interface ProvinceValue {
  province: string;
  value: number;
}

export type PanelRow = Record<string, number | string | null>;

/** LISA of `variable` in `year` (provinces in `w.ids` order); undefined if a province lacks a value. */
export function lisaForYear(
  w: WeightsMatrix,
  rows: PanelRow[],
  variable: string,
  year: number,
): LisaRow[] | undefined {
  const byProvince = new Map(
    rows.filter((r) => Number(r.year) === year).map((r) => [String(r.province), r[variable]]),
  );
  const x = w.ids.map((id) => byProvince.get(id));
  if (x.some((v) => typeof v !== 'number' || !Number.isFinite(v))) return undefined;
  return localMoran(w, x as number[]);
}

/**
 * Province impacts of a unit rise of x in the SDM y = ρWy + xβ + Wxθ + …, S = (I − ρW)⁻¹(βI + θW):
 * direct_i = S_ii; received_i = Σ_{j≠i} S_ij (from everyone's x); emitted_j = Σ_{i≠j} S_ij (province
 * j's x on all others). With a row-standardised W every row sum is (β + θ)/(1 − ρ), so the received
 * spillover varies only through S_ii; the emitted spillover is where provinces differ. Means over
 * provinces are LeSage–Pace's average direct and indirect effects.
 */
export function provinceImpacts(
  w: WeightsMatrix,
  rho: number,
  beta: number,
  theta: number,
): { province: string; direct: number; received: number; emitted: number }[] {
  const W = new Matrix(toDense(w));
  const n = w.n;
  const S = inverse(Matrix.eye(n).sub(W.clone().mul(rho))).mmul(
    Matrix.eye(n).mul(beta).add(W.clone().mul(theta)),
  );
  return w.ids.map((province, i) => {
    const direct = S.get(i, i);
    const row = S.getRow(i).reduce((a, b) => a + b, 0);
    const column = S.getColumn(i).reduce((a, b) => a + b, 0);
    return { province, direct, received: row - direct, emitted: column - direct };
  });
}

/** ρ and the coefficients of x and W·x (named `W*x`, `W.x`, `W:x` or `W_x`) of an SDM result. */
export function sdmParameters(
  step: PublishedStep,
  term: string,
): { rho: number; beta: number; theta: number } | undefined {
  const r = step.result;
  const rho = r.statistics.rho ?? r.coefficients.find((c) => c.term === 'rho')?.estimate;
  const beta = r.coefficients.find((c) => c.term === term)?.estimate;
  const theta = r.coefficients.find((c) =>
    [`W*${term}`, `W.${term}`, `W:${term}`, `W_${term}`].includes(c.term),
  )?.estimate;
  if (rho === undefined || beta === undefined || theta === undefined) return undefined;
  return { rho, beta, theta };
}
