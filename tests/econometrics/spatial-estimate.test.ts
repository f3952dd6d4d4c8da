import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEstimate } from '../../cli/commands/estimate';
import { toDense } from '../../econometrics/spatial/weights';
import { provinceContiguity } from '../../study/weights';
import { expectClose, spatialGolden } from './spatial-golden';

const golden = spatialGolden();
const dir = mkdtempSync(join(tmpdir(), 'aicarbon-spatial-'));
const w = provinceContiguity();
const wPath = join(dir, 'W.csv');
writeFileSync(
  wPath,
  [['id', ...w.ids].join(','), ...toDense(w).map((r, i) => [w.ids[i], ...r].join(','))].join('\n'),
);
const data = new URL('../fixtures/spatial_provinces.csv', import.meta.url).pathname;

function spec(body: Record<string, unknown>): string {
  const p = join(dir, `${String(body.estimator)}.json`);
  writeFileSync(p, JSON.stringify(body));
  return p;
}

describe('aicarbon estimate with spatial estimators and --weights', () => {
  it('sdm: rho row, W*x rows, loglik, effects, LM and LR tests when asked for', () => {
    const res = runEstimate({
      data,
      spec: spec({
        estimator: 'sdm',
        y: 'y',
        x: ['x1', 'x2'],
        spatial: { simulations: 200, lmTests: true, lrTests: true },
      }),
      weights: wPath,
    });
    expect(res.coefficients.map((c) => c.term)).toEqual(['rho', 'x1', 'x2', 'W*x1', 'W*x2']);
    expectClose(res.coefficients[0].estimate, golden.provinces_cont.sdm.rho, 1e-6, 'rho');
    expectClose(res.statistics.loglik, golden.provinces_cont.sdm.loglik, 1e-6, 'loglik');
    expect(res.effects!.map((e) => e.term)).toEqual(['x1', 'x2']);
    expectClose(res.statistics.lm_lag, golden.provinces_cont.lm.LMlag.statistic, 1e-6, 'LMlag');
    expectClose(res.statistics.lr_sar, golden.provinces_cont.lr_sdm_sar, 1e-6, 'LR sar');
  });

  it('sdm, sar: no LM or LR tests unless the spec asks for them (no extra fits)', () => {
    for (const estimator of ['sdm', 'sar']) {
      const res = runEstimate({
        data,
        spec: spec({ estimator, y: 'y', x: ['x1', 'x2'], spatial: { simulations: 50 } }),
        weights: wPath,
      });
      expect(Object.keys(res.statistics).filter((k) => /^(lm|rlm|lr)_/.test(k))).toEqual([]);
      expect(res.statistics.loglik).toBeDefined();
    }
  });

  it('moran: one row per year, and a pooled row only when asked for', () => {
    const res = runEstimate({
      data,
      spec: spec({ estimator: 'moran', y: 'y', spatial: { permutations: 99 } }),
      weights: wPath,
    });
    expect(res.moran!.map((m) => m.time)).toEqual(golden.years);
    const pooled = runEstimate({
      data,
      spec: spec({ estimator: 'moran', y: 'y', spatial: { permutations: 99, pooled: true } }),
      weights: wPath,
    });
    expect(pooled.moran!.length).toBe(golden.years.length + 1);
    expect(pooled.moran!.at(-1)!.time).toBe('pooled');
    expectClose(pooled.moran!.at(-1)!.I, golden.moran_pooled.I, 1e-6, 'pooled I');
    expectClose(res.moran![0].I, golden.moran_cont[0].I, 1e-6, 'I');
    expect(res.moran![0].p_permutation).toBeGreaterThan(0);
  });

  it('without --weights the error says what is needed', () => {
    expect(() => runEstimate({ data, spec: spec({ estimator: 'sar', y: 'y', x: ['x1'] }) })).toThrow(
      /--weights W\.csv/,
    );
  });
});
