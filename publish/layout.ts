/**
 * The paper's table layout, computed once from tidy results and rendered by every writer (Excel, CSV,
 * LaTeX, HTML). Regression tables: a coefficient row with stars and a standard-error row under it per
 * term (constant last; the dynamic spatial model's τ and ψ by name), spatial effects (static, then
 * short-run and long-run), then Controls / fixed-effect rows, N, R², the table's extra
 * statistics and the notes. Moran tables: one row per year, Moran's I with stars and its p-value.
 * Stars at 10 / 5 / 1 %.
 */
import { normalTwoSided } from '../econometrics/distributions';
import { absorbedEffects, contractOf } from '../econometrics/registry';
import type { EstimationResult } from '../econometrics/result';
import type { Study, StudyTable } from '../study';
import { basisNotes, type ColumnBasis } from './basis';
import {
  chosenPValue,
  diffHansenStatistic,
  gmmNotes,
  inferenceNotes,
  ivNotes,
  moranNotes,
  NEGATIVE_DIFF_HANSEN,
} from './inference';

export interface PublishedStep {
  stepId: string;
  tableId: string;
  columnId: string;
  result: EstimationResult;
}

/** A step that ran and failed (bad input, a data gap): its column stays blank with this reason. */
export interface FailedStep {
  stepId: string;
  message: string;
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

export const stars = (p: number) =>
  !Number.isFinite(p) ? '' : p < 0.01 ? '***' : p < 0.05 ? '**' : p < 0.1 ? '*' : '';

export type LayoutCell =
  /** A coefficient (stars from its p-value); null = the term is not in this column's model. */
  | { kind: 'coef'; value: number | null; stars?: string }
  /** A standard error, printed in parentheses. */
  | { kind: 'se'; value: number | null }
  /** The conventional and the chosen p-value side by side (tables with a `stars` choice). */
  | { kind: 'pvalues'; conventional: number | null; chosen: number | null }
  /** A statistic: N and counts print as integers. */
  | { kind: 'stat'; value: number | null }
  /** Yes / No rows, and blanks of columns without a result. */
  | { kind: 'text'; text: string };

export interface LayoutRow {
  label: string;
  /** What the row is, for styling and for the tidy CSV: a term, its SE, a statistic, an indicator. */
  role: 'coef' | 'se' | 'pvalues' | 'stat' | 'indicator';
  cells: LayoutCell[];
}

export interface TableLayout {
  id: string;
  title: string;
  /** Header rows above the body, top first; each has one label per column (equal neighbours merge). */
  headers: string[][];
  /** What each header row is, printed in its first cell (e.g. "Dependent variable"); '' for none. */
  stubs: string[];
  rows: LayoutRow[];
  notes: string[];
  /** Study column ids that have no result yet (their cells are blank). */
  missing: string[];
}

export const STAR_NOTE = '* p < 0.1, ** p < 0.05, *** p < 0.01.';
/** Said once, only under tables that print standard errors and do not say it in their own note. */
export const SE_NOTE = 'Standard errors in parentheses.';

const KIND_NAMES: Record<string, string> = {
  contiguity: 'Contiguity',
  economic: 'Economic distance',
  'inverse-distance': 'Geographic distance',
};

/** The name a table prints over a column estimated under the study's matrix `key` (its `name`, else its kind). */
export function weightsName(study: Partial<Pick<Study, 'weights'>> | undefined, key: string): string {
  const w = study?.weights?.[key];
  return w?.name ?? (w ? (KIND_NAMES[w.kind] ?? key) : key);
}

const STAT_LABELS: Record<string, string> = {
  nobs: 'N',
  r2: 'R²',
  r2_within: 'R² (within)',
  mean_vif: 'Mean VIF',
  ar1_p: 'AR(1) p-value',
  ar2_p: 'AR(2) p-value',
  hansen_p: 'Hansen J p-value',
  sargan_p: 'Sargan p-value',
  share: 'Mediated share a·b/c',
  sobel_z: 'Sobel z',
  sobel_p: 'Sobel p-value',
  boot_ci_lower: 'Bootstrap 95% CI, lower',
  boot_ci_upper: 'Bootstrap 95% CI, upper',
  rho: 'ρ (W·y)',
  lambda: 'λ',
  loglik: 'Log likelihood',
  n_instruments: 'Instruments',
  n_clusters: 'Clusters',
  effective_clusters: 'Effective clusters G*',
  kp_rk_lm_p: 'KP rk LM p-value',
  kp_rk_wald_f: 'KP rk Wald F',
  cragg_donald_f: 'Cragg–Donald F',
  ar_p: 'Anderson–Rubin p-value',
  endog_c_p: 'Endogeneity C p-value',
  instruments: 'Instruments',
  groups: 'Groups',
  diff_hansen_levels_p: 'Diff-in-Hansen (levels) p-value',
  spectral_radius: 'Spectral radius of (I − ρW)⁻¹(τI + ψW)',
};

export function statLabel(key: string): string {
  if (Object.hasOwn(STAT_LABELS, key)) return STAT_LABELS[key];
  const [head, arg] = key.split(':');
  if (head === 'vif') return arg;
  if (head === 'first_stage_f') return `First-stage F (${arg})`;
  if (head === 'partial_r2') return `Partial R² (${arg})`;
  return key;
}

const TERM_LABELS: Record<string, string> = {
  _cons: 'Constant',
  rho: 'ρ',
  lambda: 'λ',
  indirect: 'Indirect effect a·b',
};
// Mediation's step terms (econometrics/mediation.ts): total effect c, paths a and b, direct effect c′.
const STEP_PREFIXES: Record<string, string> = { total: 'c (total)', a: 'a', b: 'b', direct: 'c′ (direct)' };

export function termLabel(term: string): string {
  if (Object.hasOwn(TERM_LABELS, term)) return TERM_LABELS[term];
  const [prefix, rest] = term.split(':');
  if (rest && !rest.includes(':') && Object.hasOwn(STEP_PREFIXES, prefix))
    return `${STEP_PREFIXES[prefix]}: ${rest}`;
  return term;
}

/** Time dummies the estimators add (`year_2013`): shown as a Year FE row, as the paper does. */
export const isTimeDummy = (term: string) => /^year_\d{4}$/.test(term);

/** A control or its spatial lag (`W*ED`, `W.ED`, `W:ED`, `W_ED`). */
export function isControlTerm(term: string, controls: string[]): boolean {
  const bare = term.replace(/^W[*.:_]/, '');
  return controls.includes(bare);
}

/** A column's header label: a spatial column's matrix name (W1 is a symbol, not a name), else its label. */
export function columnLabel(
  study: Partial<Pick<Study, 'weights'>> | undefined,
  column: Pick<StudyTable['columns'][number], 'label' | 'weights'>,
): string | undefined {
  if (!column.weights) return column.label;
  const name = weightsName(study, column.weights);
  if (!column.label || column.label === column.weights) return name;
  if (name === column.weights) return column.label; // a matrix the study does not declare: as labelled
  // "Dynamic W1" → "Dynamic (contiguity)": the label's own words, the matrix by its name.
  const key = new RegExp(`\\b${column.weights.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
  if (!key.test(column.label)) return column.label;
  const rest = column.label.replace(key, '').replace(/\s+/g, ' ').trim();
  return rest ? `${rest} (${name.toLowerCase()})` : name;
}

/** The paper-style layout of one study table from whatever results exist for it. */
export function tableLayout(
  table: StudyTable,
  steps: PublishedStep[],
  study?: Pick<Study, 'controls'> & Partial<Pick<Study, 'weights'>>,
  failures: FailedStep[] = [],
  /** What each column rests on (publish/basis.ts): synthetic inputs and filled values, in the notes. */
  bases: ColumnBasis[] = [],
): TableLayout {
  const byColumn = new Map(steps.filter((s) => s.tableId === table.id).map((s) => [s.columnId, s.result]));
  const columns = table.columns;
  const results = columns.map((c) => byColumn.get(c.id));
  const missing = columns.filter((_, i) => !results[i]).map((c) => c.id);
  const notes = [
    ...basisNotes(
      table.columns.map((c) => c.id),
      bases.filter((b) => b.tableId === table.id),
    ),
    ...(table.notes ? [table.notes] : []),
  ];
  // Estimator notes from the registry (e.g. how GMM treats individual effects), once per table.
  for (const c of columns) {
    const note = contractOf(c.spec.estimator).note;
    if (note && !notes.includes(note)) notes.push(note);
  }
  const reasons = new Map(failures.map((f) => [f.stepId, f.message]));
  const failed = missing.filter((c) => reasons.has(`${table.id}/${c}`));
  const pending = missing.filter((c) => !reasons.has(`${table.id}/${c}`));
  for (const c of failed) notes.push(`Column ${c} failed: ${reasons.get(`${table.id}/${c}`)}`);
  if (pending.length) notes.push(`No result for column ${pending.join(', ')}.`);
  const base = { id: table.id, title: table.title, notes, missing };

  const present = results.filter((r): r is EstimationResult => r !== undefined);
  if (present.length > 0 && present.every((r) => r.moran?.length && r.coefficients.length === 0))
    return {
      ...base,
      notes: [STAR_NOTE, ...base.notes, ...moranNotes(table, results)],
      stubs: ['', ''],
      ...moranBody(
        columns.map((c) => c.label ?? c.id),
        results,
      ),
    };

  const blank = (i: number): LayoutCell | undefined => (results[i] ? undefined : { kind: 'text', text: '' });
  const controls = study?.controls ?? ['ED', 'ER', 'ECS', 'WF', 'OPEN'];
  const shown = (term: string) =>
    !isTimeDummy(term) && (table.showControls || !isControlTerm(term, controls));
  const rows: LayoutRow[] = [];

  const terms: string[] = [];
  for (const r of present)
    for (const row of r.coefficients) if (!terms.includes(row.term)) terms.push(row.term);
  terms.sort((a, b) => Number(a === '_cons') - Number(b === '_cons'));
  // The dynamic spatial model's lags of y: τ (L.y) and ψ (W*L.y) by the parameter's name.
  const dynamicLabels = new Map<string, string>();
  for (const c of columns)
    if (c.spec.spatial?.dynamic) {
      dynamicLabels.set(`L.${c.spec.y}`, `τ (L.${c.spec.y})`);
      dynamicLabels.set(`W*L.${c.spec.y}`, `ψ (W*L.${c.spec.y})`);
    }
  for (const term of terms.filter(shown)) {
    const found = results.map((r) => r?.coefficients.find((c) => c.term === term));
    const chosen = found.map((c, i) => (c ? chosenPValue(table, columns[i], c) : undefined));
    rows.push({
      label: dynamicLabels.get(term) ?? termLabel(term),
      role: 'coef',
      cells: found.map(
        (c, i) =>
          blank(i) ?? {
            kind: 'coef',
            value: c?.estimate ?? null,
            stars: c ? stars(chosen[i] ?? c.p_value) : '',
          },
      ),
    });
    rows.push({
      label: '',
      role: 'se',
      cells: found.map((c, i) => blank(i) ?? { kind: 'se', value: c?.std_error ?? null }),
    });
    if (chosen.some((p) => p !== undefined)) {
      rows.push({
        label: '',
        role: 'pvalues',
        cells: found.map(
          (c, i) =>
            blank(i) ??
            (c && chosen[i] !== undefined
              ? { kind: 'pvalues', conventional: c.p_value, chosen: chosen[i]! }
              : { kind: 'text', text: '' }),
        ),
      });
    }
  }

  // LeSage–Pace impacts: z-tests on the simulated SEs, as spatialreg's summary(impacts) reports. The
  // static models' first, then the dynamic model's short-run and long-run ones (rows with a horizon).
  const effectTerms: string[] = [];
  for (const r of present)
    for (const e of r.effects ?? []) if (!effectTerms.includes(e.term)) effectTerms.push(e.term);
  const horizons = (['static', 'short', 'long'] as const).filter((h) =>
    present.some((r) => r.effects?.some((e) => (e.horizon ?? 'static') === h)),
  );
  const horizonLabel = { static: '', short: 'Short-run ', long: 'Long-run ' };
  for (const horizon of horizons)
    for (const kind of ['direct', 'indirect', 'total'] as const) {
      for (const term of effectTerms.filter(shown)) {
        const found = results.map((r) =>
          r?.effects?.find((e) => e.term === term && (e.horizon ?? 'static') === horizon),
        );
        const label = horizon === 'static' ? `${kind[0].toUpperCase()}${kind.slice(1)}` : kind;
        const name = `${horizonLabel[horizon]}${label} effect: ${term}`;
        rows.push({
          label: name,
          role: 'coef',
          cells: found.map((e, i) => {
            if (!e) return blank(i) ?? { kind: 'coef', value: null };
            // A long-run effect without a long-run equilibrium is NaN: printed as not estimated.
            const v = finite(e[kind]);
            const se = e[`${kind}_se`];
            return { kind: 'coef', value: v, stars: v === null ? '' : stars(normalTwoSided(v / se)) };
          }),
        });
        rows.push({
          label: '',
          role: 'se',
          cells: found.map(
            (e, i) =>
              blank(i) ?? {
                kind: 'se',
                value: e && finite(e[kind]) !== null ? finite(e[`${kind}_se`]) : null,
              },
          ),
        });
      }
    }

  const indicator = (label: string, yes: (i: number) => boolean) => ({
    label,
    role: 'indicator' as const,
    cells: columns.map((_, i): LayoutCell => blank(i) ?? { kind: 'text', text: yes(i) ? 'Yes' : 'No' }),
  });
  if (terms.length > 0) {
    if (!table.showControls)
      rows.push(indicator('Controls', (i) => columns[i].spec.x.some((t) => isControlTerm(t, controls))));
    // Which effects a column absorbs is its estimator's contract (econometrics/registry.ts).
    const absorbed = columns.map((c) => absorbedEffects(c.spec));
    const entityFe = absorbed.map((a) => a.entity);
    const timeFe = absorbed.map(
      (a, i) => a.time || !!results[i]?.coefficients.some((c) => isTimeDummy(c.term)),
    );
    if (entityFe.some(Boolean)) rows.push(indicator('Province FE', (i) => entityFe[i]));
    if (timeFe.some(Boolean)) rows.push(indicator('Year FE', (i) => timeFe[i]));
  }

  const statRow = (label: string, get: (r: EstimationResult) => number | undefined) => {
    const values = results.map((r) => {
      const v = r ? get(r) : undefined;
      return v === undefined || v === null || !Number.isFinite(v) ? null : v;
    });
    if (values.every((v) => v === null)) return;
    rows.push({
      label,
      role: 'stat',
      cells: values.map((value, i) => blank(i) ?? { kind: 'stat', value }),
    });
  };
  if (terms.length > 0 || effectTerms.length > 0) {
    statRow('N', (r) => r.nobs);
    // The within R² of FE models says so; a column without that kind of R² is blank on its row.
    for (const [label, key] of [
      ['R²', 'r2'],
      ['R² (within)', 'r2_within'],
    ] as const) {
      const own = (r: EstimationResult) =>
        key === 'r2' && r.statistics.r2_within !== undefined ? undefined : r.statistics[key];
      const at = rows.length;
      statRow(label, own);
      if (rows.length > at)
        rows[at].cells = rows[at].cells.map((c, i) =>
          results[i] && own(results[i]) === undefined ? { kind: 'text', text: '' } : c,
        );
    }
  } else {
    // Estimators without coefficient rows (VIF) publish their named statistics, N once (last).
    const names = [...new Set(present.flatMap((r) => Object.keys(r.statistics)))].filter((n) => n !== 'nobs');
    for (const name of names) statRow(statLabel(name), (r) => r.statistics[name]);
    statRow('N', (r) => r.nobs);
  }
  for (const key of table.statistics)
    if (!rows.some((r) => r.role === 'stat' && r.label === statLabel(key)))
      statRow(statLabel(key), (r) => r.statistics[key]);
  markNegativeDiffHansen(rows, table.statistics, results, base.notes);
  base.notes.push(...inferenceNotes(table, results), ...ivNotes(table, results), ...gmmNotes(table, results));
  // One note per fact: the stars when any are printed, the parentheses when the table has SEs and its
  // own note does not already say what they are.
  const lead: string[] = [];
  if (rows.some((r) => r.role === 'coef')) lead.push(STAR_NOTE);
  if (rows.some((r) => r.role === 'se') && !/in parentheses/i.test(table.notes ?? '')) lead.push(SE_NOTE);
  base.notes.unshift(...lead);

  // Spatial columns carry their matrix's name (W1 is a symbol, not a name).
  const labels = columns.map((c) => columnLabel(study, c) ?? '');
  const ids = columns.map((c) => c.id);
  const headers = labels.some((l, i) => l && l !== ids[i]) ? [labels, ids] : [ids];
  const stubs = headers.map(() => '');
  // The dependent variable over the columns of every regression table.
  if (terms.length > 0 || effectTerms.length > 0) {
    headers.unshift(columns.map((c) => c.spec.y));
    stubs.unshift('Dependent variable');
  }
  return { ...base, headers, stubs, rows };
}

/**
 * A difference-in-Hansen p row prints, where the difference is negative, the statistic with a dagger
 * instead of xtabond2's p of 1, and the table says once what that means (publish/inference.ts).
 */
function markNegativeDiffHansen(
  rows: LayoutRow[],
  keys: readonly string[],
  results: (EstimationResult | undefined)[],
  notes: string[],
): void {
  let marked = false;
  for (const key of keys) {
    const stat = diffHansenStatistic(key);
    const row = stat && rows.find((r) => r.role === 'stat' && r.label === statLabel(key));
    if (!stat || !row) continue;
    row.cells = row.cells.map((cell, i) => {
      const d = results[i]?.statistics[stat];
      if (d === undefined || !(d < 0)) return cell;
      marked = true;
      return { kind: 'text', text: `χ² = ${d.toFixed(2)}†` };
    });
  }
  if (marked)
    notes.push(
      `† Difference-in-Hansen χ² printed instead of its p-value: ${NEGATIVE_DIFF_HANSEN} (as xtabond2 reports it).`,
    );
}

function moranBody(labels: string[], results: (EstimationResult | undefined)[]) {
  // A permutation p-value column when the results carry one.
  const perm = results.some((r) => r?.moran?.some((m) => m.p_permutation !== undefined));
  const times: (number | 'pooled')[] = [];
  for (const r of results) for (const m of r?.moran ?? []) if (!times.includes(m.time)) times.push(m.time);
  times.sort((a, b) => (a === 'pooled' ? 1 : b === 'pooled' ? -1 : a - b));
  const rows: LayoutRow[] = times.map((time) => ({
    label: String(time === 'pooled' ? 'Pooled' : time),
    role: 'stat',
    cells: results.flatMap((r): LayoutCell[] => {
      if (!r) return Array.from({ length: perm ? 3 : 2 }, (): LayoutCell => ({ kind: 'text', text: '' }));
      const m = r.moran?.find((x) => x.time === time);
      return [
        { kind: 'coef', value: m?.I ?? null, stars: m ? stars(m.p_value) : '' },
        { kind: 'stat', value: m?.p_value ?? null },
        ...(perm ? [{ kind: 'stat' as const, value: m?.p_permutation ?? null }] : []),
      ];
    }),
  }));
  const per = perm ? ["Moran's I", 'p-value', 'perm. p'] : ["Moran's I", 'p-value'];
  return {
    headers: [labels.flatMap((l) => per.map(() => l)), labels.flatMap(() => per)],
    rows,
  };
}

/** Every table of the study, in the study's order. */
export function studyLayouts(
  study: Study,
  steps: PublishedStep[],
  failures: FailedStep[] = [],
  bases: ColumnBasis[] = [],
): TableLayout[] {
  return study.tables.map((t) => tableLayout(t, steps, study, failures, bases));
}

/** How a cell prints in text renderings (CSV, LaTeX, HTML); `-` marks a term not in the model. */
export function cellText(cell: LayoutCell, digits = 3): string {
  if (cell.kind === 'text') return cell.text;
  if (cell.kind === 'pvalues') return `[${pText(cell.conventional, digits)}; ${pText(cell.chosen, digits)}]`;
  if (cell.value === null) return '-';
  if (cell.kind === 'coef') return `${cell.value.toFixed(digits)}${cell.stars ?? ''}`;
  if (cell.kind === 'se') return `(${cell.value.toFixed(digits)})`;
  return Number.isInteger(cell.value) ? String(cell.value) : cell.value.toFixed(digits);
}

const pText = (p: number | null, digits: number) =>
  p === null || !Number.isFinite(p)
    ? '-'
    : p < 10 ** -digits
      ? `<${(10 ** -digits).toFixed(digits)}`
      : p.toFixed(digits);
