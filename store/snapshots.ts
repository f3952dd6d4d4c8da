import type { Queryable } from './db';

export type SnapshotKind = 'assembled' | 'indicators';

export interface Snapshot<R = Record<string, unknown>> {
  snapshot_hash: string;
  kind: SnapshotKind;
  built_from: unknown;
  rows: R[];
  report: Record<string, unknown>;
}

/**
 * A forced rerun (`aicarbon run --force`) recomputes every step: it reuses only what was stored since
 * it started (by its own earlier attempts), so a stored result older than `storedSince` (the store's
 * clock, text as the store gives it) counts as absent, and saving replaces it.
 */
export interface Recompute {
  storedSince?: string;
}

export async function getSnapshot<R>(
  db: Queryable,
  hash: string,
  { storedSince }: Recompute = {},
): Promise<Snapshot<R> | undefined> {
  const rows = await db.query<Snapshot<R>>(
    `SELECT snapshot_hash, kind, built_from, rows, report FROM panel_snapshots
     WHERE snapshot_hash = $1 AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz)`,
    [hash, storedSince ?? null],
  );
  return rows[0];
}

/** A snapshot's report alone (what a step that links a stored panel needs), without its rows. */
export async function getSnapshotReport(
  db: Queryable,
  hash: string,
  { storedSince }: Recompute = {},
): Promise<Record<string, unknown> | undefined> {
  const rows = await db.query<{ report: Record<string, unknown> }>(
    `SELECT report FROM panel_snapshots
     WHERE snapshot_hash = $1 AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz)`,
    [hash, storedSince ?? null],
  );
  return rows[0]?.report;
}

/**
 * Content-addressed: saving a snapshot that exists is a no-op, unless the rerun is forced and it was
 * stored before the rerun started: then the recomputed one replaces it.
 */
export async function saveSnapshot(
  db: Queryable,
  snapshot: Snapshot<unknown>,
  { storedSince }: Recompute = {},
): Promise<void> {
  await db.query(
    `INSERT INTO panel_snapshots (snapshot_hash, kind, built_from, rows, report) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (snapshot_hash) DO UPDATE SET kind = EXCLUDED.kind, built_from = EXCLUDED.built_from,
       rows = EXCLUDED.rows, report = EXCLUDED.report, created_at = now()
     WHERE $6::timestamptz IS NOT NULL AND panel_snapshots.created_at < $6::timestamptz`,
    [
      snapshot.snapshot_hash,
      snapshot.kind,
      JSON.stringify(snapshot.built_from),
      JSON.stringify(snapshot.rows),
      JSON.stringify(snapshot.report),
      storedSince ?? null,
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
