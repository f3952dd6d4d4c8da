/**
 * Each entity's impacts of a unit rise of x in the spatial Durbin model y = ρWy + xβ + Wxθ + …, with
 * S = (I − ρW)⁻¹(βI + θW):
 *   direct_i = S_ii;  received_i = Σ_{j≠i} S_ij (from everyone's x);  emitted_j = Σ_{i≠j} S_ij (entity
 *   j's x on all others).
 * With a row-standardised W every row sum is (β + θ)/(1 − ρ), so the received spillover varies only
 * through S_ii; the emitted spillover is where provinces differ. Means over entities are LeSage–Pace's
 * average direct and indirect effects. Dense N×N: computed for the eigen-method sizes (N ≤ 400).
 */
import { Matrix } from 'ml-matrix';
import { inverseOf } from '../linalg';
import type { CoefficientRow, EntityEffectRow } from '../result';
import { toDense, type WeightsMatrix } from './weights';

export const ENTITY_IMPACTS_MAX_N = 400;

export function entityImpacts(
  w: WeightsMatrix,
  term: string,
  rho: number,
  beta: number,
  theta: number,
): EntityEffectRow[] {
  const W = new Matrix(toDense(w));
  const n = w.n;
  const S = inverseOf(Matrix.eye(n).sub(W.clone().mul(rho)), `I − ρW at ρ = ${rho}`).mmul(
    Matrix.eye(n).mul(beta).add(W.clone().mul(theta)),
  );
  return w.ids.map((id, i) => {
    const direct = S.get(i, i);
    const row = S.getRow(i).reduce((a, b) => a + b, 0);
    const column = S.getColumn(i).reduce((a, b) => a + b, 0);
    return { term, id, direct, received: row - direct, emitted: column - direct };
  });
}

/** Entity impacts of every regressor x with a `W*x` row in an SDM's coefficients. */
export function sdmEntityImpacts(
  w: WeightsMatrix,
  x: readonly string[],
  coefficients: readonly CoefficientRow[],
): EntityEffectRow[] {
  if (w.n > ENTITY_IMPACTS_MAX_N) return [];
  const at = (term: string) => coefficients.find((c) => c.term === term)?.estimate;
  const rho = at('rho');
  if (rho === undefined) return [];
  return x.flatMap((term) => {
    const beta = at(term);
    const theta = at(`W*${term}`);
    return beta === undefined || theta === undefined ? [] : entityImpacts(w, term, rho, beta, theta);
  });
}
