/**
 * The study's named weight matrices (`weights` in the study file) built from their definitions:
 * W1 contiguity from data/reference/adjacency.csv, W2 economic distance from each province's mean of a
 * panel variable over the study years, W3 inverse distance between capitals. All row-standardised.
 */
import { InputError } from '../common/errors';
import {
  economicDistanceWeights,
  inverseDistanceWeights,
  provinceContiguity,
  type WeightsMatrix,
} from '../econometrics/spatial/weights';
import { provinces } from '../regions/provinces';
import type { Study } from './schema';

export type PanelRow = Record<string, number | string | null>;

/**
 * The matrix named `name`. Economic distance needs the panel `rows` (province, year and the
 * definition's variable); the others need nothing but reference data.
 */
export function buildStudyWeights(study: Study, name: string, rows: PanelRow[] = []): WeightsMatrix {
  const def = Object.hasOwn(study.weights, name) ? study.weights[name] : undefined;
  if (!def)
    throw new InputError(
      `weights.${name}: not declared in the study (weights: ${Object.keys(study.weights).join(', ') || 'none'})`,
      `weights.${name}`,
    );
  const source = `weights.${name}`;
  switch (def.kind) {
    case 'contiguity':
      return provinceContiguity({ hainanGuangdong: def.hainanGuangdong });
    case 'inverse-distance':
      return inverseDistanceWeights(
        provinces().map((p) => ({ id: p.code, lat: p.lat, lon: p.lon })),
        { power: def.power, source },
      );
    case 'economic': {
      const [from, to] = study.years;
      const sums = new Map<string, { sum: number; n: number }>();
      for (const r of rows) {
        const raw = r[def.variable];
        const year = Number(r.year);
        if (typeof raw !== 'number' || !Number.isFinite(raw) || year < from || year > to) continue;
        const v = def.transform === 'exp' ? Math.exp(raw) : raw;
        const s = sums.get(String(r.province)) ?? { sum: 0, n: 0 };
        s.sum += v;
        s.n += 1;
        sums.set(String(r.province), s);
      }
      const ids = provinces().map((p) => p.code);
      const lacking = ids.filter((id) => !sums.has(id));
      if (lacking.length)
        throw new InputError(
          `${source}: economic distance needs "${def.variable}" in the panel for every province; none for ${lacking.join(', ')}`,
          source,
        );
      return economicDistanceWeights(
        ids,
        ids.map((id) => sums.get(id)!.sum / sums.get(id)!.n),
        { source },
      );
    }
  }
}
