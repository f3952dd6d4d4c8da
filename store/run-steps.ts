/**
 * The step records of a run (run_steps): every durable step with its content key, code version, the
 * key's ingredients and whether the run computed it or reused a result stored under the key.
 */
import type { StepKey } from '../freshness/keys';
import type { Queryable } from './db';

export interface RunStepRecord {
  runId: string;
  step: string;
  kind: StepKey['kind'];
  key: string;
  code: string;
  ingredients: Record<string, unknown>;
  reused: boolean;
}

/**
 * Links a step of a run to its key. Recording it again (a retried activity) keeps "computed" once the
 * run computed it; a different key replaces the link.
 */
export async function recordRunStep(db: Queryable, runId: string, step: StepKey, reused: boolean) {
  await db.query(
    `INSERT INTO run_steps (run_id, step, kind, step_key, code_version, ingredients, reused)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (run_id, step) DO UPDATE SET
       reused = CASE WHEN run_steps.step_key = EXCLUDED.step_key THEN run_steps.reused AND EXCLUDED.reused
                     ELSE EXCLUDED.reused END,
       step_key = EXCLUDED.step_key, kind = EXCLUDED.kind, code_version = EXCLUDED.code_version,
       ingredients = EXCLUDED.ingredients, recorded_at = now()`,
    [runId, step.step, step.kind, step.key, step.code, JSON.stringify(step.ingredients), reused],
  );
}

/** recordRunStep for several steps of a run in one statement (each step once). */
export async function recordRunSteps(
  db: Queryable,
  runId: string,
  steps: readonly { step: StepKey; reused: boolean }[],
) {
  if (!steps.length) return;
  await db.query(
    `INSERT INTO run_steps (run_id, step, kind, step_key, code_version, ingredients, reused)
     SELECT $1, x.step, x.kind, x.step_key, x.code_version, x.ingredients, x.reused
     FROM jsonb_to_recordset($2::jsonb)
       AS x(step text, kind text, step_key text, code_version text, ingredients jsonb, reused boolean)
     ON CONFLICT (run_id, step) DO UPDATE SET
       reused = CASE WHEN run_steps.step_key = EXCLUDED.step_key THEN run_steps.reused AND EXCLUDED.reused
                     ELSE EXCLUDED.reused END,
       step_key = EXCLUDED.step_key, kind = EXCLUDED.kind, code_version = EXCLUDED.code_version,
       ingredients = EXCLUDED.ingredients, recorded_at = now()`,
    [
      runId,
      JSON.stringify(
        steps.map(({ step, reused }) => ({
          step: step.step,
          kind: step.kind,
          step_key: step.key,
          code_version: step.code,
          ingredients: step.ingredients,
          reused,
        })),
      ),
    ],
  );
}

export async function loadRunSteps(db: Queryable, runId: string): Promise<RunStepRecord[]> {
  const rows = await db.query<{
    run_id: string;
    step: string;
    kind: StepKey['kind'];
    step_key: string;
    code_version: string;
    ingredients: Record<string, unknown>;
    reused: boolean;
  }>(
    `SELECT run_id, step, kind, step_key, code_version, ingredients, reused FROM run_steps WHERE run_id = $1
     ORDER BY CASE kind WHEN 'ingest' THEN 0 WHEN 'assemble' THEN 1 WHEN 'indicators' THEN 2
                        WHEN 'estimate' THEN 3 ELSE 4 END, step`,
    [runId],
  );
  return rows.map((r) => ({
    runId: r.run_id,
    step: r.step,
    kind: r.kind,
    key: r.step_key,
    code: r.code_version,
    ingredients: r.ingredients,
    reused: r.reused,
  }));
}

/**
 * Which of these keys hold a result a refresh would reuse (stored by any run): snapshots, files,
 * estimations — with their sample: one stored without it (before migration 014) is computed again by
 * the estimation step (store/estimations.ts linkStoredEstimation, `withSample`), so it does not count —
 * and failures, unless such an estimation shares their key (the step then computes it too).
 */
export async function storedKeys(db: Queryable, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await db.query<{ k: string }>(
    `SELECT e.step_key AS k FROM estimations e WHERE e.step_key = ANY($1::text[])
       AND EXISTS (SELECT 1 FROM estimation_samples s WHERE s.step_key = e.step_key)
     UNION SELECT f.step_key FROM estimation_failures f WHERE f.step_key = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM estimations e WHERE e.step_key = f.step_key)
     UNION SELECT snapshot_hash FROM panel_snapshots WHERE snapshot_hash = ANY($1::text[])
     UNION SELECT sha256 FROM source_files WHERE sha256 = ANY($1::text[])`,
    [keys],
  );
  return new Set(rows.map((r) => r.k));
}
