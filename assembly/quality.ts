/**
 * Data-quality checks before estimation. Impossible values (negative energy, shares outside [0, 1],
 * an index ≤ 0) stop the run with the province, year and source cell; outliers (robust z-scores within
 * a province's series over the study years) and jumps (large year-on-year changes) are reported,
 * never dropped.
 */
import { InputError } from '../common/errors';
import type { Lineage } from '../ingest/observation';
import type { AssembledPanel, PanelCell } from './panel';

export interface QualityOptions {
  /** Variables (or `prefix*`) that cannot be negative. */
  nonNegative: string[];
  /** Variables (or `prefix*`) that must be > 0 (indices, exchange rates). */
  positive: string[];
  /** Variables (or `prefix*`) that are shares in [0, 1]; variables in unit `share` always are. */
  shares: string[];
  /** |robust z| above which a value is reported (Iglewicz & Hoaglin 1993 suggest 3.5). */
  robustZ: number;
  /** |x_t / x_(t−1) − 1| above which a change is reported as a jump. */
  jump: number;
}

export const DEFAULT_QUALITY: QualityOptions = {
  nonNegative: [
    'energy_total',
    'coal_total',
    'fuel_*',
    'gdp',
    'population',
    'employment*',
    'trade_*',
    'secondary_va',
    'tertiary_va',
    'industrial_va',
    'pollution_investment',
    'gfcf',
    'patents_*',
    'co2_*',
    'robot*',
  ],
  positive: ['gdp_index', 'fai_price_index', 'cny_per_usd'],
  shares: [],
  robustZ: 3.5,
  jump: 0.5,
};

export interface Flagged {
  variable: string;
  province: string;
  year: number;
  value: number;
  /** The robust z-score, or the year-on-year relative change for a jump. */
  score: number;
  /** `file!sheet!cell` of the source(s). */
  at: string;
}

export interface QualityReport {
  outliers: Flagged[];
  jumps: Flagged[];
}

const matches = (patterns: string[], variable: string) =>
  patterns.some((p) => (p.endsWith('*') ? variable.startsWith(p.slice(0, -1)) : p === variable));

const at = (c: PanelCell) =>
  c.sources.map((s) => [s.file, s.sheet, s.cell].filter(Boolean).join('!')).join(' + ') || '(no source)';

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Bad input found in the assembled panel; `sources` are the cells the impossible values came from. */
export class ImpossibleValuesError extends InputError {
  constructor(
    message: string,
    location: string | undefined,
    readonly sources: Lineage[],
  ) {
    super(message, location);
  }
}

/** Throws an ImpossibleValuesError (an InputError) listing every impossible value; returns the outliers and jumps found. */
export function checkQuality(panel: AssembledPanel, options: Partial<QualityOptions> = {}): QualityReport {
  const o = { ...DEFAULT_QUALITY, ...options };
  const impossible: string[] = [];
  const impossibleSources: Lineage[] = [];
  let firstAt: string | undefined;
  const report: QualityReport = { outliers: [], jumps: [] };

  for (const [variable, series] of Object.entries(panel.variables)) {
    const isShare = series.unit === 'share' || matches(o.shares, variable);
    const rule = isShare
      ? { ok: (x: number) => x >= 0 && x <= 1, expected: 'a share in [0, 1]' }
      : matches(o.positive, variable)
        ? { ok: (x: number) => x > 0, expected: '> 0' }
        : matches(o.nonNegative, variable)
          ? { ok: (x: number) => x >= 0, expected: '≥ 0' }
          : undefined;

    const byProvince = new Map<string, { year: number; cell: PanelCell }[]>();
    for (const [key, cell] of Object.entries(series.cells)) {
      const [province, y] = key.split('/');
      const year = Number(y);
      if (rule && !rule.ok(cell.value)) {
        firstAt ??= at(cell);
        impossibleSources.push(...cell.sources);
        impossible.push(
          `${variable} = ${cell.value} for ${province} ${year} at ${at(cell)}: expected ${rule.expected}`,
        );
      }
      if (year < panel.years[0] || year > panel.years[1]) continue;
      const list = byProvince.get(province) ?? [];
      list.push({ year, cell });
      byProvince.set(province, list);
    }

    for (const [province, list] of byProvince) {
      list.sort((a, b) => a.year - b.year);
      const values = list.map((l) => l.cell.value);
      const med = median(values);
      const mad = median(values.map((v) => Math.abs(v - med)));
      if (mad > 0) {
        for (const l of list) {
          // 0.6745 makes the MAD consistent with the standard deviation under normality.
          const z = (0.6745 * (l.cell.value - med)) / mad;
          if (Math.abs(z) > o.robustZ)
            report.outliers.push({
              variable,
              province,
              year: l.year,
              value: l.cell.value,
              score: z,
              at: at(l.cell),
            });
        }
      }
      for (let i = 1; i < list.length; i++) {
        const [a, b] = [list[i - 1], list[i]];
        if (b.year !== a.year + 1 || a.cell.value === 0) continue;
        const change = b.cell.value / a.cell.value - 1;
        if (Math.abs(change) > o.jump)
          report.jumps.push({
            variable,
            province,
            year: b.year,
            value: b.cell.value,
            score: change,
            at: at(b.cell),
          });
      }
    }
  }

  if (impossible.length) {
    const shown = impossible.slice(0, 20);
    const more = impossible.length > shown.length ? `\n… and ${impossible.length - shown.length} more` : '';
    throw new ImpossibleValuesError(
      `${impossible.length} impossible value${impossible.length > 1 ? 's' : ''} in the assembled panel:\n${shown.join('\n')}${more}`,
      firstAt,
      impossibleSources,
    );
  }
  const order = (a: Flagged, b: Flagged) =>
    a.variable.localeCompare(b.variable) || a.province.localeCompare(b.province) || a.year - b.year;
  report.outliers.sort(order);
  report.jumps.sort(order);
  return report;
}
