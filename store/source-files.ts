import type { Observation } from '../ingest/observation';
import type { Queryable, Db } from './db';

export interface SourceFileRecord {
  sha256: string;
  name: string;
  size: number;
  layout: string;
  observations: number;
}

export async function getSourceFile(db: Queryable, sha256: string): Promise<SourceFileRecord | undefined> {
  const rows = await db.query<SourceFileRecord>(
    `SELECT sha256, name, size::float8 AS size, layout, observations FROM source_files WHERE sha256 = $1`,
    [sha256],
  );
  return rows[0];
}

const BATCH = 500;

/**
 * Stores a parsed file and its observations in one transaction: either all of it lands or nothing
 * does, and storing the same bytes again changes nothing.
 */
export async function saveSourceFile(
  db: Db,
  /** `sha256`: the key (bytes and reading); `fileSha256`: the bytes' own hash when it differs. */
  file: { sha256: string; name: string; size: number; layout: string; fileSha256?: string },
  observations: Observation[],
): Promise<void> {
  await db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO source_files (sha256, name, size, layout, observations, file_sha256)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
      [file.sha256, file.name, file.size, file.layout, observations.length, file.fileSha256 ?? null],
    );
    if (inserted.length === 0) return;
    for (let start = 0; start < observations.length; start += BATCH) {
      const chunk = observations.slice(start, start + BATCH);
      const params: unknown[] = [];
      const tuples = chunk.map((o, i) => {
        params.push(
          file.sha256,
          o.province,
          o.year,
          o.variable,
          o.value,
          o.unit,
          o.source.file,
          o.source.sheet ?? '',
          o.source.cell ?? '',
          o.method,
        );
        const b = i * 10;
        return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8},$${b + 9},$${b + 10})`;
      });
      await tx.query(
        `INSERT INTO observations (sha256, province, year, variable, value, unit, source_file, sheet, cell, method)
         VALUES ${tuples.join(',')}`,
        params,
      );
    }
  });
}

export async function loadObservations(db: Queryable, sha256s: string[]): Promise<Observation[]> {
  const rows = await db.query<{
    sha256: string;
    file_sha256: string;
    province: string;
    year: number;
    variable: string;
    value: number;
    unit: string;
    source_file: string;
    sheet: string;
    cell: string;
    method: Observation['method'];
  }>(
    `SELECT o.sha256, COALESCE(f.file_sha256, o.sha256) AS file_sha256, o.province, o.year, o.variable, o.value,
            o.unit, o.source_file, o.sheet, o.cell, o.method
     FROM observations o JOIN source_files f ON f.sha256 = o.sha256
     WHERE o.sha256 = ANY($1::text[]) ORDER BY o.sha256, o.variable, o.province, o.year, o.sheet, o.cell`,
    [sha256s],
  );
  return rows.map((r) => ({
    province: r.province,
    year: r.year,
    variable: r.variable,
    value: r.value,
    unit: r.unit,
    method: r.method,
    source: {
      file: r.source_file,
      sha256: r.file_sha256,
      ...(r.sheet ? { sheet: r.sheet } : {}),
      ...(r.cell ? { cell: r.cell } : {}),
    },
  }));
}

export async function linkRunFiles(
  db: Queryable,
  runId: string,
  files: { name: string; sha256: string; real: boolean }[],
): Promise<void> {
  for (const f of files) {
    await db.query(
      `INSERT INTO run_files (run_id, name, sha256, real) VALUES ($1, $2, $3, $4)
       ON CONFLICT (run_id, name) DO UPDATE SET sha256 = EXCLUDED.sha256, real = EXCLUDED.real`,
      [runId, f.name, f.sha256, f.real],
    );
  }
}
