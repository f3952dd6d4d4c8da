import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEstimate } from '../../cli/commands/estimate';
import { provinceContiguity, toDense } from '../../econometrics/spatial/weights';
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
  it('sdm: rho row, W*x rows, loglik, effects, LM tests', () => {
    const res = runEstimate({
      data,
      spec: spec({ estimator: 'sdm', y: 'y', x: ['x1', 'x2'], spatial: { simulations: 200 } }),
      weights: wPath,
    });
    expect(res.coefficients.map((c) => c.term)).toEqual(['rho', 'x1', 'x2', 'W*x1', 'W*x2']);
    expectClose(res.coefficients[0].estimate, golden.provinces_cont.sdm.rho, 1e-6, 'rho');
    expectClose(res.statistics.loglik, golden.provinces_cont.sdm.loglik, 1e-6, 'loglik');
    expect(res.effects!.map((e) => e.term)).toEqual(['x1', 'x2']);
    expectClose(res.statistics.lm_lag, golden.provinces_cont.lm.LMlag.statistic, 1e-6, 'LMlag');
  });

  it('moran: one row per year and a pooled row', () => {
    const res = runEstimate({
      data,
      spec: spec({ estimator: 'moran', y: 'y', spatial: { permutations: 99 } }),
      weights: wPath,
    });
    expect(res.moran!.length).toBe(golden.years.length + 1);
    expectClose(res.moran![0].I, golden.moran_cont[0].I, 1e-6, 'I');
    expect(res.moran![0].p_permutation).toBeGreaterThan(0);
  });

  it('without --weights the error says what is needed', () => {
    expect(() => runEstimate({ data, spec: spec({ estimator: 'sar', y: 'y', x: ['x1'] }) })).toThrow(
      /--weights W\.csv/,
    );
  });
});
