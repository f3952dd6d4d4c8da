/**
 * The assembled panel: for each variable, province and year, one value with how it was obtained and
 * the source cells behind it. Plain JSON (it is stored as a snapshot and read back by other workers).
 */
import type { Lineage } from '../ingest/observation';

/** `substituted`: another variable's value, by a rule of the study (assembly/fill.ts). */
export type CellMethod = 'observed' | 'interpolated' | 'extrapolated' | 'substituted';

export interface PanelCell {
  value: number;
  method: CellMethod;
  /** Observed: the cell it was read from. Interpolated or extrapolated: the observed cells it was computed from. */
  sources: Lineage[];
  /** The source unit and factor when the value was converted to the variable's canonical unit. */
  converted?: { from: string; factor: number };
  /** The study's fill rule that produced a filled value (assembly/fill.ts), in words. */
  rule?: string;
}

export interface VariableSeries {
  unit: string;
  /** Keyed `PROVINCE/YEAR`, e.g. `BJ/2019`. */
  cells: Record<string, PanelCell>;
}

export interface Conflict {
  variable: string;
  province: string;
  year: number;
  /** The value kept and the file it came from, then the ones set aside. */
  kept: ConflictValue;
  discarded: ConflictValue[];
  /** Why the kept value won: `assembly.priority`, or the manifest's order. */
  reason?: string;
}

/** One source's value for a cell (in canonical units) and where it was read. */
export interface ConflictValue {
  value: number;
  file: string;
  /** `file!sheet!cell`. */
  at: string;
}

/** Per variable, over the 30 provinces × study years: how each cell was obtained. */
export interface CoverageRow {
  variable: string;
  observed: number;
  interpolated: number;
  extrapolated: number;
  /** Filled with another variable's value by a study rule (counted apart from extrapolation). */
  substituted?: number;
  missing: number;
  /** `PROVINCE/YEAR` keys still missing within the study years. */
  missingCells: string[];
  interpolatedCells: string[];
  extrapolatedCells: string[];
  substitutedCells?: string[];
}

export interface AssembledPanel {
  years: [number, number];
  provinces: string[];
  variables: Record<string, VariableSeries>;
  conflicts: Conflict[];
  coverage: CoverageRow[];
}

export const cellKey = (province: string, year: number) => `${province}/${year}`;
