/**
 * An indicator cell and the one way cells are named: `VARIABLE|PROVINCE/YEAR`, where VARIABLE is an
 * assembled variable (lower case, e.g. `gdp|BJ/2012`) or a study variable of the catalogue
 * (`CI|BJ/2012`). Lineage, coverage and explain read references only through `parseCellRef`.
 */
import { cellKey } from '../assembly/panel';
import type { PanelRow } from '../panel';

export type CellRef = string;

export const cellRef = (variable: string, province: string, year: number): CellRef =>
  `${variable}|${cellKey(province, year)}`;

/** A reference taken apart; `cell` is the assembled panel's key (`PROVINCE/YEAR`). */
export function parseCellRef(ref: CellRef) {
  const [variable, cell] = splitCellRef(ref);
  const slash = cell.lastIndexOf('/');
  return { variable, cell, province: cell.slice(0, slash), year: Number(cell.slice(slash + 1)) };
}

/**
 * The assembled panel's cell a reference names (`gdp|BJ/2012`: the panel's gdp at `BJ/2012`), if any:
 * parseCellRef's variable and cell, without taking the year apart (the chains' walks ask it of every
 * assembled cell behind every value).
 */
export function panelCellOf<C>(
  panel: { variables: Record<string, { cells: Record<string, C> } | undefined> },
  ref: CellRef,
): C | undefined {
  const [variable, cell] = splitCellRef(ref);
  return panel.variables[variable]?.cells[cell];
}

/** A reference's variable and its cell (`PROVINCE/YEAR`), split at the bar. */
function splitCellRef(ref: CellRef): [variable: string, cell: string] {
  const bar = ref.indexOf('|');
  return [ref.slice(0, bar), ref.slice(bar + 1)];
}

export interface IndicatorCell {
  value: number | null;
  /** `extrapolated` when the value lies past its source's last year (CO2 extension, MAR trend). */
  method: 'computed' | 'extrapolated';
  /** Cells used, as `variable|PROVINCE/YEAR`: assembled variables (lower case) or other indicators. */
  inputs: CellRef[];
  /** The formula or the definition choice that produced the value. */
  formula?: string;
  /** Why the value is missing. */
  reason?: string;
  /**
   * Assembled cells anywhere in the value's chain that were filled (interpolated or extrapolated)
   * rather than observed; absent when every input was observed.
   */
  filledInputs?: CellRef[];
}

/** Panel-wide estimates the indicators used, and the constant tables. */
export interface IndicatorParameters {
  /** The production function behind RE (within-province ln Y on ln K, ln L). */
  productionFunction: { alpha: number; beta: number; n: number } | { reason: string };
  factorTables: { fuels: string; capital: string };
}

export interface IndicatorTable {
  variables: string[];
  /** One row per province and study year: `province`, `year`, `region` and every study variable (null = missing). */
  rows: PanelRow[];
  /** Keyed `VARIABLE|PROVINCE/YEAR`. */
  cells: Record<CellRef, IndicatorCell>;
  parameters: IndicatorParameters;
}
