/**
 * Singular, rank-deficient and non-positive-definite matrices are DataErrors raised where they arise
 * (linalg), naming the matrix and the column: never ml-matrix's plain Error, which a worker would retry.
 * Designs are built by hand so that each matrix is singular for a reason written beside it.
 */
import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import { isDataError } from '../../common/errors';
import { estimate } from '../../econometrics/estimate';
import { ivDiagnostics, type IvDiagnosticsInput } from '../../econometrics/inference/iv-diagnostics';
import { Cholesky, crossProductInverse, GRAM_TOL, symmetricPower } from '../../econometrics/linalg';
import { withinTransform } from '../../panel';
import { fixturePanel } from './golden';

function dataError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect((e as Error).name, (e as Error).stack).toBe('DataError');
    expect(isDataError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a DataError');
}

/** Column k of the 8 × 8 Sylvester–Hadamard matrix: mutually orthogonal, each of squared norm 8. */
const h = (k: number) =>
  Float64Array.from({ length: 8 }, (_, i) => {
    let b = i & k;
    let s = 1;
    while (b) {
      s = -s;
      b &= b - 1;
    }
    return s;
  });
const lin = (...terms: [number, Float64Array][]) =>
  Float64Array.from({ length: terms[0][1].length }, (_, i) => terms.reduce((s, [c, v]) => s + c * v[i], 0));

describe('linalg', () => {
  it('Cholesky names the column at which a Gram matrix stops being positive definite', () => {
    // c = a + b: the third pivot of [a b c]'[a b c] is 0.
    const a = h(1);
    const b = h(2);
    const c = lin([1, a], [1, b]);
    const gram = new Matrix(
      [a, b, c].map((u) => [a, b, c].map((v) => u.reduce((s, x, i) => s + x * v[i], 0))),
    );
    expect(dataError(() => Cholesky.of(gram, 'the test Gram', ['a', 'b', 'c']))).toBe(
      'the test Gram is singular or not positive definite (3 × 3): c is a linear combination of the columns before it',
    );
    expect(Cholesky.tryOf(gram, GRAM_TOL)).toBeUndefined();
    expect(dataError(() => crossProductInverse([a, b, c], 'the test design', ['a', 'b', 'c']))).toContain(
      'c zero or collinear',
    );
    // (diag(8, 8))⁻¹ by hand.
    const inv = Cholesky.of(gram.subMatrix(0, 1, 0, 1), 'the 2 × 2 block').inverse();
    [1 / 8, 0, 0, 1 / 8].forEach((v, i) => expect(inv.to1DArray()[i]).toBeCloseTo(v, 15));
  });

  it('symmetricPower: the square root of diag(4, 9) and nothing of a null direction', () => {
    const r = symmetricPower(
      new Matrix([
        [4, 0],
        [0, 9],
      ]),
      0.5,
      0,
    );
    expect(r.get(0, 0)).toBeCloseTo(2, 14);
    expect(r.get(1, 1)).toBeCloseTo(3, 14);
    // [[1, 1], [1, 1]] has eigenvalues 2 (direction (1, 1)/√2) and 0: the −1 power on its range is ¼·11'.
    const p = symmetricPower(
      new Matrix([
        [1, 1],
        [1, 1],
      ]),
      -1,
      1e-12,
    );
    for (const v of p.to1DArray()) expect(v).toBeCloseTo(0.25, 14);
  });
});

describe('IV diagnostics (Kleibergen–Paap, Cragg–Donald, Anderson–Rubin, Hansen)', () => {
  const base = (over: Partial<IvDiagnosticsInput>): IvDiagnosticsInput => ({
    y: lin([1, h(1)], [0.5, h(3)], [0.3, h(5)]),
    endogenous: [lin([1, h(1)], [1, h(6)])],
    exogenous: [h(7)],
    excluded: [h(1), h(2)],
    vce: 'robust',
    dofminus: 0,
    names: { endogenous: ['AIT'], exogenous: ['ED'], excluded: ['L.AIT', 'L2.AIT'] },
    ...over,
  });

  it('computes every test on a design that supports them (the control case)', () => {
    const d = ivDiagnostics(base({}));
    expect(d.warnings).toEqual([
      'Anderson–Rubin confidence set computed for one endogenous regressor and one instrument only',
    ]);
    for (const k of ['cragg_donald_f', 'kp_rk_lm', 'kp_rk_wald_f', 'ar_stat', 'hansen', 'endog_c'])
      expect(Number.isFinite(d.statistics[k]), k).toBe(true);
  });

  it("a singular Z'Z (one instrument twice another) is a DataError naming the instrument", () => {
    const z = h(2);
    expect(dataError(() => ivDiagnostics(base({ excluded: [z, lin([2, z])] })))).toBe(
      'IV diagnostics: the instruments Z = [Z1, X2]: the design is rank-deficient (L2.AIT zero or collinear with the other regressors)',
    );
  });

  it("a singular X̂'X̂ (the endogenous regressor a multiple of an exogenous one) is a DataError naming it", () => {
    expect(dataError(() => ivDiagnostics(base({ endogenous: [lin([3, h(7)])] })))).toBe(
      'IV diagnostics: the projected regressors X̂ = P_Z X: the design is rank-deficient (ED zero or collinear with the other regressors)',
    );
  });

  it("the Kleibergen–Paap U₂₂ block: θ = diag(1/√5, 1/√1.25) puts U's zero at (2, 2)", () => {
    // Z1 = [h1, h2], X1 = [h1 + 2h3, h2 + ½h4], no exogenous regressor: Q_zz = I, Π̂ = I,
    // Q_yy = diag(5, 1.25), so θ = diag(0.447, 0.894); the SVD orders σ₁ = 0.894 first, U = [e₂, e₁]
    // and U₂₂ = U[2, 2] = 0.
    const d = ivDiagnostics({
      y: lin([1, h(1)], [1, h(2)], [0.2, h(5)]),
      endogenous: [lin([1, h(1)], [2, h(3)]), lin([1, h(2)], [0.5, h(4)])],
      exogenous: [],
      excluded: [h(1), h(2)],
      vce: 'robust',
      dofminus: 0,
      names: { endogenous: ['x1', 'x2'], exogenous: [], excluded: ['z1', 'z2'] },
    });
    const u22 =
      "the Kleibergen–Paap test's U₂₂ (left singular vectors of θ) is singular (1 × 1); the model is not identified on this data";
    expect(d.warnings.slice(0, 2)).toEqual([
      `the Kleibergen–Paap rk LM statistic not computed: ${u22}`,
      `the Kleibergen–Paap rk Wald F not computed: ${u22}`,
    ]);
    expect(d.statistics.kp_rk_lm).toBeUndefined();
    expect(d.statistics.kp_rk_wald_f).toBeUndefined();
    // Cragg–Donald comes before the rank test and stands: min λ = 1/5 by hand, (N − L − d)/L1 = 6/2.
    expect(d.statistics.cragg_donald_f).toBeCloseTo((0.2 / 0.8) * 3, 12);
  });

  it('with 2 clusters for 3 instruments every covariance of cluster scores is singular: warnings naming each', () => {
    // Ω̂ = Σ_g s_g s_g' has rank ≤ 2 < 3; the reduced-form and first-stage scores of the two clusters sum
    // to zero (OLS residuals are orthogonal to Z), so the Anderson–Rubin and Kleibergen–Paap Wald
    // covariances have rank 1 < 2. Each test is left out with a warning; the others stand.
    const clusters = Int32Array.from({ length: 8 }, (_, i) => (i < 4 ? 0 : 1));
    const d = ivDiagnostics(base({ vce: 'cluster', clusters }));
    const singular = (what: string, n: number, col: string) =>
      `${what} is singular or not positive definite (${n} × ${n}): ${col}`;
    expect(d.warnings).toEqual([
      `the Kleibergen–Paap rk Wald F not computed: ${singular("the Kleibergen–Paap test's covariance of λ̂", 2, 'λ̂ 1 is zero')}`,
      `Anderson–Rubin test not computed: ${singular("the Anderson–Rubin test: the covariance of the excluded instruments' reduced-form coefficients", 2, 'L2.AIT is a linear combination of the columns before it')}`,
      `Hansen's J not computed: ${singular("Hansen's J: the moment covariance Ω̂", 3, 'L2.AIT is a linear combination of the columns before it')}`,
      `the endogeneity (C) test not computed: ${singular("Hansen's J: the moment covariance Ω̂", 4, 'ED is a linear combination of the columns before it')}`,
    ]);
    for (const k of ['kp_rk_wald_f', 'ar_stat', 'hansen', 'endog_c'])
      expect(d.statistics[k], k).toBeUndefined();
    // The rank LM statistic and Cragg–Donald stand: Π̂ = 1 on L.AIT and 0 on L2.AIT, so min λ = Q_zy²/(Q_zz·Q_yy)
    // = 1/2 by hand (x1 = h1 + h6, z = h1: Q_zy = 1, Q_yy = 2) and CD = (½/½)·(N − L − d)/L1 = 5/2.
    expect(d.statistics.cragg_donald_f).toBeCloseTo(2.5, 12);
    expect(Number.isFinite(d.statistics.kp_rk_lm)).toBe(true);
  });
});

describe('through estimate: the column fails with a DataError on the first attempt', () => {
  const grunfeld = fixturePanel('grunfeld');

  it('FE-2SLS whose exogenous regressor is the endogenous one plus a firm constant', () => {
    const v = grunfeld.column('value');
    const panel = grunfeld.withColumn(
      'v2',
      Float64Array.from(grunfeld.entityKeys, (f, i) => 2 * v[i] + Number(f)),
    );
    const message = dataError(() =>
      estimate(panel, {
        estimator: 'iv',
        y: 'inv',
        x: ['value', 'v2'],
        endogenous: ['value'],
        instruments: ['L.value'],
        vce: 'cluster',
      }),
    );
    expect(message).toBe(
      'IV diagnostics: the projected regressors X̂ = P_Z X: the design is rank-deficient (v2 zero or collinear with the other regressors)',
    );
  });

  it('the two-way within transformation of a panel that splits into two blocks of periods', () => {
    // Entities 0, 1 are seen in periods 0, 1; entities 2, 3 in periods 2, 3: on 2 and 3's rows the
    // demeaned dummies of periods 2 and 3 are (½, −½) and (−½, ½), elsewhere 0, so they sum to zero.
    const entity = { codes: Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]), ngroups: 4 };
    const time = { codes: Int32Array.from([0, 1, 0, 1, 2, 3, 2, 3]), ngroups: 4 };
    expect(dataError(() => withinTransform(h(3), 'twoways', { entity, time }))).toContain(
      'two-way within transformation: the entity-demeaned period dummies are collinear',
    );
  });
});
