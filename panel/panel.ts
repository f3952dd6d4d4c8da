/**
 * The panel data container: one row per (entity, time), numeric columns as Float64Array (NaN = missing),
 * text columns kept as labels for subsetting (e.g. region). Rows are sorted by entity, then time, so
 * every transformation that needs order (lags, differences) reads the same layout. Estimators never
 * re-implement lags, demeaning or layouts: they ask the panel's room (terms.ts for the spec's terms,
 * within.ts for the within transformation, grid.ts for the entity × period grid).
 *
 * Instances are immutable in spirit: every transformation returns a new Panel sharing unchanged columns.
 */
import { InputError } from '../common/errors';
import { percentile, type PercentileDefinition } from './percentile';

export type Cell = number | string | null | undefined;

/**
 * A row as the stages hand it on (the indicator table, the stored snapshot, the panel's input): entity,
 * time and each variable, null where missing.
 */
export type PanelRow = Record<string, number | string | null>;

export interface PanelIndex {
  /** Name of the entity key column (e.g. `province`). */
  entity: string;
  /** Name of the time key column (e.g. `year`); its values must be numeric. */
  time: string;
}

export interface FromRowsOptions extends PanelIndex {
  /** Where the rows came from, for error messages (e.g. a file name). */
  source?: string;
  /** Only these columns are read (default: every key of every row except entity and time). */
  columns?: string[];
}

const MISSING_TOKENS = new Set(['', 'NA', 'NaN', 'nan', '.', 'null', 'NULL']);

function parseNumber(v: Cell): number | undefined {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return v;
  const s = v.trim();
  if (MISSING_TOKENS.has(s)) return NaN;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

export interface WinsorizeOptions {
  /** Lower percentile in [0, 100), e.g. 5. */
  lower: number;
  /** Upper percentile in (0, 100], e.g. 95. */
  upper: number;
  /** Compute the cut-offs within each group of this column (numeric or label), e.g. `year`. */
  by?: string;
  /** Percentile definition; default `stata` (see panel/percentile.ts). */
  definition?: PercentileDefinition;
}

export class Panel {
  private constructor(
    readonly index: PanelIndex,
    /** Entity key of each row. */
    readonly entityKeys: readonly string[],
    /** Entity code (0..ngroups-1, in sorted key order) of each row. */
    readonly entityCodes: Int32Array,
    /** Distinct entity keys; `entityLevels[entityCodes[i]]` is row i's key. */
    readonly entityLevels: readonly string[],
    readonly times: Float64Array,
    private readonly numeric: ReadonlyMap<string, Float64Array>,
    private readonly labels: ReadonlyMap<string, readonly string[]>,
  ) {}

  /**
   * Builds a panel from records. A column whose every non-missing cell is non-numeric text becomes a
   * label column; a column mixing numbers and text is an error naming the first bad cell.
   */
  static fromRows(rows: readonly Record<string, Cell>[], options: FromRowsOptions): Panel {
    const where = options.source ? `${options.source}: ` : '';
    const { entity, time } = options;
    if (rows.length === 0) throw new InputError(`${where}no rows to build a panel from`, options.source);
    const names =
      options.columns ??
      [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== entity && k !== time);
    for (const key of [entity, time, ...names]) {
      if (!(key in rows[0])) {
        throw new InputError(
          `${where}column '${key}' not found (columns: ${Object.keys(rows[0]).join(', ')})`,
          key,
        );
      }
    }
    const order = rows.map((_, i) => i);
    const ekey = rows.map((r, i) => {
      const v = r[entity];
      if (v === null || v === undefined || String(v).trim() === '') {
        throw new InputError(`${where}row ${i + 1}: entity column '${entity}' is empty`, `row ${i + 1}`);
      }
      return String(v).trim();
    });
    const tval = rows.map((r, i) => {
      const n = parseNumber(r[time]);
      if (n === undefined || Number.isNaN(n)) {
        throw new InputError(
          `${where}row ${i + 1}, column '${time}': expected a numeric time value, found '${String(r[time])}'`,
          `row ${i + 1}`,
        );
      }
      return n;
    });
    order.sort((a, b) => (ekey[a] < ekey[b] ? -1 : ekey[a] > ekey[b] ? 1 : tval[a] - tval[b]));
    for (let j = 1; j < order.length; j++) {
      const a = order[j - 1];
      const b = order[j];
      if (ekey[a] === ekey[b] && tval[a] === tval[b]) {
        throw new InputError(
          `${where}rows ${a + 1} and ${b + 1}: duplicate ${entity} '${ekey[a]}' ${time} ${tval[a]}`,
          `row ${b + 1}`,
        );
      }
    }
    const numeric = new Map<string, Float64Array>();
    const labels = new Map<string, string[]>();
    for (const name of names) {
      const col = new Float64Array(order.length);
      let firstText = -1;
      let firstNumber = -1;
      for (let j = 0; j < order.length; j++) {
        const i = order[j];
        const n = parseNumber(rows[i][name]);
        if (n === undefined) {
          if (firstText < 0) firstText = i;
          col[j] = NaN;
        } else {
          if (firstNumber < 0 && !Number.isNaN(n)) firstNumber = i;
          col[j] = n;
        }
      }
      if (firstText >= 0 && firstNumber >= 0) {
        throw new InputError(
          `${where}row ${firstText + 1} (${entity} ${ekey[firstText]}, ${time} ${tval[firstText]}), ` +
            `column '${name}': expected a number, found '${String(rows[firstText][name])}'`,
          `row ${firstText + 1}, column ${name}`,
        );
      }
      if (firstText >= 0)
        labels.set(
          name,
          order.map((i) => String(rows[i][name] ?? '').trim()),
        );
      else numeric.set(name, col);
    }
    const entityKeys = order.map((i) => ekey[i]);
    const levels = [...new Set(entityKeys)];
    const codeOf = new Map(levels.map((k, c) => [k, c]));
    const codes = Int32Array.from(entityKeys, (k) => codeOf.get(k)!);
    return new Panel(
      { entity, time },
      entityKeys,
      codes,
      levels,
      Float64Array.from(order, (i) => tval[i]),
      numeric,
      labels,
    );
  }

  get nrows(): number {
    return this.times.length;
  }

  get ngroups(): number {
    return this.entityLevels.length;
  }

  /** Numeric column names (label columns excluded). */
  get columnNames(): string[] {
    return [...this.numeric.keys()];
  }

  has(name: string): boolean {
    return this.numeric.has(name) || name === this.index.time;
  }

  /** A numeric column by name; the time key is readable as a column too. */
  column(name: string): Float64Array {
    if (name === this.index.time) return this.times;
    const c = this.numeric.get(name);
    if (!c) {
      const hint = this.labels.has(name) ? ' (it holds text, not numbers)' : '';
      throw new InputError(
        `column '${name}' not found among numeric columns${hint}: ${this.columnNames.join(', ')}`,
        name,
      );
    }
    return c;
  }

  /** Label (text) column, or a numeric column rendered as text, for grouping. */
  groupKeys(name: string): readonly string[] {
    if (name === this.index.entity) return this.entityKeys;
    const l = this.labels.get(name);
    if (l) return l;
    return Array.from(this.column(name), (v) => String(v));
  }

  /** A new panel with `name` set to `values` (length must equal nrows). */
  withColumn(name: string, values: Float64Array): Panel {
    if (values.length !== this.nrows) {
      throw new Error(`withColumn('${name}'): ${values.length} values for ${this.nrows} rows`);
    }
    if (name === this.index.entity || name === this.index.time) {
      throw new InputError(`cannot overwrite the panel key column '${name}'`, name);
    }
    const numeric = new Map(this.numeric);
    numeric.set(name, values);
    return new Panel(
      this.index,
      this.entityKeys,
      this.entityCodes,
      this.entityLevels,
      this.times,
      numeric,
      this.labels,
    );
  }

  /**
   * Within-entity lag by time value: row (i, t) gets x(i, t − k·step), NaN when that period is absent
   * (a gap gives missing, not the previous row). `step` is the time unit (1 for years).
   */
  lag(name: string, k = 1, step = 1): Float64Array {
    const x = this.column(name);
    const out = new Float64Array(this.nrows).fill(NaN);
    const want = k * step;
    // Rows are sorted by (entity, time): look back (or ahead for leads) within the same entity.
    for (let r = 0; r < this.nrows; r++) {
      const target = this.times[r] - want;
      if (want >= 0) {
        for (let s = r - 1; s >= 0 && this.entityCodes[s] === this.entityCodes[r]; s--) {
          if (this.times[s] === target) {
            out[r] = x[s];
            break;
          }
          if (this.times[s] < target) break;
        }
      } else {
        for (let s = r + 1; s < this.nrows && this.entityCodes[s] === this.entityCodes[r]; s++) {
          if (this.times[s] === target) {
            out[r] = x[s];
            break;
          }
          if (this.times[s] > target) break;
        }
      }
    }
    return out;
  }

  /** Difference over k periods within entity: x − L^k.x (Stata's `S{k}.x`; `D2.x` in terms is D.D.x). */
  diff(name: string, k = 1): Float64Array {
    const x = this.column(name);
    const l = this.lag(name, k);
    return x.map((v, i) => v - l[i]);
  }

  /**
   * Winsorizes at the given percentiles: values below the lower cut-off are set to it, values above the
   * upper cut-off to it; missing stays missing. Cut-offs use the chosen percentile definition (Stata's
   * by default), computed over the whole sample or within each group of `by`.
   */
  winsorize(name: string, options: WinsorizeOptions): Float64Array {
    const { lower, upper } = options;
    if (!(lower >= 0 && upper <= 100 && lower < upper)) {
      throw new InputError(
        `winsorize '${name}': percentiles must satisfy 0 <= lower < upper <= 100, got ${lower}, ${upper}`,
        'winsorize',
      );
    }
    const x = this.column(name);
    const groups = new Map<string, number[]>();
    const keys = options.by ? this.groupKeys(options.by) : undefined;
    for (let i = 0; i < this.nrows; i++) {
      const g = keys ? keys[i] : '';
      let list = groups.get(g);
      if (!list) groups.set(g, (list = []));
      list.push(i);
    }
    const out = new Float64Array(x);
    for (const rows of groups.values()) {
      const values = rows.map((i) => x[i]).filter((v) => !Number.isNaN(v));
      if (values.length === 0) continue;
      values.sort((a, b) => a - b);
      const lo = percentile(values, lower, options.definition);
      const hi = percentile(values, upper, options.definition);
      for (const i of rows) {
        const v = x[i];
        if (v < lo) out[i] = lo;
        else if (v > hi) out[i] = hi;
      }
    }
    return out;
  }

  /** Rows where `keep(rowIndex)` is true, as a new panel (entity codes re-numbered). */
  filter(keep: (row: number) => boolean): Panel {
    const rows: number[] = [];
    for (let i = 0; i < this.nrows; i++) if (keep(i)) rows.push(i);
    return this.selectRows(rows);
  }

  /** Rows whose group column `by` (label, numeric or the entity key) is one of `values`. */
  subset(by: string, values: readonly (string | number)[]): Panel {
    const keys = this.groupKeys(by);
    const wanted = new Set(values.map(String));
    const present = new Set(keys);
    const unknown = [...wanted].filter((v) => !present.has(v));
    if (unknown.length === wanted.size) {
      throw new InputError(`subset: column '${by}' has no rows with value(s) ${unknown.join(', ')}`, by);
    }
    return this.filter((i) => wanted.has(keys[i]));
  }

  /** A new panel made of the given rows, in the given order (entity codes follow first appearance). */
  selectRows(rows: readonly number[]): Panel {
    const entityKeys = rows.map((i) => this.entityKeys[i]);
    const levels = [...new Set(entityKeys)];
    const codeOf = new Map(levels.map((k, c) => [k, c]));
    const numeric = new Map<string, Float64Array>();
    for (const [k, v] of this.numeric)
      numeric.set(
        k,
        Float64Array.from(rows, (i) => v[i]),
      );
    const labels = new Map<string, string[]>();
    for (const [k, v] of this.labels)
      labels.set(
        k,
        rows.map((i) => v[i]),
      );
    return new Panel(
      this.index,
      entityKeys,
      Int32Array.from(entityKeys, (k) => codeOf.get(k)!),
      levels,
      Float64Array.from(rows, (i) => this.times[i]),
      numeric,
      labels,
    );
  }
}
