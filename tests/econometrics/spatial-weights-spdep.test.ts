/**
 * Coordinate-based weights against spdep on the 30 provincial capitals (reference/spatial_weights.R →
 * reference/golden/spatial_weights.json): k nearest neighbours (knearneigh), distance bands
 * (dnearneigh) and row-standardised 1/d² weights within 1,000 km. spdep's longlat distances are
 * ellipsoidal, ours spherical (haversine): they differ by well under 1%, so a band pair whose spdep
 * distance lies within 1% of the cut-off is not compared, and weights agree to 1% rather than 1e-6.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  greatCircleKm,
  inverseDistanceWeights,
  nearestNeighbourWeights,
  toDense,
  type WeightsMatrix,
} from '../../econometrics/spatial/weights';
import { provinces } from '../../regions/provinces';

interface WeightsGolden {
  ids: string[];
  knn4: string[][];
  knn6: string[][];
  band600: string[][];
  band1000: string[][];
  idw2_band1000: number[][];
  spdep_km: number[][];
}

const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/spatial_weights.json', import.meta.url), 'utf8'),
) as WeightsGolden;
const points = provinces().map((p) => ({ id: p.code, lat: p.lat, lon: p.lon }));

function neighbourSets(w: WeightsMatrix): string[][] {
  return w.ids.map((_, i) =>
    Array.from(w.colIdx.subarray(w.rowPtr[i], w.rowPtr[i + 1]))
      .map((j) => w.ids[j])
      .sort(),
  );
}

describe('coordinate weights against spdep', () => {
  it('the capitals are in the same order as the R script read them', () => {
    expect(points.map((p) => p.id)).toEqual(golden.ids);
  });

  it('haversine distances are within 0.6% of spdep’s ellipsoidal ones', () => {
    points.forEach((a, i) =>
      points.forEach((b, j) => {
        if (i !== j) expect(Math.abs(greatCircleKm(a, b) / golden.spdep_km[i][j] - 1)).toBeLessThan(0.006);
      }),
    );
  });

  it.each([4, 6] as const)(
    'k = %i nearest neighbours match knearneigh but for near-ties at the k-th',
    (k) => {
      // Shanghai's 4th: Jiangxi (610.2 km) on the sphere, Fujian (609.9 km) on spdep's ellipsoid; a swap
      // is accepted only between candidates within 1% of the k-th distance.
      const w = nearestNeighbourWeights(points, k);
      const ours = neighbourSets(w);
      const ref = k === 4 ? golden.knn4 : golden.knn6;
      let swaps = 0;
      ours.forEach((set, i) => {
        expect(set.length).toBe(k);
        const dist = (c: string) => golden.spdep_km[i][golden.ids.indexOf(c)];
        const kth = Math.max(...ref[i].map(dist));
        const differ = [...set.filter((c) => !ref[i].includes(c)), ...ref[i].filter((c) => !set.includes(c))];
        for (const c of differ)
          expect(Math.abs(dist(c) / kth - 1), `${golden.ids[i]}: ${c}`).toBeLessThan(0.01);
        swaps += differ.length / 2;
      });
      expect(swaps).toBe(k === 4 ? 1 : 0);
    },
  );

  it.each([600, 1000] as const)('a %i km band matches dnearneigh away from the boundary', (km) => {
    const w = inverseDistanceWeights(points, { cutoffKm: km, allowIslands: true });
    const ours = neighbourSets(w);
    const ref = km === 600 ? golden.band600 : golden.band1000;
    let compared = 0;
    golden.ids.forEach((a, i) =>
      golden.ids.forEach((b, j) => {
        if (i === j || Math.abs(golden.spdep_km[i][j] / km - 1) < 0.01) return;
        compared++;
        expect(ours[i].includes(b), `${a}–${b} at ${golden.spdep_km[i][j].toFixed(1)} km`).toBe(
          ref[i].includes(b),
        );
      }),
    );
    expect(compared).toBeGreaterThan(800);
  });

  it('row-standardised 1/d² within 1,000 km matches nb2listw(glist = 1/d²) to 1%', () => {
    const d = toDense(inverseDistanceWeights(points, { power: 2, cutoffKm: 1000, allowIslands: true }));
    d.forEach((row, i) =>
      row.forEach((v, j) => {
        const r = golden.idw2_band1000[i][j];
        if (r === 0) expect(v).toBe(0);
        else expect(Math.abs(v / r - 1), `${golden.ids[i]}–${golden.ids[j]}`).toBeLessThan(0.01);
      }),
    );
  });
});
