/**
 * Per-process caches for what every estimation step re-reads: the study definition (by path and
 * modification time) and the panel snapshots (by content hash, so they can never be stale), including
 * a panel this process has just stored, which the next step reads from memory instead of from the store.
 */
import { statSync } from 'node:fs';
import { asJson } from '../common/json-value';
import { listEstimations, loadStudy, type EstimationStep, type Study } from '../study';
import type { Db, Queryable } from '../store/db';
import { getSnapshot } from '../store/snapshots';
import type { PanelRow } from '../panel';

const studies = new Map<string, { mtimeMs: number; study: Study; steps: Map<string, EstimationStep> }>();

export function cachedStudy(path: string) {
  const { mtimeMs } = statSync(path);
  const hit = studies.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit;
  const study = loadStudy(path);
  const entry = { mtimeMs, study, steps: new Map(listEstimations(study).map((s) => [s.stepId, s])) };
  studies.set(path, entry);
  return entry;
}

const tables = new Map<string, Promise<{ rows: PanelRow[]; report: Record<string, unknown> }>>();
const MAX_TABLES = 8;

/** A panel snapshot's rows and report, by content hash (so a cached one can never be stale). */
export function cachedSnapshot(db: Db, hash: string) {
  let hit = tables.get(hash);
  if (!hit) {
    hit = getSnapshot<PanelRow>(db, hash).then((s) => {
      if (!s) throw new Error(`Panel snapshot ${hash} is not in the store ${db.describe}`);
      return { rows: s.rows, report: s.report ?? {} };
    });
    hit.catch(() => tables.delete(hash));
    tables.set(hash, hit);
    if (tables.size > MAX_TABLES) tables.delete(tables.keys().next().value as string);
  }
  return hit;
}

/**
 * A panel this process has just stored under `hash`: the step that reads it next in this process
 * (indicators after assembly, the estimations after the indicators) takes it from here instead of
 * reading it back from the store. It is kept as the store gives it back, so a reader cannot tell: the
 * rows as JSON keeps them (a key whose value is undefined is absent, −0 is 0; their nested values are
 * plain strings and finite numbers already), the report as JSON gives it back (`asJson`, without the
 * text in between); the store keeps the JSON text as written (migration 015), so even the keys' order
 * is the same.
 */
export function rememberSnapshot(
  hash: string,
  snapshot: { rows: readonly object[]; report: Record<string, unknown> },
): void {
  const rows = snapshot.rows.map((r) => asStoredRow(r as Record<string, unknown>)) as PanelRow[];
  const report = asJson(snapshot.report) as Record<string, unknown>;
  tables.set(hash, Promise.resolve({ rows, report }));
  if (tables.size > MAX_TABLES) tables.delete(tables.keys().next().value as string);
}

/**
 * A panel snapshot's rows and report by content hash: the one this process remembered (or read) when it
 * holds it, else the store's, which is not kept (unlike cachedSnapshot: a panel read once, for
 * publishing or the indicators, is not held in memory for later).
 */
export async function heldOrStoredSnapshot(
  db: Queryable,
  hash: string,
): Promise<{ rows: PanelRow[]; report: unknown } | undefined> {
  // A failed hold counts as absent: the store is read instead.
  return (await tables.get(hash)?.catch(() => undefined)) ?? (await getSnapshot<PanelRow>(db, hash));
}

/** A row as JSON gives it back at its top level; the row itself when nothing differs. */
function asStoredRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const k in row) {
    const v = row[k];
    if (v === undefined || Object.is(v, -0) || (typeof v === 'number' && !Number.isFinite(v))) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) {
        if (value === undefined) continue;
        out[key] = typeof value === 'number' && !Number.isFinite(value) ? null : value === 0 ? 0 : value;
      }
      return out;
    }
  }
  return row;
}
