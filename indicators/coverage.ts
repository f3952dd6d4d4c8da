/**
 * How each study variable was obtained over the panel: computed, extrapolated, computed from a filled
 * (interpolated or extrapolated) cell, or missing — with each missing cell's reason, for the report.
 */
import { panelCellOf, parseCellRef, type IndicatorCell } from './cells';

export interface IndicatorCoverage {
  variable: string;
  computed: number;
  extrapolated: number;
  /** Computed or extrapolated values whose chain contains a filled assembled cell. */
  fromFilled: number;
  missing: number;
  missingCells: { cell: string; reason: string }[];
}

export function indicatorCoverage(table: { variables: string[]; cells: Record<string, IndicatorCell> }) {
  const rows = new Map<string, IndicatorCoverage>(
    table.variables.map((variable) => [
      variable,
      { variable, computed: 0, extrapolated: 0, fromFilled: 0, missing: 0, missingCells: [] },
    ]),
  );
  for (const [key, c] of Object.entries(table.cells)) {
    const { variable, cell } = parseCellRef(key);
    const row = rows.get(variable);
    if (!row) continue;
    if (c.value === null || !Number.isFinite(c.value)) {
      row.missing += 1;
      row.missingCells.push({ cell, reason: c.reason ?? `not finite (${c.value})` });
      continue;
    }
    if (c.method === 'extrapolated') row.extrapolated += 1;
    else row.computed += 1;
    if (c.filledInputs?.length) row.fromFilled += 1;
  }
  return [...rows.values()];
}

/**
 * How a study value was obtained, read off its whole chain (the cells `explain` prints): extrapolated
 * when the value or any cell behind it lies past its source's years; substituted when a study rule put
 * another variable's value in a cell behind it; interpolated when a cell behind it was interpolated;
 * observed when every cell behind it was read from a file. Worst first: a value computed from one
 * extrapolated and one observed cell is extrapolated.
 */
export type ValueBasis = 'observed' | 'interpolated' | 'substituted' | 'extrapolated' | 'missing';

const RANK: Record<ValueBasis, number> = {
  observed: 0,
  interpolated: 1,
  substituted: 2,
  extrapolated: 3,
  missing: 4,
};

export interface CellBasis {
  basis: ValueBasis;
  /** Input files behind the value that the manifest marks synthetic (real: false), sorted. */
  synthetic: string[];
}

/** One study variable after the indicator step, over the study's provinces × years. */
export interface StudyCoverage {
  variable: string;
  observed: number;
  interpolated: number;
  substituted: number;
  extrapolated: number;
  missing: number;
  /** `PROVINCE/YEAR` keys of the missing values. */
  missingCells: string[];
  /** `PROVINCE/YEAR` keys of the values that rest on an interpolated, substituted or extrapolated cell. */
  filledCells: string[];
  /** Synthetic input files any value of the variable rests on, sorted. */
  syntheticInputs: string[];
}

/**
 * The basis of every study value (keyed `VARIABLE|PROVINCE/YEAR`), walking each chain once
 * (memoised, so a value many others use is resolved once).
 */
export function cellBases(
  table: { cells: Record<string, IndicatorCell> },
  panel: {
    variables: Record<string, { cells: Record<string, { method: string; sources: { file: string }[] }> }>;
  },
  syntheticFiles: ReadonlySet<string> = new Set(),
): Record<string, CellBasis> {
  const memo = new Map<string, { basis: ValueBasis; synthetic: ReadonlySet<string> }>();
  // Most values rest on no synthetic file: they share one empty set.
  const none: ReadonlySet<string> = new Set();
  // A value being resolved is in the memo as this until it is known: an input on the current chain (a
  // hand-edited cycle; explain cuts it too) adds nothing to the value that reaches it again.
  const onPath = { basis: 'observed' as ValueBasis, synthetic: none };
  const resolve = (ref: string): { basis: ValueBasis; synthetic: ReadonlySet<string> } => {
    const known = memo.get(ref);
    if (known) return known;
    const ic = table.cells[ref];
    let out: { basis: ValueBasis; synthetic: ReadonlySet<string> };
    if (ic) {
      let basis: ValueBasis = ic.method === 'extrapolated' ? 'extrapolated' : 'observed';
      let synthetic: Set<string> | undefined;
      memo.set(ref, onPath);
      for (const input of ic.inputs) {
        const sub = resolve(input);
        // A missing input does not make a computed value missing (a formula's alternative way).
        if (sub.basis !== 'missing' && RANK[sub.basis] > RANK[basis]) basis = sub.basis;
        if (sub.synthetic.size) for (const f of sub.synthetic) (synthetic ??= new Set()).add(f);
      }
      if (ic.value === null || !Number.isFinite(ic.value)) basis = 'missing';
      out = { basis, synthetic: synthetic ?? none };
    } else {
      const pc = panelCellOf(panel, ref);
      let synthetic: Set<string> | undefined;
      if (pc && syntheticFiles.size)
        for (const s of pc.sources) if (syntheticFiles.has(s.file)) (synthetic ??= new Set()).add(s.file);
      out = { basis: pc ? (pc.method as ValueBasis) : 'missing', synthetic: synthetic ?? none };
    }
    memo.set(ref, out);
    return out;
  };
  const bases: Record<string, CellBasis> = {};
  for (const ref of Object.keys(table.cells)) {
    const { basis, synthetic } = resolve(ref);
    bases[ref] = { basis, synthetic: synthetic.size ? [...synthetic].sort() : [] };
  }
  return bases;
}

/**
 * Coverage of the study variables after the indicator step: per variable, how many values are observed,
 * rest on an interpolated, substituted or extrapolated cell, or are missing (what the tables' N count
 * and what `explain` shows for each value).
 */
export function studyCoverage(
  table: { variables: string[]; cells: Record<string, IndicatorCell> },
  bases: Record<string, CellBasis>,
): StudyCoverage[] {
  const rows = new Map<string, StudyCoverage>(
    table.variables.map((variable) => [
      variable,
      {
        variable,
        observed: 0,
        interpolated: 0,
        substituted: 0,
        extrapolated: 0,
        missing: 0,
        missingCells: [],
        filledCells: [],
        syntheticInputs: [],
      },
    ]),
  );
  const synthetic = new Map<string, Set<string>>();
  for (const [ref, b] of Object.entries(bases)) {
    const { variable, cell } = parseCellRef(ref);
    const row = rows.get(variable);
    if (!row) continue;
    row[b.basis] += 1;
    if (b.basis === 'missing') row.missingCells.push(cell);
    else if (b.basis !== 'observed') row.filledCells.push(cell);
    if (b.synthetic.length) {
      const set = synthetic.get(variable) ?? new Set<string>();
      for (const f of b.synthetic) set.add(f);
      synthetic.set(variable, set);
    }
  }
  for (const row of rows.values()) row.syntheticInputs = [...(synthetic.get(row.variable) ?? [])].sort();
  return [...rows.values()];
}
