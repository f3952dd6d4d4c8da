import { assemble, checkQuality } from '../assembly';
import { fromCellRows, toCellRows, type CellRow, type PanelFrame } from '../assembly/cells';
import { computeIndicators } from '../indicators';
import type { Db } from '../store/db';
import { getSnapshot, linkRunSnapshot, saveSnapshot } from '../store/snapshots';
import { loadObservations } from '../store/source-files';
import { sha256Json } from './hashing';
import { cachedStudy } from './study-cache';

/** Bump when assembly or indicator code changes what it computes, so old snapshots are not reused. */
const PANEL_CODE_VERSION = 4;

export function panelActivities(db: Db) {
  return {
    /** Observations of the run's files → the province × year panel, stored by content hash. */
    async assemblePanel(args: { runId: string; studyPath: string; fileHashes: string[] }) {
      const { study } = cachedStudy(args.studyPath);
      const options = { years: study.years, ...study.assembly };
      const hash = sha256Json({ v: PANEL_CODE_VERSION, kind: 'assembled', files: args.fileHashes, options });
      const existing = await getSnapshot(db, hash);
      if (!existing) {
        const panel = assemble(await loadObservations(db, args.fileHashes), options);
        // Impossible values stop the run here (InputError naming province, year, source cell);
        // outliers and jumps are kept with the snapshot's report.
        const quality = checkQuality(panel);
        const { rows, frame } = toCellRows(panel);
        await saveSnapshot(db, {
          snapshot_hash: hash,
          kind: 'assembled',
          built_from: { files: args.fileHashes, options },
          rows,
          report: { ...frame, quality } as unknown as Record<string, unknown>,
        });
      }
      await linkRunSnapshot(db, args.runId, 'assembled', hash);
      return { snapshotHash: hash, reused: Boolean(existing) };
    },

    /** The assembled panel → the study's variables with lineage, stored by content hash. */
    async computeIndicators(args: { runId: string; studyPath: string; assembledHash: string }) {
      const { study } = cachedStudy(args.studyPath);
      const hash = sha256Json({
        v: PANEL_CODE_VERSION,
        kind: 'indicators',
        from: args.assembledHash,
        def: study.indicators,
      });
      const existing = await getSnapshot(db, hash);
      if (!existing) {
        const assembled = await getSnapshot<CellRow>(db, args.assembledHash);
        if (!assembled)
          throw new Error(`assembled panel ${args.assembledHash} is not in the store ${db.describe}`);
        const panel = fromCellRows(assembled.rows, assembled.report as unknown as PanelFrame);
        const table = computeIndicators(panel, study.indicators);
        await saveSnapshot(db, {
          snapshot_hash: hash,
          kind: 'indicators',
          built_from: { assembled: args.assembledHash, definition: study.indicators },
          rows: table.rows,
          report: { cells: table.cells, variables: table.variables, parameters: table.parameters },
        });
      }
      await linkRunSnapshot(db, args.runId, 'indicators', hash);
      return { snapshotHash: hash, reused: Boolean(existing) };
    },
  };
}
