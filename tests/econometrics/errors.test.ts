/** Bad specs and degenerate designs fail (or warn) naming the key, column or term. */
import { describe, expect, it } from 'vitest';
import { isDataError, isInputError } from '../../common/errors';
import { estimate } from '../../econometrics/estimate';
import { findCollinear } from '../../econometrics/linalg';
import { fixturePanel } from './golden';

const grunfeld = fixturePanel('grunfeld');
const base = { estimator: 'fe', y: 'inv', x: ['value', 'capital'] };

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isInputError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

function dataError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isDataError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a DataError');
}

describe('spec validation', () => {
  it('names the key of a bad value, an unknown key and an unknown estimator', () => {
    expect(inputError(() => estimate(grunfeld, { ...base, vce: 'hc3' }))).toMatch(/^spec\.vce: /);
    expect(inputError(() => estimate(grunfeld, { ...base, x: ['value', 3] }))).toMatch(/^spec\.x\[1\]: /);
    expect(inputError(() => estimate(grunfeld, { ...base, vcee: 'robust' }))).toContain('vcee');
    expect(inputError(() => estimate(grunfeld, { ...base, x: ['value', 'inv'] }))).toBe(
      "spec.x[1]: 'inv' is also the dependent variable y",
    );
    expect(inputError(() => estimate(grunfeld, { ...base, x: ['value', 'value'] }))).toBe(
      "spec.x[1]: 'value' is listed twice",
    );
    expect(inputError(() => estimate(grunfeld, { ...base, estimator: 'lasso' }))).toContain(
      "spec.estimator: unknown estimator 'lasso' (known: ols, fe",
    );
    expect(inputError(() => estimate(grunfeld, { ...base, entity: 'province' }))).toContain(
      "spec.entity: 'province' but the panel's entity column is 'firm'",
    );
  });

  it('rejects a vce or inference the estimator cannot honour, naming the key', () => {
    expect(inputError(() => estimate(grunfeld, { ...base, estimator: 'sdm', vce: 'robust' }))).toMatch(
      /^spec\.vce: estimator "sdm" does not support vce "robust" \(supported: conventional\)/,
    );
    expect(inputError(() => estimate(grunfeld, { ...base, estimator: 'moran', vce: 'cluster' }))).toMatch(
      /^spec\.vce: estimator "moran" does not support vce "cluster"/,
    );
    expect(
      inputError(() =>
        estimate(grunfeld, {
          ...base,
          estimator: 'mediation',
          mediator: 'capital',
          x: ['value'],
          inference: { vce: ['cr2'] },
        }),
      ),
    ).toMatch(
      /^spec\.inference\.vce: estimator "mediation" does not report alternative covariance estimators/,
    );
    expect(inputError(() => estimate(grunfeld, { ...base, vce: 'cr2', inference: { vce: ['cr2'] } }))).toBe(
      "spec.inference.vce[0]: 'cr2' is already the spec's vce",
    );
    expect(
      inputError(() =>
        estimate(grunfeld, {
          ...base,
          estimator: 'iv',
          endogenous: ['value'],
          instruments: ['L.value'],
          inference: { wild: { terms: ['capital'] } },
        }),
      ),
    ).toBe(
      "spec.inference.wild.terms[0]: 'capital' is exogenous; the WRE bootstrap of FE-2SLS tests the endogenous regressor (value)",
    );
    expect(
      inputError(() =>
        estimate(grunfeld, {
          ...base,
          estimator: 'iv',
          endogenous: ['value', 'capital'],
          instruments: ['L.value', 'L.capital'],
          inference: { wild: {} },
        }),
      ),
    ).toBe(
      'spec.inference.wild: the wild restricted efficient bootstrap (WRE) of FE-2SLS takes one endogenous regressor, not 2',
    );
    expect(inputError(() => estimate(grunfeld, { ...base, estimator: 'mediation', vce: 'cr2' }))).toMatch(
      /^spec\.vce: estimator "mediation" does not support vce "cr2"/,
    );
    expect(inputError(() => estimate(grunfeld, { ...base, vce: 'robust', cluster: ['firm', 'year'] }))).toBe(
      'spec.cluster: two cluster variables need vce "cluster", not "robust"',
    );
    expect(inputError(() => estimate(grunfeld, { ...base, maxlag: 2 }))).toBe(
      'spec.maxlag: maxlag is used by vce "driscoll-kraay" only, not "conventional"',
    );
    expect(inputError(() => estimate(grunfeld, { ...base, vce: 'driscoll-kraay', maxlag: 20 }))).toBe(
      'spec.maxlag: 20 lags but only 20 time periods; at most 19 can be used',
    );
    expect(
      inputError(() =>
        estimate(grunfeld, { ...base, vce: 'cluster', inference: { wild: { terms: ['capitl'] } } }),
      ),
    ).toBe("spec.inference.wild.terms[0]: 'capitl' is not among the regressors x");
    // Time effects are not nested in firm clusters: the closed-form WCR does not apply.
    expect(
      inputError(() =>
        estimate(grunfeld, { ...base, effects: 'time', vce: 'cluster', inference: { wild: {} } }),
      ),
    ).toMatch(/^spec\.inference\.wild: the wild cluster bootstrap needs clusters that nest/);
  });

  it('names an unknown column through the term that uses it', () => {
    expect(inputError(() => estimate(grunfeld, { ...base, x: ['value', 'L.capitl'] }))).toContain(
      "term 'L.capitl': column 'capitl' not found",
    );
  });

  it('refuses too few observations, naming the counts', () => {
    // One firm, three years: G + K + 1 = 4 rows are needed.
    const tiny = grunfeld.filter((i) => grunfeld.entityKeys[i] === '1' && grunfeld.times[i] <= 1937);
    expect(dataError(() => estimate(tiny, base))).toBe(
      'fixed effects: too few observations: 3 complete rows (0 dropped for missing values), at least 4 needed',
    );
  });

  it('IV: endogenous must be a regressor and instruments must identify', () => {
    const iv = { ...base, estimator: 'iv' };
    expect(
      inputError(() => estimate(grunfeld, { ...iv, endogenous: ['inv2'], instruments: ['L.value'] })),
    ).toContain("spec.endogenous[0]: 'inv2' is not among the regressors");
    expect(
      inputError(() =>
        estimate(grunfeld, { ...iv, endogenous: ['value', 'capital'], instruments: ['L.value'] }),
      ),
    ).toContain('not identified');
    expect(inputError(() => estimate(grunfeld, { ...iv, endogenous: ['value'] }))).toContain(
      'spec.instruments: required',
    );
  });
});

describe('collinear and constant regressors are detected and named', () => {
  const n = 200;
  const v = grunfeld.column('value');
  const c = grunfeld.column('capital');
  const panel = grunfeld
    .withColumn(
      'both',
      v.map((x, i) => x + 2 * c[i]),
    )
    .withColumn(
      'firmconst',
      Float64Array.from(grunfeld.entityKeys, (f) => Number(f) ** 2),
    )
    .withColumn('one', new Float64Array(n).fill(1));

  it('FE drops a linear combination and an entity-constant column with warnings', () => {
    const r = estimate(panel, { ...base, x: ['value', 'capital', 'both', 'firmconst'] });
    expect(r.coefficients.map((x) => x.term)).toEqual(['value', 'capital', '_cons']);
    expect(r.warnings).toContain('both is collinear with value, capital; omitted');
    expect(r.warnings).toContain(
      'firmconst is zero in every used row (constant within groups, absorbed by the entity fixed effects); omitted',
    );
    // The remaining fit is the plain FE fit.
    const plain = estimate(grunfeld, base);
    expect(r.coefficients[0].estimate).toBeCloseTo(plain.coefficients[0].estimate, 12);
  });

  it('OLS drops a constant regressor as collinear with _cons', () => {
    const r = estimate(panel, { ...base, estimator: 'ols', x: ['value', 'one'] });
    expect(r.warnings).toContain('one is collinear with _cons; omitted');
  });

  it('FE with no regressor varying within entities is an error', () => {
    expect(dataError(() => estimate(panel, { ...base, x: ['firmconst'] }))).toContain(
      'no regressor varies within groups',
    );
  });

  it('findCollinear names every column of the dependency', () => {
    const a = Float64Array.from([1, 2, 3, 4]);
    const b = Float64Array.from([1, 0, 1, 0]);
    const d = a.map((x, i) => 2 * x - b[i]);
    expect(findCollinear([a, b, d], ['a', 'b', 'd']).dropped).toEqual([
      { term: 'd', reason: 'is collinear with a, b' },
    ]);
  });
});
