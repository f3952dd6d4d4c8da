/**
 * The study's named weight matrices (`weights` in the study file) built from their definitions:
 * W1 contiguity from data/reference/adjacency.csv, W2 economic distance from each province's mean of a
 * panel variable over the study years, W3 inverse distance between capitals. All row-standardised.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { InputError } from '../common/errors';
import {
  contiguityFromList,
  economicDistanceWeights,
  inverseDistanceWeights,
  type WeightsMatrix,
} from '../econometrics/spatial/weights';
import type { EstimateOptions } from '../econometrics/estimator';
import type { PanelRow } from '../panel';
import { provinces } from '../regions/provinces';
import type { Study, WeightsDefinition } from './schema';

const reference = (file: string) => ({
  path: fileURLToPath(new URL(`../data/reference/${file}`, import.meta.url)),
  source: `data/reference/${file}`,
});
const ADJACENCY = reference('adjacency.csv');
const ISLAND_LINKS = reference('island-links.csv');
const PROVINCES = reference('provinces.csv');

/**
 * What building a matrix reads besides its definition: the panel columns (economic distance: its
 * variable; the province and year are read by every estimation) and the reference files, each with
 * the sha256 of its bytes, so a matrix's key changes when any of them does.
 */
export function weightsReads(def: WeightsDefinition): {
  columns: string[];
  reference: Record<string, string>;
} {
  // Contiguity reads the adjacency list (and its island links); the others the provinces' table.
  const files = def.kind === 'contiguity' ? [ADJACENCY, ISLAND_LINKS] : [PROVINCES];
  return {
    columns: def.kind === 'economic' ? [def.variable] : [],
    reference: Object.fromEntries(
      files.map((f) => [f.source, createHash('sha256').update(readFileSync(f.path)).digest('hex')]),
    ),
  };
}

/** The links of the adjacency file that join an island to the mainland by convention, with why. */
export function islandLinks(): { island: string; linkedTo: string; why: string }[] {
  const rows = parse(readFileSync(ISLAND_LINKS.path), { columns: true, bom: true, trim: true }) as Record<
    string,
    string
  >[];
  return rows.map((r) => ({ island: r.island, linkedTo: r.linked_to, why: r.why }));
}

/**
 * Queen contiguity of the 30 provinces (data/reference/adjacency.csv). The file links Hainan, an island,
 * to Guangdong (data/reference/island-links.csv says why); `hainanGuangdong: false` drops the island
 * links and leaves Hainan without neighbours (a zero row, as spdep's zero.policy = TRUE).
 */
export function provinceContiguity(
  options: { hainanGuangdong?: boolean; rowStandardise?: boolean } = {},
): WeightsMatrix {
  const keep = options.hainanGuangdong ?? true;
  return contiguityFromList(readFileSync(ADJACENCY.path, 'utf8'), ADJACENCY.source, {
    rowStandardise: options.rowStandardise,
    removeLinks: keep ? [] : islandLinks().map((l) => [l.island, l.linkedTo] as const),
    allowIslands: !keep,
    label: keep ? 'contiguity (Hainan–Guangdong linked)' : 'contiguity (Hainan isolated)',
  });
}

/** A step's estimate options: its weight matrix built (spatial estimators), else none. */
export function weightsOption(
  study: StudyWeights,
  name: string | undefined,
  rows: PanelRow[],
): EstimateOptions {
  return name ? { weights: buildStudyWeights(study, name, rows) } : {};
}

/** What building a study's matrices reads of the study: its matrices' definitions and its years. */
export type StudyWeights = Pick<Study, 'weights' | 'years'>;

/**
 * The matrix named `name`. Economic distance needs the panel `rows` (province, year and the
 * definition's variable); the others need nothing but reference data.
 */
export function buildStudyWeights(study: StudyWeights, name: string, rows: PanelRow[] = []): WeightsMatrix {
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
