/**
 * `aicarbon explain`: the lineage of a number of a run down to source file, sheet and cell — a table
 * cell (its estimate, N, the province-years it used and the cells its term reads there) or one value.
 */
import { loadRunPanels } from '../../activities/run-panels';
import { InputError } from '../../common/errors';
import { loadConfig } from '../../common/config';
import { cellBases, explain, formatExplain } from '../../indicators';
import { findCoefficient, findStep, formatLineage, sampleLineage } from '../../publish/lineage';
import type { Db } from '../../store/db';
import { loadEstimationFailures, loadEstimations, loadSamples } from '../../store/estimations';
import { columnWeightsName } from '../../store/run-tables';
import { getRun, latestCompletedRun } from '../../store/runs';
import type { WeightsMatrix } from '../../econometrics/spatial/weights/matrix';
import type { PanelRow } from '../../panel';
import { buildStudyWeights, loadStudy } from '../../study';
import { loadRunInputs } from '../../store/source-files';
import { openStore } from '../store-session';

export interface ExplainOptions {
  run?: string;
  table?: string;
  column?: string;
  term?: string;
  dependent?: boolean;
  province?: string;
  year?: number;
  variable?: string;
  json?: boolean;
}

export async function explainAction(opts: ExplainOptions): Promise<void> {
  const cellForm = opts.table !== undefined || opts.column !== undefined || opts.term !== undefined;
  if (cellForm) {
    // --dependent follows the column's dependent variable: the term (default the first) only heads it.
    const missing = (['table', 'column', 'term'] as const).filter(
      (k) => opts[k] === undefined && !(k === 'term' && opts.dependent),
    );
    if (missing.length)
      throw new InputError(
        `explain a table cell with --table, --column and --term (missing: ${missing.map((k) => `--${k}`).join(', ')})`,
        `--${missing[0]}`,
      );
    if (opts.variable !== undefined)
      throw new InputError(
        '--variable explains one value; with --table, --column and --term leave it out',
        '--variable',
      );
  } else {
    const missing = (['run', 'province', 'year', 'variable'] as const).filter((k) => opts[k] === undefined);
    if (missing.length)
      throw new InputError(
        `explain needs --table, --column and --term (a table cell) or --run, --province, --year and --variable ` +
          `(one value); missing: ${missing.map((k) => `--${k}`).join(', ')}`,
        `--${missing[0]}`,
      );
    if (opts.dependent)
      throw new InputError('--dependent goes with --table, --column and --term', '--dependent');
  }
  const db = await openStore(loadConfig());
  try {
    if (cellForm)
      await explainCell(db, opts as Required<Pick<ExplainOptions, 'table' | 'column'>> & ExplainOptions);
    else
      await explainValue(
        db,
        opts as Required<Pick<ExplainOptions, 'run' | 'province' | 'year' | 'variable'>>,
        opts.json,
      );
  } finally {
    await db.close();
  }
}

async function runOf(db: Db, run: string | undefined): Promise<string> {
  if (run) return run;
  const latest = await latestCompletedRun(db);
  if (!latest)
    throw new InputError(`--run: no completed run in ${db.describe}; name one with --run`, '--run');
  return latest.run_id;
}

async function explainCell(db: Db, opts: ExplainOptions & { table: string; column: string }): Promise<void> {
  const runId = await runOf(db, opts.run);
  const steps = await loadEstimations(db, runId);
  if (!steps.length)
    throw new InputError(`--run: no stored estimations for run ${runId} in ${db.describe}`, '--run');
  // The table, column and term first: a typo is answered before the panels are read.
  const step = findStep(steps, opts.table, opts.column, await loadEstimationFailures(db, runId));
  const term = opts.term ?? step.result.coefficients[0]?.term ?? '';
  findCoefficient(step, term);
  const panels = await loadRunPanels(db, runId);
  if (!panels) throw new InputError(`--run: run ${runId} has no stored panel in ${db.describe}`, '--run');
  const synthetic = new Set((await loadRunInputs(db, runId)).filter((f) => !f.real).map((f) => f.name));
  const weights = await columnWeights(db, runId, step, panels.indicators.rows);
  const lineage = sampleLineage({
    steps,
    tableId: opts.table,
    columnId: opts.column,
    term,
    dependent: opts.dependent,
    sample: (await loadSamples(db, runId, step.stepId)).get(step.stepId),
    indicators: panels.indicators,
    assembled: panels.assembled,
    bases: cellBases(panels.indicators, panels.assembled, synthetic),
    syntheticFiles: synthetic,
    ...(weights ? { weights } : {}),
    only: {
      ...(opts.province !== undefined ? { province: opts.province.toUpperCase() } : {}),
      ...(opts.year !== undefined ? { year: opts.year } : {}),
    },
  });
  process.stdout.write(
    opts.json
      ? `${JSON.stringify({ runId, ...lineage }, null, 2)}\n`
      : `run ${runId}\n${formatLineage(lineage).join('\n')}\n`,
  );
}

/**
 * A spatial column's weight matrix, as its estimation built it: the run's matrix name for the column
 * (run_columns) and its definition in the study (AICARBON_STUDY, when it is the run's study); undefined
 * for a column without one or when the study is another.
 */
async function columnWeights(
  db: Db,
  runId: string,
  step: { tableId: string; columnId: string },
  rows: PanelRow[],
): Promise<WeightsMatrix | undefined> {
  const name = await columnWeightsName(db, runId, step.tableId, step.columnId);
  if (!name) return undefined;
  const study = loadStudy(loadConfig().studyPath);
  const run = await getRun(db, runId);
  if (study.id !== run?.study_id || !Object.hasOwn(study.weights, name)) return undefined;
  return buildStudyWeights(study, name, rows);
}

async function explainValue(
  db: Db,
  opts: { run: string; province: string; year: number; variable: string },
  json: boolean | undefined,
): Promise<void> {
  const panels = await loadRunPanels(db, opts.run);
  if (!panels)
    throw new InputError(`--run: no run ${opts.run} with a stored panel in ${db.describe}`, '--run');
  const chain = explain(panels.indicators, panels.assembled, {
    variable: opts.variable,
    province: opts.province.toUpperCase(),
    year: opts.year,
  });
  process.stdout.write(json ? `${JSON.stringify(chain, null, 2)}\n` : `${formatExplain(chain).join('\n')}\n`);
}
