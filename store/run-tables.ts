/**
 * What a run's tables are and rest on, as it published them: the study's tables in the paper's order,
 * their columns (dependent variable, header label, matrix name), each column's basis (synthetic
 * inputs and filled values of its variables, publish/basis.ts) and the study variables' coverage after
 * the indicator step. Replaced whole by each publish, so a re-publish leaves exactly its own rows.
 */
import type { StudyCoverage } from '../indicators/coverage';
import type { ColumnBasis } from '../publish/basis';
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
  await db.transaction(async (tx) => {
    for (const table of ['column_basis', 'run_columns', 'run_tables', 'study_coverage'])
      await tx.query(`DELETE FROM ${table} WHERE run_id = $1`, [runId]);
    for (const [t, table] of study.tables.entries()) {
      await tx.query(
        'INSERT INTO run_tables (run_id, table_id, table_order, title) VALUES ($1, $2, $3, $4)',
        [runId, table.id, t + 1, table.title],
      );
      const shown = labels.get(table.id) ?? [];
      for (const [c, column] of table.columns.entries())
        await tx.query(
          `INSERT INTO run_columns (run_id, table_id, column_id, column_order, label, dependent_variable, weights)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            runId,
            table.id,
            column.id,
            c + 1,
            shown[c] ?? column.label ?? '',
            column.spec.y,
            column.weights ?? null,
          ],
        );
    }
    for (const b of bases)
      for (const v of b.variables)
        await tx.query(
          `INSERT INTO column_basis (run_id, table_id, column_id, variable, synthetic_inputs, interpolated,
             substituted, extrapolated, rows) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            runId,
            b.tableId,
            b.columnId,
            v.variable,
            v.syntheticInputs.join(', '),
            v.interpolated,
            v.substituted,
            v.extrapolated,
            v.rows,
          ],
        );
    for (const c of coverage)
      await tx.query(
        `INSERT INTO study_coverage (run_id, variable, observed, interpolated, substituted, extrapolated, missing,
           synthetic_inputs, missing_cells) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          runId,
          c.variable,
          c.observed,
          c.interpolated,
          c.substituted,
          c.extrapolated,
          c.missing,
          c.syntheticInputs.join(', '),
          c.missingCells.join(' '),
        ],
      );
  });
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
