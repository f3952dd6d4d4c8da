import type { EstimationResult, LocalMoranRow, SampleRow } from '../econometrics/result';
import type { StepKey } from '../freshness/keys';
import type { Db, Queryable } from './db';
import { recordRunStep, recordRunSteps } from './run-steps';
import type { Recompute } from './snapshots';

export interface EstimationKey {
  runId: string;
  stepId: string;
  tableId: string;
  columnId: string;
  sample: string;
  spec: unknown;
  /** The table's `stars` choice (`wild` or a vce); absent: the column's own vce. */
  starsFrom?: string;
  /**
   * The step's content key (freshness/keys.ts): the result is stored once per key. Without one (a result
   * stored by hand, a test) the key is the run's own (`run:<run>|<step>`): never shared with another run.
   */
  content?: StepKey;
}

const contentOf = (key: Pick<EstimationKey, 'runId' | 'stepId' | 'content'>): StepKey =>
  key.content ?? {
    step: key.stepId,
    kind: 'estimate',
    key: `run:${key.runId}|${key.stepId}`,
    code: 'none',
    ingredients: {},
  };

/** The five tidy columns of a coefficient row; every other number of the row is inference detail. */
const TIDY = new Set(['term', 'estimate', 'std_error', 'statistic', 'p_value']);

/** JSON has no NaN or Infinity; the store keeps them as NULL. */
const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

/**
 * Before a result of this run's step is stored, in one statement: an earlier result of the step under
 * another key (a refresh started before content keys, or retried after its inputs changed) gives way
 * unless another run links to it; and a forced rerun's recomputed result replaces the one stored under
 * its key before the rerun started (its rows and sample go with it; every run linked to the key then
 * reads the new copy, equal to the old one as the computation is deterministic).
 */
async function clearEarlier(tx: Queryable, key: EstimationKey, { storedSince }: Recompute, known: Known) {
  // Nothing to clear: the run owned no row of the step when it was looked up (ownedSteps), and no
  // forced rerun replaces an older copy.
  if (known.ownsNothing && !storedSince) return;
  await tx.query(
    `WITH e AS (
       DELETE FROM estimations x WHERE x.run_id = $1 AND x.step_id = $2 AND x.step_key <> $3
         AND NOT EXISTS (SELECT 1 FROM run_steps s WHERE s.step_key = x.step_key AND s.run_id <> $1)),
     f AS (
       DELETE FROM estimation_failures x WHERE x.run_id = $1 AND x.step_id = $2 AND x.step_key <> $3
         AND NOT EXISTS (SELECT 1 FROM run_steps s WHERE s.step_key = x.step_key AND s.run_id <> $1)),
     older AS (
       DELETE FROM estimations WHERE $4::timestamptz IS NOT NULL AND step_key = $3
         AND finished_at < $4::timestamptz),
     older_failure AS (
       DELETE FROM estimation_failures WHERE $4::timestamptz IS NOT NULL AND step_key = $3
         AND failed_at < $4::timestamptz)
     SELECT 1`,
    [key.runId, key.stepId, contentOf(key).key, storedSince ?? null],
  );
}

/**
 * What the caller knows of the store. `ownsNothing`: the run had no row of this step, under any key,
 * when its steps were looked up (ownedSteps, just before the stage's batches), so there is no earlier
 * result of the run's to clear; without it, clearEarlier looks.
 */
export interface Known {
  ownsNothing?: boolean;
}

/**
 * The steps of a run that have a result or a failure stored by the run itself (under any key): the
 * only ones clearEarlier can find anything to delete for.
 */
export async function ownedSteps(db: Queryable, runId: string): Promise<Set<string>> {
  const rows = await db.query<{ step_id: string }>(
    `SELECT step_id FROM estimations WHERE run_id = $1
     UNION SELECT step_id FROM estimation_failures WHERE run_id = $1`,
    [runId],
  );
  return new Set(rows.map((r) => r.step_id));
}

/**
 * The tables of a stored result's rows beside its estimations row: each filled from one JSON array
 * (json_to_recordset with the columns' types: a number goes through JSON's shortest round-trip text, as a
 * bound parameter does, so the stored double is the same), and only when the result's row was inserted.
 */
const RESULT_ROWS = [
  [
    'coefficients',
    'position integer, term text, estimate float8, std_error float8, statistic float8, p_value float8',
  ],
  ['coefficient_inference', 'term text, name text, value float8'],
  [
    'cluster_diagnostics',
    'position integer, cluster text, nobs integer, leverage float8, partial_leverage float8, beta_jackknife float8',
  ],
  ['model_statistics', 'name text, value float8'],
  [
    'spatial_effects',
    'term text, horizon text, direct float8, direct_se float8, indirect float8, indirect_se float8, total float8, total_se float8',
  ],
  [
    'local_moran',
    'time integer, entity text, z float8, lag float8, ii float8, expected float8, variance float8, z_score float8, p_value float8, cluster text, p_permutation float8, p_bh float8',
  ],
  ['entity_effects', 'term text, entity text, direct float8, received float8, emitted float8'],
  [
    'moran',
    'time text, i float8, expected float8, variance float8, z float8, p_value float8, p_permutation float8',
  ],
] as const;

/** A result's rows for RESULT_ROWS, table by table, as objects named like the columns. */
function resultRows(result: EstimationResult): Record<(typeof RESULT_ROWS)[number][0], object[]> {
  return {
    coefficients: result.coefficients.map((c, i) => ({
      position: i,
      term: c.term,
      estimate: num(c.estimate),
      std_error: num(c.std_error),
      statistic: num(c.statistic),
      p_value: num(c.p_value),
    })),
    coefficient_inference: result.coefficients.flatMap((c) =>
      Object.entries(c)
        .filter(([name, value]) => !TIDY.has(name) && typeof value === 'number')
        .map(([name, value]) => ({ term: c.term, name, value: num(value as number) })),
    ),
    cluster_diagnostics: (result.clusters ?? []).map((d, i) => ({
      position: i,
      cluster: d.cluster,
      nobs: d.nobs,
      leverage: num(d.leverage),
      partial_leverage: num(d.partial_leverage),
      beta_jackknife: num(d.beta_jackknife),
    })),
    model_statistics: Object.entries(result.statistics).map(([name, value]) => ({ name, value: num(value) })),
    spatial_effects: (result.effects ?? []).map((x) => ({
      term: x.term,
      horizon: x.horizon ?? 'static',
      direct: num(x.direct),
      direct_se: num(x.direct_se),
      indirect: num(x.indirect),
      indirect_se: num(x.indirect_se),
      total: num(x.total),
      total_se: num(x.total_se),
    })),
    local_moran: (result.lisa ?? []).map((l) => ({
      time: l.time,
      entity: l.id,
      z: num(l.z),
      lag: num(l.lag),
      ii: num(l.Ii),
      expected: num(l.expected),
      variance: num(l.variance),
      z_score: num(l.zScore),
      p_value: num(l.p_value),
      cluster: l.cluster,
      p_permutation: num(l.p_permutation),
      p_bh: num(l.p_bh),
    })),
    entity_effects: (result.entityEffects ?? []).map((x) => ({
      term: x.term,
      entity: x.id,
      direct: num(x.direct),
      received: num(x.received),
      emitted: num(x.emitted),
    })),
    moran: (result.moran ?? []).map((m) => ({
      time: String(m.time),
      i: num(m.I),
      expected: num(m.expected),
      variance: num(m.variance),
      z: num(m.z),
      p_value: num(m.p_value),
      p_permutation: num(m.p_permutation),
    })),
  };
}

// $1 run, $2 step, $3 table, $4 column, $5 estimator, $6 sample, $7 spec, $8 nobs, $9 ngroups,
// $10 warnings, $11 duration, $12 stars_from, $13 step key, $14–$17 the sample's arrays, $18 since,
// $19–$21 the run step (kind, code version, ingredients), then one JSON array per RESULT_ROWS table.
const SAVE_RESULT = `WITH ins AS (
   INSERT INTO estimations (run_id, step_id, table_id, column_id, estimator, sample, spec, nobs, ngroups,
     warnings, duration_ms, stars_from, step_key)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
   ON CONFLICT (step_key) DO NOTHING RETURNING run_id),
 sampled AS (
   INSERT INTO estimation_samples (step_key, provinces, years, used, reasons)
   SELECT $13::text, array_agg(p ORDER BY p, y), array_agg(y ORDER BY p, y), array_agg(u ORDER BY p, y),
          array_agg(r ORDER BY p, y)
   FROM unnest($14::text[], $15::int[], $16::boolean[], $17::text[]) AS s(p, y, u, r)
   HAVING count(*) > 0
   ON CONFLICT (step_key) DO NOTHING),
 origin AS (
   SELECT run_id FROM ins
   UNION ALL
   SELECT run_id FROM estimations WHERE step_key = $13 AND ($18::timestamptz IS NULL OR finished_at >= $18::timestamptz)
   LIMIT 1),
 linked AS (
   INSERT INTO run_steps (run_id, step, kind, step_key, code_version, ingredients, reused)
   SELECT $1::text, $2::text, $19::text, $13::text, $20::text, $21::jsonb, origin.run_id <> $1 FROM origin
   ON CONFLICT (run_id, step) DO UPDATE SET
     reused = CASE WHEN run_steps.step_key = EXCLUDED.step_key THEN run_steps.reused AND EXCLUDED.reused
                   ELSE EXCLUDED.reused END,
     step_key = EXCLUDED.step_key, kind = EXCLUDED.kind, code_version = EXCLUDED.code_version,
     ingredients = EXCLUDED.ingredients, recorded_at = now()
   RETURNING 1)${RESULT_ROWS.map(
     ([table, columns], i) => `,
 rows_${table} AS (
   INSERT INTO ${table} (run_id, step_id, ${columns.replace(/ [a-z0-9]+(,|$)/g, '$1')})
   SELECT $1::text, $2::text, x.* FROM json_to_recordset($${22 + i}::json) AS x(${columns})
   WHERE EXISTS (SELECT 1 FROM ins))`,
   ).join('')}
 SELECT EXISTS (SELECT 1 FROM ins) AS inserted, EXISTS (SELECT 1 FROM linked) AS linked`;

/**
 * Stores the step's result once per content key and links the run to it, in one transaction: a retried,
 * rerun or concurrent step (another refresh computing the same key) leaves exactly one copy of the
 * result and one link per run, never a mix of two attempts or a link without its result. Returns
 * whether the result was already stored (by another attempt or run). Two statements (clearEarlier, then
 * SAVE_RESULT: the result, its sample, its rows and the run's link), not one per table: on the
 * embedded store each statement costs about a millisecond whatever it holds; one when `known` says there
 * is nothing to clear.
 */
export async function saveEstimation(
  db: Db,
  key: EstimationKey,
  result: EstimationResult,
  durationMs: number,
  recompute: Recompute = {},
  known: Known = {},
): Promise<{ stored: boolean }> {
  const content = contentOf(key);
  const sample = result.sample ?? [];
  const rows = resultRows(result);
  return db.transaction(async (tx) => {
    await clearEarlier(tx, key, recompute, known);
    const [saved] = await tx.query<{ inserted: boolean; linked: boolean }>(SAVE_RESULT, [
      key.runId,
      key.stepId,
      key.tableId,
      key.columnId,
      result.estimator,
      key.sample,
      JSON.stringify(key.spec),
      result.nobs,
      result.ngroups ?? null,
      JSON.stringify(result.warnings ?? []),
      durationMs,
      key.starsFrom ?? null,
      content.key,
      // The sample is keyed like the result, not by run: one stored under the key stays (a rerun or a
      // concurrent writer adds none), and a result stored before samples were gets its sample here. One
      // row of arrays, put in (province, year) order by the store itself, as the view lists them.
      sample.map((r) => r.entity),
      sample.map((r) => r.time),
      sample.map((r) => r.used),
      sample.map((r) => r.reason ?? null),
      recompute.storedSince ?? null,
      content.kind,
      content.code,
      JSON.stringify(content.ingredients),
      ...RESULT_ROWS.map(([table]) => JSON.stringify(rows[table])),
    ]);
    // A concurrent writer's copy, committed after this statement's snapshot was taken, is seen by a
    // statement of its own (then nothing of this attempt was inserted).
    if (!saved.linked) await linkStoredEstimation(tx, key, recompute);
    return { stored: saved.inserted };
  });
}

/**
 * Links the run's step to the result stored under its key; reused when another run computed it.
 * Returns the stored outcome, or undefined when nothing is stored under the key (then nothing is linked).
 * `withSample`: a result stored without its sample (before migration 014) counts as not stored, so the
 * step computes it again and saveEstimation adds the sample to the stored result.
 */
export async function linkStoredEstimation(
  db: Queryable,
  key: Pick<EstimationKey, 'runId' | 'stepId' | 'content'>,
  options: { withSample?: boolean } & Recompute = {},
): Promise<{ nobs: number; reused: boolean } | { failed: string; reused: boolean } | undefined> {
  const content = contentOf(key);
  const since = options.storedSince ?? null;
  const done = await db.query<{ run_id: string; nobs: number; sampled: boolean }>(
    `SELECT run_id, nobs, EXISTS (SELECT 1 FROM estimation_samples s WHERE s.step_key = e.step_key) AS sampled
     FROM estimations e
     WHERE step_key = $1 AND ($2::timestamptz IS NULL OR finished_at >= $2::timestamptz)`,
    [content.key, since],
  );
  if (options.withSample && done.length && !done[0].sampled) return undefined;
  const failed = done.length
    ? []
    : await db.query<{ run_id: string; error: string }>(
        `SELECT run_id, error FROM estimation_failures
         WHERE step_key = $1 AND ($2::timestamptz IS NULL OR failed_at >= $2::timestamptz)`,
        [content.key, since],
      );
  const origin = done[0] ?? failed[0];
  if (!origin) return undefined;
  const reused = origin.run_id !== key.runId;
  await recordRunStep(db, key.runId, content, reused);
  return done[0] ? { nobs: done[0].nobs, reused } : { failed: failed[0].error, reused };
}

export type StoredOutcome = { nobs: number; reused: boolean } | { failed: string; reused: boolean };

/**
 * linkStoredEstimation for several steps of a run at once: one statement looks every key up, one links
 * the run to those found (a refresh's lookup before its batches, instead of two or three statements per
 * step). Same rules, step by step: a result (with its sample, when `withSample`) or else a failure
 * stored under the key, not before `storedSince`. Returns the outcomes of the steps found, by step id.
 */
export async function linkStoredEstimations(
  db: Queryable,
  runId: string,
  steps: readonly Pick<EstimationKey, 'stepId' | 'content'>[],
  options: { withSample?: boolean } & Recompute = {},
): Promise<Map<string, StoredOutcome>> {
  const contents = steps.map((s) => contentOf({ ...s, runId }));
  const found = await db.query<{
    step_key: string;
    result_run: string | null;
    nobs: number | null;
    sampled: boolean;
    failure_run: string | null;
    error: string | null;
  }>(
    `SELECT k.step_key, e.run_id AS result_run, e.nobs,
            EXISTS (SELECT 1 FROM estimation_samples s WHERE s.step_key = k.step_key) AS sampled,
            f.run_id AS failure_run, f.error
     FROM unnest($1::text[]) AS k(step_key)
     LEFT JOIN estimations e ON e.step_key = k.step_key
       AND ($2::timestamptz IS NULL OR e.finished_at >= $2::timestamptz)
     LEFT JOIN estimation_failures f ON f.step_key = k.step_key
       AND ($2::timestamptz IS NULL OR f.failed_at >= $2::timestamptz)
     WHERE e.step_key IS NOT NULL OR f.step_key IS NOT NULL`,
    [contents.map((c) => c.key), options.storedSince ?? null],
  );
  const byKey = new Map(found.map((r) => [r.step_key, r]));
  const outcomes = new Map<string, StoredOutcome>();
  const links: { step: StepKey; reused: boolean }[] = [];
  steps.forEach((s, i) => {
    const row = byKey.get(contents[i].key);
    if (!row) return;
    // A result stored without its sample counts as not stored (its failure is not looked at either).
    if (row.result_run !== null && options.withSample && !row.sampled) return;
    const origin = row.result_run ?? row.failure_run!;
    const reused = origin !== runId;
    outcomes.set(
      s.stepId,
      row.result_run !== null ? { nobs: row.nobs!, reused } : { failed: row.error!, reused },
    );
    links.push({ step: contents[i], reused });
  });
  await recordRunSteps(db, runId, links);
  return outcomes;
}

/**
 * The samples of a run's estimations (e(sample)), by step id, each by province, then year (the order the
 * store keeps them in); a step without one (stored before migration 014) is absent. `stepId` reads one
 * step only.
 */
export async function loadSamples(
  db: Queryable,
  runId: string,
  stepId?: string,
): Promise<Map<string, SampleRow[]>> {
  const rows = await db.query<{
    step_id: string;
    provinces: string[];
    years: number[];
    used: boolean[];
    reasons: (string | null)[];
  }>(
    `SELECT e.step_id, s.provinces, s.years, s.used, s.reasons
     FROM run_estimations e JOIN estimation_samples s ON s.step_key = e.step_key
     WHERE e.run_id = $1 AND ($2::text IS NULL OR e.step_id = $2)
     ORDER BY e.step_id`,
    [runId, stepId ?? null],
  );
  const out = new Map<string, SampleRow[]>();
  for (const r of rows)
    out.set(
      r.step_id,
      r.provinces.map((entity, i) => {
        const row: SampleRow = { entity, time: r.years[i], used: r.used[i] };
        if (r.reasons[i] !== null) row.reason = r.reasons[i]!;
        return row;
      }),
    );
  return out;
}

export interface StoredEstimation {
  stepId: string;
  tableId: string;
  columnId: string;
  sample: string;
  spec: unknown;
  durationMs: number;
  result: EstimationResult;
}

const orNaN = (x: number | null) => (x === null ? NaN : x);

/** Rows by their step, each step's in the order given. */
function byStep<T extends { step_id: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.step_id);
    if (list) list.push(r);
    else out.set(r.step_id, [r]);
  }
  return out;
}

/**
 * Reads a run's results back into the tidy shape, in step order; with `stepIds`, only those steps
 * (publishing loads the results it has no rendering of).
 */
export async function loadEstimations(
  db: Queryable,
  runId: string,
  stepIds?: readonly string[],
): Promise<StoredEstimation[]> {
  const only = stepIds ? [...stepIds] : null;
  const steps = await db.query<{
    step_id: string;
    table_id: string;
    column_id: string;
    estimator: string;
    sample: string;
    spec: unknown;
    nobs: number;
    ngroups: number | null;
    warnings: string[];
    duration_ms: number;
  }>(
    `SELECT * FROM run_estimations WHERE run_id = $1 AND ($2::text[] IS NULL OR step_id = ANY($2::text[]))
     ORDER BY step_id`,
    [runId, only],
  );
  const coefs = await db.query<{
    step_id: string;
    term: string;
    estimate: number | null;
    std_error: number | null;
    statistic: number | null;
    p_value: number | null;
  }>(
    `SELECT x.* FROM run_estimations e JOIN coefficients x ON x.run_id = e.computed_by AND x.step_id = e.step_id
     WHERE e.run_id = $1 AND ($2::text[] IS NULL OR e.step_id = ANY($2::text[])) ORDER BY step_id, position`,
    [runId, only],
  );
  const stats = await db.query<{ step_id: string; name: string; value: number | null }>(
    `SELECT x.* FROM run_estimations e JOIN model_statistics x ON x.run_id = e.computed_by AND x.step_id = e.step_id
     WHERE e.run_id = $1 AND ($2::text[] IS NULL OR e.step_id = ANY($2::text[])) ORDER BY step_id, name`,
    [runId, only],
  );
  const effects = await db.query<
    Record<string, number | null> & { step_id: string; term: string; horizon: string }
  >(
    // Rows come back short (or static) before long, then by term.
    `SELECT x.* FROM run_estimations e JOIN spatial_effects x ON x.run_id = e.computed_by AND x.step_id = e.step_id
     WHERE e.run_id = $1 AND ($2::text[] IS NULL OR e.step_id = ANY($2::text[])) ORDER BY step_id, CASE horizon WHEN 'long' THEN 1 ELSE 0 END, term`,
    [runId, only],
  );
  const morans = await db.query<Record<string, number | null> & { step_id: string; time: string }>(
    `SELECT x.* FROM run_estimations e JOIN moran x ON x.run_id = e.computed_by AND x.step_id = e.step_id
     WHERE e.run_id = $1 AND ($2::text[] IS NULL OR e.step_id = ANY($2::text[])) ORDER BY step_id, time`,
    [runId, only],
  );
  const lisas = await db.query<
    Record<string, number | null> & { step_id: string; time: number; entity: string; cluster: string }
  >(
    `SELECT x.* FROM run_estimations e JOIN local_moran x ON x.run_id = e.computed_by AND x.step_id = e.step_id
     WHERE e.run_id = $1 AND ($2::text[] IS NULL OR e.step_id = ANY($2::text[])) ORDER BY step_id, time, entity`,
    [runId, only],
  );
  const entityEffects = await db.query<
    Record<string, number | null> & { step_id: string; term: string; entity: string }
  >(
    `SELECT x.* FROM run_estimations e JOIN entity_effects x ON x.run_id = e.computed_by AND x.step_id = e.step_id
     WHERE e.run_id = $1 AND ($2::text[] IS NULL OR e.step_id = ANY($2::text[])) ORDER BY step_id, term, entity`,
    [runId, only],
  );
  const inference = await db.query<{ step_id: string; term: string; name: string; value: number | null }>(
    `SELECT x.* FROM run_estimations e JOIN coefficient_inference x ON x.run_id = e.computed_by AND x.step_id = e.step_id
     WHERE e.run_id = $1 AND ($2::text[] IS NULL OR e.step_id = ANY($2::text[])) ORDER BY step_id, term, name`,
    [runId, only],
  );
  const detail = new Map<string, Record<string, number>>();
  for (const i of inference) {
    const k = `${i.step_id}\u0000${i.term}`;
    let names = detail.get(k);
    if (!names) detail.set(k, (names = {}));
    names[i.name] = orNaN(i.value);
  }
  const diagnostics = await db.query<{
    step_id: string;
    cluster: string;
    nobs: number;
    leverage: number | null;
    partial_leverage: number | null;
    beta_jackknife: number | null;
  }>(
    `SELECT x.* FROM run_estimations e JOIN cluster_diagnostics x ON x.run_id = e.computed_by AND x.step_id = e.step_id
     WHERE e.run_id = $1 AND ($2::text[] IS NULL OR e.step_id = ANY($2::text[])) ORDER BY step_id, position`,
    [runId, only],
  );
  // Each table's rows grouped by step once (in their order), not filtered again for every step.
  const coefsBy = byStep(coefs);
  const statsBy = byStep(stats);
  const effectsBy = byStep(effects);
  const moransBy = byStep(morans);
  const lisasBy = byStep(lisas);
  const entityBy = byStep(entityEffects);
  const diagnosticsBy = byStep(diagnostics);
  const none: never[] = [];
  return steps.map((s) => {
    const effectRows = effectsBy.get(s.step_id) ?? none;
    const moranRows = moransBy.get(s.step_id) ?? none;
    const clusterRows = diagnosticsBy.get(s.step_id) ?? none;
    const lisaRows = lisasBy.get(s.step_id) ?? none;
    const entityRows = entityBy.get(s.step_id) ?? none;
    const result: EstimationResult = {
      estimator: s.estimator,
      nobs: s.nobs,
      ...(s.ngroups !== null ? { ngroups: s.ngroups } : {}),
      coefficients: (coefsBy.get(s.step_id) ?? none).map((c) => ({
        term: c.term,
        estimate: orNaN(c.estimate),
        std_error: orNaN(c.std_error),
        statistic: orNaN(c.statistic),
        p_value: orNaN(c.p_value),
        ...detail.get(`${s.step_id}\u0000${c.term}`),
      })),
      statistics: Object.fromEntries((statsBy.get(s.step_id) ?? none).map((x) => [x.name, orNaN(x.value)])),
      ...(effectRows.length
        ? {
            effects: effectRows.map((e) => ({
              term: e.term,
              ...(e.horizon === 'short' || e.horizon === 'long' ? { horizon: e.horizon } : {}),
              direct: orNaN(e.direct),
              direct_se: orNaN(e.direct_se),
              indirect: orNaN(e.indirect),
              indirect_se: orNaN(e.indirect_se),
              total: orNaN(e.total),
              total_se: orNaN(e.total_se),
            })),
          }
        : {}),
      ...(moranRows.length
        ? {
            moran: moranRows.map((m) => ({
              time: m.time === 'pooled' ? ('pooled' as const) : Number(m.time),
              I: orNaN(m.i),
              expected: orNaN(m.expected),
              variance: orNaN(m.variance),
              z: orNaN(m.z),
              p_value: orNaN(m.p_value),
              ...(m.p_permutation !== null ? { p_permutation: m.p_permutation } : {}),
            })),
          }
        : {}),
      ...(lisaRows.length
        ? {
            lisa: lisaRows.map((l) => ({
              time: Number(l.time),
              id: l.entity,
              z: orNaN(l.z),
              lag: orNaN(l.lag),
              Ii: orNaN(l.ii),
              expected: orNaN(l.expected),
              variance: orNaN(l.variance),
              zScore: orNaN(l.z_score),
              p_value: orNaN(l.p_value),
              ...(l.p_permutation !== null ? { p_permutation: l.p_permutation } : {}),
              p_bh: orNaN(l.p_bh),
              cluster: l.cluster as LocalMoranRow['cluster'],
            })),
          }
        : {}),
      ...(entityRows.length
        ? {
            entityEffects: entityRows.map((x) => ({
              term: x.term,
              id: x.entity,
              direct: orNaN(x.direct),
              received: orNaN(x.received),
              emitted: orNaN(x.emitted),
            })),
          }
        : {}),
      ...(clusterRows.length
        ? {
            clusters: clusterRows.map((d) => ({
              cluster: d.cluster,
              nobs: d.nobs,
              leverage: orNaN(d.leverage),
              partial_leverage: orNaN(d.partial_leverage),
              beta_jackknife: orNaN(d.beta_jackknife),
            })),
          }
        : {}),
      ...(s.warnings.length ? { warnings: s.warnings } : {}),
    };
    return {
      stepId: s.step_id,
      tableId: s.table_id,
      columnId: s.column_id,
      sample: s.sample,
      spec: s.spec,
      durationMs: s.duration_ms,
      result,
    };
  });
}

export interface EstimationFailure {
  stepId: string;
  tableId: string;
  columnId: string;
  error: string;
}

/**
 * Records that a step could not be estimated from the data: like a result, stored once per content key
 * (the same data and code fail the same way) and linked to the run.
 */
export async function saveEstimationFailure(
  db: Db,
  key: EstimationKey,
  error: string,
  recompute: Recompute = {},
  known: Known = {},
): Promise<void> {
  await db.transaction(async (tx) => {
    await clearEarlier(tx, key, recompute, known);
    await tx.query(
      `INSERT INTO estimation_failures (run_id, step_id, table_id, column_id, error, step_key)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (step_key) DO NOTHING`,
      [key.runId, key.stepId, key.tableId, key.columnId, error, contentOf(key).key],
    );
    await linkStoredEstimation(tx, key, recompute);
  });
}

export async function loadEstimationFailures(db: Queryable, runId: string): Promise<EstimationFailure[]> {
  const rows = await db.query<{ step_id: string; table_id: string; column_id: string; error: string }>(
    `SELECT step_id, table_id, column_id, error FROM run_estimation_failures WHERE run_id = $1 ORDER BY step_id`,
    [runId],
  );
  return rows.map((r) => ({ stepId: r.step_id, tableId: r.table_id, columnId: r.column_id, error: r.error }));
}
