/**
 * Spatial models and Moran's I work on a balanced panel stacked time-major: T blocks of N values, each
 * block in the weights matrix's entity order (the layout of I_T ⊗ W).
 */
import { DataError, InputError } from '../../common/errors';
import type { WeightsMatrix } from './weights';

/** Time-major stacking in `w.ids` order; errors name the entity, time and variable. */
export function stackByTime(
  w: WeightsMatrix,
  entities: readonly string[],
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  variable: string,
): { times: number[]; values: Float64Array } {
  const pos = new Map(w.ids.map((id, i) => [id, i]));
  const distinct = [...new Set(Array.from(times))].sort((a, b) => a - b);
  const tpos = new Map(distinct.map((t, i) => [t, i]));
  const out = new Float64Array(distinct.length * w.n).fill(NaN);
  for (let r = 0; r < entities.length; r++) {
    const i = pos.get(entities[r]);
    if (i === undefined)
      throw new InputError(`${variable}: entity ${entities[r]} is not in the weights matrix (${w.label})`);
    const k = tpos.get(times[r])! * w.n + i;
    if (!Number.isNaN(out[k]))
      throw new InputError(`${variable}: entity ${entities[r]}, time ${times[r]} appears twice`);
    out[k] = values[r];
  }
  for (let b = 0; b < distinct.length; b++) {
    for (let i = 0; i < w.n; i++) {
      if (!Number.isFinite(out[b * w.n + i])) {
        throw new DataError(
          `${variable}: missing for entity ${w.ids[i]}, time ${distinct[b]} (spatial models need a balanced panel)`,
          variable,
        );
      }
    }
  }
  return { times: distinct, values: out };
}
