/**
 * Small-cluster and IV inference against reference/golden/inference.json (reference/inference.R:
 * clubSandwich, plm vcovSCC / vcovDC, explicit WCR refits, leave-one-cluster-out refits, ivreg2's
 * formulas cross-checked with AER and sandwich): every deterministic case to 1e-6 relative; the wild
 * bootstrap exactly on R's saved Webb draws and, with our own draws, within Monte-Carlo error of R's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import { WEBB } from '../../econometrics/inference/wild-bootstrap';
import type { ClusterDiagnosticRow, CoefficientRow } from '../../econometrics/result';
import { fixturePanel, goldenCases, relClose, type GoldenCase } from './golden';

type Row = Partial<CoefficientRow> & { term: string };
type Case = GoldenCase & { coefficients: Row[]; clusters?: ClusterDiagnosticRow[] };
const all = goldenCases('inference') as Case[];
const cases = all.filter((c) => !c.montecarlo);

const FIELDS = [
  'estimate',
  'std_error',
  'statistic',
  'p_value',
  'df',
  'p_value_wild',
  'ci_wild_lower',
  'ci_wild_upper',
] as const;

function mismatches(c: Case, result: ReturnType<typeof estimate>): string[] {
  const out: string[] = [];
  const got = new Map(result.coefficients.map((r) => [r.term, r]));
  for (const want of c.coefficients) {
    const row = got.get(want.term);
    if (!row) {
      out.push(`missing term ${want.term}`);
      continue;
    }
    for (const k of FIELDS) {
      const w = want[k];
      if (w === undefined) continue;
      const v = row[k];
      if (v === undefined || !relClose(v, w)) out.push(`${want.term}.${k}: ${v} vs R ${w}`);
    }
  }
  for (const [k, want] of Object.entries(c.statistics)) {
    const v = result.statistics[k];
    if (v === undefined || !relClose(v, want)) out.push(`statistics.${k}: ${v} vs R ${want}`);
  }
  if (c.clusters) {
    const rows = new Map((result.clusters ?? []).map((r) => [r.cluster, r]));
    for (const want of c.clusters) {
      const row = rows.get(String(want.cluster));
      if (!row) {
        out.push(`missing cluster ${want.cluster}`);
        continue;
      }
      for (const k of ['nobs', 'leverage', 'partial_leverage', 'beta_jackknife'] as const) {
        if (!relClose(row[k], want[k])) out.push(`cluster ${want.cluster}.${k}: ${row[k]} vs R ${want[k]}`);
      }
    }
  }
  return out;
}

describe('small-cluster and IV inference agree with R to 1e-6', () => {
  it('has the cases the issue asks for', () => {
    const names = cases.map((c) => c.name).join('\n');
    for (const need of [
      'provinces fe cr2',
      'provinces fe Central cr3',
      'provinces fe by year cr3',
      'provinces iv cr2',
      'grunfeld fe twoways cr2',
      'provinces fe driscoll-kraay stata',
      'grunfeld fe maxlag 3 driscoll-kraay plm',
      'provinces fe two-way cluster stata',
      'grunfeld fe two-way cluster plm',
      'provinces fe Central wild rademacher enumerated',
      'provinces fe cluster diagnostics',
      'provinces iv diagnostics cluster',
      'provinces iv overidentified diagnostics robust',
    ]) {
      expect(names).toContain(need);
    }
  });

  for (const c of cases) {
    it(c.name, () => {
      const result = estimate(fixturePanel(c.data), c.spec);
      if (c.nobs !== null) expect(result.nobs).toBe(c.nobs);
      expect(mismatches(c, result)).toEqual([]);
    });
  }
});

describe('alternative covariance estimators next to the vce (spec.inference.vce)', () => {
  it('carry the same SEs, df and p-values as the vce itself', () => {
    const panel = fixturePanel('provinces30');
    const spec = { estimator: 'fe', y: 'CI', x: ['AIT', 'ED', 'ER', 'ECS', 'WF', 'OPEN'] };
    const both = estimate(panel, { ...spec, vce: 'cluster', inference: { vce: ['cr2', 'driscoll-kraay'] } });
    const cr2 = cases.find((c) => c.name === 'provinces fe cr2')!;
    const dk = cases.find((c) => c.name === 'provinces fe driscoll-kraay stata')!;
    for (const want of cr2.coefficients) {
      const row = both.coefficients.find((r) => r.term === want.term)!;
      expect(relClose(row.std_error_cr2!, want.std_error!)).toBe(true);
      expect(relClose(row.p_value_cr2!, want.p_value!)).toBe(true);
      expect(relClose(row.df_cr2!, want.df!)).toBe(true);
    }
    for (const want of dk.coefficients) {
      const row = both.coefficients.find((r) => r.term === want.term)!;
      expect(relClose(row.p_value_driscoll_kraay!, want.p_value!)).toBe(true);
    }
    // The vce itself is unchanged: the one-way cluster SEs.
    const one = estimate(panel, { ...spec, vce: 'cluster' });
    expect(both.coefficients.map((r) => r.std_error)).toEqual(one.coefficients.map((r) => r.std_error));
  });
});

interface DrawsCase {
  name: string;
  data: string;
  spec: Record<string, unknown>;
  clusters: string[];
  draws: string[];
  coefficients: Row[];
}

const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/inference.json', import.meta.url), 'utf8'),
) as { wild_draws: DrawsCase[] };

describe('the wild cluster restricted bootstrap', () => {
  for (const c of golden.wild_draws) {
    it(`${c.name}: exactly R's p-value and inverted interval on the same draws`, () => {
      const G = c.clusters.length;
      const weights = new Float64Array(c.draws.length * G);
      c.draws.forEach((d, b) => {
        for (let g = 0; g < G; g++) weights[b * G + g] = WEBB[Number(d[g])];
      });
      const result = estimate(fixturePanel(c.data), c.spec, {
        wildDraws: { clusters: c.clusters.map(String), weights },
      });
      expect(mismatches({ ...c, clusters: undefined, statistics: {} } as unknown as Case, result)).toEqual(
        [],
      );
      expect(result.statistics.wild_reps).toBe(c.draws.length);
    });
  }

  for (const c of all.filter((x) => x.montecarlo)) {
    it(`${c.name}: our 9,999 Webb draws agree with R's within Monte-Carlo error`, () => {
      const result = estimate(fixturePanel(c.data), c.spec);
      const want = c.coefficients[0];
      const row = result.coefficients.find((r) => r.term === want.term)!;
      // Two independent estimates of the same p: the difference has sd √(2p(1−p)/B); allow 4 sd.
      const p = want.p_value_wild!;
      const B = result.statistics.wild_reps;
      expect(Math.abs(row.p_value_wild! - p)).toBeLessThanOrEqual(
        4 * Math.sqrt((2 * p * (1 - p)) / B) + 1 / B,
      );
      // The interval ends move with the draws by much less than the interval's width.
      const width = want.ci_wild_upper! - want.ci_wild_lower!;
      expect(Math.abs(row.ci_wild_lower! - want.ci_wild_lower!)).toBeLessThan(0.05 * width);
      expect(Math.abs(row.ci_wild_upper! - want.ci_wild_upper!)).toBeLessThan(0.05 * width);
    });
  }

  const C = ['ED', 'ER', 'ECS', 'WF', 'OPEN'];
  const spec = (extra: Record<string, unknown>) => ({
    estimator: 'fe',
    y: 'CI',
    x: ['AIT', ...C],
    vce: 'cluster',
    ...extra,
  });
  const panel = fixturePanel('provinces30');

  it('is reproducible under a seed, changes with it, and enumerates when 2^G ≤ reps', () => {
    const wild = (seed: number) => ({ inference: { wild: { reps: 999, seed } } });
    const a = estimate(panel, spec(wild(3))).coefficients[0];
    const b = estimate(panel, spec(wild(3))).coefficients[0];
    const c = estimate(panel, spec(wild(4))).coefficients[0];
    expect(b.p_value_wild).toBe(a.p_value_wild);
    expect(b.ci_wild_lower).toBe(a.ci_wild_lower);
    expect(c.ci_wild_lower).not.toBe(a.ci_wild_lower);
    const central = estimate(
      panel,
      spec({
        subset: { by: 'region', values: ['Central'] },
        inference: { wild: { reps: 999, weights: 'rademacher', seed: 1 } },
      }),
    );
    const other = estimate(
      panel,
      spec({
        subset: { by: 'region', values: ['Central'] },
        inference: { wild: { reps: 999, weights: 'rademacher', seed: 2 } },
      }),
    );
    expect(central.statistics.wild_enumerated).toBe(1);
    expect(central.statistics.wild_reps).toBe(256);
    // Enumeration uses no random numbers: the seed does not matter.
    expect(other.coefficients[0].p_value_wild).toBe(central.coefficients[0].p_value_wild);
    // With 8 clusters, every p-value is a multiple of 1/256 (the symmetric ±v pairs make it even).
    expect((central.coefficients[0].p_value_wild! * 256) % 2).toBe(0);
  });

  it('contains the estimate in its interval, and the interval inverts the test', () => {
    const r = estimate(panel, spec({ inference: { wild: { reps: 999, seed: 5, level: 0.9 } } }));
    const row = r.coefficients[0];
    expect(row.ci_wild_lower!).toBeLessThan(row.estimate);
    expect(row.ci_wild_upper!).toBeGreaterThan(row.estimate);
    expect(r.statistics.wild_level).toBe(0.9);
  });
});
