/**
 * The dynamic spatial panel models against the explicit-matrix R implementation of the bias-corrected
 * QML (reference/lib/dynamic_qml.R, run by reference/spatial_dynamic.R → reference/golden/
 * spatial_dynamic.json) on SYNTHETIC dynamic panels with known τ, ψ, ρ: the provinces' W1 (N = 30), an
 * 8 × 8 queen grid and a 24 × 24 rook grid (N = 576: the banded sparse path), entity and two-way effects.
 * R locates ρ with optimize(tol = 1e-12) on the same concentrated likelihood, so everything agrees to
 * 1e-6; simulated SEs come from different generators (R's mvrnorm, ours MT19937) and agree to their
 * Monte Carlo error. The static special case is tied to spatialreg's goldens (reference/spatial.R).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError, InputError } from '../../common/errors';
import { estimate } from '../../econometrics/estimate';
import { dynamicPanelData, dynamicSpatialFit, stability } from '../../econometrics/spatial/dynamic';
import { dynamicSpatialModel, type DynamicSpatialOptions } from '../../econometrics/spatial/dynamic-model';
import { jacobian } from '../../econometrics/spatial/ml';
import { weightsFromDense, type WeightsMatrix } from '../../econometrics/spatial/weights';
import { provinceContiguity } from '../../study/weights';
import { Panel } from '../../panel';
import { expectClose, fixtureRows, spatialGolden } from './spatial-golden';

interface EffectsGolden {
  term: string[];
  direct: number[];
  indirect: number[];
  total: number[];
  direct_se: number[];
  indirect_se: number[];
  total_se: number[];
}

interface DynamicGolden {
  terms: string[];
  estimate: number[];
  std_error: number[];
  vcov: number[][];
  sigma2: number;
  sigma2_qml: number;
  loglik: number;
  qml_estimate: number[];
  kurtosis: number;
  stability: number;
  periods: number;
  nobs: number;
  effects_short: EffectsGolden;
  effects_long: EffectsGolden | null;
  long_draws_excluded: number;
}

const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/spatial_dynamic.json', import.meta.url), 'utf8'),
) as Record<string, DynamicGolden>;

function grid(g: number, queen: boolean, prefix: string, digits: number): WeightsMatrix {
  const ids = Array.from({ length: g * g }, (_, i) => `${prefix}${String(i + 1).padStart(digits, '0')}`);
  const dense = ids.map((_, i) =>
    ids.map((__, j) => {
      const dr = Math.abs(Math.floor(i / g) - Math.floor(j / g));
      const dc = Math.abs((i % g) - (j % g));
      return i !== j && (queen ? dr <= 1 && dc <= 1 : dr + dc === 1) ? 1 : 0;
    }),
  );
  return weightsFromDense(ids, dense, `${g}x${g} grid`);
}

const data = {
  provinces: {
    panel: Panel.fromRows(fixtureRows('spatial_dynamic_provinces'), { entity: 'province', time: 'year' }),
    w: provinceContiguity(),
  },
  grid: {
    panel: Panel.fromRows(fixtureRows('spatial_dynamic_grid'), { entity: 'id', time: 'time' }),
    w: grid(8, true, 'g', 2),
  },
  grid24: {
    panel: Panel.fromRows(fixtureRows('spatial_dynamic_grid24'), { entity: 'id', time: 'time' }),
    w: grid(24, false, 'c', 3),
  },
};

type Case = Partial<DynamicSpatialOptions> & { data: keyof typeof data };
const cases: Record<string, Case> = {
  provinces_sdm_entity: { data: 'provinces' },
  provinces_sdm_twoways: { data: 'provinces', effects: 'twoways' },
  provinces_sar_entity: { data: 'provinces', model: 'sar' },
  provinces_sdm_entity_none: { data: 'provinces', biasCorrection: 'none' },
  provinces_sdm_entity_ylag: { data: 'provinces', wylag: false },
  provinces_sar_twoways_wylag: { data: 'provinces', model: 'sar', effects: 'twoways', ylag: false },
  provinces_static_corrected: { data: 'provinces', ylag: false, wylag: false },
  provinces_static_none: { data: 'provinces', ylag: false, wylag: false, biasCorrection: 'none' },
  grid_sdm_entity: { data: 'grid' },
  grid_sdm_twoways: { data: 'grid', effects: 'twoways' },
  grid24_sdm_entity: { data: 'grid24' },
  grid24_sdm_twoways: { data: 'grid24', effects: 'twoways' },
};

function optionsOf(c: Case): DynamicSpatialOptions {
  return {
    model: 'sdm',
    y: 'y',
    x: ['x1', 'x2'],
    weights: data[c.data].w,
    effects: 'entity',
    ylag: true,
    wylag: true,
    biasCorrection: 'yu-dejong-lee',
    simulations: 5000,
    seed: 11,
    ...c,
  };
}

const seDeviations: { what: string; dev: number }[] = [];

describe('dynamic spatial panel models against the R reference (bias-corrected QML)', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const ref = golden[name];
      const o = optionsOf(c);
      const d = dynamicPanelData(data[c.data].panel, { ...o, durbin: o.model === 'sdm' });
      const fit = dynamicSpatialFit(o.weights, d, { ...o, durbin: o.model === 'sdm' });
      expect([...fit.names, 'rho']).toEqual(ref.terms);
      ref.estimate.forEach((e, i) => expectClose(fit.params[i], e, 1e-6, ref.terms[i]));
      ref.qml_estimate.forEach((e, i) => expectClose(fit.qml.params[i], e, 1e-6, `qml ${ref.terms[i]}`));
      ref.vcov.forEach((row, i) =>
        row.forEach((v, j) =>
          expectClose(
            fit.vcov.get(i, j) / ref.std_error[i] / ref.std_error[j],
            v / ref.std_error[i] / ref.std_error[j],
            1e-6,
            `vcov ${ref.terms[i]},${ref.terms[j]}`,
          ),
        ),
      );
      expectClose(fit.sigma2, ref.sigma2, 1e-6, 'sigma2');
      expectClose(fit.qml.sigma2, ref.sigma2_qml, 1e-6, 'sigma2 qml');
      expectClose(fit.qml.loglik, ref.loglik, 1e-6, 'loglik');
      expectClose(fit.kurtosis, ref.kurtosis, 1e-6, 'kurtosis');
      expect(d.T).toBe(ref.periods);

      const res = dynamicSpatialModel(data[c.data].panel, o);
      expect(res.nobs).toBe(ref.nobs);
      const byTerm = new Map(res.coefficients.map((r) => [r.term, r]));
      ref.terms.forEach((t, i) => {
        expectClose(byTerm.get(t)!.estimate, ref.estimate[i], 1e-6, t);
        expectClose(byTerm.get(t)!.std_error, ref.std_error[i], 1e-6, `se ${t}`);
      });
      if (c.ylag !== false || c.wylag !== false) {
        if (res.statistics.long_run_margin_z >= 4) expect(res.statistics.effects_long_excluded).toBe(0);
        else expect(ref.long_draws_excluded).toBeGreaterThan(0);
        if (fit.stability.exact)
          expectClose(res.statistics.spectral_radius, ref.stability, 1e-6, 'stability');
        else expect(res.statistics.spectral_radius).toBeGreaterThanOrEqual(ref.stability - 1e-6);
      }
      for (const [horizon, e] of [
        ['short', ref.effects_short],
        ['long', ref.effects_long],
      ] as const) {
        if (!e) {
          expect(res.effects!.some((r) => r.horizon === horizon)).toBe(false);
          continue;
        }
        e.term.forEach((term, k) => {
          const row = res.effects!.find((r) => r.term === term && (r.horizon ?? 'short') === horizon)!;
          for (const key of ['direct', 'indirect', 'total'] as const) {
            expectClose(row[key], e[key][k], 1e-6, `${horizon} ${key} ${term}`);
            // Simulated SEs from different generators: R's 20,000 draws against our 5,000 (the standard
            // deviation of a 5,000-draw standard deviation is about 1% for a normal statistic, more for
            // the heavier-tailed long-run ratios).
            const dev = Math.abs(row[`${key}_se`] / e[`${key}_se`][k] - 1);
            seDeviations.push({ what: `${name} ${horizon} ${key} ${term}`, dev });
            // Near τ + ψ + ρ = 1 the long-run ratio has no finite variance: its simulated SE is
            // not comparable across generators, and the result says so.
            if (horizon === 'short' || res.statistics.long_run_margin_z >= 4)
              expect(dev).toBeLessThan(horizon === 'short' ? 0.05 : 0.08);
            else expect(res.warnings!.join(' ')).toMatch(/standard errors from 1: the long-run multiplier/);
          }
        });
      }
    });
  }

  it('takes the exact eigenvalue path at N = 64 and the banded sparse path at N = 576', () => {
    expect(jacobian(data.grid.w).method).toBe('eigen');
    expect(jacobian(data.grid24.w).method).toBe('cholesky');
  });
});

describe('the spec reaches the dynamic model (spec.spatial.dynamic, spec.spatial.biasCorrection)', () => {
  it('sdm and sar with spatial.dynamic are the R reference’s bias-corrected fits', () => {
    const { panel, w } = data.provinces;
    for (const [name, model, extra] of [
      ['provinces_sdm_entity', 'sdm', {}],
      ['provinces_sdm_twoways', 'sdm', { effects: 'twoways' }],
      ['provinces_sar_entity', 'sar', {}],
      ['provinces_sdm_entity_none', 'sdm', { spatial: { dynamic: {}, biasCorrection: 'none' } }],
      ['provinces_sdm_entity_ylag', 'sdm', { spatial: { dynamic: { wylag: false } } }],
    ] as const) {
      const res = estimate(
        panel,
        {
          estimator: model,
          y: 'y',
          x: ['x1', 'x2'],
          spatial: { dynamic: {}, simulations: 200, seed: 3 },
          ...extra,
        },
        { weights: w },
      );
      const ref = golden[name];
      const byTerm = new Map(res.coefficients.map((r) => [r.term, r]));
      expect([...byTerm.keys()].sort(), name).toEqual([...ref.terms].sort());
      ref.terms.forEach((t, i) => {
        expectClose(byTerm.get(t)!.estimate, ref.estimate[i], 1e-6, `${name} ${t}`);
        expectClose(byTerm.get(t)!.std_error, ref.std_error[i], 1e-6, `${name} se ${t}`);
      });
      expect(res.statistics.bias_corrected, name).toBe(name.endsWith('_none') ? 0 : 1);
      expect(res.effects!.map((e) => e.horizon)).toContain('long');
      // No per-province impacts for the dynamic model (the report's maps show the static SDM's).
      expect(res.entityEffects).toBeUndefined();
    }
  });
});

describe('the static special case is spatialreg (reference/golden/spatial.json)', () => {
  const sg = spatialGolden().provinces_cont;
  const panel = Panel.fromRows(fixtureRows('spatial_provinces'), { entity: 'province', time: 'year' });
  for (const model of ['sdm', 'sar'] as const) {
    it(model, () => {
      const ref = model === 'sdm' ? sg.sdm : sg.sar;
      const res = dynamicSpatialModel(panel, {
        ...optionsOf({ data: 'provinces' }),
        weights: provinceContiguity(),
        model,
        ylag: false,
        wylag: false,
        biasCorrection: 'none',
      });
      const rName = (t: string) => (t.startsWith('W*') ? `lag.${t.slice(2)}` : t);
      expect(res.coefficients.map((c) => rName(c.term))).toEqual(ref.vcov_names);
      res.coefficients.forEach((c, i) => {
        const key = ref.vcov_names[i];
        expectClose(c.estimate, key === 'rho' ? ref.rho : ref.coefficients[key], 1e-6, key);
        expectClose(c.std_error, Math.sqrt(ref.vcov[i][i]), 1e-6, `se ${key}`);
      });
      expectClose(res.statistics.loglik, ref.loglik, 1e-6, 'loglik');
      expectClose(res.statistics.sigma2, ref.sigma2, 1e-6, 'sigma2');
      const imp = model === 'sdm' ? sg.impacts_sdm : sg.impacts_sar;
      imp.term.forEach((term, k) => {
        const row = res.effects!.find((r) => r.term === term)!;
        expect(row.horizon).toBeUndefined();
        for (const key of ['direct', 'indirect', 'total'] as const)
          expectClose(row[key], imp[key][k], 1e-6, key);
      });
    });
  }
});

describe('dynamic spatial model: input and stationarity', () => {
  const { w } = data.provinces;
  it('names every missing province-year of an unbalanced panel', () => {
    const rows = fixtureRows('spatial_dynamic_provinces').filter(
      (r) =>
        !(r.province === 'BJ' && (r.year === '2013' || r.year === '2014')) &&
        !(r.province === 'XJ' && r.year === '2021'),
    );
    const p = Panel.fromRows(rows, { entity: 'province', time: 'year' });
    expect(() => dynamicSpatialModel(p, optionsOf({ data: 'provinces' }))).toThrow(
      /not balanced: 3 province-years missing \(y, x1, x2\) over 2011–2021.*: BJ 2013, 2014; XJ 2021$/,
    );
    // The data cannot support this column (recorded, the study goes on), as for the static model.
    expect(() => dynamicSpatialModel(p, optionsOf({ data: 'provinces' }))).toThrow(DataError);
    // One missing value of one regressor is named with its variable.
    const gap = fixtureRows('spatial_dynamic_provinces').map((r) =>
      r.province === 'SC' && r.year === '2016' ? { ...r, x2: '' } : r,
    );
    expect(() =>
      dynamicSpatialModel(
        Panel.fromRows(gap, { entity: 'province', time: 'year' }),
        optionsOf({ data: 'provinces' }),
      ),
    ).toThrow(/1 province-year missing \(x2\).*: SC 2016$/);
  });

  it('refuses a province outside W as an input mistake', () => {
    const rows = fixtureRows('spatial_dynamic_provinces');
    const stranger = Panel.fromRows([...rows, { ...rows[0], province: 'TW' }], {
      entity: 'province',
      time: 'year',
    });
    const fit = () => dynamicSpatialModel(stranger, optionsOf({ data: 'provinces' }));
    expect(fit).toThrow(InputError);
    expect(fit).toThrow(/province TW is not in the weights matrix/);
  });

  it('refuses a gap year (y_{t−1} needs consecutive periods)', () => {
    const rows = fixtureRows('spatial_dynamic_provinces').filter((r) => r.year !== '2015');
    const p = Panel.fromRows(rows, { entity: 'province', time: 'year' });
    expect(() => dynamicSpatialModel(p, optionsOf({ data: 'provinces' }))).toThrow(
      /no year between 2014 and 2016/,
    );
    expect(() => dynamicSpatialModel(p, optionsOf({ data: 'provinces' }))).toThrow(DataError);
  });

  it('states the stationarity condition with the values', () => {
    const J = jacobian(w);
    const bad = stability(w, J, 0.6, 0.3, 0.2, false, 'the estimates');
    expect(bad.stationary).toBe(false);
    // The largest |τ + ψω|/|1 − ρω| is at ω = 1 here: (τ + ψ)/(1 − ρ).
    expect(bad.radius).toBeCloseTo(0.9 / 0.8, 12);
    expect(bad.condition).toMatch(/leave the stationary region.*τ \+ ψ \+ ρ < 1 \(here 1\.10000\)/);
    // With time effects W's unit eigenvalue is removed: the same values may be stationary.
    const tw = stability(w, J, 0.6, 0.3, 0.2, true, 'the estimates');
    expect(tw.radius).toBeLessThan(bad.radius);
    // Large N: exact at ω = 1, a bound elsewhere.
    const big = data.grid24.w;
    const s = stability(big, jacobian(big), 0.6, 0.3, 0.2, false, 'the estimates');
    expect(s.exact).toBe(false);
    expect(s.stationary).toBe(false);
    expect(s.condition).toMatch(/τ \+ ψ \+ ρ < 1 fails/);
  });

  it('errors when the estimates leave the stationary region, or warns when asked', () => {
    // A panel with a unit root and strong spatial dependence: y_t = y_{t−1} + 0.5·W y_t + x_t + v_t,
    // v_t uniform on (−0.5, 0.5) from a fixed linear congruential generator.
    const rows = fixtureRows('spatial_dynamic_provinces');
    const p0 = Panel.fromRows(rows, { entity: 'province', time: 'year' });
    const ids = w.ids;
    const byKey = new Map(rows.map((r) => [`${r.province}|${r.year}`, r]));
    const years = [...new Set(rows.map((r) => Number(r.year)))].sort();
    let prev = new Float64Array(w.n);
    let seed = 12345;
    const out: Record<string, string | number>[] = [];
    for (const t of years) {
      const rhs = ids.map(
        (id, i) =>
          prev[i] +
          Number(byKey.get(`${id}|${t}`)!.x1) +
          0.3 * Number(byKey.get(`${id}|${t}`)!.x2) +
          ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5),
      );
      let y = Float64Array.from(rhs);
      for (let it = 0; it < 200; it++) {
        const wy = new Float64Array(w.n);
        for (let i = 0; i < w.n; i++)
          for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) wy[i] += w.values[k] * y[w.colIdx[k]];
        y = Float64Array.from(rhs, (v, i) => v + 0.5 * wy[i]);
      }
      ids.forEach((id, i) =>
        out.push({
          province: id,
          year: t,
          y: y[i],
          x1: byKey.get(`${id}|${t}`)!.x1,
          x2: byKey.get(`${id}|${t}`)!.x2,
        }),
      );
      prev = y;
    }
    expect(p0.nrows).toBe(out.length);
    const p = Panel.fromRows(out, { entity: 'province', time: 'year' });
    expect(() => dynamicSpatialModel(p, optionsOf({ data: 'provinces' }))).toThrow(DataError);
    expect(() => dynamicSpatialModel(p, optionsOf({ data: 'provinces' }))).toThrow(
      /leave the stationary region: the spectral radius of A = \(I − ρW\)⁻¹\(τI \+ ψW\).*τ \+ ψ \+ ρ < 1/,
    );
    const res = dynamicSpatialModel(p, { ...optionsOf({ data: 'provinces' }), stationarity: 'warn' });
    expect(res.warnings!.join(' ')).toMatch(/leave the stationary region/);
    expect(res.statistics.spectral_radius).toBeGreaterThanOrEqual(1);
    // τ + ψ + ρ ≥ 1 here: no long-run equilibrium, so the long-run rows are blank, their SEs too.
    const sum = ['L.y', 'W*L.y', 'rho'].reduce(
      (a, t) => a + res.coefficients.find((c) => c.term === t)!.estimate,
      0,
    );
    expect(sum).toBeGreaterThanOrEqual(1);
    expect(res.warnings!.join(' ')).toMatch(/≥ 1: no long-run equilibrium at the estimates/);
    const long = res.effects!.filter((e) => e.horizon === 'long');
    expect(long).toHaveLength(2);
    for (const e of long)
      for (const k of ['direct', 'direct_se', 'indirect', 'indirect_se', 'total', 'total_se'] as const)
        expect(e[k], k).toBeNaN();
    for (const e of res.effects!.filter((e) => e.horizon === 'short'))
      expect(Number.isFinite(e.total_se)).toBe(true);
  });
});
