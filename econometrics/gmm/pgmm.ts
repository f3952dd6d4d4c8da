/**
 * Dynamic panel GMM — Arellano–Bond difference GMM (`differenceGmm`) and Blundell–Bond system GMM
 * (`systemGmm`) — following R's plm::pgmm construction exactly, so its numbers are reproduced. The
 * estimation reads as plm's does, one room a step:
 * - design.ts: the panel on its full time grid, the difference (and level) equations and their
 *   instruments, the one-step weighting block H;
 * - fit.ts: one-step weights A1 = N·(Σ Z_i'H Z_i)⁻¹, two-step A2 = (Σ Z_i'e_i e_i'Z_i)⁻¹ from the
 *   one-step residuals, b = (X'Z A Z'X)⁻¹ X'Z A Z'y;
 * - windmeijer.ts: the covariances: one-step (X'Z A1 Z'X)⁻¹ as plm (no σ²) and its robust sandwich,
 *   two-step (X'Z A2 Z'X)⁻¹ and the Windmeijer (2005) corrected one (plm's vcovHC.pgmm);
 * - specification-tests.ts: Arellano–Bond AR(1), AR(2), Hansen's J and plm's Sargan
 *   (df = instruments − parameters), the difference-in-Hansen tests;
 * - moments.ts: the sums over units on stacked Float64Arrays (one allocation per quantity, none per
 *   unit), so GMM on thousands of units is bound by arithmetic, not by the garbage collector.
 * Coefficients are referred to the normal (z statistics), as plm. Hand-written because no TypeScript
 * library implements dynamic panel GMM.
 */
import type { Panel } from '../../panel';
import { chiSquareUpper, normalTwoSided } from '../distributions';
import type { EstimationResult } from '../result';
import { coefficientRows } from '../table';
import { gmmDesign, type GmmOptions } from './design';
import { gmmFit } from './fit';
import { arellanoBondTest, differenceInHansen, hansenJ } from './specification-tests';
import { robustGmmCovariance } from './windmeijer';

export { termName, type GmmInstrument, type GmmOptions, type LaggedTerm } from './design';

export function differenceGmm(panel: Panel, options: GmmOptions): EstimationResult {
  return pgmm(panel, options, 'd');
}

export function systemGmm(panel: Panel, options: GmmOptions): EstimationResult {
  return pgmm(panel, options, 'ld');
}

function pgmm(panel: Panel, options: GmmOptions, transformation: 'd' | 'ld'): EstimationResult {
  const { design: d, stacked: s, nobs, sample } = gmmDesign(panel, options, transformation);
  const warnings: string[] = [];
  const N = s.N;
  const fit = gmmFit(s, d, warnings);
  const Vrobust = robustGmmCovariance(s, fit, d);
  const ar = (order: number) => arellanoBondTest(s, fit.e, fit.B, Vrobust, fit.WX, fit.A, order, d);
  const ar1 = ar(1);
  const ar2 = ar(2);
  const hansen = hansenJ(s, fit.e, fit.A2);
  const sargan = hansenJ(s, fit.e, fit.A1);
  const df = d.L - d.K;
  if (d.L > N)
    warnings.push(`${d.L} instruments outnumber the ${N} groups; Hansen's J is weak (Roodman 2009)`);
  const diffHansen = d.groups ? differenceInHansen(s, d, hansen, warnings) : {};
  const vcov = d.robust ? Vrobust : fit.B;
  return {
    estimator: d.transformation === 'd' ? 'diffgmm' : 'sysgmm',
    nobs,
    ngroups: N,
    coefficients: coefficientRows(d.names, fit.b, { vcov, dfT: Infinity }),
    statistics: {
      ar1_z: ar1,
      ar1_p: normalTwoSided(ar1),
      ar2_z: ar2,
      ar2_p: normalTwoSided(ar2),
      hansen,
      hansen_df: df,
      hansen_p: chiSquareUpper(hansen, df),
      sargan,
      sargan_df: df,
      sargan_p: chiSquareUpper(sargan, df),
      instruments: d.L,
      groups: N,
      ...diffHansen,
    },
    sample,
    warnings: warnings.length ? warnings : undefined,
  };
}
