/**
 * Building weights from geography and data (spdep's dnearneigh / knearneigh / nb2listw): inverse
 * great-circle distance between points, k nearest neighbours, and economic distance 1/|x̄_i − x̄_j|.
 */
import { InputError } from '../../../common/errors';
import { checkIds, weightsFromRows, type BuildOptions, type WeightsMatrix } from './matrix';

export interface Point {
  id: string;
  lat: number;
  lon: number;
}

/** Mean Earth radius (IUGG), km; distances are great-circle (haversine) between capitals. */
export const EARTH_RADIUS_KM = 6371.0088;

export function greatCircleKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function checkPoints(points: readonly Point[], source: string): void {
  checkIds(
    points.map((p) => p.id),
    source,
  );
  for (const p of points) {
    if (!(Math.abs(p.lat) <= 90) || !(Math.abs(p.lon) <= 180)) {
      throw new InputError(
        `${source}: ${p.id}: latitude/longitude out of range (${p.lat}, ${p.lon})`,
        source,
      );
    }
  }
}

/** w_ij = 1/d_ij^power for d_ij ≤ cutoffKm (default no cut-off), d in km by great circle. */
export function inverseDistanceWeights(
  points: readonly Point[],
  options: BuildOptions & { power?: number; cutoffKm?: number; source?: string } = {},
): WeightsMatrix {
  const source = options.source ?? 'coordinates';
  checkPoints(points, source);
  const power = options.power ?? 1;
  const cutoff = options.cutoffKm ?? Infinity;
  const dense = points.map((a, i) =>
    points.map((b, j) => {
      if (i === j) return 0;
      const d = greatCircleKm(a, b);
      if (d === 0) throw new InputError(`${source}: ${a.id} and ${b.id} have the same coordinates`, source);
      return d <= cutoff ? d ** -power : 0;
    }),
  );
  return weightsFromRows(
    points.map((p) => p.id),
    dense,
    source,
    true,
    { label: `inverse distance^${power}`, ...options },
  );
}

/** k nearest neighbours by great-circle distance (not symmetric; ties broken by input order). */
export function nearestNeighbourWeights(
  points: readonly Point[],
  k: number,
  options: BuildOptions & { source?: string } = {},
): WeightsMatrix {
  const source = options.source ?? 'coordinates';
  checkPoints(points, source);
  if (!Number.isInteger(k) || k < 1 || k >= points.length) {
    throw new InputError(`${source}: k = ${k}: expected an integer in 1..${points.length - 1}`, source);
  }
  const dense = points.map((a, i) => {
    const order = points
      .map((b, j) => ({ j, d: i === j ? Infinity : greatCircleKm(a, b) }))
      .sort((u, v) => u.d - v.d || u.j - v.j)
      .slice(0, k);
    const row = new Array<number>(points.length).fill(0);
    for (const { j } of order) row[j] = 1;
    return row;
  });
  const symmetric = dense.every((r, i) => r.every((v, j) => v === dense[j][i]));
  return weightsFromRows(
    points.map((p) => p.id),
    dense,
    source,
    symmetric,
    { label: `${k} nearest neighbours`, ...options },
  );
}

/** Economic distance: w_ij = 1/|x̄_i − x̄_j| from each entity's mean of a variable (e.g. GDP per capita). */
export function economicDistanceWeights(
  ids: readonly string[],
  means: ArrayLike<number>,
  options: BuildOptions & { source?: string } = {},
): WeightsMatrix {
  const source = options.source ?? 'economic distance';
  if (means.length !== ids.length)
    throw new InputError(`${source}: ${means.length} means for ${ids.length} ids`, source);
  ids.forEach((id, i) => {
    if (!Number.isFinite(means[i]))
      throw new InputError(`${source}: ${id}: mean is not a finite number (${means[i]})`, source);
  });
  const dense = ids.map((a, i) =>
    ids.map((b, j) => {
      if (i === j) return 0;
      const d = Math.abs(means[i] - means[j]);
      if (d === 0)
        throw new InputError(
          `${source}: ${a} and ${b} have the same mean; 1/|x̄_i − x̄_j| is undefined`,
          source,
        );
      return 1 / d;
    }),
  );
  return weightsFromRows(ids, dense, source, true, { label: 'economic distance', ...options });
}
