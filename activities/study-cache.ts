/**
 * Per-process caches for what every estimation step re-reads: the study definition (by path and
 * modification time) and the panel snapshots (by content hash, so they can never be stale).
 */
import { statSync } from 'node:fs';
import { listEstimations, loadStudy, type EstimationStep, type Study } from '../study';
import type { Db } from '../store/db';
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
