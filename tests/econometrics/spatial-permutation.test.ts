/**
 * Permutation inference on Moran's I against R (reference/spatial_permutation.R): the global
 * permutation p-value under spdep's moran.mc rule and Phipson & Smyth's, on the permutations moran.mc
 * drew; LISA conditional-permutation p-values, their Benjamini–Hochberg adjustment and the cluster
 * labels from the chosen p, on saved draws. Exact (the same permutations give the same counts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, localMoran, moranI, type Alternative } from '../../econometrics/spatial/moran';
import { provinceContiguity } from '../../study/weights';
import { expectClose, fixtureRows } from './spatial-golden';

interface Golden {
  ids: string[];
  global: ({ year: number; permutations: number[][]; I: number } & Record<string, number>)[];
  lisa: {
    nsim: number;
    draws: number[][][];
    Ii: number[];
    p_value: number[];
    p_permutation: number[];
    p_bh: number[];
    cluster_bh: string[];
    cluster_permutation: string[];
    p_bh_analytical: number[];
  };
}
const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/spatial_permutation.json', import.meta.url), 'utf8'),
) as Golden;
const w = provinceContiguity();
const rows = fixtureRows('spatial_provinces');
const valuesIn = (year: number) =>
  w.ids.map((id) => Number(rows.find((r) => r.province === id && Number(r.year) === year)!.y));

describe("Moran's I permutation p-values", () => {
  it('uses the provinces in the order R does', () => {
    expect([...w.ids]).toEqual(golden.ids);
  });

  for (const g of golden.global) {
    for (const alternative of ['greater', 'less', 'two.sided'] as Alternative[]) {
      it(`${g.year}, ${alternative}: spdep's moran.mc and Phipson–Smyth on moran.mc's permutations`, () => {
        const x = valuesIn(g.year);
        const at = (rule: 'spdep' | 'phipson-smyth') =>
          moranI(w, x, g.year, { alternative, permutationP: rule, savedPermutations: g.permutations });
        const spdep = at('spdep');
        expectClose(spdep.I, g.I, 1e-10, 'I');
        expect(spdep.p_permutation).toBeCloseTo(g[`spdep_${alternative}`], 12);
        expect(at('phipson-smyth').p_permutation).toBeCloseTo(g[`phipson_smyth_${alternative}`], 12);
      });
    }
  }

  it("spdep's rule is max(#{I* > I}, 1)/(nsim + 1): 1/(nsim + 1) below Phipson–Smyth's when nothing ties", () => {
    const g = golden.global[1];
    const x = valuesIn(g.year);
    const p = (rule: 'spdep' | 'phipson-smyth') =>
      moranI(w, x, g.year, { permutationP: rule, savedPermutations: g.permutations }).p_permutation!;
    expect(p('phipson-smyth') - p('spdep')).toBeCloseTo(1 / 200, 12);
  });
});

describe('LISA conditional permutations', () => {
  const x = valuesIn(2021);
  const lisa = golden.lisa;
  const at = (labelsFrom?: 'analytical' | 'permutation' | 'permutation-bh') =>
    localMoran(w, x, { savedDraws: lisa.draws, labelsFrom });

  it('p-values, Benjamini–Hochberg adjustment and labels from the adjusted p agree with R', () => {
    const r = at();
    r.forEach((row, i) => {
      expectClose(row.Ii, lisa.Ii[i], 1e-10, `I_${row.id}`);
      expect(row.p_permutation, row.id).toBeCloseTo(lisa.p_permutation[i], 12);
      expect(row.p_bh, row.id).toBeCloseTo(lisa.p_bh[i], 12);
    });
    expect(r.map((row) => row.cluster)).toEqual(lisa.cluster_bh);
    expect(at('permutation').map((row) => row.cluster)).toEqual(lisa.cluster_permutation);
  });

  it('without permutations: analytical p-values, adjusted by BH', () => {
    const r = localMoran(w, x);
    r.forEach((row, i) => {
      expect(row.p_permutation).toBeUndefined();
      expect(row.p_bh).toBeCloseTo(lisa.p_bh_analytical[i], 12);
    });
    expect(() => localMoran(w, x, { labelsFrom: 'permutation' })).toThrow(/need permutations/);
  });

  it('draws its own permutations reproducibly under a seed', () => {
    const a = localMoran(w, x, { permutations: 999, seed: 3 });
    const b = localMoran(w, x, { permutations: 999, seed: 3 });
    expect(a.map((r) => r.p_permutation)).toEqual(b.map((r) => r.p_permutation));
    // With 999 draws the pseudo p-values are multiples of 1/1000, at most 0.5.
    for (const r of a) {
      expect(Math.round(r.p_permutation! * 1000) / 1000).toBeCloseTo(r.p_permutation!, 12);
      expect(r.p_permutation!).toBeLessThanOrEqual(0.5);
    }
  });

  it('Benjamini–Hochberg as R p.adjust on a hand example', () => {
    // Sorted 0.01, 0.03, 0.04, 0.5 → n·p/rank = 0.04, 0.06, 0.0533, 0.5; running minimum from the top.
    const adj = Array.from(benjaminiHochberg([0.01, 0.04, 0.03, 0.5]));
    [0.04, (4 / 3) * 0.04, (4 / 3) * 0.04, 0.5].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 15));
  });
});
