/**
 * Two-way cluster-robust covariance (Cameron, Gelbach & Miller 2011; Thompson 2011), as plm's
 * `vcovDC(fit, type = "sss")` when K counts the slopes only:
 *
 *   V = c_1 B Ω_1 B + c_2 B Ω_2 B − c_12 B Ω_12 B,   Ω_d = Σ_g u_g u_g' over the clusters of dimension d,
 *
 * with Ω_12 clustered on the intersections (one observation each in a panel clustered by entity and
 * time, i.e. HC0), and each term's factor c_d = G_d/(G_d − 1) · (N − 1)/(N − K) from its own number of
 * clusters (c_12 = N/(N − K) in a panel). V need not be positive semi-definite; a negative variance is
 * reported as NaN with a warning by the caller. t is referred to t(min(G_1, G_2) − 1) in the Stata
 * convention (Cameron–Gelbach–Miller), to t(df_resid) in plm's.
 *
 * Hand-written: no TypeScript library computes it.
 */
import { InputError } from '../../common/errors';
import type { Matrix } from 'ml-matrix';
import type { Columns } from '../linalg';
import { sandwichOfScores } from './working-design';

export interface TwoWayClusterInput {
  design: Columns;
  residuals: Float64Array;
  bread: Matrix;
  first: Int32Array;
  second: Int32Array;
  /** K in the factors (N − 1)/(N − K). */
  k: number;
}

function clusterScores(design: Columns, residuals: Float64Array, codes: Int32Array): Float64Array[] {
  let G = 0;
  for (const c of codes) if (c + 1 > G) G = c + 1;
  const p = design.length;
  const u = Array.from({ length: G }, () => new Float64Array(p));
  for (let i = 0; i < residuals.length; i++) {
    const e = residuals[i];
    const ug = u[codes[i]];
    for (let a = 0; a < p; a++) ug[a] += design[a][i] * e;
  }
  return u;
}

export function twoWayClusterCovariance(input: TwoWayClusterInput): {
  vcov: Matrix;
  nclusters: [number, number];
} {
  const n = input.residuals.length;
  const both = intersection(input.first, input.second);
  const parts = [input.first, input.second, both].map((codes) => {
    const scores = clusterScores(input.design, input.residuals, codes);
    const G = scores.length;
    if (G < 2)
      throw new InputError('two-way clustering needs at least 2 clusters in each dimension', 'cluster');
    const factor = (G / (G - 1)) * ((n - 1) / (n - input.k));
    return { G, v: sandwichOfScores(input.bread, scores).mul(factor) };
  });
  const vcov = parts[0].v.add(parts[1].v).sub(parts[2].v);
  return { vcov, nclusters: [parts[0].G, parts[1].G] };
}

/** Codes 0..G12−1 of the (first, second) pairs present. */
function intersection(first: Int32Array, second: Int32Array): Int32Array {
  const map = new Map<string, number>();
  return Int32Array.from(first, (a, i) => {
    const key = `${a}/${second[i]}`;
    let c = map.get(key);
    if (c === undefined) map.set(key, (c = map.size));
    return c;
  });
}
