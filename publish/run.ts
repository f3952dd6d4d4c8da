/** What a published set of files says about the run that produced it (provenance). */
import type { DagStep } from './dag';

export interface RunMetadata {
  runId: string;
  studyId: string;
  studyTitle: string;
  vintage?: string;
  /** ISO 8601 times. */
  startedAt?: string;
  finishedAt?: string;
  /** Input files with their content hashes. */
  inputs?: { path: string; sha256: string }[];
  /** The study's proxies, `VARIABLE: what stands in for it`. */
  proxies?: string[];
  /** Anything else worth showing (git commit, study file hash, worker host…). */
  details?: Record<string, string>;
  /** The run's steps with their content keys, reused or computed (the report draws them as a DAG). */
  steps?: DagStep[];
}

/** Label / value pairs, in the order every rendering shows them. */
export function provenanceRows(run: RunMetadata): [string, string][] {
  const rows: [string, string][] = [
    ['Run', run.runId],
    ['Study', `${run.studyTitle} (${run.studyId})`],
  ];
  if (run.vintage) rows.push(['Vintage', run.vintage]);
  if (run.startedAt) rows.push(['Started', run.startedAt]);
  if (run.finishedAt) rows.push(['Finished', run.finishedAt]);
  for (const [k, v] of Object.entries(run.details ?? {})) rows.push([k, v]);
  for (const p of run.proxies ?? []) rows.push(['Proxy', p]);
  return rows;
}

/** One variable's data coverage (the assembly's CoverageRow; extrapolation counts when it has them). */
export interface CoverageLine {
  variable: string;
  observed: number;
  interpolated: number;
  extrapolated?: number;
  /** Filled with another variable's value by a study rule. */
  substituted?: number;
  missing: number;
  /** Synthetic input files (manifest real: false) any value of the variable rests on. */
  syntheticInputs?: string[];
  /** `PROVINCE/YEAR` keys still missing within the study years. */
  missingCells: string[];
}

/** A cell two sources disagreed on (the assembly's Conflict): the value kept, those set aside, and why. */
export interface ConflictLine {
  variable: string;
  province: string;
  year: number;
  kept: { value: number; file: string; at: string };
  discarded: { value: number; file: string; at: string }[];
  reason?: string;
}
