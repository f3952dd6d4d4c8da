/**
 * LISA cluster labels for the report's map against spdep's localmoran "pysal" quadrants, significant at
 * 5% (reference/spatial_lisa.R → reference/golden/spatial_lisa.json): every year of the provincial panel
 * under contiguity and every period of the 24 × 24 grid panel.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localMoran } from '../../econometrics/spatial/moran';
import { weightsFromDense, type WeightsMatrix } from '../../econometrics/spatial/weights';
import { provinceContiguity } from '../../study/weights';
import { Panel } from '../../panel';
import { expectClose, fixtureRows } from './spatial-golden';

interface LisaGolden {
  time: number;
  cluster: string[];
  p_value: number[];
}

const golden = JSON.parse(
  readFileSync(new URL('../../reference/golden/spatial_lisa.json', import.meta.url), 'utf8'),
) as Record<'provinces' | 'grid24', LisaGolden[]>;

function rookGrid(g: number): WeightsMatrix {
  const ids = Array.from({ length: g * g }, (_, i) => `c${String(i + 1).padStart(3, '0')}`);
  const dense = ids.map((_, i) =>
    ids.map((__, j) =>
      Math.abs(Math.floor(i / g) - Math.floor(j / g)) + Math.abs((i % g) - (j % g)) === 1 ? 1 : 0,
    ),
  );
  return weightsFromDense(ids, dense, 'grid24');
}

const cases = [
  {
    name: 'provinces, contiguity',
    data: 'spatial_provinces',
    entity: 'province',
    time: 'year',
    key: 'provinces',
    w: () => provinceContiguity(),
  },
  {
    name: '24×24 grid',
    data: 'spatial_grid24',
    entity: 'id',
    time: 'time',
    key: 'grid24',
    w: () => rookGrid(24),
  },
] as const;

describe.each(cases)('LISA clusters against spdep: $name', ({ data, entity, time, key, w }) => {
  it('each period: p-values and High-High / Low-Low / High-Low / Low-High / Not significant', () => {
    const weights = w();
    const panel = Panel.fromRows(fixtureRows(data), { entity, time });
    const y = panel.column('y');
    let significant = 0;
    for (const ref of golden[key]) {
      const byId = new Map<string, number>();
      panel.entityKeys.forEach((id, r) => {
        if (panel.times[r] === ref.time) byId.set(id, y[r]);
      });
      const lisa = localMoran(
        weights,
        weights.ids.map((id) => byId.get(id)!),
      );
      lisa.forEach((r, i) => expectClose(r.p_value, ref.p_value[i], 1e-6, `${ref.time} ${r.id} p`));
      expect(lisa.map((r) => r.cluster)).toEqual(ref.cluster);
      significant += ref.cluster.filter((c) => c !== 'Not significant').length;
    }
    expect(significant).toBeGreaterThan(20);
  });
});
