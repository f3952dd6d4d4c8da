/**
 * A conflict as one line for a person at a terminal (printed at the end of `aicarbon run`):
 * `patents_ai BJ 2019: kept 1234 (synthetic/ai_patents_export.csv) over 99999 (portal.json): <why>`.
 */
import type { Conflict } from './panel';

const number = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(8).replace(/\.?0+$/, ''));

export function conflictText(c: Conflict): string {
  const over = c.discarded.map((d) => `${number(d.value)} (${d.at})`).join(', ');
  return (
    `${c.variable} ${c.province} ${c.year}: kept ${number(c.kept.value)} (${c.kept.at}) over ${over}` +
    (c.reason ? `: ${c.reason}` : '')
  );
}

/** At most this many conflicts travel in a refresh's result (the rest are in the store). */
export const CONFLICT_LINES_SHOWN = 100;
