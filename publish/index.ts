/**
 * Publishing a run's results as files under `out/<run id>/`: the paper-style workbook, a CSV and a
 * LaTeX file per table, the offline HTML report, the tidy results (JSON and CSV), and the estimation
 * panel with its coverage. Written to a scratch folder inside out/ and renamed into place
 * (publish/atomic-folder.ts), so a rerun replaces the folder whole and a crash leaves no half-set.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Study } from '../study';
import type { CellBasis } from '../indicators/coverage';
import type { SampleRow } from '../econometrics/result';
import { publishFolder } from './atomic-folder';
import { columnBases, proxyLines, syntheticBanner, type ColumnBasis } from './basis';
import { tidyCoefficientsCsv, writeCsvTables } from './csv';
import { renderParts, resultsJson, type StoredSteps } from './parts';
import type { RenderCache } from './render-cache';
import { type FailedStep, type PublishedStep } from './layout';
import { writeLatexTables } from './latex';
import { writeReport } from './report';
import type { ConflictLine, CoverageLine, RunMetadata } from './run';
import { writeWorkbook } from './workbook';
import type { PanelRow } from '../panel';

export {
  cellText,
  columnLabel,
  isControlTerm,
  stars,
  statLabel,
  studyLayouts,
  tableLayout,
  SE_NOTE,
  STAR_NOTE,
  weightsName,
  type LayoutCell,
  type LayoutRow,
  type FailedStep,
  type PublishedStep,
  type TableLayout,
} from './layout';
export { tableCsv, tidyCoefficientsCsv, tidyStepRows, writeCsvTables } from './csv';
export { renderParts, resultsJson, type RenderedParts, type StepRef, type StoredSteps } from './parts';
export { diskRenderCache, partKey, type RenderCache } from './render-cache';
export {
  basisNotes,
  columnBases,
  columnVariables,
  proxyLines,
  syntheticBanner,
  type ColumnBasis,
  type VariableBasis,
} from './basis';
export { chosenPValue, inferenceNotes, ivNotes, vceLabel, FEW_CLUSTERS } from './inference';
export { captionText, latexTable, writeLatexTables, latexEscape } from './latex';
export { writeWorkbook, numberFormat } from './workbook';
export {
  renderReport,
  reportParts,
  spatialHtml,
  tableHtml,
  writeReport,
  type ReportParts,
  type ReportInput,
  type LisaMap,
  type EffectsMap,
  type ProvinceValue,
} from './report';
export { spatialMaps, type SpatialMaps } from './maps';
export { diffRuns, formatDiff, type RunDiff, type EstimateChange } from './diff';
export { provenanceRows, type RunMetadata, type CoverageLine, type ConflictLine } from './run';

export interface PublishInput {
  outDir: string;
  runId: string;
  study: Study;
  /** The run's results, or their references with a loader (publish/parts.ts: loaded as parts need them). */
  steps: PublishedStep[] | StoredSteps;
  /** Steps that failed (shown blank with their reason). */
  failures?: FailedStep[];
  panelRows: PanelRow[];
  /** The study variables' coverage after the indicator step (indicators/coverage.ts studyCoverage). */
  coverage: CoverageLine[];
  /** The assembled series' coverage, before the indicator step. */
  assembledCoverage?: CoverageLine[];
  /** Every study value's basis (indicators/coverage.ts cellBases): the columns' notes and the banner. */
  cellBases?: Record<string, CellBasis>;
  /** The stored samples (e(sample)) by step id: the notes count filled values over the used rows. */
  samples?: ReadonlyMap<string, readonly SampleRow[]>;
  /** The columns' bases when already computed (publish/basis.ts columnBases), instead of the two above. */
  bases?: ColumnBasis[];
  /** Cells the sources disagreed on (shown in the report's coverage section). */
  conflicts?: ConflictLine[];
  /** Provenance beyond the run id (vintage, times, input hashes). */
  run?: Partial<RunMetadata>;
  /**
   * Renderings to reuse by content key (publish/render-cache.ts) and the publish code version that
   * keys them; with `steps` as references, a part found here needs neither its results nor a render.
   */
  reuse?: { cache: RenderCache; code: string };
}

export function publishResults(input: PublishInput): Promise<string[]> {
  return publishFolder(input.outDir, input.runId, (scratch) => writeRunFiles(scratch, input));
}

async function writeRunFiles(scratch: string, input: PublishInput): Promise<string[]> {
  const run: RunMetadata = {
    studyId: input.study.id,
    studyTitle: input.study.title,
    ...input.run,
    proxies: proxyLines(input.study),
    runId: input.runId,
  };
  const bases =
    input.bases ??
    (input.cellBases ? columnBases(input.study, input.cellBases, input.panelRows, input.samples) : []);
  const banner = syntheticBanner(input.coverage);
  const parts = await renderParts({
    study: input.study,
    steps: input.steps,
    failures: input.failures,
    bases,
    cache: input.reuse?.cache,
    code: input.reuse?.code,
  });
  const layouts = parts.layouts;
  const written: string[] = [];
  written.push(...(await writeCsvTables(join(scratch, 'tables'), layouts, parts.csv)));
  written.push(...(await writeLatexTables(join(scratch, 'latex'), layouts, parts.latex)));
  const workbook = join(scratch, 'results.xlsx');
  await writeWorkbook(workbook, layouts, run, input.coverage, banner, input.assembledCoverage);
  written.push(workbook);
  const report = join(scratch, 'report.html');
  // The parts drawn from the estimations are rendered already: the report itself reads no step.
  await writeReport(
    report,
    {
      run,
      study: input.study,
      steps: [],
      failures: input.failures,
      rows: input.panelRows,
      coverage: input.coverage,
      assembledCoverage: input.assembledCoverage,
      banner,
      bases,
      conflicts: input.conflicts,
    },
    { layouts, tables: parts.html, spatial: parts.spatial },
  );
  written.push(report);
  const results = join(scratch, 'results.json');
  await writeFile(results, resultsJson(run, parts.json, input.failures ?? []));
  written.push(results);
  const estimates = join(scratch, 'estimates.csv');
  // The header (the tidy CSV of no step), then each step's rows.
  await writeFile(estimates, tidyCoefficientsCsv([], input.study) + parts.tidy.join(''));
  written.push(estimates);
  const panel = join(scratch, 'panel.csv');
  const columns = Object.keys(input.panelRows[0] ?? {});
  await writeFile(
    panel,
    stringify(
      input.panelRows.map((r) => columns.map((c) => r[c] ?? '')),
      { header: true, columns },
    ),
  );
  written.push(panel);
  const coverage = join(scratch, 'coverage.csv');
  await writeFile(
    coverage,
    stringify(
      [
        ...input.coverage.map((c) => ['study', c] as const),
        ...(input.assembledCoverage ?? []).map((c) => ['assembled', c] as const),
      ].map(([stage, c]) => [
        stage,
        c.variable,
        c.observed,
        c.interpolated,
        c.substituted ?? 0,
        c.extrapolated ?? 0,
        c.missing,
        (c.syntheticInputs ?? []).join(' '),
        c.missingCells.join(' '),
      ]),
      {
        header: true,
        columns: [
          'stage',
          'variable',
          'observed',
          'interpolated',
          'substituted',
          'extrapolated',
          'missing',
          'synthetic_inputs',
          'missing_cells',
        ],
      },
    ),
  );
  written.push(coverage);
  return written;
}
