/**
 * Where `outdated` and `graph` get the column digests of the indicator panel a refresh would make (so
 * they know each estimation's key, which is on the columns it reads): the store's panel of the planned
 * indicators key when it is stored, else a preview computed in memory from the stored observations
 * and the input files (freshness/preview.ts), nothing stored.
 */
import type { PlannedUpstream } from '../activities/plan';
import { fromCellRows, type CellRow, type PanelFrame } from '../assembly/cells';
import { previewColumnDigests } from '../freshness/preview';
import { PANEL_INDEX } from '../freshness/step-keys';
import { columnDigests, type ColumnDigests, type PanelRow } from '../panel';
import type { Db } from '../store/db';
import { storedKeys } from '../store/run-steps';
import { getSnapshot } from '../store/snapshots';
import { loadObservations } from '../store/source-files';

export function planColumnDigests(db: Db) {
  return async (plan: PlannedUpstream): Promise<ColumnDigests | undefined> => {
    const stored = await getSnapshot<PanelRow>(db, plan.indicators.key);
    if (stored)
      return (
        (stored.report as { columnDigests?: ColumnDigests }).columnDigests ??
        columnDigests(stored.rows, PANEL_INDEX)
      );
    const known = await storedKeys(db, [plan.assemble.key, ...plan.ingest.map((k) => k.key)]);
    return previewColumnDigests({
      ...plan,
      stored: {
        observations: async (key) => (known.has(key) ? loadObservations(db, [key]) : undefined),
        assembled: async (key) => {
          if (!known.has(key)) return undefined;
          const s = await getSnapshot<CellRow>(db, key);
          return s ? fromCellRows(s.rows, s.report as unknown as PanelFrame) : undefined;
        },
      },
    });
  };
}
