/**
 * Per-process caches for what every estimation step re-reads: the study definition (by path and
 * modification time) and the indicator table (by content hash, so it can never be stale).
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

const tables = new Map<string, Promise<PanelRow[]>>();
const MAX_TABLES = 8;

export function cachedRows(db: Db, hash: string): Promise<PanelRow[]> {
  let hit = tables.get(hash);
  if (!hit) {
    hit = getSnapshot<PanelRow>(db, hash).then((s) => {
      if (!s) throw new Error(`Panel snapshot ${hash} is not in the store ${db.describe}`);
      return s.rows;
    });
    hit.catch(() => tables.delete(hash));
    tables.set(hash, hit);
    if (tables.size > MAX_TABLES) tables.delete(tables.keys().next().value as string);
  }
  return hit;
}
