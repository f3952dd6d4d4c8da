/**
 * What a run's tables are and rest on, as it published them: the study's tables in the paper's order,
 * their columns (dependent variable, header label, matrix name), each column's basis (synthetic
 * inputs and filled values of its variables, publish/basis.ts) and the study variables' coverage after
 * the indicator step. Replaced whole by each publish, so a re-publish leaves exactly its own rows.
 */
import type { SampleRow } from '../econometrics/result';
import type { StudyCoverage } from '../indicators/coverage';
import type { ColumnBasis } from '../publish/basis';
import type { StepRef } from '../publish/parts';
import type { Study } from '../study';
import type { Db, Queryable } from './db';

export async function saveRunTables(
  db: Db,
  runId: string,
  study: Study,
  labels: Map<string, string[]>,
  bases: ColumnBasis[],
  coverage: StudyCoverage[],
): Promise<void> {
  // One statement per table, its rows as one JSON array (a statement per row cost more than the rest of
  // publishing on the embedded store).
  const tables = study.tables.map((table, t) => ({
    table_id: table.id,
    table_order: t + 1,
    title: table.title,
  }));
  const columns = study.tables.flatMap((table) => {
    const shown = labels.get(table.id) ?? [];
    return table.columns.map((column, c) => ({
      table_id: table.id,
      column_id: column.id,
      column_order: c + 1,
      label: shown[c] ?? column.label ?? '',
      dependent_variable: column.spec.y,
      weights: column.weights ?? null,
    }));
  });
  const basisRows = bases.flatMap((b) =>
    b.variables.map((v) => ({
      table_id: b.tableId,
      column_id: b.columnId,
      variable: v.variable,
      synthetic_inputs: v.syntheticInputs.join(', '),
      interpolated: v.interpolated,
      substituted: v.substituted,
      extrapolated: v.extrapolated,
      rows: v.rows,
    })),
  );
  const coverageRows = coverage.map((c) => ({
    variable: c.variable,
    observed: c.observed,
    interpolated: c.interpolated,
    substituted: c.substituted,
    extrapolated: c.extrapolated,
    missing: c.missing,
    synthetic_inputs: c.syntheticInputs.join(', '),
    missing_cells: c.missingCells.join(' '),
  }));
  await db.transaction(async (tx) => {
    for (const table of ['column_basis', 'run_columns', 'run_tables', 'study_coverage'])
      await tx.query(`DELETE FROM ${table} WHERE run_id = $1`, [runId]);
    await tx.query(
      `INSERT INTO run_tables (run_id, table_id, table_order, title)
       SELECT $1, x.* FROM jsonb_to_recordset($2::jsonb) AS x(table_id text, table_order integer, title text)`,
      [runId, JSON.stringify(tables)],
    );
    await tx.query(
      `INSERT INTO run_columns (run_id, table_id, column_id, column_order, label, dependent_variable, weights)
       SELECT $1, x.* FROM jsonb_to_recordset($2::jsonb) AS x(table_id text, column_id text,
         column_order integer, label text, dependent_variable text, weights text)`,
      [runId, JSON.stringify(columns)],
    );
    await tx.query(
      `INSERT INTO column_basis (run_id, table_id, column_id, variable, synthetic_inputs, interpolated,
         substituted, extrapolated, rows)
       SELECT $1, x.* FROM jsonb_to_recordset($2::jsonb) AS x(table_id text, column_id text, variable text,
         synthetic_inputs text, interpolated integer, substituted integer, extrapolated integer, rows integer)`,
      [runId, JSON.stringify(basisRows)],
    );
    await tx.query(
      `INSERT INTO study_coverage (run_id, variable, observed, interpolated, substituted, extrapolated, missing,
         synthetic_inputs, missing_cells)
       SELECT $1, x.* FROM jsonb_to_recordset($2::jsonb) AS x(variable text, observed integer,
         interpolated integer, substituted integer, extrapolated integer, missing integer,
         synthetic_inputs text, missing_cells text)`,
      [runId, JSON.stringify(coverageRows)],
    );
  });
}

/**
 * The province-years each stored estimation used (its e(sample) without the rows left out), by step
 * key: what the columns' bases count over. Read from the sample's parallel arrays (migration 015) and
 * given as one string each (`province` U+001F `year`, separated by U+001E, characters no province or
 * year holds), the form the publish activity caches; an estimation stored without a sample is absent,
 * one whose sample used no row maps to ''.
 */
export async function loadUsedRows(db: Queryable, stepKeys: readonly string[]): Promise<Map<string, string>> {
  if (!stepKeys.length) return new Map();
  const rows = await db.query<{ step_key: string; provinces: string[]; years: number[]; used: boolean[] }>(
    `SELECT step_key, provinces, years, used FROM estimation_samples WHERE step_key = ANY($1::text[])`,
    [[...stepKeys]],
  );
  return new Map(
    rows.map((r) => {
      const cells: string[] = [];
      r.provinces.forEach((p, i) => r.used[i] && cells.push(`${p}\u001f${r.years[i]}`));
      return [r.step_key, cells.join('\u001e')];
    }),
  );
}

/** `loadUsedRows`' string of one estimation as sample rows (all used). */
export function usedRowsOf(cells: string): SampleRow[] {
  if (!cells) return [];
  return cells.split('\u001e').map((c) => {
    const [entity, time] = c.split('\u001f');
    return { entity, time: Number(time), used: true };
  });
}

/** A run's estimations by reference (step ids and content keys), in the order loadEstimations gives. */
export async function loadStepRefs(db: Queryable, runId: string): Promise<StepRef[]> {
  const rows = await db.query<{ step_id: string; table_id: string; column_id: string; step_key: string }>(
    `SELECT step_id, table_id, column_id, step_key FROM run_estimations WHERE run_id = $1 ORDER BY step_id`,
    [runId],
  );
  return rows.map((r) => ({
    stepId: r.step_id,
    tableId: r.table_id,
    columnId: r.column_id,
    key: r.step_key,
  }));
}

/** The weight matrix a run's column was estimated with (its study name, W1, …), or undefined. */
export async function columnWeightsName(
  db: Queryable,
  runId: string,
  tableId: string,
  columnId: string,
): Promise<string | undefined> {
  const rows = await db.query<{ weights: string | null }>(
    `SELECT weights FROM run_columns WHERE run_id = $1 AND table_id = $2 AND column_id = $3`,
    [runId, tableId, columnId],
  );
  return rows[0]?.weights ?? undefined;
}
