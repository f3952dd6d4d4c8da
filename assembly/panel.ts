/**
 * The assembled panel: for each variable, province and year, one value with how it was obtained and
 * the source cells behind it. Plain JSON (it is stored as a snapshot and read back by other workers).
 */
import type { Lineage } from '../ingest/observation';

export type CellMethod = 'observed' | 'interpolated';

export interface PanelCell {
  value: number;
  method: CellMethod;
  /** Observed: the cell it was read from. Interpolated: the two observed cells it lies between. */
  sources: Lineage[];
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
  kept: { value: number; file: string };
  discarded: { value: number; file: string }[];
}

export interface CoverageRow {
  variable: string;
  observed: number;
  interpolated: number;
  missing: number;
  /** `PROVINCE/YEAR` keys still missing within the study years. */
  missingCells: string[];
}

export interface AssembledPanel {
  years: [number, number];
  provinces: string[];
  variables: Record<string, VariableSeries>;
  conflicts: Conflict[];
  coverage: CoverageRow[];
}

export const cellKey = (province: string, year: number) => `${province}/${year}`;
