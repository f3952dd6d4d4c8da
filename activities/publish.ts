import type { Config } from '../common/config';
import type { SampleRow } from '../econometrics/result';
import { cellBases, parseCellRef, studyCoverage } from '../indicators';
import {
  columnBases,
  columnLabel,
  diskRenderCache,
  partKey,
  publishResults,
  type RenderCache,
  type StepRef,
} from '../publish';
import { join } from 'node:path';
import { loadWorkbook } from '../common/exceljs';
import { codeVersionsFor } from '../freshness/code-versions';
import { publishStepKey } from '../freshness/step-keys';
import { loadStepRefs, loadUsedRows, saveRunTables, usedRowsOf } from '../store/run-tables';
import type { Db } from '../store/db';
import { loadRunSteps, recordRunStep } from '../store/run-steps';
import { loadEstimationFailures, loadEstimations } from '../store/estimations';
import { recordPublishedFiles } from '../store/published-files';
import { getRun, setRunStage } from '../store/runs';
import { loadRunInputs } from '../store/source-files';
import { loadRunPanels } from './run-panels';
import { cachedStudy } from './study-cache';
import { sha256File } from './hashing';

/**
 * Loads what publishing needs beyond the store ahead of it (exceljs, for the workbook), without
 * waiting: called as the estimate stage begins, when the main thread mostly waits for the estimators'
 * threads, so the tenth of a second it takes to load is not added to the publish stage. A failure
 * here is met again, and reported, where the workbook is written.
 */
export function preloadPublishing(): void {
  loadWorkbook().catch(() => undefined);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function publishActivities(db: Db, config: Config) {
  /**
   * The used rows of each estimation's sample, by step id: stored once per content key, so they are
   * cached under it and only the estimations new to the cache are read from the store.
   */
  async function usedRows(cache: RenderCache, code: string, refs: StepRef[]) {
    const keyOf = (r: StepRef) => partKey(code, 'used rows', r.key);
    const cached = await Promise.all(refs.map((r) => cache.get(keyOf(r))));
    const missing = refs.filter((_, i) => cached[i] === undefined);
    const loaded = await loadUsedRows(
      db,
      missing.map((r) => r.key),
    );
    const out = new Map<string, SampleRow[]>();
    const writes: Promise<void>[] = [];
    refs.forEach((r, i) => {
      let cells = cached[i];
      if (cells === undefined) {
        cells = loaded.get(r.key);
        if (cells === undefined) return; // stored without its sample: the basis counts complete rows
        writes.push(cache.put(keyOf(r), cells));
      }
      out.set(r.stepId, usedRowsOf(cells));
    });
    await Promise.all(writes);
    return out;
  }

  return {
    /** The run's stored results → files in out/<run id>/, recorded in the store with their hashes. */
    async publishRun(args: { runId: string; studyPath: string }) {
      await setRunStage(db, args.runId, 'publish');
      const { study } = cachedStudy(args.studyPath);
      const refs = await loadStepRefs(db, args.runId);
      const failures = await loadEstimationFailures(db, args.runId);
      const panels = await loadRunPanels(db, args.runId);
      const run = await getRun(db, args.runId);
      const inputs = await loadRunInputs(db, args.runId);
      // Published files belong to the run (out/<run id>/): always rendered, keyed for the record.
      const recordedSteps = (await loadRunSteps(db, args.runId)).filter((s) => s.kind !== 'publish');
      const cv = codeVersionsFor(config.buildManifest);
      const publishStep = publishStepKey(
        study,
        recordedSteps.filter((s) => s.kind !== 'ingest').map((s) => s.key),
        cv,
      );
      // What keys the reused renderings: the publish modules, and the code that reads results back.
      const renderCode = cv.version(['publish/index.ts', 'store/estimations.ts', 'activities/publish.ts']);
      const cache = diskRenderCache(join(config.dataDir, 'publish-cache'));
      const samples = await usedRows(cache, renderCode, refs);
      // What every value rests on: its chain's worst cell and the synthetic files behind it.
      const synthetic = new Set(inputs.filter((f) => !f.real).map((f) => f.name));
      const variables = [
        ...new Set(Object.keys(panels?.indicators.cells ?? {}).map((k) => parseCellRef(k).variable)),
      ];
      const bases = panels ? cellBases(panels.indicators, panels.assembled, synthetic) : {};
      const coverage = studyCoverage({ variables, cells: panels?.indicators.cells ?? {} }, bases);
      const columns = columnBases(study, bases, panels?.indicators.rows ?? [], samples);
      // The conflicts the run's assembled panel carries (the rows of store/conflicts.ts), in their order.
      const conflicts = [...(panels?.assembled.conflicts ?? [])].sort(
        (a, b) => cmp(a.variable, b.variable) || cmp(a.province, b.province) || a.year - b.year,
      );
      const files = await publishResults({
        outDir: config.outDir,
        runId: args.runId,
        study,
        // By reference: only the results of parts not rendered under their keys before are loaded.
        steps: {
          refs,
          load: async (stepIds) =>
            (await loadEstimations(db, args.runId, stepIds)).map((s) => ({
              stepId: s.stepId,
              tableId: s.tableId,
              columnId: s.columnId,
              result: s.result,
            })),
        },
        reuse: { cache, code: renderCode },
        panelRows: panels?.indicators.rows ?? [],
        coverage,
        assembledCoverage: panels?.assembled.coverage ?? [],
        bases: columns,
        conflicts,
        failures: failures.map((f) => ({ stepId: f.stepId, message: f.error })),
        run: {
          ...(run ? { vintage: run.vintage, startedAt: run.started_at.toISOString() } : {}),
          inputs: inputs.map((f) => ({ path: f.name, sha256: f.sha256 })),
          details: {
            ...(run ? { 'Inputs hash': run.inputs_hash } : {}),
            'Synthetic inputs':
              inputs
                .filter((f) => !f.real)
                .map((f) => f.name)
                .join(', ') || 'none',
          },
          steps: [
            ...recordedSteps.map((s) => ({ step: s.step, kind: s.kind, key: s.key, reused: s.reused })),
            { step: 'publish', kind: 'publish' as const, key: publishStep.key, reused: false },
          ],
        },
      });
      // What the tables are and rest on, for the analyst views (table_order, analyst_columns).
      const labels = new Map(
        study.tables.map((t) => [t.id, t.columns.map((c) => columnLabel(study, c) ?? c.id)]),
      );
      await saveRunTables(db, args.runId, study, labels, columns, coverage);
      const recorded = await Promise.all(
        files.map(async (path) => ({
          path,
          kind: path.split('.').pop() ?? '',
          sha256: await sha256File(path),
        })),
      );
      await recordPublishedFiles(db, args.runId, recorded);
      await cache.prune();
      await recordRunStep(db, args.runId, publishStep, false);
      return { files };
    },
  };
}
