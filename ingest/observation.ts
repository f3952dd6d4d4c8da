/**
 * The tidy unit every source is turned into: one number for one province, year and variable,
 * with lineage back to the file, sheet and cell it was read from.
 *
 * Province is a code from regions/provinces.ts; `CN` is the national level (e.g. the CNY/USD rate).
 * Variable names and their canonical units are listed in ingest/variables.ts.
 */
export interface Lineage {
  /** File name as given to the parser (relative to the inputs folder). */
  file: string;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
  sheet?: string;
  /** A1-style cell address, or `row N` / `line N` for text formats. */
  cell?: string;
  /** URL for web sources. */
  url?: string;
}

export type ObservationMethod = 'observed' | 'interpolated' | 'extrapolated' | 'computed';

export interface Observation {
  province: string;
  year: number;
  variable: string;
  value: number;
  unit: string;
  source: Lineage;
  method: ObservationMethod;
}
