/**
 * The wild cluster bootstrap's shortcuts against their plain forms: the low-rank draw pieces
 * ((Kv)_h = a_h v_h − c_h'S'v) against K formed, the p-value curve restricted to a bracket against
 * the count over all draws, on random pieces (MT19937) of the study's shape (9,999 Webb draws), the
 * enumerated Rademacher test's half (v and −v) against counting all 2^G sign vectors, and the draws kept
 * for the next column against drawing them again.
 */
import mt19937 from '@stdlib/random-base-mt19937';
import { describe, expect, it } from 'vitest';
import { wildBootstrapDraws } from '../../econometrics/inference/small-cluster';
import { wildClusterRestricted, wildDraws } from '../../econometrics/inference/wild-bootstrap';
import { qrLeastSquares } from '../../econometrics/linalg';
import { exceedanceCut, wildPCurve } from '../../econometrics/inference/wild-p-curve';
import { drawPieces } from '../../econometrics/inference/wild-pieces';

const rng = mt19937.factory({ seed: 7 });
const uniform = (): number => rng() / (mt19937.MAX + 1);
const random = (n: number): Float64Array => Float64Array.from({ length: n }, () => uniform() - 0.5);

/** K v by K formed, one draw at a time: the definition. */
function plainPieces(
  v: Float64Array,
  B: number,
  G: number,
  p: number,
  a: [Float64Array, Float64Array],
  S: [Float64Array, Float64Array],
  C: Float64Array,
) {
  const out = {
    N0: new Float64Array(B),
    N1: new Float64Array(B),
    D0: new Float64Array(B),
    D1: new Float64Array(B),
    D2: new Float64Array(B),
  };
  for (let b = 0; b < B; b++) {
    const kv = [new Float64Array(G), new Float64Array(G)];
    for (let j = 0; j < 2; j++) {
      for (let h = 0; h < G; h++) {
        let x = 0;
        for (let g = 0; g < G; g++) {
          let cs = 0;
          for (let c = 0; c < p; c++) cs += C[h * p + c] * S[j][g * p + c];
          x += ((h === g ? a[j][h] : 0) - cs) * v[b * G + g];
        }
        kv[j][h] = x;
      }
    }
    for (let g = 0; g < G; g++) {
      out.N0[b] += a[0][g] * v[b * G + g];
      out.N1[b] += a[1][g] * v[b * G + g];
      out.D0[b] += kv[0][g] * kv[0][g];
      out.D1[b] += kv[0][g] * kv[1][g];
      out.D2[b] += kv[1][g] * kv[1][g];
    }
  }
  return out;
}

describe('the wild bootstrap draw pieces', () => {
  for (const G of [8, 12, 13, 30]) {
    it(`agree with K v formed at G = ${G}, p = 6 (${G > 12 ? 'low-rank' : 'K formed'})`, () => {
      const p = 6;
      const B = 203; // not a multiple of four: the last block has three lanes
      const v = wildDraws(G, { reps: B, weights: 'webb', seed: 1, level: 0.95 }).v;
      const a: [Float64Array, Float64Array] = [random(G), random(G)];
      const S: [Float64Array, Float64Array] = [random(G * p), random(G * p)];
      const C = random(G * p);
      const got = drawPieces(v, B, G, p, a[0], a[1], S[0], S[1], C);
      const want = plainPieces(v, B, G, p, a, S, C);
      for (const key of ['N0', 'N1', 'D0', 'D1', 'D2'] as const) {
        for (let b = 0; b < B; b++) {
          const scale = key === 'D1' ? Math.sqrt(want.D0[b] * want.D2[b]) : Math.abs(want[key][b]);
          expect(Math.abs(got[key][b] - want[key][b])).toBeLessThanOrEqual(1e-12 * scale);
        }
      }
      // The numerators are the same sums in the same order either way.
      expect(Array.from(got.N0)).toEqual(Array.from(want.N0));
    });
  }
});

describe('the wild bootstrap p-value curve', () => {
  it('counts the same inside a restricted bracket as over all draws, at every r of a bisection', () => {
    const G = 30;
    const p = 6;
    const B = 9999;
    const v = wildDraws(G, { reps: B, weights: 'webb', seed: 3, level: 0.95 }).v;
    const pieces = drawPieces(v, B, G, p, random(G), random(G), random(G * p), random(G * p), random(G * p));
    const estimate = 0.3;
    const seHat = Math.sqrt(pieces.D0.reduce((s, d) => s + d, 0) / B);
    const curve = wildPCurve(pieces, B, estimate, seHat);
    // The definition: every draw counted as written.
    const full = {
      pAt: (r: number) => {
        const cut = exceedanceCut((estimate - r) / seHat);
        let count = 0;
        for (let b = 0; b < B; b++) {
          const den = pieces.D0[b] + r * (2 * pieces.D1[b] + r * pieces.D2[b]);
          if (den > 0 && Math.abs(pieces.N0[b] + r * pieces.N1[b]) / Math.sqrt(den) > cut) count++;
        }
        return count / B;
      },
    };
    let checked = 0;
    let settledSome = false;
    // Bisect towards several targets on both sides, as the test inversion does, comparing every p(r).
    for (const target of [-4.1, -1.3, -0.2, 0.31, 0.9, 2.7, 6]) {
      let lo = estimate;
      let hi = estimate + (target > estimate ? 8 : -8) * seHat;
      for (let i = 0; i < 45; i++) {
        curve.restrict(lo, hi);
        const mid = (lo + hi) / 2;
        const got = curve.pAt(mid);
        expect(got).toBe(full.pAt(mid));
        if (got !== 0 && got !== 1) settledSome = true;
        checked++;
        if (target > estimate === mid < target) lo = mid;
        else hi = mid;
      }
      // Outside the bracket the count is over all draws again.
      expect(curve.pAt(estimate - 20 * seHat)).toBe(full.pAt(estimate - 20 * seHat));
    }
    // Unrestricted, at null values near and far (the draws whose |t*| cannot reach the cut skipped).
    const fresh = wildPCurve(pieces, B, estimate, seHat);
    for (let j = -60; j <= 60; j++) {
      const r = estimate + (j / 6) * seHat;
      expect(fresh.pAt(r)).toBe(full.pAt(r));
    }
    expect(checked).toBe(7 * 45);
    expect(settledSome).toBe(true);
  });
});

describe('the enumerated wild bootstrap', () => {
  it('counts half the sign vectors (v and −v give one |t*|), to the bit what counting all 2^G gives', () => {
    // A clustered OLS of the regional subsamples' size: G = 9 clusters of 11, a constant and 3 regressors.
    const G = 9;
    const n = 11 * G;
    const design = [new Float64Array(n).fill(1), random(n), random(n), random(n)];
    const clusters = Int32Array.from({ length: n }, (_, i) => i % G);
    const shock = random(G);
    const y = Float64Array.from({ length: n }, (_, i) => 0.4 * design[1][i] + shock[i % G] + random(1)[0]);
    const fit = qrLeastSquares(design, y);
    const input = { design, y, bread: fit.bread, coef: fit.coef, residuals: fit.residuals, clusters };
    const options = { reps: 999, weights: 'rademacher' as const, seed: 1, level: 0.95 };
    const enumerated = wildDraws(G, options);
    expect(enumerated).toMatchObject({ reps: 2 ** G, enumerated: true });
    // The same 2^G sign vectors as plain draws: every one counted.
    const all = { ...enumerated, enumerated: false };
    // The second half (v_{G−1} = +1, the negations of the first) made unreadable: never looked at.
    const half = Float64Array.from(enumerated.v, (w, i) => (i < enumerated.v.length / 2 ? w : NaN));
    const pValues: number[] = [];
    for (let k = 0; k < design.length; k++) {
      const want = wildClusterRestricted(input, k, options, all);
      const got = wildClusterRestricted(input, k, options, enumerated);
      expect(got).toEqual({ ...want, enumerated: true });
      expect(wildClusterRestricted(input, k, options, { ...enumerated, v: half })).toEqual(got);
      expect(Number.isFinite(want.ci_lower) && Number.isFinite(want.ci_upper)).toBe(true);
      pValues.push(want.p_value);
    }
    // Tests that count some draws and not others (a p of 0 or 1 would hide a miscount).
    expect(pValues.filter((p) => p > 0 && p < 1).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the wild bootstrap draws', () => {
  it('are the same under a seed when drawn again, and kept draws are those a fresh draw gives', () => {
    const options = { reps: 999, weights: 'webb' as const, seed: 5, level: 0.95 };
    const a = wildDraws(30, options);
    const b = wildDraws(30, options);
    expect(b.v).not.toBe(a.v);
    expect(Array.from(b.v)).toEqual(Array.from(a.v));
    expect(Array.from(wildDraws(30, { ...options, seed: 6 }).v)).not.toEqual(Array.from(a.v));
    const clusters = (G: number) => ({
      codes: Int32Array.from({ length: 2 * G }, (_, i) => i % G),
      keys: Array.from({ length: G }, (_, g) => `c${g}`),
    });
    // More keys than are kept, and back: every answer equals a fresh draw of its own G, reps and seed.
    for (const [G, seed, weights] of [
      [30, 5, 'webb'],
      [11, 5, 'webb'],
      [11, 6, 'webb'],
      [8, 5, 'rademacher'],
      [12, 5, 'webb'],
      [30, 5, 'webb'],
      [11, 6, 'webb'],
      [30, 5, 'rademacher'],
    ] as const) {
      const wild = { reps: 999, weights, seed, level: 0.95 };
      const { draws } = wildBootstrapDraws(wild, clusters(G), undefined, undefined);
      const fresh = wildDraws(G, wild);
      expect(draws.reps).toBe(fresh.reps);
      expect(draws.enumerated).toBe(fresh.enumerated);
      expect(Array.from(draws.v)).toEqual(Array.from(fresh.v));
    }
  });
});
