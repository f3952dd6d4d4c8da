import {
  assemble,
  checkQuality,
  conflictText,
  CONFLICT_LINES_SHOWN,
  ImpossibleValuesError,
  type Conflict,
} from '../assembly';
import { fromCellRows, toCellRows, type CellRow, type PanelFrame } from '../assembly/cells';
import { computeIndicators } from '../indicators';
import { saveConflicts } from '../store/conflicts';
import type { Config } from '../common/config';
import { codeVersionsFor } from '../freshness/code-versions';
import { assembleStepKey, assemblyOptions, indicatorsStepKey, PANEL_INDEX } from '../freshness/step-keys';
import { columnDigests } from '../panel/column-digests';
import type { Db } from '../store/db';
import { recordRunStep } from '../store/run-steps';
import { setRunStage } from '../store/runs';
import { getSnapshotReport, linkRunSnapshot, saveSnapshot } from '../store/snapshots';
import { loadRunObservations, rejectRunFiles, runFileNames } from '../store/source-files';
import { linkFiles, type RunFile } from './runs';
import { cachedStudy, heldOrStoredSnapshot, rememberSnapshot } from './study-cache';

/**
 * The panels are stored by their content keys (freshness/step-keys.ts): the files' keys, the study's
 * assembly options and indicator definition, and the code version of assembly and indicators, derived
 * from the code (a changed module makes a new key; nothing to bump by hand).
 */
export function panelActivities(db: Db, config?: Pick<Config, 'buildManifest'>) {
  const cv = () => codeVersionsFor(config?.buildManifest);
  return {
    /**
     * Observations of the run's files → the province × year panel, stored by content hash. Files come
     * in the manifest's order, named as the manifest names them: with `assembly.priority` that order
     * decides between disagreeing sources (never a content hash or the run id). The panel's conflicts
     * are stored with the run. A file with impossible values is unlinked from the run and recorded as
     * rejected before the run fails on it.
     */
    async assemblePanel(args: {
      runId: string;
      studyPath: string;
      /** The run's files in manifest order (refreshes started before this field pass `fileHashes`). */
      files?: { name: string; sha256: string }[];
      fileHashes?: string[];
      /** A forced rerun: assemble again unless stored since then (store/snapshots.ts Recompute). */
      storedSince?: string;
      /**
       * The run's input files with their ingest steps, linked to the run here first (refreshes started
       * before this linked them in a task of their own, linkRunFiles).
       */
      link?: RunFile[];
    }) {
      if (args.link) await linkFiles(db, args.runId, args.link);
      await setRunStage(db, args.runId, 'assemble');
      const { study } = cachedStudy(args.studyPath);
      const names = args.files ? undefined : await runFileNames(db, args.runId);
      const files =
        args.files ??
        (args.fileHashes ?? []).map((sha256) => ({ sha256, name: names!.get(sha256) ?? sha256 }));
      const options = assemblyOptions(
        study,
        files.map((f) => f.name),
      );
      const step = assembleStepKey(
        study,
        files.map((f) => ({ name: f.name, key: f.sha256 })),
        cv(),
      );
      const hash = step.key;
      const recompute = { storedSince: args.storedSince };
      // Only the report of a stored panel is needed here, not its rows.
      const existing = await getSnapshotReport(db, hash, recompute);
      let conflicts = (existing as { conflicts?: Conflict[] } | undefined)?.conflicts ?? [];
      if (!existing) {
        // Every file's observations in one statement, in manifest order, named as the manifest names them.
        const observations = await loadRunObservations(db, files);
        const panel = assemble(observations, options);
        // Impossible values stop the run here (InputError naming province, year, source cell);
        // outliers and jumps are kept with the snapshot's report.
        let quality;
        try {
          quality = checkQuality(panel);
        } catch (e) {
          if (e instanceof ImpossibleValuesError) {
            const bad = new Set(e.sources.map((s) => s.file));
            await rejectRunFiles(
              db,
              args.runId,
              files.filter((f) => bad.has(f.name)),
              e.message,
            );
          }
          throw e;
        }
        const { rows, frame } = toCellRows(panel);
        const report = { ...frame, quality } as unknown as Record<string, unknown>;
        await saveSnapshot(
          db,
          { snapshot_hash: hash, kind: 'assembled', built_from: { files, options }, rows, report },
          recompute,
        );
        // The indicators step reads it next: from memory when it runs in this process.
        rememberSnapshot(hash, { rows, report });
        conflicts = panel.conflicts;
      }
      await linkRunSnapshot(db, args.runId, 'assembled', hash);
      await recordRunStep(db, args.runId, step, Boolean(existing));
      await saveConflicts(db, args.runId, conflicts);
      return {
        snapshotHash: hash,
        reused: Boolean(existing),
        conflicts: conflicts.length,
        // The first ones as text, for the end of the run; all of them are in the store.
        conflictLines: conflicts.slice(0, CONFLICT_LINES_SHOWN).map(conflictText),
      };
    },

    /** The assembled panel → the study's variables with lineage, stored by content hash. */
    async computeIndicators(args: {
      runId: string;
      studyPath: string;
      assembledHash: string;
      /** A forced rerun: compute again unless stored since then (store/snapshots.ts Recompute). */
      storedSince?: string;
    }) {
      await setRunStage(db, args.runId, 'indicators');
      const { study } = cachedStudy(args.studyPath);
      const step = indicatorsStepKey(study, args.assembledHash, cv());
      const hash = step.key;
      const recompute = { storedSince: args.storedSince };
      const existing = await getSnapshotReport(db, hash, recompute);
      if (!existing) {
        // The panel assembly just stored: from memory when assembly ran in this process.
        const assembled = await heldOrStoredSnapshot(db, args.assembledHash);
        if (!assembled)
          throw new Error(`assembled panel ${args.assembledHash} is not in the store ${db.describe}`);
        const panel = fromCellRows(
          assembled.rows as unknown as CellRow[],
          assembled.report as unknown as PanelFrame,
        );
        const table = computeIndicators(panel, study.indicators);
        const report = {
          cells: table.cells,
          variables: table.variables,
          parameters: table.parameters,
          // Each column's content digest: the estimations' keys (the early cut-off).
          columnDigests: columnDigests(table.rows, PANEL_INDEX),
        };
        await saveSnapshot(
          db,
          {
            snapshot_hash: hash,
            kind: 'indicators',
            built_from: { assembled: args.assembledHash, definition: study.indicators },
            rows: table.rows,
            report,
          },
          recompute,
        );
        // The estimations read it next: from memory when they run in this process.
        rememberSnapshot(hash, { rows: table.rows, report });
      }
      await linkRunSnapshot(db, args.runId, 'indicators', hash);
      await recordRunStep(db, args.runId, step, Boolean(existing));
      return { snapshotHash: hash, reused: Boolean(existing) };
    },
  };
}
