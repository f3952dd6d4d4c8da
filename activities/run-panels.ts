/** A run's stored panels, read back into their domain shapes (for explain and publishing). */
import { fromCellRows, type CellRow, type PanelFrame } from '../assembly/cells';
import type { AssembledPanel } from '../assembly/panel';
import type { IndicatorCell } from '../indicators';
import type { Queryable } from '../store/db';
import { runSnapshotHash } from '../store/snapshots';
import type { PanelRow } from '../panel';
import { heldOrStoredSnapshot } from './study-cache';

export interface RunPanels {
  assembled: AssembledPanel;
  indicators: { rows: PanelRow[]; cells: Record<string, IndicatorCell> };
}

export async function loadRunPanels(db: Queryable, runId: string): Promise<RunPanels | undefined> {
  const assembledHash = await runSnapshotHash(db, runId, 'assembled');
  const indicatorsHash = await runSnapshotHash(db, runId, 'indicators');
  if (!assembledHash || !indicatorsHash) return undefined;
  // Panels this process has just stored (the refresh's own, when publishing in the same process) are
  // taken from memory, as the store would give them back; any other is read from the store.
  const assembled = await heldOrStoredSnapshot(db, assembledHash);
  const indicators = await heldOrStoredSnapshot(db, indicatorsHash);
  if (!assembled || !indicators) return undefined;
  return {
    assembled: fromCellRows(
      assembled.rows as unknown as CellRow[],
      assembled.report as unknown as PanelFrame,
    ),
    indicators: {
      rows: indicators.rows,
      cells: (indicators.report as { cells: Record<string, IndicatorCell> }).cells,
    },
  };
}
