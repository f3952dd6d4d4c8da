/**
 * From a table cell to the source cells: a column's coefficient → the province-years its estimation
 * used (the stored e(sample)) → for each, the study values the term reads (`L.AIT` at 2015 reads
 * AIT|GD/2014) → the assembled cells behind each value (indicators/explain.ts) and the file, sheet and
 * cell they were read from. Every value is flagged with its basis (interpolated, substituted,
 * extrapolated: indicators/coverage.ts cellBases) and the synthetic input files behind it, and every
 * assembled cell with how it was obtained. Pure: the CLI loads the run and prints the result.
 *
 * What a term reads at a used row (t): its variables at the lags the term names (panel/terms.ts
 * termCells); a GMM column's difference equation reads each at t and t − 1 as well; a spatial term
 * W*x reads x of the province's neighbours under the column's weights, each with its weight w_ij (ρ:
 * the neighbours' y); a mediation path's term (`a:AIT`) reads its regressor; the constant and the time
 * dummies read no cell.
 */
import type { AssembledPanel } from '../assembly/panel';
import { InputError } from '../common/errors';
import type { CoefficientRow, EstimationResult, SampleRow } from '../econometrics/result';
import type { WeightsMatrix } from '../econometrics/spatial/weights/matrix';
import { cellRef, parseCellRef, type IndicatorCell } from '../indicators/cells';
import type { CellBasis, ValueBasis } from '../indicators/coverage';
import { explain, type ExplainNode } from '../indicators/explain';
import { mergeCells, termCells, type TermCell } from '../panel/terms';

/** A stored estimation of a run (store/estimations.ts StoredEstimation's fields this module reads). */
export interface LineageStep {
  stepId: string;
  tableId: string;
  columnId: string;
  spec: unknown;
  result: EstimationResult;
}

/** A file cell an assembled value was read from. */
export interface SourceCell {
  file: string;
  sheet?: string;
  cell?: string;
  url?: string;
  sha256: string;
  /** The file is marked synthetic in the manifest (real: false). */
  synthetic: boolean;
}

/** An assembled cell behind a value: how it was obtained and the file cells it rests on. */
export interface AssembledCell {
  ref: string;
  value: number | null;
  unit?: string;
  /** observed, or interpolated / extrapolated / substituted (from the sources named). */
  method: string;
  /** The source's unit and the factor that turned the file's number into `value`'s unit. */
  converted?: { from: string; factor: number };
  sources: SourceCell[];
}

/** A study value a term reads at a used row. */
export interface ReadValue {
  /** `VARIABLE|PROVINCE/YEAR`. */
  ref: string;
  variable: string;
  year: number;
  value: number | null;
  /** The worst cell of its chain: observed, interpolated, substituted, extrapolated, missing. */
  basis: ValueBasis;
  /** Synthetic input files behind it, sorted. */
  synthetic: string[];
  cells: AssembledCell[];
}

export interface LineageRow {
  province: string;
  year: number;
  values: ReadValue[];
  /** A spatial term's values at the province's neighbours, each with its weight in W (row i). */
  neighbours?: (ReadValue & { weight: number })[];
}

export interface SampleLineage {
  stepId: string;
  tableId: string;
  columnId: string;
  estimator: string;
  /** The coefficient's term as stored (with --dependent, the column's dependent variable is followed). */
  term: string;
  coefficient: CoefficientRow;
  nobs: number;
  dependent: boolean;
  /** What the followed term (or the dependent variable) reads at a row, as variable and lag. */
  reads: TermCell[];
  /** What a spatial term reads at the row's neighbours (W*x: x), as variable and lag. */
  neighbourReads: TermCell[];
  /** How the term's reads were derived, when more than its name says (GMM, spatial, mediation…). */
  notes: string[];
  /** Rows of the column's panel (the subset) and the used ones (N). */
  rows: number;
  used: number;
  /** The rows left out, by reason, with their province-years. */
  leftOut: { reason: string; rows: string[] }[];
  /** The used rows, each with the values read (filtered by `only`, when given). */
  sample: LineageRow[];
  /** Over every used row (not only those printed): the values by basis, and those on synthetic files. */
  counts: Record<ValueBasis, number> & { synthetic: number; values: number };
}

export interface LineageInput {
  /** The run's stored estimations. */
  steps: LineageStep[];
  tableId: string;
  columnId: string;
  /** A coefficient term of the column, as stored (`AIT`, `L.AIT`, `AIT:IS`; `×` for `:` accepted). */
  term: string;
  /** Follow the dependent variable (spec.y; a mediation path a: the mediator) instead of the term. */
  dependent?: boolean;
  /** The estimation's stored sample. */
  sample: readonly SampleRow[] | undefined;
  indicators: { cells: Record<string, IndicatorCell> };
  assembled: AssembledPanel;
  /** indicators/coverage.ts cellBases of the run. */
  bases: Record<string, CellBasis>;
  syntheticFiles: ReadonlySet<string>;
  /** The column's weight matrix (a spatial column): W*x is followed to the neighbours' cells. */
  weights?: WeightsMatrix;
  /** Print only these used rows (the counts still cover all). */
  only?: { province?: string; year?: number };
}

const GMM = new Set(['diffgmm', 'sysgmm']);
// Names in the paper's order, as people number them: table3 before table10, (2) before (10).
const natural = new Intl.Collator('en', { numeric: true }).compare;
const MEDIATION_PATHS = new Set(['total', 'a', 'b', 'direct']);

/**
 * The column's step, or an InputError naming the tables or columns that exist, or why the column has
 * no estimate (`failures`: the run's estimations that could not be computed).
 */
export function findStep(
  steps: LineageStep[],
  tableId: string,
  columnId: string,
  failures: readonly { tableId: string; columnId: string; error: string }[] = [],
): LineageStep {
  const failed = failures.find((f) => f.tableId === tableId && f.columnId === columnId);
  if (failed)
    throw new InputError(
      `--column: ${tableId} ${columnId} could not be estimated in this run, so it has no sample: ${failed.error}`,
      '--column',
    );
  const inTable = steps.filter((s) => s.tableId === tableId);
  if (!inTable.length) {
    const tables = [...new Set(steps.map((s) => s.tableId))].sort(natural);
    throw new InputError(
      `--table: no table ${tableId} among this run's estimations (tables: ${tables.join(', ')})`,
      '--table',
    );
  }
  const step = inTable.find((s) => s.columnId === columnId);
  if (!step)
    throw new InputError(
      `--column: table ${tableId} has no column ${columnId} (columns: ${inTable
        .map((s) => s.columnId)
        .sort(natural)
        .join(', ')})`,
      '--column',
    );
  return step;
}

/** The column's coefficient named `term` (× read as :), or an InputError naming the column's terms. */
export function findCoefficient(step: LineageStep, term: string): CoefficientRow {
  const wanted = term.trim().replace(/\s*×\s*/g, ':');
  const row = step.result.coefficients.find((c) => c.term === term.trim() || c.term === wanted);
  if (!row)
    throw new InputError(
      `--term: ${step.tableId} ${step.columnId} has no term ${term} (terms: ${step.result.coefficients.map((c) => c.term).join(', ')})`,
      '--term',
    );
  return row;
}

/** What the term (or the dependent variable) reads at a row, with notes on how. */
export function termReads(
  estimator: string,
  spec: Record<string, unknown>,
  term: string,
  dependent: boolean,
): { reads: TermCell[]; neighbours: TermCell[]; notes: string[] } {
  const notes: string[] = [];
  let expr: string | undefined = term;
  const path = /^(total|a|b|direct):(.+)$/.exec(term);
  if (estimator === 'mediation' && path && MEDIATION_PATHS.has(path[1])) expr = path[2];
  if (dependent) {
    // Mediation's path a regresses the mediator on x; every other path and estimator has y.
    expr = estimator === 'mediation' && path?.[1] === 'a' ? String(spec.mediator) : String(spec.y);
  } else if (estimator === 'mediation' && term === 'indirect') {
    expr = `${String((spec.x as string[])[0])}:${String(spec.mediator)}`;
    notes.push('the indirect effect a·b rests on the regressor and the mediator');
  } else if (term === '_cons' || /^year_\d{4}$/.test(term)) {
    expr = undefined;
    notes.push(`${term} reads no variable; --dependent follows ${String(spec.y)}`);
  } else if (term === 'rho') {
    expr = `W*${String(spec.y)}`;
    notes.push(`rho is the coefficient of W*${String(spec.y)}, the neighbours' ${String(spec.y)}`);
  } else if (term === 'lambda') {
    expr = undefined;
    notes.push(
      'lambda is the spatial autocorrelation of the errors; --dependent follows the dependent variable',
    );
  }
  if (expr === undefined) return { reads: [], neighbours: [], notes };
  const spatial = /^W\*(.+)$/.exec(expr);
  if (spatial) {
    notes.push(
      `W*${spatial[1]}: the weighted mean of ${spatial[1]} over the province's neighbours, w_ij × value`,
    );
    return { reads: [], neighbours: termCells(spatial[1]), notes };
  }
  if (!GMM.has(estimator)) return { reads: termCells(expr), neighbours: [], notes };
  notes.push('a GMM difference equation at t reads each value at t and t − 1');
  return { reads: mergeCells([...termCells(expr), ...termCells(expr, 1)]), neighbours: [], notes };
}

/** The lineage of a table cell down to its source cells. */
export function sampleLineage(input: LineageInput): SampleLineage {
  const step = findStep(input.steps, input.tableId, input.columnId);
  const coefficient = findCoefficient(step, input.term);
  const spec = step.spec as Record<string, unknown>;
  const dependent = input.dependent ?? false;
  const {
    reads,
    neighbours: neighbourReads,
    notes,
  } = termReads(step.result.estimator, spec, coefficient.term, dependent);
  const weights = input.weights;
  if (neighbourReads.length && !weights)
    throw new InputError(
      `--term: ${coefficient.term} of ${step.stepId} reads the neighbours' values, and the column's weight matrix is not known here (AICARBON_STUDY must name the run's study)`,
      '--term',
    );
  const sample = input.sample;
  if (!sample)
    throw new InputError(
      `${step.stepId}: the run stores no sample for this estimation (stored before samples were, migration 014); ` +
        'a refresh on this version computes it again (aicarbon run --force)',
      step.stepId,
    );
  const counts: SampleLineage['counts'] = {
    observed: 0,
    interpolated: 0,
    substituted: 0,
    extrapolated: 0,
    missing: 0,
    synthetic: 0,
    values: 0,
  };
  const leftOut = new Map<string, string[]>();
  const rows: LineageRow[] = [];
  for (const r of sample) {
    if (!r.used) {
      const reason = r.reason ?? 'left out';
      leftOut.set(reason, [...(leftOut.get(reason) ?? []), `${r.entity}/${r.time}`]);
      continue;
    }
    const values = reads.map((c) => readValue(input, c.variable, r.entity, r.time - c.lag));
    const around = neighbourReads.length ? neighboursOf(weights!, r.entity) : [];
    const neighbours = around.flatMap(({ id, weight }) =>
      neighbourReads.map((c) => ({ ...readValue(input, c.variable, id, r.time - c.lag), weight })),
    );
    for (const v of [...values, ...neighbours]) {
      counts[v.basis] += 1;
      counts.values += 1;
      if (v.synthetic.length) counts.synthetic += 1;
    }
    const shown =
      (input.only?.province === undefined || input.only.province === r.entity) &&
      (input.only?.year === undefined || input.only.year === r.time);
    if (shown)
      rows.push({ province: r.entity, year: r.time, values, ...(around.length ? { neighbours } : {}) });
  }
  return {
    stepId: step.stepId,
    tableId: step.tableId,
    columnId: step.columnId,
    estimator: step.result.estimator,
    term: coefficient.term,
    coefficient,
    nobs: step.result.nobs,
    dependent,
    reads,
    neighbourReads,
    notes,
    rows: sample.length,
    used: sample.length - [...leftOut.values()].reduce((n, l) => n + l.length, 0),
    leftOut: [...leftOut].map(([reason, list]) => ({ reason, rows: list })),
    sample: rows,
    counts,
  };
}

/** Row `id` of W: the neighbours and their weights, in W's column order. */
function neighboursOf(w: WeightsMatrix, id: string): { id: string; weight: number }[] {
  const i = w.ids.indexOf(id);
  if (i < 0) return [];
  const out = [];
  for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++)
    out.push({ id: w.ids[w.colIdx[k]], weight: w.values[k] });
  return out;
}

/** One study value with the assembled cells of its chain and their file cells. */
function readValue(input: LineageInput, variable: string, province: string, year: number): ReadValue {
  const ref = cellRef(variable, province, year);
  const basis = input.bases[ref];
  let chain: ExplainNode | undefined;
  try {
    chain = explain(input.indicators, input.assembled, { variable, province, year });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
  const cells = new Map<string, AssembledCell>();
  const walk = (n: ExplainNode) => {
    if (n.kind === 'assembled' && !cells.has(n.ref)) {
      const at = parseCellRef(n.ref);
      const converted = input.assembled.variables[at.variable]?.cells[at.cell]?.converted;
      cells.set(n.ref, {
        ref: n.ref,
        value: n.value,
        ...(n.unit ? { unit: n.unit } : {}),
        method: n.method,
        ...(converted ? { converted } : {}),
        sources: (n.sources ?? []).map((s) => ({
          file: s.file,
          ...(s.sheet ? { sheet: s.sheet } : {}),
          ...(s.cell ? { cell: s.cell } : {}),
          ...(s.url ? { url: s.url } : {}),
          sha256: s.sha256,
          synthetic: input.syntheticFiles.has(s.file),
        })),
      });
    }
    n.inputs.forEach(walk);
  };
  if (chain) walk(chain);
  return {
    ref,
    variable,
    year,
    value: chain?.value ?? null,
    basis:
      !chain || chain.value === null
        ? 'missing'
        : (basis?.basis ?? (chain.kind === 'assembled' ? (chain.method as ValueBasis) : 'observed')),
    synthetic: basis?.synthetic ?? [],
    cells: [...cells.values()],
  };
}

const at = (c: TermCell) => (c.lag === 0 ? 't' : c.lag > 0 ? `t − ${c.lag}` : `t + ${-c.lag}`);
const num = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x));

/** The lineage as the lines `aicarbon explain --table … --column … --term …` prints. */
export function formatLineage(l: SampleLineage): string[] {
  const c = l.coefficient;
  const cells = (list: TermCell[]) => list.map((r) => `${r.variable} at ${at(r)}`).join(', ');
  const who = l.dependent ? 'the dependent variable is' : `${l.term} reads`;
  const out = [
    `${l.tableId} ${l.columnId} (${l.estimator}): ${l.term} = ${num(c.estimate)}  (SE ${num(c.std_error)}, p ${num(c.p_value)}), N = ${l.nobs}`,
    l.reads.length
      ? `${who} ${cells(l.reads)}`
      : l.neighbourReads.length
        ? `${l.term} reads at each neighbour: ${cells(l.neighbourReads)}`
        : `${l.term} reads no variable`,
    ...l.notes.map((n) => `  (${n})`),
    `sample: ${l.used} of ${l.rows} province-years used` +
      (l.rows > l.used ? `, ${l.rows - l.used} left out:` : ''),
  ];
  for (const x of l.leftOut)
    out.push(
      `  ${String(x.rows.length).padStart(4)} × ${x.reason}: ${x.rows.slice(0, 10).join(' ')}${x.rows.length > 10 ? ' …' : ''}`,
    );
  if (l.counts.values) {
    const k = l.counts;
    const filled = (['interpolated', 'substituted', 'extrapolated', 'missing'] as const)
      .filter((b) => k[b])
      .map((b) => `${k[b]} ${b}`);
    out.push(
      `${k.values} values read over the ${l.used} used rows: ${k.observed} observed` +
        (filled.length ? `, ${filled.join(', ')}` : '') +
        (k.synthetic ? `; ${k.synthetic} rest on synthetic inputs` : ''),
    );
  }
  out.push('');
  for (const row of l.sample) {
    out.push(`${row.province} ${row.year}`);
    for (const v of row.values) out.push(...valueLines(v, ''));
    for (const v of row.neighbours ?? []) out.push(...valueLines(v, `w ${num(v.weight)} × `));
    for (const r of row.neighbours?.length ? l.neighbourReads : []) {
      const of = row.neighbours!.filter((v) => v.variable === r.variable && v.year === row.year - r.lag);
      const lag = of.every((v) => v.value !== null)
        ? num(of.reduce((sum, v) => sum + v.weight * v.value!, 0))
        : 'missing';
      out.push(`  = W*${r.variable} at ${at(r)}: Σ w × ${r.variable} = ${lag}`);
    }
  }
  return out;
}

/** A value read, flagged, then its assembled cells and their file cells. */
function valueLines(v: ReadValue, prefix: string): string[] {
  const flags = [...(v.basis !== 'observed' ? [v.basis] : []), ...(v.synthetic.length ? ['synthetic'] : [])];
  const out = [
    `  ${prefix}${v.ref} = ${v.value === null ? 'missing' : num(v.value)}${flags.length ? `  [${flags.join(', ')}]` : ''}`,
  ];
  for (const cell of v.cells) {
    const cellFlags = [
      ...(cell.method !== 'observed' ? [cell.method] : []),
      ...(cell.sources.some((s) => s.synthetic) ? ['synthetic'] : []),
    ];
    const unit = cell.unit ? ` ${cell.unit}` : '';
    const from = cell.converted ? ` (from ${cell.converted.from} × ${cell.converted.factor})` : '';
    out.push(
      `    ${cell.ref} = ${cell.value === null ? 'missing' : num(cell.value)}${unit}${from}` +
        (cellFlags.length ? `  [${cellFlags.join(', ')}]` : ''),
    );
    for (const s of cell.sources)
      out.push(
        `      ← ${[s.file, s.sheet, s.cell].filter(Boolean).join(' ! ')}${s.url ? ` (${s.url})` : ''}`,
      );
  }
  return out;
}
