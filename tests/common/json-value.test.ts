import { describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { asJson } from '../../common/json-value';

/** What asJson must give: the value through JSON's text and back. */
const viaText = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
};

/** Same value, same key order, −0 told apart from 0 (isDeepStrictEqual compares with Object.is). */
function expectAsJsonOf(value: unknown) {
  const direct = asJson(value);
  const expected = viaText(value);
  expect(isDeepStrictEqual(direct, expected)).toBe(true);
  expect(JSON.stringify(direct)).toBe(JSON.stringify(value));
}

describe('asJson: JSON.parse(JSON.stringify(x)) without the text', () => {
  it('numbers: non-finite → null, −0 → 0, others as they are', () => {
    const value = {
      a: NaN,
      b: Infinity,
      c: -Infinity,
      d: -0,
      e: 0.1 + 0.2,
      f: 5e-324,
      g: -1.7976931348623157e308,
    };
    expectAsJsonOf(value);
    expect(Object.is((asJson(value) as Record<string, unknown>).d, 0)).toBe(true);
    expect(asJson([NaN, -0, 1])).toEqual([null, 0, 1]);
    expect(Object.is((asJson([-0]) as number[])[0], 0)).toBe(true);
  });

  it('undefined, functions and symbols: left out of objects, null in arrays, undefined at the top', () => {
    const value = {
      a: undefined,
      b: () => 1,
      c: Symbol('s'),
      d: 1,
      list: [undefined, () => 1, Symbol('s'), 2],
    };
    expectAsJsonOf(value);
    expect(asJson(value)).toEqual({ d: 1, list: [null, null, null, 2] });
    expect(Object.keys(asJson(value) as object)).toEqual(['d', 'list']);
    expect(asJson(undefined)).toBeUndefined();
    expect(asJson(() => 1)).toBeUndefined();
  });

  it('toJSON (a Date becomes its ISO text, an invalid one null), with the key it is held under', () => {
    const keys: string[] = [];
    const probe = { toJSON: (k: string) => (keys.push(k), `at ${k}`) };
    const value = {
      when: new Date(Date.UTC(2026, 11, 3, 14, 5, 6, 7)),
      bad: new Date(NaN),
      p: probe,
      list: [probe],
    };
    expectAsJsonOf(value);
    keys.length = 0;
    expect(asJson(value)).toEqual({ when: '2026-12-03T14:05:06.007Z', bad: null, p: 'at p', list: ['at 0'] });
    expect(keys).toEqual(['p', '0']);
    expect(asJson({ toJSON: () => ({ nested: [NaN, undefined] }) })).toEqual({ nested: [null, null] });
  });

  it('boxed primitives unwrapped; holes and extra array keys as JSON has them; key order kept', () => {
    const value = { n: new Number(3), s: new String('x'), b: new Boolean(false), z: 1, 10: 'ten', 2: 'two' };
    expectAsJsonOf(value);
    const list = [1, , 3] as unknown[] & { extra?: number }; // eslint-disable-line no-sparse-arrays
    list.extra = 4;
    expectAsJsonOf(list);
    expect(asJson(list)).toEqual([1, null, 3]);
    expectAsJsonOf({
      m: new Map([[1, 2]]),
      set: new Set([1]),
      re: /x/,
      err: new Error('e'),
      u8: new Uint8Array([1, 2]),
    });
  });

  it('own enumerable keys only, __proto__ as an own key, and a fresh copy of every object', () => {
    const proto = { inherited: 1 };
    const value = Object.create(proto, {
      own: { value: 2, enumerable: true },
      hidden: { value: 3, enumerable: false },
    });
    expectAsJsonOf(value);
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "y": [1, {"z": 2}]}');
    const direct = asJson(parsed) as Record<string, unknown>;
    expect(Object.keys(direct)).toEqual(['__proto__', 'y']);
    expect(Object.getPrototypeOf(direct)).toBe(Object.prototype);
    expect(isDeepStrictEqual(direct, viaText(parsed))).toBe(true);
    const nested = { a: { b: [1, { c: 'd' }] } };
    const copy = asJson(nested) as typeof nested;
    expect(copy).toEqual(nested);
    expect(copy.a).not.toBe(nested.a);
    expect(copy.a.b).not.toBe(nested.a.b);
  });

  it('strings as they are (lone surrogates too); a shared object twice is fine, a cycle or a BigInt throws', () => {
    expectAsJsonOf({ s: 'a\u0000b\ud800"\\\n', e: '' });
    const shared = { x: 1 };
    expectAsJsonOf({ a: shared, b: shared, c: [shared, shared] });
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = { back: cycle };
    expect(() => JSON.stringify(cycle)).toThrow(TypeError);
    expect(() => asJson(cycle)).toThrow(TypeError);
    expect(() => JSON.stringify({ n: 1n })).toThrow(TypeError);
    expect(() => asJson({ n: 1n })).toThrow(TypeError);
  });
});
