/**
 * The conflicts of a run's assembled panel (assembly/index.ts): replaced whole each time the run's panel
 * is assembled or reused, so a retried or forced step leaves exactly its own set.
 */
import type { Conflict } from '../assembly/panel';
import type { Db, Queryable } from './db';

/**
 * The run's conflicts in one statement, their rows as one JSON array (json_to_recordset with the
 * columns' types: a number goes through JSON's shortest round-trip text, as a bound parameter does, so
 * the stored double is the same; a non-finite one, which JSON has no number for, as the text float8
 * reads it). A statement per conflict cost a round trip into the store each.
 */
export async function saveConflicts(db: Db, runId: string, conflicts: Conflict[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM conflicts WHERE run_id = $1', [runId]);
    if (!conflicts.length) return;
    const rows = conflicts.map((c) => ({
      variable: c.variable,
      province: c.province,
      year: c.year,
      kept_value: Number.isFinite(c.kept.value) ? c.kept.value : String(c.kept.value),
      kept_file: c.kept.file,
      kept_at: c.kept.at,
      discarded: c.discarded,
      reason: c.reason ?? '',
    }));
    await tx.query(
      `INSERT INTO conflicts (run_id, variable, province, year, kept_value, kept_file, kept_at, discarded, reason)
       SELECT $1, x.* FROM json_to_recordset($2::json) AS x(variable text, province text, year integer,
         kept_value float8, kept_file text, kept_at text, discarded jsonb, reason text)`,
      [runId, JSON.stringify(rows)],
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
