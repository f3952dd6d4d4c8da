/**
 * The study's indicator formulas, one pure function each (STUDY.md, "Variables" and "Indicators").
 * Units are in the names: GDP in 100 million CNY (亿元), CO2 in Mt, energy in 10k tce.
 */
import { demeanBy } from '../panel';

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

/** Physical unit of fuel consumption → kg (solids, liquids) or m³ (gas), the unit NCV is given per. */
const PHYSICAL_BASE: Record<string, number> = { '10k t': 1e7, '100 million m3': 1e8 };

export interface FuelFactors {
  unit: string;
  /** kJ per kg or per m³. */
  ncv: number;
  /** kg C per GJ. */
  cc: number;
  /** kgce per kg or per m³. */
  standardCoal: number;
}

/**
 * CO2 (Mt) of one fuel, IPCC 2006 reference method: E × NCV × CC × O × 44/12.
 * E in 10k t (or 100 million m³) → kg (m³); × NCV kJ → ÷10^6 GJ; × CC kg C; × O × 44/12 kg CO2; ÷10^9 Mt.
 */
export function fuelCo2(consumption: number, factors: FuelFactors, oxidation: number) {
  const base = PHYSICAL_BASE[factors.unit];
  if (base === undefined) throw new Error(`fuel unit "${factors.unit}" has no conversion to kg or m3`);
  const gj = (consumption * base * factors.ncv) / 1e6;
  return (gj * factors.cc * oxidation * (44 / 12)) / 1e9;
}

/** Standard coal (10k tce) of one fuel: E (→ kg or m³) × kgce per unit ÷ 10^7 kgce per 10k tce. */
export function fuelStandardCoal(consumption: number, factors: FuelFactors) {
  const base = PHYSICAL_BASE[factors.unit];
  if (base === undefined) throw new Error(`fuel unit "${factors.unit}" has no conversion to kg or m3`);
  return (consumption * base * factors.standardCoal) / 1e7;
}

/** ECS: coal over total energy, both in 10k tce. */
export const coalShare = (coal10kTce: number, energy10kTce: number) => coal10kTce / energy10kTce;

/** OPEN from trade in USD: million USD × 10^6 × CNY per USD over 亿元 × 10^8 = trade × rate / (GDP × 100). */
export const opennessUsd = (tradeMillionUsd: number, cnyPerUsd: number, gdp100m: number) =>
  (tradeMillionUsd * cnyPerUsd) / (gdp100m * 100);

/** IS: tertiary over secondary value added (same unit). */
export const industrialStructure = (tertiary: number, secondary: number) => tertiary / secondary;

/** A price index with previous year = 100, chained to base year = 1. */
export function chainedDeflator(indexByYear: Map<number, number>, baseYear: number, year: number) {
  let p = 1;
  for (let y = baseYear + 1; y <= year; y++) {
    const idx = indexByYear.get(y);
    if (idx === undefined) return undefined;
    p *= idx / 100;
  }
  return p;
}

/**
 * Perpetual inventory over consecutive years of real investment (first element = base year):
 * K_base = I_base / (g + δ), g the mean of the first `growthYears` year-on-year growth rates of I;
 * K_t = (1 − δ)·K_(t−1) + I_t. Undefined when the series is too short to measure g.
 */
export function perpetualInventory(realInvestment: number[], delta: number, growthYears: number) {
  if (realInvestment.length < growthYears + 1) return undefined;
  let g = 0;
  for (let t = 1; t <= growthYears; t++) g += realInvestment[t] / realInvestment[t - 1] - 1;
  g /= growthYears;
  if (g + delta <= 0) return undefined;
  const k = [realInvestment[0] / (g + delta)];
  for (let t = 1; t < realInvestment.length; t++) k.push((1 - delta) * k[t - 1] + realInvestment[t]);
  return { growth: g, stock: k };
}

export interface ProductionObs {
  province: string;
  lnY: number;
  lnK: number;
  lnL: number;
}

/**
 * ln Y = a + α ln K + β ln L + μ_p + ε: the within (province fixed effects) estimator on the
 * province-demeaned data (panel/within.ts). Solved here rather than by econometrics/: two regressors
 * have a closed form (2×2 normal equations), and indicators may not depend on the estimation layer.
 */
export function productionFunction(obs: ProductionObs[]) {
  const codeOf = new Map<string, number>();
  const codes = Int32Array.from(obs, (o) => {
    let c = codeOf.get(o.province);
    if (c === undefined) codeOf.set(o.province, (c = codeOf.size));
    return c;
  });
  const byProvince = { codes, ngroups: codeOf.size };
  const [y, k, l] = [
    (o: ProductionObs) => o.lnY,
    (o: ProductionObs) => o.lnK,
    (o: ProductionObs) => o.lnL,
  ].map((f) => demeanBy(Float64Array.from(obs, f), byProvince));
  let kk = 0;
  let kl = 0;
  let ll = 0;
  let ky = 0;
  let ly = 0;
  // Province by province, as the rows were grouped (the sums' order fixes their last digit).
  const order = Array.from(obs, (_, i) => i).sort((a, b) => codes[a] - codes[b] || a - b);
  for (const i of order) {
    kk += k[i] * k[i];
    kl += k[i] * l[i];
    ll += l[i] * l[i];
    ky += k[i] * y[i];
    ly += l[i] * y[i];
  }
  const det = kk * ll - kl * kl;
  if (!(Math.abs(det) > 1e-12 * Math.max(kk * ll, 1e-300))) return undefined;
  return { alpha: (ky * ll - ly * kl) / det, beta: (ly * kk - ky * kl) / det, n: obs.length };
}

/**
 * FRD for one year's cross-section (Chen & Hu 2011): γ_K = (K_p/ΣK)/s_p, τ_K = 1/γ_K − 1, the same for
 * L, FRD = (|τ_K| + |τ_L|)/2 with s_p = Y_p/ΣY. With common elasticities α, β the elasticity weights
 * (s_p·α/Σ s·α) reduce to s_p, so α and β drop out.
 */
export function factorMisallocation(units: { Y: number; K: number; L: number }[]) {
  const sum = (f: (u: { Y: number; K: number; L: number }) => number) => units.reduce((s, u) => s + f(u), 0);
  const [sy, sk, sl] = [sum((u) => u.Y), sum((u) => u.K), sum((u) => u.L)];
  return units.map((u) => {
    const share = u.Y / sy;
    const tauK = 1 / (u.K / sk / share) - 1;
    const tauL = 1 / (u.L / sl / share) - 1;
    return { tauK, tauL, frd: (Math.abs(tauK) + Math.abs(tauL)) / 2 };
  });
}

export interface GrowthPoint {
  Y: number;
  K: number;
  L: number;
  CI: number;
}

/**
 * RE (Zhou & Lin 2007 on carbon intensity): g = year-on-year growth; g_A = g_Y − α g_K − β g_L;
 * δ = g_A/g_Y; S = (CI_(t−1) − CI_t)·Y_t; R = δ·(Y_t − Y_(t−1))·CI_t; RE = R/S, only when S > 0.
 */
export function reboundEffect(
  prev: GrowthPoint,
  cur: GrowthPoint,
  alpha: number,
  beta: number,
): { value: number } | { reason: string } {
  const gY = cur.Y / prev.Y - 1;
  if (gY === 0) return { reason: 'output did not grow (g_Y = 0), so the technology share δ is undefined' };
  const gA = gY - alpha * (cur.K / prev.K - 1) - beta * (cur.L / prev.L - 1);
  const delta = gA / gY;
  const saved = (prev.CI - cur.CI) * cur.Y;
  if (!(saved > 0))
    return { reason: `carbon intensity did not fall (S = ${saved.toPrecision(4)} ≤ 0): RE is undefined` };
  return { value: (delta * (cur.Y - prev.Y) * cur.CI) / saved };
}

/** ROBOT (Bartik): Σ_j base-year employment share of industry j × national robots per base-year worker of j. */
export function robotExposure(industries: { share: number; robots: number; nationalWorkers: number }[]) {
  return industries.reduce((s, j) => s + (j.share * j.robots) / j.nationalWorkers, 0);
}
