import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  compareContiguity,
  contiguityFromList,
  economicDistanceWeights,
  eigenvalues,
  greatCircleKm,
  inverseDistanceWeights,
  logDetEigen,
  nearestNeighbourWeights,
  rhoInterval,
  toDense,
  weightsFromDense,
  weightsFromMatrixCsv,
} from '../../econometrics/spatial/weights';
import { provinceContiguity } from '../../study/weights';
import { provinces } from '../../regions/provinces';
import { spatialGolden } from './spatial-golden';

const golden = spatialGolden();

describe('province contiguity', () => {
  it('reads 130 symmetric links, Hainan linked to Guangdong, rows summing to 1', () => {
    const w = provinceContiguity();
    expect(w.ids).toEqual(provinces().map((p) => p.code));
    expect(w.values.length).toBe(130);
    const d = toDense(w);
    for (const row of d) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    const hi = w.ids.indexOf('HI');
    expect(d[hi][w.ids.indexOf('GD')]).toBe(1);
  });

  it('switching the Hainan link off leaves Hainan a zero row', () => {
    const w = provinceContiguity({ hainanGuangdong: false });
    expect(w.values.length).toBe(128);
    const hi = w.ids.indexOf('HI');
    expect(w.rowPtr[hi + 1] - w.rowPtr[hi]).toBe(0);
  });

  it('eigenvalue range matches spdep eigenw', () => {
    const ev = eigenvalues(provinceContiguity());
    const re = Array.from(ev.re);
    const [lo, hi] = golden.eigen_cont_range;
    expect(Math.min(...re)).toBeCloseTo(lo, 10);
    expect(Math.max(...re)).toBeCloseTo(hi, 10);
    expect(rhoInterval(ev)[1]).toBeCloseTo(1, 10);
  });

  it('log|I − ρW| by eigenvalues equals the log-determinant by LU (hand check at N = 3)', () => {
    // Path a–b–c row-standardised: W = [[0,1,0],[.5,0,.5],[0,1,0]]; det(I − ρW) = 1 − ρ².
    const w = weightsFromDense(
      ['a', 'b', 'c'],
      [
        [0, 1, 0],
        [1, 0, 1],
        [0, 1, 0],
      ],
      'path',
    );
    expect(logDetEigen(eigenvalues(w), 0.6)).toBeCloseTo(Math.log(1 - 0.36), 12);
  });
});

describe('validation', () => {
  it('catches the isolated Hainan and the false Qinghai–Ningxia link of W_adj.csv', () => {
    // A copy of a published 31×31 contiguity matrix (shared data panel_renjiyi/W_adj.csv, see its PROVENANCE.md).
    const path = new URL('../fixtures/W_adj_renjiyi.csv', import.meta.url);
    const rows = parse(readFileSync(path, 'utf8'), { skip_empty_lines: true }) as string[][];
    // ids 1..31 in NBS order; 26 is Tibet, outside the study.
    const nbs =
      'BJ TJ HE SX NM LN JL HL SH JS ZJ AH FJ JX SD HA HB HN GD GX HI CQ SC GZ YN XZ SN GS QH NX XJ'.split(
        ' ',
      );
    const keep = nbs.map((c, i) => i).filter((i) => nbs[i] !== 'XZ');
    const dense = keep.map((i) => keep.map((j) => (Number(rows[i + 1][j + 1]) > 0 ? 1 : 0)));
    const ids = keep.map((i) => nbs[i]);
    expect(() => weightsFromDense(ids, dense, 'W_adj.csv')).toThrow(/W_adj\.csv: HI has no neighbours/);
    const candidate = weightsFromDense(ids, dense, 'W_adj.csv', { allowIslands: true });
    const diff = compareContiguity(candidate, provinceContiguity());
    expect(diff.islands).toEqual(['HI']);
    expect(diff.extra).toEqual([['NX', 'QH']]);
    expect(diff.missing).toEqual([['GD', 'HI']]);
  });

  it('rejects one-way links, self-links, unknown codes and bad cells with their location', () => {
    expect(() => contiguityFromList('code,neighbours\na,b\nb,\n', 'adj.csv')).toThrow(
      /symmetric; one-way links: a→b/,
    );
    expect(() => contiguityFromList('code,neighbours\na,a b\nb,a\n', 'adj.csv')).toThrow(
      /row 2: a lists itself/,
    );
    expect(() => contiguityFromList('code,neighbours\na,z\nz0,a\n', 'adj.csv')).toThrow(
      /row 2 \(a\): unknown neighbour code z/,
    );
    expect(() =>
      weightsFromDense(
        ['a', 'b'],
        [
          [1, 1],
          [1, 0],
        ],
        'm',
      ),
    ).toThrow(/self-link at a/);
    expect(() => weightsFromMatrixCsv('id,a,b\na,0,x\nb,1,0\n', 'W.csv')).toThrow(
      /W\.csv: row 2 \(a\), column b: expected a number, found 'x'/,
    );
    expect(() => weightsFromMatrixCsv('id,a,b\nb,0,1\na,1,0\n', 'W.csv')).toThrow(
      /row 2 starts with 'b', expected 'a'/,
    );
    expect(() =>
      weightsFromDense(
        ['a', 'a'],
        [
          [0, 1],
          [1, 0],
        ],
        'm',
      ),
    ).toThrow(/id a appears twice/);
    expect(() => economicDistanceWeights(['a', 'b'], [1, 1])).toThrow(/a and b have the same mean/);
  });
});

describe('distance weights', () => {
  const points = provinces().map((p) => ({ id: p.code, lat: p.lat, lon: p.lon }));

  it('inverse great-circle distance matches the R construction', () => {
    const d = toDense(inverseDistanceWeights(points));
    for (let i = 0; i < d.length; i++)
      for (let j = 0; j < d.length; j++) expect(d[i][j]).toBeCloseTo(golden.W_dist[i][j], 14);
  });

  it('haversine: a quarter meridian is πR/2 (hand calculation)', () => {
    expect(greatCircleKm({ id: 'a', lat: 0, lon: 0 }, { id: 'b', lat: 90, lon: 0 })).toBeCloseTo(
      (Math.PI * 6371.0088) / 2,
      9,
    );
  });

  it('a cut-off drops far pairs; k nearest neighbours gives k per row', () => {
    const cut = inverseDistanceWeights(points, { cutoffKm: 500, allowIslands: true });
    expect(cut.values.length).toBeLessThan(30 * 29);
    const knn = nearestNeighbourWeights(points, 4);
    for (let i = 0; i < knn.n; i++) expect(knn.rowPtr[i + 1] - knn.rowPtr[i]).toBe(4);
    const bj = knn.ids.indexOf('BJ');
    const bjNeighbours = Array.from(knn.colIdx.subarray(knn.rowPtr[bj], knn.rowPtr[bj + 1])).map(
      (j) => knn.ids[j],
    );
    expect(bjNeighbours).toContain('TJ');
  });

  it('economic distance: w_ij ∝ 1/|x̄_i − x̄_j| (hand calculation)', () => {
    // means 0, 1, 3: raw row a = [0, 1, 1/3] → standardised [0, 3/4, 1/4].
    const w = economicDistanceWeights(['a', 'b', 'c'], [0, 1, 3]);
    expect(toDense(w)[0]).toEqual([0, 0.75, 0.25]);
  });
});
