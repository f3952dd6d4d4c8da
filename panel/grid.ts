/**
 * A panel laid on its full entity × period grid, period-major: entity i at period t is cell t·N + i
 * (T blocks of N values, the layout of I_T ⊗ W). Spatial models stack their variables on it in the
 * weights matrix's entity order; GMM reads each unit's series from it, its gaps (cells the panel lacks)
 * being NaN. One layout for both, so a variable is never laid out twice in two ways.
 */
import { InputError } from '../common/errors';
import type { Grouping } from './within';

export interface GridLayout {
  /** Entity of each of the N positions. */
  readonly entities: readonly string[];
  /** The T distinct periods, ascending. */
  readonly times: readonly number[];
  readonly N: number;
  readonly T: number;
  /** The grid cell (t·N + i) of each row of the data. */
  readonly cells: Int32Array;
}

export interface GridOptions {
  /** The entities' order (default: first appearance); a row of another entity is an error. */
  entities?: readonly string[];
  /** What the order comes from, for that error (e.g. `the weights matrix (contiguity)`). */
  entitiesFrom?: string;
  /** What is laid out, for errors (a variable name). */
  what: string;
}

/** The grid of rows keyed by `entityKeys` and `times`; a repeated (entity, period) is an error. */
export function gridLayout(
  entityKeys: readonly string[],
  times: ArrayLike<number>,
  options: GridOptions,
): GridLayout {
  const entities = options.entities ?? [...new Set(entityKeys)];
  const pos = new Map(entities.map((id, i) => [id, i]));
  const distinct = [...new Set(Array.from(times))].sort((a, b) => a - b);
  const tpos = new Map(distinct.map((t, i) => [t, i]));
  const N = entities.length;
  const cells = new Int32Array(entityKeys.length);
  const taken = new Uint8Array(distinct.length * N);
  for (let r = 0; r < entityKeys.length; r++) {
    const i = pos.get(entityKeys[r]);
    if (i === undefined)
      throw new InputError(
        `${options.what}: entity ${entityKeys[r]} is not in ${options.entitiesFrom ?? 'the entity order'}`,
      );
    const k = tpos.get(times[r])! * N + i;
    if (taken[k])
      throw new InputError(`${options.what}: entity ${entityKeys[r]}, time ${times[r]} appears twice`);
    taken[k] = 1;
    cells[r] = k;
  }
  return { entities, times: distinct, N, T: distinct.length, cells };
}

/** `values` (one per row) on the grid; cells without a row are NaN. */
export function onGrid(layout: GridLayout, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(layout.T * layout.N).fill(NaN);
  for (let r = 0; r < layout.cells.length; r++) out[layout.cells[r]] = values[r];
  return out;
}

/** The entity and period groupings of the grid's cells, for the within transformation. */
export function gridGroupings(layout: Pick<GridLayout, 'N' | 'T'>): { entity: Grouping; time: Grouping } {
  const n = layout.N * layout.T;
  return {
    entity: { codes: Int32Array.from({ length: n }, (_, c) => c % layout.N), ngroups: layout.N },
    time: { codes: Int32Array.from({ length: n }, (_, c) => Math.floor(c / layout.N)), ngroups: layout.T },
  };
}
