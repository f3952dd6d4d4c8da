/**
 * The report's maps from what a run has: LISA clusters of the figure's variables in the last year
 * with complete data under the study's first contiguity matrix, and each SDM column's province-level
 * spillover of its core regressor. A map that cannot be drawn (a province without data, a matrix
 * that cannot be built) is left out with the reason, never fatal to publishing.
 */
import { isInputError } from '../common/errors';
import { buildStudyWeights, type Study } from '../study';
import type { PublishedStep } from './layout';
import { lisaForYear, provinceImpacts, sdmParameters, type PanelRow } from './local';
import type { EffectsMap, LisaMap } from './report';

export interface SpatialMaps {
  lisa: LisaMap[];
  effects: EffectsMap[];
  notes: string[];
}

export function spatialMaps(study: Study, steps: PublishedStep[], rows: PanelRow[]): SpatialMaps {
  const out: SpatialMaps = { lisa: [], effects: [], notes: [] };
  const attempt = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!isInputError(e)) throw e;
      out.notes.push(`${what}: ${(e as Error).message}`);
    }
  };
  const contiguity = Object.entries(study.weights).find(([, d]) => d.kind === 'contiguity')?.[0];
  const variables = [...new Set(study.figures.flatMap((f) => [f.y, f.x]))];
  if (contiguity) {
    attempt(`LISA under ${contiguity}`, () => {
      const w = buildStudyWeights(study, contiguity, rows);
      for (const variable of variables) {
        let done = false;
        for (let year = study.years[1]; year >= study.years[0] && !done; year--) {
          const lisa = lisaForYear(w, rows, variable, year);
          if (!lisa) continue;
          out.lisa.push({
            title: `LISA clusters of ${variable}, ${year} (${contiguity}, p < 0.05)`,
            rows: lisa,
          });
          done = true;
        }
        if (!done) out.notes.push(`LISA of ${variable}: no year in which every province has a value.`);
      }
    });
  }
  for (const table of study.tables) {
    for (const column of table.columns) {
      if (column.spec.estimator !== 'sdm' || !column.weights) continue;
      const step = steps.find((s) => s.tableId === table.id && s.columnId === column.id);
      const term = column.spec.x[0];
      const params = step && term ? sdmParameters(step, term) : undefined;
      if (!params) continue;
      attempt(`SDM effects ${table.id}/${column.id}`, () => {
        const w = buildStudyWeights(study, column.weights!, rows);
        const impacts = provinceImpacts(w, params.rho, params.beta, params.theta);
        out.effects.push({
          title: `Spillover of each province's ${term} on the other provinces' ${column.spec.y} (Σ_{i≠j} S_ij), SDM under ${column.weights} (${table.id} ${column.id})`,
          values: impacts.map((r) => ({ province: r.province, value: r.emitted })),
        });
      });
    }
  }
  return out;
}
