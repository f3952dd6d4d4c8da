import { Matrix, QrDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { demeanBy, gridGroupings, gridLayout, onGrid, withinTransform, type Grouping } from '../../panel';

const grouping = (codes: number[]): Grouping => ({
  codes: Int32Array.from(codes),
  ngroups: Math.max(...codes) + 1,
});

/** Residuals of x on a full set of entity and period dummies (least squares on the dummy design). */
function dummyResiduals(x: number[], entity: number[], time: number[]): number[] {
  const N = Math.max(...entity) + 1;
  const T = Math.max(...time) + 1;
  const D = new Matrix(x.length, N + T - 1);
  x.forEach((_, r) => {
    D.set(r, entity[r], 1);
    if (time[r] > 0) D.set(r, N + time[r] - 1, 1);
  });
  const y = Matrix.columnVector(x);
  const fitted = D.mmul(new QrDecomposition(D).solve(y));
  return x.map((v, r) => v - fitted.get(r, 0));
}

describe('withinTransform', () => {
  // Three entities × three periods, written out so every mean is checkable by hand.
  const x = [1, 2, 6, 4, 4, 7, 0, 3, 9];
  const entity = [0, 0, 0, 1, 1, 1, 2, 2, 2];
  const time = [0, 1, 2, 0, 1, 2, 0, 1, 2];
  const by = { entity: grouping(entity), time: grouping(time) };

  it('entity and time effects subtract the group means', () => {
    // Entity means 3, 5, 4; period means 5/3, 3, 22/3.
    expect(Array.from(withinTransform(x, 'entity', by))).toEqual([-2, -1, 3, -1, -1, 2, -4, -1, 5]);
    const t = withinTransform(x, 'time', by);
    [1 - 5 / 3, 2 - 3, 6 - 22 / 3, 4 - 5 / 3].forEach((v, i) => expect(t[i]).toBeCloseTo(v, 14));
  });

  it('two-way on a balanced panel is x − x̄_i − x̄_t + x̄', () => {
    const w = withinTransform(x, 'twoways', by);
    const ei = [3, 5, 4];
    const et = [5 / 3, 3, 22 / 3];
    x.forEach((v, r) => expect(w[r]).toBeCloseTo(v - ei[entity[r]] - et[time[r]] + 4, 13));
  });

  it('two-way on an unbalanced panel equals the residuals on entity and period dummies', () => {
    const keep = [0, 1, 2, 3, 5, 7, 8]; // entity 1 lacks period 1, entity 2 period 0
    const xu = keep.map((r) => x[r]);
    const eu = keep.map((r) => entity[r]);
    const tu = keep.map((r) => time[r]);
    const w = withinTransform(xu, 'twoways', { entity: grouping(eu), time: grouping(tu) });
    const ref = dummyResiduals(xu, eu, tu);
    ref.forEach((v, r) => expect(w[r]).toBeCloseTo(v, 12));
    // The balanced formula x − x̄_i − x̄_t + x̄ would be wrong here: its residuals are not the dummies'.
    const mean = (f: (r: number) => boolean) => {
      const v = xu.filter((_, r) => f(r));
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    const naive = xu.map(
      (v, r) => v - mean((s) => eu[s] === eu[r]) - mean((s) => tu[s] === tu[r]) + mean(() => true),
    );
    expect(Math.max(...naive.map((v, r) => Math.abs(v - ref[r])))).toBeGreaterThan(0.1);
  });

  it('demeanBy is the one-grouping case', () => {
    expect(Array.from(demeanBy([2, 4, 10], grouping([0, 0, 1])))).toEqual([-1, 1, 0]);
  });
});

describe('the panel grid', () => {
  it('lays rows period-major in the given entity order, gaps NaN, and refuses strangers and repeats', () => {
    const layout = gridLayout(['b', 'a', 'a'], [2012, 2011, 2012], { entities: ['a', 'b'], what: 'x' });
    expect(layout.times).toEqual([2011, 2012]);
    expect(Array.from(onGrid(layout, [1, 2, 3]))).toEqual([2, NaN, 3, 1]);
    const g = gridGroupings(layout);
    expect(Array.from(g.entity.codes)).toEqual([0, 1, 0, 1]);
    expect(Array.from(g.time.codes)).toEqual([0, 0, 1, 1]);
    expect(() => gridLayout(['c'], [2011], { entities: ['a'], entitiesFrom: 'W', what: 'x' })).toThrow(
      'x: entity c is not in W',
    );
    expect(() => gridLayout(['a', 'a'], [2011, 2011], { what: 'x' })).toThrow('appears twice');
  });
});
