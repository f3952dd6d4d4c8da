/**
 * Linear interpolation of gaps inside one province's series — the paper's choice. Only gaps with an
 * observed value on both sides are filled: nothing is extrapolated past the first or last observation.
 */
export interface SeriesPoint {
  year: number;
  value: number;
}

export interface Filled {
  year: number;
  value: number;
  /** The observed years it was interpolated between. */
  from: [number, number];
}

export function linearInterpolate(observed: SeriesPoint[], years: number[]): Filled[] {
  const sorted = [...observed].sort((a, b) => a.year - b.year);
  const have = new Set(sorted.map((p) => p.year));
  const out: Filled[] = [];
  for (const year of years) {
    if (have.has(year)) continue;
    let lo: SeriesPoint | undefined;
    let hi: SeriesPoint | undefined;
    for (const p of sorted) {
      if (p.year < year) lo = p;
      else if (p.year > year) {
        hi = p;
        break;
      }
    }
    if (!lo || !hi) continue;
    const w = (year - lo.year) / (hi.year - lo.year);
    out.push({ year, value: lo.value + w * (hi.value - lo.value), from: [lo.year, hi.year] });
  }
  return out;
}
