/**
 * How each study variable was obtained over the panel: computed, extrapolated, computed from a filled
 * (interpolated or extrapolated) cell, or missing — with each missing cell's reason, for the report.
 */
import { parseCellRef, type IndicatorCell } from './cells';

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
