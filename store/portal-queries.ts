/**
 * The store's copy of a portal input's checkpoint (migration 009): one row per completed query,
 * written as it completes, so a retried ingest resumes from the store even when the last heartbeat was
 * lost, and a person can see what was asked. `source_key` is the portal input's key for the run.
 */
import type { Checkpoint, QueryResult } from '../ingest/portal';
import type { Queryable } from './db';

export async function savePortalQuery(db: Queryable, sourceKey: string, result: QueryResult): Promise<void> {
  await db.query(
    `INSERT INTO portal_queries (source_key, query_id, count, pages, url, page_sha256)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (source_key, query_id) DO UPDATE
       SET count = EXCLUDED.count, pages = EXCLUDED.pages, url = EXCLUDED.url,
           page_sha256 = EXCLUDED.page_sha256, fetched_at = now()`,
    [sourceKey, result.id, result.count, result.pages.length, result.pages[0].url, result.pages[0].sha256],
  );
}

export async function loadPortalQueries(db: Queryable, sourceKey: string): Promise<Checkpoint> {
  const rows = await db.query<{ query_id: string; count: number; pages: number; page_sha256: string }>(
    `SELECT query_id, count, pages, page_sha256 FROM portal_queries WHERE source_key = $1`,
    [sourceKey],
  );
  return Object.fromEntries(
    rows.map((r) => [r.query_id, { count: r.count, pages: r.pages, sha256: r.page_sha256 }]),
  );
}
