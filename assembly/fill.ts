/**
 * The study's own rules for cells its sources leave empty, each named in the study definition
 * (`assembly.fill`) and flagged on every cell it fills, with the cells it was computed from:
 *
 * - `growth`: past a series' last observation, x_t = x_(t−1) · (1 + g_t), g the growth rate (a share) of
 *   another variable; before its first, x_(t−1) = x_t / (1 + g_t). The CHNCapitalStock rule for GFCF
 *   after 2017: fixed-asset investment completed, year on year. Flagged `extrapolated`.
 * - `substitute`: the value of another variable in the same unit (the retail price index for the
 *   fixed-asset investment price index after 2019, which NBS stopped publishing). Flagged `substituted`.
 * - `trend`: the straight line through the two observations nearest the gap's end (a series that
 *   starts a year late). Flagged `extrapolated`.
 *
 * Rules run after interpolation, in the order listed, and fill only cells still empty within the
 * study years (or the rule's own `years`).
 */
import { InputError } from '../common/errors';
import { extrapolate } from './interpolate';
import { cellKey, type PanelCell, type VariableSeries } from './panel';

export type FillRule = { variable: string; years?: [number, number]; note?: string } & (
  { rule: 'growth'; by: string } | { rule: 'substitute'; by: string } | { rule: 'trend' }
);

export function applyFillRules(
  variables: Record<string, VariableSeries>,
  rules: FillRule[],
  studyYears: [number, number],
  provinces: string[],
): void {
  rules.forEach((r, i) => {
    const where = `study assembly.fill[${i}]`;
    const series = variables[r.variable];
    if (!series) return; // nothing of it in the inputs: the variable stays missing, with its reason
    const [from, to] = r.years ?? studyYears;
    const years = Array.from({ length: to - from + 1 }, (_, k) => from + k);
    const by = 'by' in r ? variables[r.by] : undefined;
    if ('by' in r && r.rule === 'substitute' && by && by.unit !== series.unit)
      throw new InputError(
        `${where}: ${r.by} is in "${by.unit}", ${r.variable} in "${series.unit}"; a substitute must share the unit`,
        where,
      );
    if ('by' in r && r.rule === 'growth' && by && by.unit !== 'growth rate')
      throw new InputError(
        `${where}: ${r.by} is in "${by.unit}"; growth must be a "growth rate" (0.05 for 5 %)`,
        where,
      );
    for (const p of provinces) {
      const cell = (y: number) => series.cells[cellKey(p, y)];
      const set = (y: number, c: PanelCell) => {
        series.cells[cellKey(p, y)] = c;
      };
      if (r.rule === 'substitute') {
        for (const y of years) {
          const s = by?.cells[cellKey(p, y)];
          if (cell(y) || !s) continue;
          set(y, { value: s.value, method: 'substituted', sources: s.sources, rule: `${r.by} ${y}` });
        }
      } else if (r.rule === 'growth') {
        const observed = Object.keys(series.cells)
          .filter((k) => k.startsWith(`${p}/`))
          .map((k) => Number(k.slice(p.length + 1)))
          .sort((a, b) => a - b);
        if (!observed.length || !by) continue;
        const last = observed[observed.length - 1];
        for (let y = last + 1; y <= to; y++) {
          const prev = cell(y - 1);
          const g = by.cells[cellKey(p, y)];
          if (!prev || !g) break;
          if (y < from || cell(y)) continue;
          set(y, {
            value: prev.value * (1 + g.value),
            method: 'extrapolated',
            sources: [...prev.sources, ...g.sources],
            rule: `${r.variable} ${y - 1} × (1 + ${r.by} ${y})`,
          });
        }
        const first = observed[0];
        for (let y = first - 1; y >= from; y--) {
          const next = cell(y + 1);
          const g = by.cells[cellKey(p, y + 1)];
          if (!next || !g || cell(y)) break;
          set(y, {
            value: next.value / (1 + g.value),
            method: 'extrapolated',
            sources: [...next.sources, ...g.sources],
            rule: `${r.variable} ${y + 1} / (1 + ${r.by} ${y + 1})`,
          });
        }
      } else {
        const points = Object.entries(series.cells)
          .filter(([k, c]) => k.startsWith(`${p}/`) && c.method === 'observed')
          .map(([k, c]) => ({ year: Number(k.slice(p.length + 1)), value: c.value }));
        for (const f of extrapolate(points, years, 'trend')) {
          if (cell(f.year)) continue;
          set(f.year, {
            value: f.value,
            method: 'extrapolated',
            sources: f.from.flatMap((y) => cell(y).sources),
            rule: `linear trend through ${r.variable} ${f.from.join(' and ')}`,
          });
        }
      }
    }
  });
}
