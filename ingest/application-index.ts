/**
 * The application numbers seen so far in a patent export, each with a small packed value (where its
 * first record was, what it was counted as), in memory that stays small at millions of records: CNIPA
 * numbers (digits, perhaps a trailing check character X) are keyed as numbers in an open-addressing
 * table over two Float64Arrays (16 bytes a slot, grown at half load); anything else goes to a Map.
 * Hand-written because a JS Map or Set of millions of strings takes several times the memory.
 */
export class ApplicationIndex {
  private keys = new Float64Array(1 << 16);
  private values = new Float64Array(1 << 16);
  private used = 0;
  private readonly others = new Map<string, number>();

  get size(): number {
    return this.used + this.others.size;
  }

  /**
   * The value stored for `number`, or undefined the first time it is seen (then `value` is stored);
   * `number` may be given as its key (`applicationFieldKey`).
   */
  getOrSet(number: string | number, value: number): number | undefined {
    const key = typeof number === 'number' ? number : numericKey(number);
    if (key === undefined) {
      const before = this.others.get(number as string);
      if (before === undefined) this.others.set(number as string, value);
      return before;
    }
    const mask = this.keys.length - 1;
    for (let i = slot(key) & mask; ; i = (i + 1) & mask) {
      const k = this.keys[i];
      if (k === key) return this.values[i];
      if (k === 0) {
        this.keys[i] = key;
        this.values[i] = value;
        if (++this.used * 2 > this.keys.length) this.grow();
        return undefined;
      }
    }
  }

  private grow() {
    const { keys, values } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.values = new Float64Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] === 0) continue;
      let i = slot(keys[j]) & mask;
      while (this.keys[i] !== 0) i = (i + 1) & mask;
      this.keys[i] = keys[j];
      this.values[i] = values[j];
    }
  }
}

/** Digits (at most 14) and an optional trailing X as one exact, non-zero number; else undefined. */
function numericKey(number: string): number | undefined {
  const m = /^(\d{1,14})(X?)$/.exec(number);
  if (!m) return undefined;
  // The length keeps `0123` and `123` apart; ×2 + X keeps `123X` apart from `123`. Below 2^53.
  return (Number(m[1]) * 2 + (m[2] ? 1 : 0)) * 16 + m[1].length;
}

/**
 * The key `getOrSet` gives an application number field once normalised (NFKC, upper case, spaces and
 * dots dropped, a leading `CN` dropped: `CN201110000001.1` → `2011100000011`), read from the field in
 * one pass without building that string; undefined when the field is anything but ASCII digits (at
 * most 14) with spaces, dots, a leading CN and a trailing check X — the caller normalises it then.
 */
export function applicationFieldKey(field: string): number | undefined {
  let value = 0;
  let digits = 0;
  let x = 0;
  // 0: a leading C may come; 1: a C came, its N must follow; 2: digits.
  let phase = 0;
  for (let i = 0; i < field.length; i++) {
    let c = field.charCodeAt(i);
    if (c === 32 || c === 46 || (c >= 9 && c <= 13)) continue;
    if (c >= 0x80 || x) return undefined;
    if (c >= 97 && c <= 122) c -= 32;
    if (phase === 0) {
      phase = c === 67 ? 1 : 2;
      if (phase === 1) continue;
    } else if (phase === 1) {
      if (c !== 78) return undefined;
      phase = 2;
      continue;
    }
    if (c >= 48 && c <= 57) {
      if (++digits > 14) return undefined;
      value = value * 10 + (c - 48);
    } else if (c === 88 && digits > 0) x = 1;
    else return undefined;
  }
  if (digits === 0) return undefined;
  return (value * 2 + x) * 16 + digits;
}

/** A 32-bit hash of the key's two halves (MurmurHash3's finaliser, so every bit reaches the low ones). */
function slot(key: number): number {
  let h = ((key % 4294967296) ^ Math.imul(Math.floor(key / 4294967296), 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
