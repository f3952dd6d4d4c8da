import { describe, expect, it } from 'vitest';
import { weightsFromDense } from '../../econometrics/spatial/weights';
import { provinceImpacts, sdmParameters, spatialMaps } from '../../publish';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../common/config';
import { loadStudy } from '../../study';
import { handMadeResult, handMadeRun, syntheticRows } from './fixtures';

describe('province-level spatial results', () => {
  it('SDM impacts of two mutual neighbours, by hand', () => {
    // W = [[0,1],[1,0]], ρ = 0.5, β = 2, θ = 1:
    // (I − ρW)⁻¹ = 1/(1 − ρ²)·[[1, ρ], [ρ, 1]] = (4/3)·[[1, 0.5], [0.5, 1]];  βI + θW = [[2, 1], [1, 2]];
    // S = (4/3)·[[2.5, 2], [2, 2.5]] → direct 10/3, spillovers 8/3 each way; row total 6 = (β + θ)/(1 − ρ).
    const w = weightsFromDense(
      ['A', 'B'],
      [
        [0, 1],
        [1, 0],
      ],
      'test',
    );
    const r = provinceImpacts(w, 0.5, 2, 1);
    for (const row of r) {
      expect(row.direct).toBeCloseTo(10 / 3, 12);
      expect(row.received).toBeCloseTo(8 / 3, 12);
      expect(row.emitted).toBeCloseTo(8 / 3, 12);
      expect(row.direct + row.received).toBeCloseTo(6, 12);
    }
    expect(r.map((x) => x.province)).toEqual(['A', 'B']);
  });

  it('a hub emits more spillover than the provinces around it', () => {
    // Star: C neighbours A and B; row-standardised W = [[0, 0, 1], [0, 0, 1], [0.5, 0.5, 0]] (order A, B, C).
    // ρ = 0, β = 0, θ = 1: S = W, so emitted_j = column sums off the diagonal: A 0.5, B 0.5, C 2;
    // received = row sums off the diagonal = 1 for everyone.
    const star = [
      [0, 0, 1],
      [0, 0, 1],
      [1, 1, 0],
    ];
    const r = provinceImpacts(weightsFromDense(['A', 'B', 'C'], star, 'star'), 0, 0, 1);
    expect(r.map((x) => x.emitted)).toEqual([0.5, 0.5, 2]);
    expect(r.map((x) => x.received)).toEqual([1, 1, 1]);
  });

  it('reads ρ, β and θ from an SDM result whatever the W·x spelling', () => {
    const step = {
      stepId: 's',
      tableId: 't',
      columnId: 'c',
      result: handMadeResult('sdm', 'CI', ['AIT'], 0),
    };
    expect(sdmParameters(step, 'AIT')).toEqual({ rho: 0.3, beta: -0.5, theta: -0.9 });
    step.result.coefficients[2].term = 'W.AIT'; // rho, AIT, W*AIT
    expect(sdmParameters(step, 'AIT')?.theta).toBe(-0.9);
    expect(sdmParameters(step, 'ED')).toBeUndefined();
  });

  it('the default study gives LISA maps of CI and AIT under W1 and an effects map per SDM column', () => {
    const study = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
    const rows = syntheticRows();
    const maps = spatialMaps(study, handMadeRun(study), rows);
    expect(maps.lisa.map((m) => m.title)).toEqual([
      'LISA clusters of CI, 2021 (W1, p < 0.05)',
      'LISA clusters of AIT, 2021 (W1, p < 0.05)',
    ]);
    expect(maps.lisa[0].rows).toHaveLength(30);
    expect(maps.effects.map((m) => m.title.match(/under (W\d)/)![1])).toEqual(['W1', 'W2', 'W3']);
    expect(maps.effects[0].values).toHaveLength(30);
    expect(maps.notes).toEqual([]);
  });

  it('a map that cannot be drawn is left out with the reason, not fatal', () => {
    const study = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
    const rows = syntheticRows().map(({ ED: _, ...r }) => r);
    const maps = spatialMaps(study, handMadeRun(study), rows);
    expect(maps.effects.map((m) => m.title.match(/under (W\d)/)![1])).toEqual(['W1', 'W3']);
    expect(maps.notes).toEqual([
      expect.stringMatching(
        /^SDM effects table11\/W2: weights\.W2: economic distance needs "ED" in the panel/,
      ),
    ]);
  });
});
