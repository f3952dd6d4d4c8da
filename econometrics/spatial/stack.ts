/**
 * Spatial models and Moran's I work on a balanced panel stacked time-major: T blocks of N values, each
 * block in the weights matrix's entity order (the layout of I_T ⊗ W): the panel's grid
 * (panel/grid.ts) in `w.ids` order, with no cell missing.
 */
import { DataError } from '../../common/errors';
import { gridLayout, onGrid } from '../../panel';
import type { WeightsMatrix } from './weights';

/** Time-major stacking in `w.ids` order; errors name the entity, time and variable. */
export function stackByTime(
  w: WeightsMatrix,
  entities: readonly string[],
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  variable: string,
): { times: number[]; values: Float64Array } {
  const layout = gridLayout(entities, times, {
    entities: w.ids,
    entitiesFrom: `the weights matrix (${w.label})`,
    what: variable,
  });
  const out = onGrid(layout, values);
  for (let b = 0; b < layout.T; b++) {
    for (let i = 0; i < w.n; i++) {
      if (!Number.isFinite(out[b * w.n + i])) {
        throw new DataError(
          `${variable}: missing for entity ${w.ids[i]}, time ${layout.times[b]} (spatial models need a balanced panel)`,
          variable,
        );
      }
    }
  }
  return { times: [...layout.times], values: out };
}
