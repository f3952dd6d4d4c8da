/**
 * The assembled panel as flat rows (one per variable, province and year), the form it is stored in
 * and that analysts query, and back.
 */
import type { Lineage } from '../ingest/observation';
import { cellKey, type AssembledPanel, type CellMethod } from './panel';

export interface CellRow {
  variable: string;
  province: string;
  year: number;
  value: number;
  unit: string;
  method: CellMethod;
  sources: Lineage[];
  rule?: string;
}

export type PanelFrame = Omit<AssembledPanel, 'variables'>;

export function toCellRows(panel: AssembledPanel): { rows: CellRow[]; frame: PanelFrame } {
  const rows: CellRow[] = [];
  for (const [variable, series] of Object.entries(panel.variables)) {
    for (const [key, cell] of Object.entries(series.cells)) {
      const [province, year] = key.split('/');
      rows.push({
        variable,
        province,
        year: Number(year),
        value: cell.value,
        unit: series.unit,
        method: cell.method,
        sources: cell.sources,
        ...(cell.rule ? { rule: cell.rule } : {}),
      });
    }
  }
  const { variables: _, ...frame } = panel;
  return { rows, frame };
}

export function fromCellRows(rows: CellRow[], frame: PanelFrame): AssembledPanel {
  const variables: AssembledPanel['variables'] = {};
  for (const r of rows) {
    variables[r.variable] ??= { unit: r.unit, cells: {} };
    variables[r.variable].cells[cellKey(r.province, r.year)] = {
      value: r.value,
      method: r.method,
      sources: r.sources,
      ...(r.rule ? { rule: r.rule } : {}),
    };
  }
  // Only the panel's own keys: a stored report may carry more (the quality report).
  const { years, provinces, conflicts, coverage } = frame;
  return { years, provinces, variables, conflicts, coverage };
}
