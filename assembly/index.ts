/**
 * Assembly: observations from every source → one province × year value per variable. Units are
 * harmonised through the declared unit table (assembly/units.ts), sources that disagree are resolved
 * by declared priority (and reported), and gaps within a province's series are filled with a flag.
 */
import { InputError } from '../common/errors';
import type { Lineage, Observation } from '../ingest/observation';
import { provinceCodes } from '../regions/provinces';
import { applyFillRules, type FillRule } from './fill';
import { extrapolate, interpolate, type ExtrapolationMethod, type InterpolationMethod } from './interpolate';
import {
  cellKey,
  type AssembledPanel,
  type CellMethod,
  type Conflict,
  type CoverageRow,
  type VariableSeries,
} from './panel';
import { harmoniseUnit } from './units';

export * from './panel';
export {
  extrapolate,
  interpolate,
  linearInterpolate,
  type ExtrapolationMethod,
  type InterpolationMethod,
} from './interpolate';
export { conversionFactor, declaredUnit, harmoniseUnit } from './units';
export { conflictText, CONFLICT_LINES_SHOWN } from './conflict-text';
export { checkQuality, ImpossibleValuesError, type QualityOptions, type QualityReport } from './quality';
export { applyFillRules, type FillRule } from './fill';

export interface AssemblyOptions {
  /** Study years; cells outside are kept when observed (lags, trends) but coverage counts these. */
  years: [number, number];
  /** `linear` (the paper's), `log-linear` (constant growth between observations) or `none`. */
  interpolation: InterpolationMethod;
  /** Filling before the first / after the last observation: never, unless the study asks for it. */
  extrapolation?: ExtrapolationMethod;
  /**
   * Files (manifest entry paths, portals included) that win when two sources give different values
   * for one cell, first wins; files not listed come after, in `order`.
   */
  priority?: string[];
  /**
   * The manifest's files in order: after `priority`, an earlier file wins over a later one. Files in
   * neither come last, in the order their observations arrive. The winner never depends on content
   * hashes or run ids, so the same inputs give the same panel in every run.
   */
  order?: string[];
  /** Relative difference below which two sources agree (not a conflict). */
  tolerance?: number;
  /** The study's rules for cells the sources leave empty (assembly/fill.ts), applied in order. */
  fill?: FillRule[];
}

export const describeSource = (s: Lineage) => [s.file, s.sheet, s.cell].filter(Boolean).join('!');

export function assemble(observations: Observation[], options: AssemblyOptions): AssembledPanel {
  const tolerance = options.tolerance ?? 1e-9;
  const arrival = new Map<string, number>();
  for (const o of observations) if (!arrival.has(o.source.file)) arrival.set(o.source.file, arrival.size);
  const priority = options.priority ?? [];
  const order = options.order ?? [];
  const rank = (file: string) => {
    const p = priority.indexOf(file);
    if (p >= 0) return p;
    const m = order.indexOf(file);
    return priority.length + (m >= 0 ? m : order.length + (arrival.get(file) ?? 0));
  };
  const why = (kept: string, discarded: string[]) =>
    priority.includes(kept)
      ? `assembly.priority ranks ${kept} ${priority.indexOf(kept) === 0 ? 'first' : `#${priority.indexOf(kept) + 1}`}`
      : `${kept} comes before ${discarded.join(', ')} in the manifest (assembly.priority names neither)`;

  const grouped = new Map<string, { o: Observation; raw: Observation }[]>();
  const units = new Map<string, { unit: string; at: string }>();
  for (const raw of observations) {
    if (!Number.isFinite(raw.value)) {
      throw new InputError(
        `${describeSource(raw.source)}: ${raw.variable} for ${raw.province} ${raw.year} is ${raw.value}, expected a finite number`,
        describeSource(raw.source),
      );
    }
    const o = harmoniseUnit(raw);
    const seen = units.get(o.variable);
    if (seen && seen.unit !== o.unit) {
      throw new InputError(
        `${describeSource(o.source)}: ${o.variable} in "${o.unit}" but ${seen.at} gives it in "${seen.unit}" (one unit per variable; declare a conversion in assembly/units.ts)`,
        describeSource(o.source),
      );
    }
    units.set(o.variable, { unit: o.unit, at: describeSource(o.source) });
    const key = `${o.variable}|${cellKey(o.province, o.year)}`;
    const list = grouped.get(key);
    if (list) list.push({ o, raw });
    else grouped.set(key, [{ o, raw }]);
  }

  const variables: Record<string, VariableSeries> = {};
  const conflicts: Conflict[] = [];
  const asConflictValue = ({ o }: { o: Observation }) => ({
    value: o.value,
    file: o.source.file,
    at: describeSource(o.source),
  });
  for (const [key, list] of grouped) {
    const [variable, cell] = key.split('|');
    list.sort((a, b) => rank(a.o.source.file) - rank(b.o.source.file));
    const kept = list[0];
    const disagree = list
      .slice(1)
      .filter(({ o }) => Math.abs(o.value - kept.o.value) > tolerance * Math.abs(kept.o.value));
    if (disagree.length) {
      conflicts.push({
        variable,
        province: kept.o.province,
        year: kept.o.year,
        kept: asConflictValue(kept),
        discarded: disagree.map(asConflictValue),
        reason: why(kept.o.source.file, [...new Set(disagree.map(({ o }) => o.source.file))]),
      });
    }
    variables[variable] ??= { unit: kept.o.unit, cells: {} };
    const method: CellMethod =
      kept.o.method === 'interpolated' || kept.o.method === 'extrapolated' ? kept.o.method : 'observed';
    variables[variable].cells[cell] = {
      value: kept.o.value,
      method,
      sources: [kept.o.source],
      ...(kept.raw.unit !== kept.o.unit
        ? { converted: { from: kept.raw.unit, factor: kept.o.value / kept.raw.value } }
        : {}),
    };
  }

  const [from, to] = options.years;
  const studyYears = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const provinces = provinceCodes();
  for (const series of Object.values(variables)) fillGaps(series, studyYears, options);
  applyFillRules(variables, options.fill ?? [], options.years, provinces);

  const coverage: CoverageRow[] = Object.entries(variables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([variable, series]) => coverageOf(variable, series, provinces, studyYears));

  conflicts.sort(
    (a, b) => a.variable.localeCompare(b.variable) || a.province.localeCompare(b.province) || a.year - b.year,
  );
  return { years: options.years, provinces, variables, conflicts, coverage };
}

/** Interpolates (and, when asked, extrapolates) each province's series of one variable, in place. */
function fillGaps(series: VariableSeries, studyYears: number[], options: AssemblyOptions) {
  const byProvince = new Map<string, { year: number; value: number }[]>();
  for (const [k, c] of Object.entries(series.cells)) {
    if (c.method !== 'observed') continue;
    const [p, y] = k.split('/');
    const list = byProvince.get(p) ?? [];
    list.push({ year: Number(y), value: c.value });
    byProvince.set(p, list);
  }
  for (const [p, points] of byProvince) {
    const allYears = [...new Set([...studyYears, ...points.map((q) => q.year)])];
    const fills: [Exclude<CellMethod, 'observed'>, ReturnType<typeof interpolate>][] = [
      ['interpolated', interpolate(points, allYears, options.interpolation)],
      ['extrapolated', extrapolate(points, studyYears, options.extrapolation ?? 'none')],
    ];
    for (const [method, filled] of fills) {
      for (const f of filled) {
        if (series.cells[cellKey(p, f.year)]) continue;
        series.cells[cellKey(p, f.year)] = {
          value: f.value,
          method,
          sources: f.from.flatMap((y) => series.cells[cellKey(p, y)].sources),
        };
      }
    }
  }
}

function coverageOf(
  variable: string,
  series: VariableSeries,
  provinces: string[],
  years: number[],
): CoverageRow {
  const row: CoverageRow = {
    variable,
    observed: 0,
    interpolated: 0,
    extrapolated: 0,
    missing: 0,
    missingCells: [],
    interpolatedCells: [],
    extrapolatedCells: [],
  };
  let substituted = 0;
  const substitutedCells: string[] = [];
  // A national series (the CN level only, e.g. robot installations) is counted over its own years.
  const keys = Object.keys(series.cells);
  const national = keys.length > 0 && keys.every((k) => k.startsWith('CN/'));
  for (const p of national ? ['CN'] : provinces) {
    for (const y of years) {
      const key = cellKey(p, y);
      const c = series.cells[key];
      if (!c) {
        row.missing += 1;
        row.missingCells.push(key);
      } else if (c.method === 'observed') row.observed += 1;
      else if (c.method === 'interpolated') {
        row.interpolated += 1;
        row.interpolatedCells.push(key);
      } else if (c.method === 'substituted') {
        substituted += 1;
        substitutedCells.push(key);
      } else {
        row.extrapolated += 1;
        row.extrapolatedCells.push(key);
      }
    }
  }
  return substituted ? { ...row, substituted, substitutedCells } : row;
}
