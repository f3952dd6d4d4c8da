/**
 * A content digest of every column of a panel's rows, as the store keeps them (JSON):
 *
 *   digest(c) = sha256( JSON [entity, time, value of c] of each row, in the rows' order )
 *
 * Each digest carries the rows' entities and times, so a row added, removed or moved changes every
 * column's digest, and two equal digests mean the same values on the same province-years. The indicator
 * step stores them with its panel; an estimation's key holds the digests of the columns it reads (the
 * early cut-off, freshness/step-keys.ts). JSON is the encoding because it is what the store holds and an
 * estimation reads back (NaN and undefined are null there, −0 is 0).
 */
import { createHash } from 'node:crypto';
import type { Cell } from './panel';

export type ColumnDigests = Record<string, string>;

export function columnDigests(
  rows: readonly Record<string, Cell>[],
  index: { entity: string; time: string },
): ColumnDigests {
  // The columns as JSON keeps them: a key whose value is undefined in every row is not one.
  const names = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => r[k] !== undefined)))].sort();
  const out: ColumnDigests = {};
  for (const name of names) {
    const hash = createHash('sha256');
    for (const r of rows) hash.update(`${JSON.stringify([r[index.entity], r[index.time], r[name]])}\n`);
    out[name] = hash.digest('hex');
  }
  return out;
}
