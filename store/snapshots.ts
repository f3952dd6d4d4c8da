import type { Queryable } from './db';

export type SnapshotKind = 'assembled' | 'indicators';

export interface Snapshot<R = Record<string, unknown>> {
  snapshot_hash: string;
  kind: SnapshotKind;
  built_from: unknown;
  rows: R[];
  report: Record<string, unknown>;
}

export async function getSnapshot<R>(db: Queryable, hash: string): Promise<Snapshot<R> | undefined> {
  const rows = await db.query<Snapshot<R>>(
    `SELECT snapshot_hash, kind, built_from, rows, report FROM panel_snapshots WHERE snapshot_hash = $1`,
    [hash],
  );
  return rows[0];
}

/** Content-addressed: saving a snapshot that exists is a no-op. */
export async function saveSnapshot(db: Queryable, snapshot: Snapshot<unknown>): Promise<void> {
  await db.query(
    `INSERT INTO panel_snapshots (snapshot_hash, kind, built_from, rows, report) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (snapshot_hash) DO NOTHING`,
    [
      snapshot.snapshot_hash,
      snapshot.kind,
      JSON.stringify(snapshot.built_from),
      JSON.stringify(snapshot.rows),
      JSON.stringify(snapshot.report),
    ],
  );
}

export async function linkRunSnapshot(db: Queryable, runId: string, kind: SnapshotKind, hash: string) {
  await db.query(
    `INSERT INTO run_snapshots (run_id, kind, snapshot_hash) VALUES ($1, $2, $3)
     ON CONFLICT (run_id, kind) DO UPDATE SET snapshot_hash = EXCLUDED.snapshot_hash`,
    [runId, kind, hash],
  );
}

export async function runSnapshotHash(db: Queryable, runId: string, kind: SnapshotKind) {
  const rows = await db.query<{ snapshot_hash: string }>(
    `SELECT snapshot_hash FROM run_snapshots WHERE run_id = $1 AND kind = $2`,
    [runId, kind],
  );
  return rows[0]?.snapshot_hash;
}
