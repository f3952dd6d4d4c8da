/** Loads reference/golden/spatial.json (written by reference/spatial.R) and its fixtures. */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

interface MoranGolden {
  I: number;
  expected: number;
  variance: number;
  z: number;
  p_value: number;
}

export interface ModelGolden {
  coefficients: Record<string, number>;
  rho: number;
  sigma2: number;
  loglik: number;
  vcov: number[][];
  vcov_names: string[];
}

export interface EffectsGolden {
  term: string[];
  direct: number[];
  indirect: number[];
  total: number[];
  direct_se: number[];
  indirect_se: number[];
  total_se: number[];
}

export interface FitGolden {
  sdm: ModelGolden;
  sar: ModelGolden;
  sem: ModelGolden;
  sdm_lu: ModelGolden;
  sem_lu: ModelGolden;
  impacts_sdm: EffectsGolden;
  impacts_sar: EffectsGolden;
  lm: Record<'LMerr' | 'LMlag' | 'RLMerr' | 'RLMlag', { statistic: number; p_value: number }>;
  lr_sdm_sar: number;
  lr_sdm_sem: number;
  wald_sdm_sar: number;
  wald_sdm_sem: number;
  interval: number[];
}

export interface SpatialGolden {
  ids: string[];
  W_dist: number[][];
  eigen_cont_range: [number, number];
  years: number[];
  moran_cont: MoranGolden[];
  moran_cont_normality: MoranGolden[];
  moran_dist: MoranGolden[];
  moran_pooled: MoranGolden;
  moran_mc_first_year: { statistic: number; p_value: number; nsim: number };
  lisa_first_year: { Ii: number[]; expected: number[]; variance: number[]; z: number[]; p_value: number[] };
  lisa_first_year_total: { Ii: number[]; expected: number[]; variance: number[]; z: number[] };
  provinces_cont: FitGolden;
  provinces_cont_sdm_twoways: ModelGolden;
  provinces_dist: FitGolden;
  grid: FitGolden;
}

const root = new URL('../../', import.meta.url);

export function spatialGolden(): SpatialGolden {
  return JSON.parse(readFileSync(new URL('reference/golden/spatial.json', root), 'utf8')) as SpatialGolden;
}

export function fixtureRows(name: string): Record<string, string>[] {
  return parse(readFileSync(new URL(`tests/fixtures/${name}.csv`, root)), { columns: true, bom: true });
}

/** |a − b| ≤ tol · max(1, |b|): relative agreement, absolute near zero. */
export function expectClose(a: number, b: number, tol = 1e-6, what = ''): void {
  const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
  if (!(err <= tol))
    throw new Error(`${what}: ${a} vs R ${b} (relative error ${err.toExponential(2)} > ${tol})`);
}
