/**
 * The study's indicator formulas, one pure function each (STUDY.md, "Variables" and "Indicators").
 * Units are in the names: GDP in 100 million CNY (亿元), CO2 in Mt, energy in 10k tce.
 */

/** Real GDP at base-year prices: the base year's nominal GDP chained with the index (previous year = 100). */
export function realGdpChain(
  nominalBase: number,
  indexByYear: Map<number, number>,
  baseYear: number,
  year: number,
) {
  let value = nominalBase;
  for (let y = baseYear + 1; y <= year; y++) {
    const idx = indexByYear.get(y);
    if (idx === undefined) return undefined;
    value *= idx / 100;
  }
  return value;
}

/** CI in t CO2 per 10,000 CNY: Mt × 10^6 t / (亿元 × 10^4 ten-thousand CNY). */
export const carbonIntensity = (co2Mt: number, realGdp100m: number) => (co2Mt * 1e6) / (realGdp100m * 1e4);

/** AIT and its branches: ln(1 + count). */
export const logOnePlus = (count: number) => Math.log1p(count);

/** EE in 10,000 CNY per tce: real GDP (亿元 = 10^4 × 10k CNY) over energy (10^4 tce). */
export const energyEfficiency = (realGdp100m: number, energy10kTce: number) => realGdp100m / energy10kTce;

/** ED: ln of GDP per person in CNY (亿元 × 10^8 / (10k persons × 10^4)). */
export const economicDevelopment = (gdp100m: number, population10k: number) =>
  Math.log((gdp100m * 1e8) / (population10k * 1e4));

/** ER: pollution-control investment (10k CNY) per unit of industrial value added (亿元 = 10^4 × 10k CNY). */
export const environmentalRegulation = (investment10k: number, industrialVa100m: number) =>
  investment10k / (industrialVa100m * 1e4);

/** WF: ln(employment in 10k persons). */
export const labourForce = (employment10k: number) => Math.log(employment10k);

/** OPEN: imports plus exports over GDP, both in CNY. */
export const openness = (trade100m: number, gdp100m: number) => trade100m / gdp100m;

/** CO2 past the inventory's last year, by the growth of a second inventory since that year. */
export const co2ByGrowth = (primaryLast: number, altLast: number, altYear: number) =>
  (primaryLast * altYear) / altLast;

/** MAR past its last published year: the last value plus the mean annual change times the years since. */
export function trendExtension(points: { year: number; value: number }[], year: number) {
  const sorted = [...points].sort((a, b) => a.year - b.year);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (sorted.length < 2 || year <= last.year) return undefined;
  const slope = (last.value - first.value) / (last.year - first.year);
  return last.value + slope * (year - last.year);
}
