/** Banded LU log-determinant for asymmetric W (k nearest neighbours) against the eigenvalue method. */
import { describe, expect, it } from 'vitest';
import { bandedLuLogDet } from '../../econometrics/spatial/logdet-lu';
import {
  eigenvalues,
  logDetEigen,
  nearestNeighbourWeights,
  provinceContiguity,
  weightsFromDense,
} from '../../econometrics/spatial/weights';
import { provinces } from '../../regions/provinces';

const points = provinces().map((p) => ({ id: p.code, lat: p.lat, lon: p.lon }));

describe('banded LU log-determinant', () => {
  it('equals the eigenvalue log-determinant for asymmetric kNN weights (k = 3, 5) across ρ', () => {
    for (const k of [3, 5]) {
      const w = nearestNeighbourWeights(points, k);
      expect(w.symmetricBaseRowSums).toBeUndefined();
      const ev = eigenvalues(w);
      const lu = bandedLuLogDet(w);
      for (const rho of [-0.9, -0.5, 0, 0.3, 0.7, 0.95, 0.999])
        expect(lu(rho)).toBeCloseTo(logDetEigen(ev, rho), 10);
    }
  });

  it('equals it for a symmetric-base W too (province contiguity)', () => {
    const w = provinceContiguity();
    const ev = eigenvalues(w);
    const lu = bandedLuLogDet(w);
    for (const rho of [-0.8, 0.4, 0.9]) expect(lu(rho)).toBeCloseTo(logDetEigen(ev, rho), 10);
  });

  it('hand calculation: one-way chain a→b, b→a, c→b gives det(I − ρW) = 1 − ρ²', () => {
    // W = [[0,1,0],[1,0,0],[0,1,0]]: the lower-triangular c row does not change the determinant.
    const w = weightsFromDense(
      ['a', 'b', 'c'],
      [
        [0, 1, 0],
        [1, 0, 0],
        [0, 1, 0],
      ],
      'chain',
    );
    expect(bandedLuLogDet(w)(0.6)).toBeCloseTo(Math.log(1 - 0.36), 14);
  });
});
