/**
 * Gap filling within one province's series. Linear interpolation is the paper's choice; log-linear
 * (constant growth between the two observations) is the option for series that grow geometrically.
 * Only gaps with an observed value on both sides are interpolated; filling past the first or last
 * observation is extrapolation, a separate function the study must ask for.
 */
export interface SeriesPoint {
  year: number;
  value: number;
}

export interface Filled {
  year: number;
  value: number;
  /** The observed years it was computed from. */
  from: number[];
}

export type InterpolationMethod = 'linear' | 'log-linear' | 'none';
export type ExtrapolationMethod = 'none' | 'nearest' | 'trend';

function bracket(sorted: SeriesPoint[], year: number) {
  let lo: SeriesPoint | undefined;
  let hi: SeriesPoint | undefined;
  for (const p of sorted) {
    if (p.year < year) lo = p;
    else if (p.year > year) {
      hi = p;
      break;
    }
  }
  return { lo, hi };
}

export function interpolate(observed: SeriesPoint[], years: number[], method: InterpolationMethod): Filled[] {
  if (method === 'none') return [];
  const sorted = [...observed].sort((a, b) => a.year - b.year);
  const have = new Set(sorted.map((p) => p.year));
  const out: Filled[] = [];
  for (const year of years) {
    if (have.has(year)) continue;
    const { lo, hi } = bracket(sorted, year);
    if (!lo || !hi) continue;
    const w = (year - lo.year) / (hi.year - lo.year);
    let value: number;
    if (method === 'linear') value = lo.value + w * (hi.value - lo.value);
    else {
      // Geometric mean path; undefined for non-positive endpoints, so those gaps stay missing.
      if (!(lo.value > 0 && hi.value > 0)) continue;
      value = lo.value * Math.pow(hi.value / lo.value, w);
    }
    out.push({ year, value, from: [lo.year, hi.year] });
  }
  return out;
}

/** The paper's method. */
export const linearInterpolate = (observed: SeriesPoint[], years: number[]) =>
  interpolate(observed, years, 'linear');

/**
 * Years before the first or after the last observation: `nearest` repeats the end value, `trend`
 * continues the line through the two observations nearest that end.
 */
export function extrapolate(observed: SeriesPoint[], years: number[], method: ExtrapolationMethod): Filled[] {
  if (method === 'none' || observed.length === 0) return [];
  const sorted = [...observed].sort((a, b) => a.year - b.year);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const out: Filled[] = [];
  for (const year of years) {
    if (year >= first.year && year <= last.year) continue;
    const before = year < first.year;
    const end = before ? first : last;
    if (method === 'nearest') {
      out.push({ year, value: end.value, from: [end.year] });
      continue;
    }
    if (sorted.length < 2) continue;
    const [a, b] = before ? [sorted[0], sorted[1]] : [sorted[sorted.length - 2], sorted[sorted.length - 1]];
    const slope = (b.value - a.value) / (b.year - a.year);
    out.push({ year, value: end.value + slope * (year - end.year), from: [a.year, b.year] });
  }
  return out;
}
