/**
 * The wild restricted efficient bootstrap of FE-2SLS (spec.inference.wild on an `iv` column) against
 * reference/golden/wild_iv.json (reference/wild_iv.R: explicit R code refitting every bootstrap sample by
 * 2SLS, cross-checked with AER::ivreg + sandwich::vcovCL): exactly R's p-value and, to 1e-6, its
 * test-inversion interval on R's saved Webb draws (entity, two-way, pooled, over-identified) and on all
 * 2^8 Rademacher vectors of the 8 Central provinces; then what no reference is needed for (seed, ties).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import { WEBB } from '../../econometrics/inference/wild-bootstrap';
import { fixturePanel, relClose } from './golden';

interface Case {
  name: string;
  data: string;
  spec: Record<string, unknown>;
  clusters?: string[];
  draws?: string[];
  reps?: number;
  coefficients: {
    term: string;
    estimate: number;
    p_value_wild: number;
    ci_wild_lower: number;
    ci_wild_upper: number;
  }[];
}
const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/wild_iv.json', import.meta.url), 'utf8'),
) as { cases: Case[] };
const panel = fixturePanel('provinces30');

describe('the WRE bootstrap of FE-2SLS agrees with explicit R refits', () => {
  it('has the cases: saved Webb draws (entity, two-way, pooled, over-identified) and the enumerated 8 clusters', () => {
    expect(golden.cases.map((c) => c.name)).toEqual([
      'provinces iv entity wre webb saved draws',
      'provinces iv twoways wre webb saved draws',
      'provinces iv pooled wre webb saved draws',
      'provinces iv overidentified wre webb saved draws',
      'provinces iv Central wre rademacher enumerated',
    ]);
  });

  for (const c of golden.cases) {
    it(c.name, () => {
      let options = {};
      if (c.draws) {
        const G = c.clusters!.length;
        const weights = new Float64Array(c.draws.length * G);
        c.draws.forEach((d, b) => {
          for (let g = 0; g < G; g++) weights[b * G + g] = WEBB[Number(d[g])];
        });
        options = { wildDraws: { clusters: c.clusters!.map(String), weights } };
      }
      const result = estimate(panel, c.spec, options);
      // An unbounded side is stored as the string "Infinity" / "-Infinity".
      const raw = c.coefficients[0];
      const want = {
        ...raw,
        ci_wild_lower: Number(raw.ci_wild_lower),
        ci_wild_upper: Number(raw.ci_wild_upper),
      };
      const row = result.coefficients.find((r) => r.term === want.term)!;
      expect(relClose(row.estimate, want.estimate)).toBe(true);
      // p is a count over the draws: exactly R's.
      expect(row.p_value_wild).toBeCloseTo(want.p_value_wild, 12);
      expect(
        relClose(row.ci_wild_lower!, want.ci_wild_lower),
        `lower ${row.ci_wild_lower} vs ${want.ci_wild_lower}`,
      ).toBe(true);
      expect(
        relClose(row.ci_wild_upper!, want.ci_wild_upper),
        `upper ${row.ci_wild_upper} vs ${want.ci_wild_upper}`,
      ).toBe(true);
      expect(row.ci_wild_lower!).toBeLessThan(row.estimate);
      expect(row.ci_wild_upper!).toBeGreaterThan(row.estimate);
      expect(result.statistics.wild_wre).toBe(1);
      if (c.reps) {
        expect(result.statistics.wild_enumerated).toBe(1);
        expect(result.statistics.wild_reps).toBe(c.reps);
      } else {
        expect(result.statistics.wild_reps).toBe(c.draws!.length);
      }
    });
  }

  it('is reproducible under a seed and changes with it; the conventional rows are untouched', () => {
    const spec = (seed: number) => ({ ...golden.cases[0].spec, inference: { wild: { reps: 199, seed } } });
    const a = estimate(panel, spec(3)).coefficients[0];
    const b = estimate(panel, spec(3)).coefficients[0];
    const c = estimate(panel, spec(4)).coefficients[0];
    expect(b.p_value_wild).toBe(a.p_value_wild);
    expect(b.ci_wild_upper).toBe(a.ci_wild_upper);
    expect(c.ci_wild_upper).not.toBe(a.ci_wild_upper);
    const plain = estimate(panel, { ...golden.cases[0].spec, inference: undefined }).coefficients[0];
    expect(a.std_error).toBe(plain.std_error);
    expect(a.p_value).toBe(plain.p_value);
  });

  it('refuses clusters that do not nest the absorbed effects (time effects, province clusters)', () => {
    expect(() =>
      estimate(panel, { ...golden.cases[0].spec, effects: 'time', inference: { wild: { reps: 199 } } }),
    ).toThrow(
      /^spec\.inference\.wild: the wild cluster bootstrap needs clusters that nest the absorbed fixed effects/,
    );
  });
});
