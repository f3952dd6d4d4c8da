/**
 * The estimator registry: one contract per estimator, from which spec validation, the docs table and
 * the table layout derive; and the three kinds of error, singular matrices detected where they arise.
 */
import { readFileSync } from 'node:fs';
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { isDataError, isInputError } from '../../common/errors';
import { estimate } from '../../econometrics/estimate';
import { choleskyOf, fullRankQr, inverseOf } from '../../econometrics/linalg';
import { absorbedEffects, contractTable, ESTIMATOR_NAMES, ESTIMATORS } from '../../econometrics/registry';
import { FITS } from '../../econometrics/estimate';
import { parseSpec } from '../../econometrics/spec';
import { fullContract, refusalCases, VALID_SPECS } from './contract-cases';
import { fixturePanel } from './golden';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const spec = (extra: Record<string, unknown>) => ({ y: 'inv', x: ['value'], ...extra });

describe('the estimator registry', () => {
  it('every contract has a fit and every fit a contract', () => {
    expect(Object.keys(FITS).sort()).toEqual([...ESTIMATOR_NAMES].sort());
  });

  it('rejects what an estimator cannot honour, naming the key', () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        spec({ estimator: 'sar', vce: 'cluster' }),
        'spec.vce: estimator "sar" does not support vce "cluster" (supported: conventional)',
      ],
      [
        spec({
          estimator: 'sysgmm',
          vce: 'cr2',
          gmm: { instruments: [{ variable: 'inv', lags: [2, 3] }] },
        }),
        'spec.vce: estimator "sysgmm" does not support vce "cr2" (supported: conventional, robust, cluster)',
      ],
      [
        spec({ estimator: 'ols', effects: 'entity' }),
        'spec.effects: estimator "ols" does not support effects "entity" (supported: none)',
      ],
      [
        spec({ estimator: 'sdm', effects: 'time' }),
        'spec.effects: estimator "sdm" does not support effects "time" (supported: entity, twoways)',
      ],
      [
        spec({ estimator: 'fe', gmm: { instruments: [{ variable: 'inv', lags: [2, 3] }] } }),
        'spec.gmm: estimator "fe" does not read it (read by diffgmm, sysgmm)',
      ],
      [
        spec({ estimator: 'fe', mediator: 'capital' }),
        'spec.mediator: estimator "fe" does not read it (read by mediation)',
      ],
      [
        spec({ estimator: 'sdm', spatial: { permutations: 99 } }),
        'spec.spatial.permutations: estimator "sdm" does not read it',
      ],
      [
        spec({ estimator: 'sem', spatial: { dynamic: {} } }),
        'spec.spatial.dynamic: estimator "sem" does not read it',
      ],
      [
        spec({ estimator: 'sdm', spatial: { biasCorrection: 'none' } }),
        'spec.spatial.biasCorrection: is read with spatial.dynamic only',
      ],
      [
        spec({ estimator: 'sar', spatial: { dynamic: { ylag: false, wylag: false } } }),
        'spec.spatial.dynamic: ylag and wylag are both false: that is the static model',
      ],
      [
        spec({ estimator: 'sdm', spatial: { dynamic: {}, lrTests: true } }),
        'spec.spatial.lrTests: is a key of the static model',
      ],
      [
        spec({ estimator: 'sdm', spatial: { dynamic: {}, biasCorrection: 'lee-yu' } }),
        'spec.spatial.biasCorrection: Invalid option: expected one of "yu-dejong-lee"|"none"',
      ],
      [spec({ estimator: 'moran' }), 'spec.x: estimator "moran" takes no regressors'],
      [
        spec({ estimator: 'fe', cluster: 'firm' }),
        'spec.cluster: is read only with vce cluster, cr2, cr3, not "conventional"',
      ],
      [spec({ estimator: 'diffgmm' }), 'spec.gmm: required by estimator "diffgmm"'],
      [
        spec({ estimator: 'iv', endogenous: ['capital'], instruments: ['L.value'] }),
        "spec.endogenous[0]: 'capital' is not among the regressors x",
      ],
    ];
    for (const [input, message] of cases) {
      const e = thrown(() => parseSpec(input));
      expect(isInputError(e), message).toBe(true);
      expect(e.message).toContain(message);
    }
  });

  it('every estimator refuses every vce, cluster and inference it cannot honour, naming the key', () => {
    const cases = refusalCases();
    // Each estimator short of the full contract (ols, fe and iv honour every key) is asked for what it lacks.
    expect(ESTIMATOR_NAMES.filter(fullContract)).toEqual(['ols', 'fe', 'iv']);
    for (const name of ESTIMATOR_NAMES.filter((n) => !fullContract(n)))
      expect(
        cases.some((c) => c.spec.estimator === name),
        name,
      ).toBe(true);
    for (const name of ['sar', 'sem', 'sdm', 'moran'])
      expect(cases.filter((c) => c.spec.estimator === name).length, name).toBeGreaterThanOrEqual(9);
    for (const c of cases) {
      const e = thrown(() => parseSpec(c.spec));
      expect(isInputError(e), c.name).toBe(true);
      expect(e.message.startsWith(`${c.key}: `), `${c.name}: ${e.message}`).toBe(true);
    }
    // What the contract says it honours parses.
    for (const name of ESTIMATOR_NAMES) {
      expect(() => parseSpec(VALID_SPECS[name]), name).not.toThrow();
      for (const v of ESTIMATORS[name].vce)
        expect(() => parseSpec({ ...VALID_SPECS[name], vce: v })).not.toThrow();
    }
    expect(
      thrown(() => parseSpec({ ...VALID_SPECS.sysgmm, vce: 'cluster', cluster: 'region' })).message,
    ).toBe(
      'spec.cluster: estimator "sysgmm" clusters by the entity only; leave spec.cluster out; GMM reports plm’s plain or Windmeijer-corrected (robust = cluster by entity) SEs',
    );
    expect(
      thrown(() => parseSpec({ ...VALID_SPECS.moderation, vce: 'cluster', inference: { vce: ['robust'] } }))
        .message,
    ).toMatch(
      /^spec\.inference\.vce: estimator "moderation" does not report alternative covariance estimators/,
    );
  });

  it('fills each estimator its own defaults', () => {
    expect(parseSpec(spec({ estimator: 'fe' }))).toMatchObject({ effects: 'entity', vce: 'conventional' });
    expect(parseSpec(spec({ estimator: 'ols' }))).toMatchObject({ effects: 'none' });
    const gmm = parseSpec(
      spec({ estimator: 'diffgmm', gmm: { instruments: [{ variable: 'inv', lags: [2, 3] }] } }),
    );
    expect(gmm.effects).toBe('none');
    // A parsed spec parses again to itself (the activity re-parses what the study stored).
    expect(parseSpec(gmm)).toEqual(gmm);
  });

  it('says which fixed effects a column absorbs: GMM none, whatever the transformation', () => {
    expect(absorbedEffects({ estimator: 'fe', effects: 'twoways' })).toEqual({ entity: true, time: true });
    expect(absorbedEffects({ estimator: 'diffgmm', effects: 'none' })).toEqual({
      entity: false,
      time: false,
    });
    expect(ESTIMATORS.diffgmm.absorbs).toBe('none');
  });

  it('docs/estimate-spec.md carries the table generated from the registry', () => {
    const doc = readFileSync(new URL('../../docs/estimate-spec.md', import.meta.url), 'utf8');
    expect(doc, 'regenerate with: npx tsx scripts/estimator-table.ts').toContain(contractTable());
  });
});

describe('singular and non-positive-definite matrices are data errors where they arise', () => {
  it('linalg refuses a singular matrix and a non-PD one, naming it', () => {
    const singular = new Matrix([
      [1, 2],
      [2, 4],
    ]);
    const e = thrown(() => inverseOf(singular, 'the test matrix'));
    expect(isDataError(e)).toBe(true);
    expect(e.message).toContain('the test matrix is singular');
    expect(
      isDataError(
        thrown(() =>
          choleskyOf(
            new Matrix([
              [1, 2],
              [2, 1],
            ]),
            'V',
          ),
        ),
      ),
    ).toBe(true);
    const a = Float64Array.from([1, 2, 3, 4]);
    const r = thrown(() => fullRankQr([a, a.map((v) => 2 * v)], 'design', ['a', 'b']));
    expect(r.message).toBe(
      'design: the design is rank-deficient (b zero or collinear with the other regressors)',
    );
  });

  it('an estimation on a design that cannot be estimated fails with a DataError, not a plain Error', () => {
    const grunfeld = fixturePanel('grunfeld');
    const firmconst = grunfeld.withColumn(
      'firmconst',
      Float64Array.from(grunfeld.entityKeys, (f) => Number(f)),
    );
    const e = thrown(() => estimate(firmconst, { estimator: 'fe', y: 'inv', x: ['firmconst'] }));
    expect(isDataError(e)).toBe(true);
  });
});
