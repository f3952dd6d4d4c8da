/**
 * The one evaluator of the indicator catalogue: the assembled raw variables → the study's variables
 * per province and year, each value with the cells it was computed from (lineage: assembled cells or
 * other indicators) or the reason it is missing. A cell is evaluated when first needed (the catalogue's
 * order of columns is not an order of computation); indicators exist for the study years only.
 */
import { cellKey, type AssembledPanel } from '../assembly/panel';
import { provinceByCode } from '../regions/provinces';
import {
  CATALOGUE,
  STUDY_VARIABLES,
  tableParameters,
  type EvaluationContext,
  type Failure,
  type Need,
} from './catalogue';
import { cellRef, panelCellOf, type CellRef, type IndicatorCell, type IndicatorTable } from './cells';
import type { IndicatorDefinition } from './definition';
import { loadFactors, type FactorTables } from './factors';
import type { PanelRow } from '../panel';

export function computeIndicators(
  panel: AssembledPanel,
  def: IndicatorDefinition,
  factors: FactorTables = loadFactors(def.factors),
): IndicatorTable {
  const [from, to] = panel.years;
  const years = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const provinces = new Set(panel.provinces);
  const declarations = new Map(CATALOGUE.map((d) => [d.name, d]));
  // Evaluated cells by variable, then province, then year's index: a cell read again (most are, by
  // the cells that use them) is found without building its reference.
  const evaluated = new Map<string, Map<string, (IndicatorCell | undefined)[]>>();
  const evaluating = new Set<CellRef>();
  const once = new Map<string, unknown>();

  const cell = (variable: string, province: string, year: number): IndicatorCell | undefined => {
    if (year < from || year > to || !provinces.has(province)) return undefined;
    let byProvince = evaluated.get(variable);
    if (!byProvince) evaluated.set(variable, (byProvince = new Map()));
    let byYear = byProvince.get(province);
    if (!byYear) byProvince.set(province, (byYear = []));
    const known = byYear[year - from];
    if (known) return known;
    const ref = cellRef(variable, province, year);
    const declaration = declarations.get(variable);
    if (!declaration) throw new Error(`the indicator catalogue needs ${variable}, which it does not declare`);
    if (evaluating.has(ref)) throw new Error(`the indicator catalogue is circular at ${ref}`);
    evaluating.add(ref);
    const c = evaluateCell(declaration, { province, year });
    evaluating.delete(ref);
    byYear[year - from] = c;
    return c;
  };

  const value = (need: Need): number | undefined => {
    let v: number | null | undefined;
    if (need.source === 'assembled')
      v = panel.variables[need.variable]?.cells[cellKey(need.province, need.year)]?.value;
    else {
      v = cell(need.variable, need.province, need.year)?.value;
      if (v !== undefined && v !== null && !Number.isFinite(v)) v = undefined;
    }
    if (v === null || v === undefined || (need.positive && !(v > 0))) return undefined;
    return v;
  };

  const ctx: EvaluationContext = {
    def,
    factors,
    panel,
    years,
    value,
    has: (need) => value(need) !== undefined,
    cell,
    once: <T>(key: string, make: () => T): T => {
      if (!once.has(key)) once.set(key, make());
      return once.get(key) as T;
    },
  };

  /** The first way whose inputs all resolve gives the value; otherwise the declaration says why not. */
  function evaluateCell(declaration: (typeof CATALOGUE)[number], at: { province: string; year: number }) {
    const failures: Failure[] = [];
    for (const way of declaration.ways(at, ctx)) {
      if ('unavailable' in way) {
        failures.push({ way, absent: [], reason: way.unavailable });
        continue;
      }
      const got = way.needs.map(value);
      const absent = way.needs.filter((_, i) => got[i] === undefined);
      if (absent.length) {
        failures.push({ way, absent });
        continue;
      }
      const v = way.value(got as number[]);
      if (typeof v !== 'number') {
        failures.push({ way, absent: [], reason: v.reason });
        continue;
      }
      return {
        value: v,
        method: way.method ?? 'computed',
        inputs: way.needs.map((n) => cellRef(n.variable, n.province, n.year)),
        formula: way.formula,
      } satisfies IndicatorCell;
    }
    return {
      value: null,
      method: 'computed',
      inputs: [],
      reason: declaration.missing(failures, at, ctx),
    } satisfies IndicatorCell;
  }

  const cells: Record<CellRef, IndicatorCell> = {};
  for (const { name } of CATALOGUE)
    for (const province of panel.provinces)
      for (const year of years) cells[cellRef(name, province, year)] = cell(name, province, year)!;
  markFilledInputs(cells, panel);

  const rows: IndicatorTable['rows'] = [];
  for (const province of panel.provinces) {
    for (const year of years) {
      const row: PanelRow = {
        province,
        year,
        region: provinceByCode(province)?.region ?? null,
      };
      for (const v of STUDY_VARIABLES) {
        const c = cells[cellRef(v, province, year)];
        row[v] = c && c.value !== null && Number.isFinite(c.value) ? c.value : null;
      }
      rows.push(row);
    }
  }
  return { variables: [...STUDY_VARIABLES], rows, cells, parameters: tableParameters(ctx) };
}

const NONE: CellRef[] = [];

/**
 * Propagates "computed from a filled cell" up the chains, so no filled input goes unflagged. Cells
 * with the same filled inputs may share one list (read-only, stored as JSON).
 */
function markFilledInputs(cells: Record<CellRef, IndicatorCell>, panel: AssembledPanel) {
  const memo = new Map<CellRef, CellRef[]>();
  const filledOf = (ref: CellRef): CellRef[] => {
    const known = memo.get(ref);
    if (known) return known;
    memo.set(ref, NONE); // guards a cycle, which the evaluator never builds
    const ic = cells[ref];
    let out: CellRef[];
    if (ic) {
      // The union of the inputs' lists (each already without repeats), in order of first appearance;
      // one non-empty list is its own union (most chains: a copy per cell made this quadratic).
      let first: CellRef[] | undefined;
      let union: Set<CellRef> | undefined;
      for (const input of ic.inputs) {
        const list = filledOf(input);
        if (!list.length) continue;
        if (!first) first = list;
        else {
          union ??= new Set(first);
          for (const r of list) union.add(r);
        }
      }
      out = union ? [...union] : (first ?? NONE);
    } else {
      const pc = panelCellOf(panel, ref);
      out = pc && pc.method !== 'observed' ? [ref] : NONE;
    }
    memo.set(ref, out);
    return out;
  };
  for (const ref of Object.keys(cells)) {
    const filled = filledOf(ref);
    if (filled.length) cells[ref].filledInputs = filled;
  }
}
