/**
 * The conflicts of a run's assembled panel (assembly/index.ts): replaced whole each time the run's panel
 * is assembled or reused, so a retried or forced step leaves exactly its own set.
 */
import type { Conflict } from '../assembly/panel';
import type { Db, Queryable } from './db';

export async function saveConflicts(db: Db, runId: string, conflicts: Conflict[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM conflicts WHERE run_id = $1', [runId]);
    for (const c of conflicts)
      await tx.query(
        `INSERT INTO conflicts (run_id, variable, province, year, kept_value, kept_file, kept_at, discarded, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          runId,
          c.variable,
          c.province,
          c.year,
          c.kept.value,
          c.kept.file,
          c.kept.at,
          JSON.stringify(c.discarded),
          c.reason ?? '',
        ],
      );
  });
}

export async function loadConflicts(db: Queryable, runId: string): Promise<Conflict[]> {
  const rows = await db.query<{
    variable: string;
    province: string;
    year: number;
    kept_value: number;
    kept_file: string;
    kept_at: string;
    discarded: Conflict['discarded'];
    reason: string;
  }>(
    `SELECT variable, province, year, kept_value, kept_file, kept_at, discarded, reason FROM conflicts
     WHERE run_id = $1 ORDER BY variable, province, year`,
    [runId],
  );
  return rows.map((r) => ({
    variable: r.variable,
    province: r.province,
    year: r.year,
    kept: { value: r.kept_value, file: r.kept_file, at: r.kept_at },
    discarded: r.discarded,
    reason: r.reason,
  }));
}
