/**
 * What published results rest on: which study variables come (somewhere in their chain) from a
 * synthetic input file, which are proxies, and for each table column, which of its variables are
 * synthetic and how many of its estimation sample's values were interpolated, substituted or
 * extrapolated rather than observed. Read by the report's banner, the first row of every sheet, the
 * tables' notes and the store's `column_basis`.
 */
import type { SampleRow } from '../econometrics/result';
import type { CellBasis } from '../indicators/coverage';
import { sampleSubset, type Study, type StudyColumn } from '../study';
import type { CoverageLine } from './run';

/** One variable of a column: its synthetic inputs and its filled values within the column's rows. */
export interface VariableBasis {
  variable: string;
  /** Synthetic files behind the variable's values in this column's rows, sorted. */
  syntheticInputs: string[];
  interpolated: number;
  substituted: number;
  extrapolated: number;
  /**
   * The rows counted: the estimation's used province-years (its N) when its sample is stored, else the
   * rows of the column's subset where every variable it uses has a value (its N before lags).
   */
  rows: number;
}

export interface ColumnBasis {
  tableId: string;
  columnId: string;
  variables: VariableBasis[];
}

/** The study variables a column's specification names (its y, x, moderator, instruments, lags…). */
export function columnVariables(column: StudyColumn, variables: string[]): string[] {
  const { subset: _subset, ...spec } = column.spec as Record<string, unknown>;
  const tokens: string[] = JSON.stringify(spec).match(/[A-Za-z][A-Za-z0-9_]*/g) ?? [];
  return variables.filter((v) => tokens.includes(v));
}

/**
 * Each column's basis, from every value's basis (indicators/coverage.ts cellBases) and the panel rows,
 * over the rows its estimation used (`samples`, by step id `table/column`: the stored e(sample), so a
 * lag or GMM column counts its N rows, not the subset's) or, without a stored sample, over the subset's
 * complete rows.
 */
export function columnBases(
  study: Study,
  bases: Record<string, CellBasis>,
  rows: Record<string, number | string | null>[],
  samples: ReadonlyMap<string, readonly SampleRow[]> = new Map(),
): ColumnBasis[] {
  const seen = new Set<string>();
  for (const k of Object.keys(bases)) seen.add(k.slice(0, k.indexOf('|')));
  const variables = [...seen];
  // Each row's key once, and each variable's bases aligned with the rows (built when first read), so a
  // column counts over row indices instead of building a `VARIABLE|PROVINCE/YEAR` string per value.
  const cellOf = rows.map((r) => `${r.province}/${r.year}`);
  const rowIndex = new Map(cellOf.map((c, i) => [c, i]));
  const byVariable = new Map<string, (CellBasis | undefined)[]>();
  const basesOf = (v: string) => {
    let list = byVariable.get(v);
    if (!list) byVariable.set(v, (list = cellOf.map((c) => bases[`${v}|${c}`])));
    return list;
  };
  const subsetRows = new Map<string, number[]>();
  const sampleRows = (sample: string) => {
    let list = subsetRows.get(sample);
    if (!list) {
      const subset = sampleSubset(study, sample);
      const values = subset && new Set(subset.values.map(String));
      list = [];
      for (let i = 0; i < rows.length; i++)
        if (!values || values.has(String(rows[i][subset!.by]))) list.push(i);
      subsetRows.set(sample, list);
    }
    return list;
  };
  const out: ColumnBasis[] = [];
  for (const table of study.tables)
    for (const column of table.columns) {
      const used = columnVariables(column, variables);
      const inSample = sampleRows(column.sample);
      const sample = samples.get(`${table.id}/${column.id}`);
      let complete: number[];
      if (sample) {
        const usedRows = new Set<number>();
        for (const s of sample) {
          const i = s.used ? rowIndex.get(`${s.entity}/${s.time}`) : undefined;
          if (i !== undefined) usedRows.add(i);
        }
        complete = inSample.filter((i) => usedRows.has(i));
      } else {
        const lists = used.map(basesOf);
        complete = inSample.filter((i) => lists.every((l) => (l[i]?.basis ?? 'missing') !== 'missing'));
      }
      out.push({
        tableId: table.id,
        columnId: column.id,
        variables: used.map((variable) => {
          const vb: VariableBasis = {
            variable,
            syntheticInputs: [],
            interpolated: 0,
            substituted: 0,
            extrapolated: 0,
            rows: complete.length,
          };
          const files = new Set<string>();
          const list = basesOf(variable);
          for (const i of complete) {
            // A used row may lack a value of a variable it reads only at a lag (L.AIT: the year before's).
            const b = list[i];
            if (!b) continue;
            if (b.basis === 'interpolated' || b.basis === 'substituted' || b.basis === 'extrapolated')
              vb[b.basis] += 1;
            for (const f of b.synthetic) files.add(f);
          }
          vb.syntheticInputs = [...files].sort();
          return vb;
        }),
      });
    }
  return out;
}

const list = (ids: string[]) => (ids.length === 1 ? `column ${ids[0]}` : `columns ${ids.join(', ')}`);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A table's notes on what its columns rest on: one note naming the columns that use synthetic inputs
 * (and which variables, from which files), one naming the filled values in the columns' samples.
 */
export function basisNotes(tableColumns: string[], bases: ColumnBasis[]): string[] {
  const of = tableColumns
    .map((id) => bases.find((b) => b.columnId === id))
    .filter((b): b is ColumnBasis => !!b);
  const notes: string[] = [];
  // Synthetic: group the columns by the variables (and files) they rest on.
  const synthetic = new Map<string, string[]>();
  for (const b of of) {
    const parts = b.variables
      .filter((v) => v.syntheticInputs.length)
      .map((v) => `${v.variable} (${v.syntheticInputs.join(', ')})`);
    if (!parts.length) continue;
    const key = parts.join(', ');
    synthetic.set(key, [...(synthetic.get(key) ?? []), b.columnId]);
  }
  if (synthetic.size) {
    const groups = [...synthetic].map(([what, ids]) =>
      ids.length === of.length && synthetic.size === 1
        ? `every column uses ${what}`
        : `${list(ids)}: ${what}`,
    );
    notes.push(`Synthetic inputs — illustrative, not findings: ${groups.join('; ')}.`);
  }
  // Filled values: per variable and kind, the columns and how many of their rows.
  const filled = new Map<string, string[]>();
  for (const b of of)
    for (const v of b.variables)
      for (const kind of ['extrapolated', 'substituted', 'interpolated'] as const) {
        if (!v[kind]) continue;
        const key = `${v.variable}: ${v[kind]} of ${v.rows} values ${kind}`;
        filled.set(key, [...(filled.get(key) ?? []), b.columnId]);
      }
  if (filled.size) {
    const parts = [...filled].map(
      ([what, ids]) => `${what} (${ids.length === of.length ? 'every column' : list(ids)})`,
    );
    notes.push(`Not observed: ${parts.join('; ')}.`);
  }
  return notes.map(cap);
}

/**
 * The banner at the top of the report and of every sheet when any study variable rests on a synthetic
 * input (undefined otherwise), naming the variables and files.
 */
export function syntheticBanner(
  coverage: Pick<CoverageLine, 'variable' | 'syntheticInputs'>[],
): string | undefined {
  const byFiles = new Map<string, string[]>();
  for (const c of coverage) {
    if (!c.syntheticInputs?.length) continue;
    const key = c.syntheticInputs.join(', ');
    byFiles.set(key, [...(byFiles.get(key) ?? []), c.variable]);
  }
  if (!byFiles.size) return undefined;
  const parts = [...byFiles].map(([files, vars]) => `${vars.join(', ')} (from ${files})`);
  return (
    `Synthetic inputs: ${parts.join('; ')} rest on synthetic data, not on a real source. ` +
    'Every result that uses them illustrates the method and is not a finding; the table columns concerned are named in their notes.'
  );
}

/** The study's proxies, `VARIABLE: what stands in for it`, for the report's header and the run sheet. */
export function proxyLines(study: Pick<Study, 'variables'>): string[] {
  return Object.entries(study.variables)
    .filter(([, v]) => v.proxy)
    .map(([name, v]) => `${name}: ${v.proxy!.replace(/^PROXY:\s*/, '')}`);
}
