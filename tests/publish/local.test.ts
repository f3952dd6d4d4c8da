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
    // S = (4/3)·[[2.5, 2], [2, 2.5]] → direct 10/3, indirect 8/3, total 6 = (β + θ)/(1 − ρ).
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
      expect(row.indirect).toBeCloseTo(8 / 3, 12);
      expect(row.total).toBeCloseTo(6, 12);
    }
    expect(r.map((x) => x.province)).toEqual(['A', 'B']);
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
