/** The files a run published, with their content hashes; replaced whole by each publish. */
import type { Db, Queryable } from './db';

export interface PublishedFile {
  path: string;
  kind: string;
  sha256: string;
}

export async function recordPublishedFiles(db: Db, runId: string, files: PublishedFile[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM published_files WHERE run_id = $1', [runId]);
    await tx.query(
      `INSERT INTO published_files (run_id, path, kind, sha256)
       SELECT $1, x.* FROM jsonb_to_recordset($2::jsonb) AS x(path text, kind text, sha256 text)`,
      [runId, JSON.stringify(files)],
    );
  });
}

export async function loadPublishedFiles(db: Queryable, runId: string): Promise<PublishedFile[]> {
  return db.query(`SELECT path, kind, sha256 FROM published_files WHERE run_id = $1 ORDER BY path`, [runId]);
}
