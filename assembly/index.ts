/**
 * Assembly: observations from every source → one province × year value per variable. Units were made
 * canonical by the parsers; here a variable seen in two units is an error, sources that disagree are
 * resolved by declared priority (and reported), and internal gaps are interpolated with a flag.
 */
import { InputError } from '../common/errors';
import type { Observation } from '../ingest/observation';
import { provinceCodes } from '../regions/provinces';
import { linearInterpolate } from './interpolate';
import { cellKey, type AssembledPanel, type Conflict, type CoverageRow, type VariableSeries } from './panel';

export * from './panel';
export { linearInterpolate } from './interpolate';

export interface AssemblyOptions {
  /** Study years; cells outside are kept when observed (lags, trends) but coverage counts these. */
  years: [number, number];
  /** `linear` (the paper's) or `none`. */
  interpolation: 'linear' | 'none';
  /**
   * File order that wins when two sources give different values for one cell; files not listed come
   * after, in the order the observations arrive.
   */
  priority?: string[];
  /** Relative difference below which two sources agree (not a conflict). */
  tolerance?: number;
}

export function assemble(observations: Observation[], options: AssemblyOptions): AssembledPanel {
  const tolerance = options.tolerance ?? 1e-9;
  const arrival = new Map<string, number>();
  for (const o of observations) if (!arrival.has(o.source.file)) arrival.set(o.source.file, arrival.size);
  const rank = (file: string) => {
    const i = options.priority?.indexOf(file) ?? -1;
    return i >= 0 ? i : (options.priority?.length ?? 0) + (arrival.get(file) ?? 0);
  };

  const grouped = new Map<string, Observation[]>();
  const units = new Map<string, { unit: string; file: string }>();
  for (const o of observations) {
    const seen = units.get(o.variable);
    if (seen && seen.unit !== o.unit) {
      throw new InputError(
        `${o.source.file}: ${o.variable} in "${o.unit}" but ${seen.file} gives it in "${seen.unit}" (one unit per variable)`,
        o.source.file,
      );
    }
    units.set(o.variable, { unit: o.unit, file: o.source.file });
    const key = `${o.variable}|${cellKey(o.province, o.year)}`;
    const list = grouped.get(key);
    if (list) list.push(o);
    else grouped.set(key, [o]);
  }

  const variables: Record<string, VariableSeries> = {};
  const conflicts: Conflict[] = [];
  for (const [key, list] of grouped) {
    const [variable, cell] = key.split('|');
    list.sort((a, b) => rank(a.source.file) - rank(b.source.file));
    const kept = list[0];
    const disagree = list
      .slice(1)
      .filter((o) => Math.abs(o.value - kept.value) > tolerance * Math.abs(kept.value));
    if (disagree.length) {
      conflicts.push({
        variable,
        province: kept.province,
        year: kept.year,
        kept: { value: kept.value, file: kept.source.file },
        discarded: disagree.map((o) => ({ value: o.value, file: o.source.file })),
      });
    }
    variables[variable] ??= { unit: kept.unit, cells: {} };
    variables[variable].cells[cell] = { value: kept.value, method: 'observed', sources: [kept.source] };
  }

  const [from, to] = options.years;
  const studyYears = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const provinces = provinceCodes();
  if (options.interpolation === 'linear') {
    for (const series of Object.values(variables)) {
      for (const p of provinces) {
        const points = Object.entries(series.cells)
          .filter(([k]) => k.startsWith(`${p}/`))
          .map(([k, c]) => ({ year: Number(k.slice(p.length + 1)), value: c.value }));
        const allYears = [...new Set([...studyYears, ...points.map((q) => q.year)])];
        for (const f of linearInterpolate(points, allYears)) {
          series.cells[cellKey(p, f.year)] = {
            value: f.value,
            method: 'interpolated',
            sources: [
              ...series.cells[cellKey(p, f.from[0])].sources,
              ...series.cells[cellKey(p, f.from[1])].sources,
            ],
          };
        }
      }
    }
  }

  const coverage: CoverageRow[] = Object.entries(variables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([variable, series]) => {
      const row: CoverageRow = { variable, observed: 0, interpolated: 0, missing: 0, missingCells: [] };
      for (const p of provinces) {
        for (const y of studyYears) {
          const c = series.cells[cellKey(p, y)];
          if (!c) {
            row.missing += 1;
            row.missingCells.push(cellKey(p, y));
          } else if (c.method === 'observed') row.observed += 1;
          else row.interpolated += 1;
        }
      }
      return row;
    });

  conflicts.sort(
    (a, b) => a.variable.localeCompare(b.variable) || a.province.localeCompare(b.province) || a.year - b.year,
  );
  return { years: options.years, provinces, variables, conflicts, coverage };
}
