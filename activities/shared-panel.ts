/**
 * A panel handed to the estimators' threads once, in shared memory: the main thread writes the indicator
 * panel's rows as JSON into a SharedArrayBuffer once per panel hash, and each step's task carries only
 * that buffer (shared, not copied, when posted to a thread) and the columns the step reads. A thread
 * parses the rows once per panel and takes each step's columns itself. Before, every task carried its
 * own copy of the rows it read, and the whole study beside them (now only the study's matrices and
 * years). Building and cloning the sample study's 52 tasks took 45–67 ms of the main thread's time,
 * and takes 1.2–3 ms now (5 rounds, the one write of the panel included). That is the thread where the
 * store writes go, and in the estimate stage its time is the critical path.
 *
 * The rows are those the store gave back (JSON already: activities/study-cache.ts), so writing them as
 * JSON and reading them back gives the same rows, and the estimates are the same to the bit
 * (tests/activities/estimator-pool.test.ts).
 */
import type { PanelRow } from '../panel';

export interface SharedPanel {
  /** The panel's content hash: a thread parses each panel once. */
  hash: string;
  /** The rows as UTF-8 JSON. */
  json: SharedArrayBuffer;
}

const parsed = new Map<string, PanelRow[]>();
/** Panels kept per thread: a refresh estimates on one. */
const KEPT = 4;

/**
 * The panel `hash` in shared memory (main thread; the caller keeps it with the panel it holds, so it is
 * written once per panel: activities/estimate.ts panelOf).
 */
export function sharePanel(hash: string, rows: readonly PanelRow[]): SharedPanel {
  const bytes = new TextEncoder().encode(JSON.stringify(rows));
  const json = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(json).set(bytes);
  return { hash, json };
}

/** The rows of a shared panel, parsed once per thread. */
export function sharedRows(panel: SharedPanel): PanelRow[] {
  const hit = parsed.get(panel.hash);
  if (hit) return hit;
  // TextDecoder does not read shared memory: a copy first (a few hundred kilobytes, once per panel).
  const text = new TextDecoder().decode(new Uint8Array(panel.json).slice());
  const rows = JSON.parse(text) as PanelRow[];
  parsed.set(panel.hash, rows);
  if (parsed.size > KEPT) parsed.delete(parsed.keys().next().value as string);
  return rows;
}
