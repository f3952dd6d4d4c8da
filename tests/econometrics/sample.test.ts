/**
 * e(sample): each estimator returns every row of the panel it was given, the used ones numbering N,
 * the others with why. Small hand-built panels (a missing value drops exactly its row, a lag the first
 * year), the GMM and dynamic-spatial rules checked against the periods they lose, written out here.
 */
import { describe, expect, it } from 'vitest';
import { estimate } from '../../econometrics/estimate';
import { ESTIMATOR_NAMES, needsWeights } from '../../econometrics/registry';
import type { EstimationResult, SampleRow } from '../../econometrics/result';
import { usedCount } from '../../econometrics/sample';
import { Panel } from '../../panel';
import { provinceContiguity } from '../../study/weights';
import { VALID_SPECS } from './contract-cases';
import { fixturePanel } from './golden';
import { fixtureRows } from './spatial-golden';

/** Three entities × four years; x is missing at B/2001. */
function small(): Panel {
  const rows = [];
  const ys: Record<string, number[]> = {
    A: [1, 2.5, 2.9, 4.2],
    B: [2, 2.2, 3.9, 4.1],
    C: [0.5, 1.7, 2.1, 3.8],
  };
  const xs: Record<string, (number | null)[]> = {
    A: [0.2, 0.9, 1.1, 1.9],
    B: [0.4, null, 1.6, 1.8],
    C: [0.1, 0.7, 0.8, 1.7],
  };
  for (const e of ['A', 'B', 'C'])
    for (let k = 0; k < 4; k++) rows.push({ id: e, year: 2000 + k, y: ys[e][k], x: xs[e][k], z: k * k });
  return Panel.fromRows(rows, { entity: 'id', time: 'year' });
}

const unused = (s: SampleRow[] | undefined) =>
  (s ?? []).filter((r) => !r.used).map((r) => `${r.entity}/${r.time}: ${r.reason}`);

function expectConsistent(res: EstimationResult, panel: Panel, what: string) {
  expect(res.sample, what).toBeDefined();
  expect(res.sample!.length, `${what}: one row per panel row`).toBe(panel.nrows);
  expect(usedCount(res.sample!), `${what}: used rows = N`).toBe(res.nobs);
  for (const r of res.sample!) if (!r.used) expect(r.reason, what).toBeTruthy();
}

describe('e(sample) of the linear estimators', () => {
  const panel = small();

  it('a missing value drops exactly that row, named with the term', () => {
    for (const estimator of ['ols', 'fe'] as const) {
      const res = estimate(panel, { estimator, y: 'y', x: ['x'] });
      expect(res.nobs).toBe(11);
      expectConsistent(res, panel, estimator);
      expect(unused(res.sample)).toEqual(['B/2001: missing x']);
    }
  });

  it('a lag drops the first year of every entity, and the year after the missing value', () => {
    const res = estimate(panel, { estimator: 'fe', y: 'y', x: ['L.x'] });
    expectConsistent(res, panel, 'fe L.x');
    // 12 rows − 3 first years − B/2002 (its lag is the missing B/2001 value) − none else = 8.
    expect(res.nobs).toBe(8);
    expect(unused(res.sample)).toEqual([
      'A/2000: missing L.x (no 1999 row)',
      'B/2000: missing L.x (no 1999 row)',
      'B/2002: missing L.x',
      'C/2000: missing L.x (no 1999 row)',
    ]);
  });

  it('FE-2SLS, mediation and moderation drop the rows any of their variables miss', () => {
    const iv = estimate(panel, {
      estimator: 'iv',
      y: 'y',
      x: ['x'],
      endogenous: ['x'],
      instruments: ['z', 'L.z'],
    });
    expectConsistent(iv, panel, 'iv');
    expect(unused(iv.sample)).toEqual([
      'A/2000: missing L.z (no 1999 row)',
      'B/2000: missing L.z (no 1999 row)',
      'B/2001: missing x',
      'C/2000: missing L.z (no 1999 row)',
    ]);
    const med = estimate(panel, { estimator: 'mediation', y: 'y', x: ['z'], mediator: 'x' });
    expectConsistent(med, panel, 'mediation');
    expect(unused(med.sample)).toEqual(['B/2001: missing x']);
  });

  it('every linear estimator of the contracts on unbalanced Grunfeld: used rows = N', () => {
    const grunfeld = fixturePanel('grunfeld_unbalanced');
    // GMM on emplUK and the spatial estimators on the provinces below (Grunfeld identifies neither).
    const linear = ESTIMATOR_NAMES.filter((n) => !needsWeights(n) && !n.endsWith('gmm'));
    expect(linear).toEqual(['ols', 'fe', 'iv', 'vif', 'mediation', 'moderation']);
    for (const name of linear) {
      const res = estimate(grunfeld, VALID_SPECS[name]);
      expectConsistent(res, grunfeld, name);
    }
  });
});

describe('e(sample) of GMM: the province-years of the difference equations N counts', () => {
  const panel = Panel.fromRows(fixtureRows('emplUK'), { entity: 'firm', time: 'year' });
  const years = new Map<string, Set<number>>();
  for (let r = 0; r < panel.nrows; r++) {
    const set = years.get(panel.entityKeys[r]) ?? new Set<number>();
    set.add(panel.times[r]);
    years.set(panel.entityKeys[r], set);
  }
  const spec = (estimator: string) => ({
    estimator,
    y: 'lemp',
    x: ['lwage'],
    gmm: { ylags: [1], instruments: [{ variable: 'lemp', lags: [2, 99] }] },
  });

  it('difference GMM: a year is used when the firm has the two years before it (Δy_t, ΔL.y_t)', () => {
    const res = estimate(panel, spec('diffgmm'));
    expectConsistent(res, panel, 'diffgmm');
    // No value of emplUK is missing: Δlemp_t and ΔL.lemp_t need t − 1 and t − 2, Δlwage_t needs t − 1.
    for (const r of res.sample!) {
      const has = years.get(r.entity)!;
      expect(r.used, `${r.entity}/${r.time}`).toBe(has.has(r.time - 1) && has.has(r.time - 2));
    }
    // 1976 and 1977 have no difference equation at all (TL1 = 2 periods of the grid go to lags).
    expect(res.sample!.find((r) => r.time === 1977)!.reason).toMatch(/^no difference equation: the first 2/);
  });

  it('system GMM: the same N; a row that enters the levels equation only says so', () => {
    const res = estimate(panel, spec('sysgmm'));
    expectConsistent(res, panel, 'sysgmm');
    const diff = estimate(panel, spec('diffgmm'));
    expect(res.sample!.map((r) => r.used)).toEqual(diff.sample!.map((r) => r.used));
    // The levels equation at t needs y_t and L.y_t (t − 1) only: a firm's second year is in it.
    const levelsOnly = res.sample!.filter((r) => r.reason?.includes('levels equation only'));
    expect(levelsOnly.length).toBeGreaterThan(0);
    for (const r of levelsOnly) {
      const has = years.get(r.entity)!;
      expect(has.has(r.time - 1) && !has.has(r.time - 2), `${r.entity}/${r.time}`).toBe(true);
    }
  });
});

describe('e(sample) of the spatial estimators', () => {
  const panel = Panel.fromRows(fixtureRows('spatial_provinces'), { entity: 'province', time: 'year' });
  const weights = provinceContiguity();

  it('static SAR, SEM, SDM and Moran use the whole balanced panel', () => {
    for (const estimator of ['sar', 'sem', 'sdm'] as const) {
      const res = estimate(panel, { estimator, y: 'y', x: ['x1'] }, { weights });
      expectConsistent(res, panel, estimator);
      expect(res.nobs).toBe(panel.nrows);
    }
    const moran = estimate(panel, { estimator: 'moran', y: 'y' }, { weights });
    expectConsistent(moran, panel, 'moran');
  });

  it('the dynamic SDM leaves out the first year, which only supplies y_{t−1}', () => {
    const dyn = Panel.fromRows(fixtureRows('spatial_dynamic_provinces'), {
      entity: 'province',
      time: 'year',
    });
    const res = estimate(
      dyn,
      { estimator: 'sdm', y: 'y', x: ['x1'], spatial: { dynamic: {}, simulations: 50 } },
      { weights },
    );
    expectConsistent(res, dyn, 'dynamic sdm');
    const first = Math.min(...dyn.times);
    const out = res.sample!.filter((r) => !r.used);
    expect(out).toHaveLength(30);
    expect(out.every((r) => r.time === first && r.reason === 'first period: supplies y_{t−1} (L.y)')).toBe(
      true,
    );
  });
});
