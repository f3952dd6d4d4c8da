/**
 * The within transformation, the one place fixed effects are swept out of a variable (FE, FE-2SLS,
 * the spatial models, the production function behind the rebound indicator):
 *   entity:  ẍ_it = x_it − x̄_i;   time: ẍ_it = x_it − x̄_t;
 *   twoways: the residual of x on both sets of dummies. On a balanced panel that is
 *            x_it − x̄_i − x̄_t + x̄; on an unbalanced one, x demeaned by entity minus its projection
 *            on the entity-demeaned period dummies (Frisch–Waugh–Lovell, as linearmodels'
 *            PanelData.demean('both')): exact, no iteration.
 * Degrees of freedom are the estimator's business: entity effects absorb N, two-way N + T − 1.
 */
import { Matrix, QrDecomposition } from 'ml-matrix';
import { DataError } from '../common/errors';

/** Rows' group codes (0..ngroups−1). */
export interface Grouping {
  readonly codes: Int32Array;
  readonly ngroups: number;
}

export type WithinEffects = 'entity' | 'time' | 'twoways';

/** Means of x by group. */
export function groupMeans(x: ArrayLike<number>, g: Grouping): Float64Array {
  const sum = new Float64Array(g.ngroups);
  const cnt = new Float64Array(g.ngroups);
  for (let i = 0; i < x.length; i++) {
    sum[g.codes[i]] += x[i];
    cnt[g.codes[i]]++;
  }
  for (let k = 0; k < g.ngroups; k++) sum[k] /= cnt[k];
  return sum;
}

/** x − its group mean, for one grouping. */
export function demeanBy(x: ArrayLike<number>, g: Grouping): Float64Array {
  const m = groupMeans(x, g);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - m[g.codes[i]];
  return out;
}

/** The within transformation of x for the given effects (see the header). */
export function withinTransform(
  x: ArrayLike<number>,
  effects: WithinEffects,
  by: { entity: Grouping; time: Grouping },
): Float64Array {
  if (effects === 'entity') return demeanBy(x, by.entity);
  if (effects === 'time') return demeanBy(x, by.time);
  const n = x.length;
  const e = demeanBy(x, by.entity);
  if (n === by.entity.ngroups * by.time.ngroups && isBalanced(by)) {
    const mt = groupMeans(e, by.time);
    for (let i = 0; i < n; i++) e[i] -= mt[by.time.codes[i]];
    return e;
  }
  // Unbalanced: residualise on the entity-demeaned dummies of periods 2..T.
  const T = by.time.ngroups;
  if (T < 2) return e;
  const D = new Matrix(n, T - 1);
  for (let t = 1; t < T; t++) {
    const d = demeanBy(
      Float64Array.from(by.time.codes, (c) => (c === t ? 1 : 0)),
      by.entity,
    );
    for (let i = 0; i < n; i++) D.set(i, t - 1, d[i]);
  }
  // The entity-demeaned period dummies lose rank when the panel splits into groups of entities that
  // share no period (the two sets of effects are then not separately identified): a DataError here,
  // where it arises, not ml-matrix's plain Error from the solve.
  const qr = new QrDecomposition(D);
  if (!qr.isFullRank())
    throw new DataError(
      'two-way within transformation: the entity-demeaned period dummies are collinear (the panel splits ' +
        'into groups of entities that share no period), so entity and time effects are not identified',
      'effects',
    );
  const coef = qr.solve(Matrix.columnVector(Array.from(e)));
  const fitted = D.mmul(coef);
  for (let i = 0; i < n; i++) e[i] -= fitted.get(i, 0);
  return e;
}

/** Every (entity, period) cell appears exactly once. */
function isBalanced(by: { entity: Grouping; time: Grouping }): boolean {
  const seen = new Uint8Array(by.entity.ngroups * by.time.ngroups);
  for (let i = 0; i < by.entity.codes.length; i++) {
    const k = by.entity.codes[i] * by.time.ngroups + by.time.codes[i];
    if (seen[k]) return false;
    seen[k] = 1;
  }
  return true;
}
