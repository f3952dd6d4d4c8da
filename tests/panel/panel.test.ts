import { describe, expect, it } from 'vitest';
import { isInputError } from '../../common/errors';
import { evaluateTerm, Panel, percentile } from '../../panel';

// A: 2001, 2002, 2004 (a gap at 2003); B: 2001–2003. Rows deliberately out of order.
const rows = [
  { id: 'B', year: 2003, x: 9, r: 'West' },
  { id: 'A', year: 2004, x: 16, r: 'East' },
  { id: 'A', year: 2001, x: 1, r: 'East' },
  { id: 'B', year: 2001, x: 1, r: 'West' },
  { id: 'A', year: 2002, x: 4, r: 'East' },
  { id: 'B', year: 2002, x: '4', r: 'West' },
];
const panel = Panel.fromRows(rows, { entity: 'id', time: 'year' });
const arr = (a: Float64Array) => Array.from(a);

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isInputError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('Panel', () => {
  it('sorts rows by entity then time and keeps text columns as labels', () => {
    expect(panel.entityKeys).toEqual(['A', 'A', 'A', 'B', 'B', 'B']);
    expect(arr(panel.times)).toEqual([2001, 2002, 2004, 2001, 2002, 2003]);
    expect(arr(panel.column('x'))).toEqual([1, 4, 16, 1, 4, 9]);
    expect(panel.groupKeys('r')).toEqual(['East', 'East', 'East', 'West', 'West', 'West']);
    expect(panel.ngroups).toBe(2);
  });

  it('lags by time value within entity: a gap gives missing, not the previous row', () => {
    expect(arr(evaluateTerm(panel, 'L.x'))).toEqual([NaN, 1, NaN, NaN, 1, 4]);
    expect(arr(evaluateTerm(panel, 'L2.x'))).toEqual([NaN, NaN, 4, NaN, NaN, 1]);
    expect(arr(evaluateTerm(panel, 'F.x'))).toEqual([4, NaN, NaN, 4, 9, NaN]);
  });

  it('differences: D.x = x − L.x, D2.x = D.(D.x)', () => {
    expect(arr(evaluateTerm(panel, 'D.x'))).toEqual([NaN, 3, NaN, NaN, 3, 5]);
    // B: D.x = (NaN, 3, 5) → D2.x at 2003 = 5 − 3 = 2.
    expect(arr(evaluateTerm(panel, 'D2.x'))).toEqual([NaN, NaN, NaN, NaN, NaN, 2]);
    expect(arr(panel.diff('x', 2))).toEqual([NaN, NaN, 12, NaN, NaN, 8]);
  });

  it('log, log(1+x), interactions and composed terms', () => {
    expect(evaluateTerm(panel, 'ln(x)')[1]).toBeCloseTo(Math.log(4), 15);
    expect(evaluateTerm(panel, 'ln1p(x)')[0]).toBeCloseTo(Math.log(2), 15);
    const p = panel.withColumn('z', Float64Array.from([0, -1, 2, 3, 1, 1]));
    expect(arr(evaluateTerm(p, 'ln(z)')).slice(0, 2)).toEqual([NaN, NaN]);
    expect(arr(evaluateTerm(p, 'ln1p(z)')).slice(0, 2)).toEqual([0, NaN]);
    expect(arr(evaluateTerm(p, 'x:z'))).toEqual([0, -4, 32, 3, 4, 9]);
    expect(arr(evaluateTerm(p, 'x*z'))).toEqual([0, -4, 32, 3, 4, 9]);
    expect(evaluateTerm(p, 'L.ln(x)')[1]).toBe(0);
  });

  it('subsets by a label column and re-numbers entities', () => {
    const west = panel.subset('r', ['West']);
    expect(west.nrows).toBe(3);
    expect(west.entityLevels).toEqual(['B']);
    expect(Array.from(west.entityCodes)).toEqual([0, 0, 0]);
    expect(inputError(() => panel.subset('r', ['North']))).toContain(
      "column 'r' has no rows with value(s) North",
    );
  });

  it("percentiles: Stata's definition (R type 2) and R's type 7, by hand", () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // n·p/100 = 0.5 → x(1); = 5 (whole) → (x(5)+x(6))/2; = 9.5 → x(10); = 9 → (x(9)+x(10))/2.
    expect(percentile(x, 5)).toBe(1);
    expect(percentile(x, 50)).toBe(5.5);
    expect(percentile(x, 95)).toBe(10);
    expect(percentile(x, 90)).toBe(9.5);
    // type 7: h = 9·0.05 = 0.45 → 1 + 0.45·(2 − 1).
    expect(percentile(x, 5, 'type7')).toBeCloseTo(1.45, 14);
    // 330·0.95 = 313.5 is not whole; 20·0.95 = 19 is (floating point gives 18.999999999999996).
    const y = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(y, 95)).toBe(19.5);
  });

  it('winsorizes at percentiles, whole sample or by group', () => {
    const p = panel.withColumn('w', Float64Array.from([1, 2, 3, 10, 20, 30]));
    // n = 6: p=20 → P = 1.2 → x(2) = 2; p=80 → P = 4.8 → x(5) = 20.
    expect(arr(p.winsorize('w', { lower: 20, upper: 80 }))).toEqual([2, 2, 3, 10, 20, 20]);
    // By entity (n = 3): p=20 → P = 0.6 → x(1); p=80 → P = 2.4 → x(3): nothing changes…
    expect(arr(p.winsorize('w', { lower: 20, upper: 80, by: 'id' }))).toEqual([1, 2, 3, 10, 20, 30]);
    // …but p=40 → P = 1.2 → x(2), p=60 → P = 1.8 → x(2): everything becomes the group's middle value.
    expect(arr(p.winsorize('w', { lower: 40, upper: 60, by: 'r' }))).toEqual([2, 2, 2, 20, 20, 20]);
    expect(inputError(() => p.winsorize('w', { lower: 90, upper: 10 }))).toContain(
      '0 <= lower < upper <= 100',
    );
  });

  it('errors name the column, row and cell', () => {
    expect(inputError(() => panel.column('nope'))).toContain("column 'nope' not found");
    expect(inputError(() => panel.column('r'))).toContain('holds text');
    const bad = [
      { id: 'A', year: 2001, x: 1 },
      { id: 'A', year: 2002, x: 'n/a?' },
    ];
    expect(inputError(() => Panel.fromRows(bad, { entity: 'id', time: 'year', source: 'p.csv' }))).toBe(
      "p.csv: row 2 (id A, year 2002), column 'x': expected a number, found 'n/a?'",
    );
    expect(
      inputError(() =>
        Panel.fromRows(
          [
            { id: 'A', year: 2001 },
            { id: 'A', year: 2001 },
          ],
          { entity: 'id', time: 'year' },
        ),
      ),
    ).toContain("duplicate id 'A' year 2001");
    expect(
      inputError(() => Panel.fromRows([{ id: 'A', year: 'y1' }], { entity: 'id', time: 'year' })),
    ).toContain("row 1, column 'year': expected a numeric time value, found 'y1'");
    expect(inputError(() => Panel.fromRows([{ id: 'A', t: 1 }], { entity: 'id', time: 'year' }))).toContain(
      "column 'year' not found",
    );
  });

  it('treats empty, NA and . cells as missing', () => {
    const p = Panel.fromRows(
      [
        { id: 'A', year: 1, x: '' },
        { id: 'A', year: 2, x: 'NA' },
        { id: 'A', year: 3, x: '.' },
        { id: 'A', year: 4, x: '2.5' },
      ],
      { entity: 'id', time: 'year' },
    );
    expect(arr(p.column('x'))).toEqual([NaN, NaN, NaN, 2.5]);
  });
});
