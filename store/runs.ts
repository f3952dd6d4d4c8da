import type { Db, Queryable } from './db';

export interface RunRecord {
  run_id: string;
  study_id: string;
  vintage: string;
  inputs_hash: string;
  /** Digest of the run's step code versions (null: recorded before content keys). */
  code_version: string | null;
  code_modules: Record<string, string> | null;
  status: 'running' | 'completed' | 'failed';
  stage: string;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
  summary: Record<string, unknown>;
}

/** Starting a run again (a retried activity, a forced rerun) resets it instead of adding a row. */
export async function startRun(
  db: Db,
  run: {
    runId: string;
    studyId: string;
    vintage: string;
    inputsHash: string;
    codeVersion?: string;
    codeModules?: Record<string, string>;
  },
): Promise<{ startedAt: string }> {
  return db.transaction(async (tx) => {
    await tx.query(`DELETE FROM rejected_files WHERE run_id = $1`, [run.runId]);
    const [row] = await tx.query<{ started_at: string }>(
      `INSERT INTO runs (run_id, study_id, vintage, inputs_hash, status, stage, code_version, code_modules)
     VALUES ($1, $2, $3, $4, 'running', 'ingest', $5, $6)
     ON CONFLICT (run_id) DO UPDATE SET study_id = EXCLUDED.study_id, vintage = EXCLUDED.vintage,
       inputs_hash = EXCLUDED.inputs_hash, status = 'running', stage = 'ingest', started_at = now(),
       finished_at = NULL, error = NULL, code_version = EXCLUDED.code_version,
       code_modules = EXCLUDED.code_modules
     RETURNING started_at::text`,
      [
        run.runId,
        run.studyId,
        run.vintage,
        run.inputsHash,
        run.codeVersion ?? null,
        run.codeModules ? JSON.stringify(run.codeModules) : null,
      ],
    );
    return { startedAt: row.started_at };
  });
}

/** The stage a run is in, as each stage's first activity starts (a no-op when it is already there). */
export async function setRunStage(db: Queryable, runId: string, stage: string): Promise<void> {
  await db.query(`UPDATE runs SET stage = $2 WHERE run_id = $1 AND stage IS DISTINCT FROM $2`, [
    runId,
    stage,
  ]);
}

export async function finishRun(
  db: Queryable,
  runId: string,
  outcome: { status: 'completed' | 'failed'; error?: string; summary?: Record<string, unknown> },
): Promise<void> {
  await db.query(
    `UPDATE runs SET status = $2, error = $3, summary = COALESCE($4::jsonb, summary), finished_at = now(),
       stage = CASE WHEN $2 = 'completed' THEN 'done' ELSE stage END
     WHERE run_id = $1`,
    [runId, outcome.status, outcome.error ?? null, outcome.summary ? JSON.stringify(outcome.summary) : null],
  );
}

export async function getRun(db: Queryable, runId: string): Promise<RunRecord | undefined> {
  const rows = await db.query<RunRecord>(`SELECT * FROM runs WHERE run_id = $1`, [runId]);
  return rows[0];
}

/**
 * The study's most recently finished completed run (what `outdated` compares a plan with); without a
 * study, the store's (what `explain` reads when no run is named).
 */
export async function latestCompletedRun(db: Queryable, studyId?: string): Promise<RunRecord | undefined> {
  const rows = await db.query<RunRecord>(
    `SELECT * FROM runs WHERE ($1::text IS NULL OR study_id = $1) AND status = 'completed'
     ORDER BY finished_at DESC NULLS LAST LIMIT 1`,
    [studyId ?? null],
  );
  return rows[0];
}
