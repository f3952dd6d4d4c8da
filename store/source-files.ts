import type { Observation } from '../ingest/observation';
import type { Queryable, Db } from './db';
import type { Recompute } from './snapshots';

export interface SourceFileRecord {
  sha256: string;
  name: string;
  size: number;
  layout: string;
  observations: number;
  /** What the layout reported about the file (repeated records counted once, …). */
  notes: string[];
}

/** The stored file under this key (a forced rerun: only one stored since it started). */
export async function getSourceFile(
  db: Queryable,
  sha256: string,
  { storedSince }: Recompute = {},
): Promise<SourceFileRecord | undefined> {
  const rows = await db.query<SourceFileRecord>(
    `SELECT sha256, name, size::float8 AS size, layout, observations, notes FROM source_files
     WHERE sha256 = $1 AND ($2::timestamptz IS NULL OR ingested_at >= $2::timestamptz)`,
    [sha256, storedSince ?? null],
  );
  return rows[0];
}

/** getSourceFile for several keys in one statement: the stored ones, by key. */
export async function getSourceFiles(
  db: Queryable,
  sha256s: readonly string[],
  { storedSince }: Recompute = {},
): Promise<Map<string, SourceFileRecord>> {
  if (!sha256s.length) return new Map();
  const rows = await db.query<SourceFileRecord>(
    `SELECT sha256, name, size::float8 AS size, layout, observations, notes FROM source_files
     WHERE sha256 = ANY($1::text[]) AND ($2::timestamptz IS NULL OR ingested_at >= $2::timestamptz)`,
    [[...sha256s], storedSince ?? null],
  );
  return new Map(rows.map((r) => [r.sha256, r]));
}

const BATCH = 500;

/**
 * Stores a parsed file and its observations in one transaction: either all of it lands or nothing
 * does, and storing the same bytes again changes nothing — unless a forced rerun parsed them again
 * and they were stored before it started: then its observations replace the stored ones.
 */
export async function saveSourceFile(
  db: Db,
  /** `sha256`: the key (bytes and reading); `fileSha256`: the bytes' own hash when it differs. */
  file: {
    sha256: string;
    name: string;
    size: number;
    layout: string;
    fileSha256?: string;
    notes?: string[];
  },
  observations: Observation[],
  { storedSince }: Recompute = {},
): Promise<void> {
  await db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO source_files (sha256, name, size, layout, observations, file_sha256, notes)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (sha256) DO UPDATE SET name = EXCLUDED.name, size = EXCLUDED.size,
         layout = EXCLUDED.layout, observations = EXCLUDED.observations,
         file_sha256 = EXCLUDED.file_sha256, notes = EXCLUDED.notes, ingested_at = now()
       WHERE $8::timestamptz IS NOT NULL AND source_files.ingested_at < $8::timestamptz
       RETURNING sha256`,
      [
        file.sha256,
        file.name,
        file.size,
        file.layout,
        observations.length,
        file.fileSha256 ?? null,
        JSON.stringify(file.notes ?? []),
        storedSince ?? null,
      ],
    );
    if (inserted.length === 0) return;
    if (storedSince) await tx.query(`DELETE FROM observations WHERE sha256 = $1`, [file.sha256]);
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
          o.source.url ?? '',
        );
        const b = i * 11;
        return `(${Array.from({ length: 11 }, (_, k) => `$${b + k + 1}`).join(',')})`;
      });
      await tx.query(
        `INSERT INTO observations (sha256, province, year, variable, value, unit, source_file, sheet, cell, method, url)
         VALUES ${tuples.join(',')}`,
        params,
      );
    }
  });
}

/** Observations aggregated into one JSON array each (far below the store's 1 GB limit for a value). */
const OBSERVATIONS_PER_CHUNK = 50_000;

/**
 * The observations of the files under these keys, each file's in the store's order (variable, province,
 * year, sheet, cell), files by key (in key order). One statement: the store aggregates each file's rows
 * into one JSON array per column (at most 50,000 rows each; the files joined after aggregating, the
 * bytes' hash once per file), so the client decodes a few values instead of twelve fields of every row
 * (11,255 observations: about 0.2 s instead of 0.8 s on PGlite) and builds the file's observations
 * straight from the columns. A value is a JSON number (float8's shortest exact text, the digits the row
 * protocol gives); a non-finite one comes as text ("NaN", "Infinity") and is read as such.
 */
async function observationFiles(
  db: Queryable,
  sha256s: string[],
  perChunk = OBSERVATIONS_PER_CHUNK,
): Promise<Map<string, StoredFile>> {
  const chunks = await db.query<{ sha256: string; file_sha256: string; chunk: string }>(
    `SELECT x.sha256, COALESCE(f.file_sha256, x.sha256) AS file_sha256, x.chunk
     FROM (SELECT sha256, (n - 1) / $2 AS part,
                  json_build_array(json_agg(province ORDER BY n), json_agg(year ORDER BY n),
                    json_agg(variable ORDER BY n), json_agg(value ORDER BY n), json_agg(unit ORDER BY n),
                    json_agg(source_file ORDER BY n), json_agg(sheet ORDER BY n), json_agg(cell ORDER BY n),
                    json_agg(method ORDER BY n), json_agg(url ORDER BY n))::text AS chunk
           FROM (SELECT o.*, row_number() OVER (PARTITION BY o.sha256
                                                ORDER BY o.variable, o.province, o.year, o.sheet, o.cell) AS n
                 FROM observations o WHERE o.sha256 = ANY($1::text[])) y
           GROUP BY sha256, (n - 1) / $2) x
     JOIN source_files f ON f.sha256 = x.sha256
     ORDER BY x.sha256, x.part`,
    [[...new Set(sha256s)], perChunk],
  );
  const files = new Map<string, StoredFile>();
  for (const c of chunks) {
    const file = files.get(c.sha256);
    if (file) file.chunks.push(c.chunk);
    else files.set(c.sha256, { fileSha256: c.file_sha256, chunks: [c.chunk] });
  }
  return files;
}

/** One stored file's observations as the store aggregated them: its bytes' hash and its JSON columns. */
interface StoredFile {
  fileSha256: string;
  chunks: string[];
}

/** One aggregated part of a file: its rows' columns, in the store's row order. */
type ObservationColumns = [
  province: string[],
  year: number[],
  variable: string[],
  value: (number | string)[],
  unit: string[],
  sourceFile: string[],
  sheet: string[],
  cell: string[],
  method: Observation['method'][],
  url: string[],
];

/** A stored file's observations appended to `out`, their lineage's file named `name` (the stored name unless given). */
function pushObservations(out: Observation[], file: StoredFile, name?: string): void {
  const sha256 = file.fileSha256;
  for (const chunk of file.chunks) {
    const [province, year, variable, value, unit, sourceFile, sheet, cell, method, url] = JSON.parse(
      chunk,
    ) as ObservationColumns;
    for (let i = 0; i < province.length; i++) {
      // The lineage's keys in the order they always had: file, sha256, then those the row has.
      const source: Observation['source'] = { file: name ?? sourceFile[i], sha256 };
      if (sheet[i]) source.sheet = sheet[i];
      if (cell[i]) source.cell = cell[i];
      if (url[i]) source.url = url[i];
      const v = value[i];
      out.push({
        province: province[i],
        year: year[i],
        variable: variable[i],
        value: typeof v === 'number' ? v : Number(v),
        unit: unit[i],
        method: method[i],
        source,
      });
    }
  }
}

/** The observations of the files under these keys, ordered by key, then as each file's are stored. */
export async function loadObservations(db: Queryable, sha256s: string[]): Promise<Observation[]> {
  const out: Observation[] = [];
  for (const file of (await observationFiles(db, sha256s)).values()) pushObservations(out, file);
  return out;
}

/**
 * A run's observations, file after file in the order given (the manifest's, which decides between
 * sources), each file's in the store's order, their lineage naming the file as the run names it: what
 * assembly reads, in one statement.
 */
export async function loadRunObservations(
  db: Queryable,
  files: { name: string; sha256: string }[],
  /** Observations per aggregated array (a test sets it small to cross the boundaries). */
  { perChunk }: { perChunk?: number } = {},
): Promise<Observation[]> {
  const byKey = await observationFiles(
    db,
    files.map((f) => f.sha256),
    perChunk,
  );
  const out: Observation[] = [];
  for (const f of files) {
    const file = byKey.get(f.sha256);
    if (file) pushObservations(out, file, f.name);
  }
  return out;
}

/** A run's input files (name, the bytes' hash, real or synthetic), by name. */
export async function loadRunInputs(
  db: Queryable,
  runId: string,
): Promise<{ name: string; sha256: string; real: boolean }[]> {
  return db.query(
    `SELECT rf.name, COALESCE(sf.file_sha256, rf.sha256) AS sha256, rf.real
     FROM run_files rf JOIN source_files sf ON sf.sha256 = rf.sha256
     WHERE rf.run_id = $1 ORDER BY rf.name`,
    [runId],
  );
}

/** A run's input file names by store key (for refreshes whose assemble step was given only keys). */
export async function runFileNames(db: Queryable, runId: string): Promise<Map<string, string>> {
  const rows = await db.query<{ name: string; sha256: string }>(
    `SELECT name, sha256 FROM run_files WHERE run_id = $1`,
    [runId],
  );
  return new Map(rows.map((r) => [r.sha256, r.name]));
}

/**
 * Files the run refused after ingesting them (impossible values at assembly): unlinked from the run's
 * files and recorded with the reason, in one transaction.
 */
export async function rejectRunFiles(
  db: Db,
  runId: string,
  files: { name: string; sha256: string }[],
  reason: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    for (const f of files) {
      await tx.query(`DELETE FROM run_files WHERE run_id = $1 AND name = $2`, [runId, f.name]);
      await tx.query(
        `INSERT INTO rejected_files (run_id, name, sha256, reason) VALUES ($1, $2, $3, $4)
         ON CONFLICT (run_id, name) DO UPDATE SET sha256 = EXCLUDED.sha256, reason = EXCLUDED.reason,
           rejected_at = now()`,
        [runId, f.name, f.sha256, reason],
      );
    }
  });
}

export async function loadRejectedFiles(
  db: Queryable,
  runId: string,
): Promise<{ name: string; sha256: string; reason: string }[]> {
  return db.query(`SELECT name, sha256, reason FROM rejected_files WHERE run_id = $1 ORDER BY name`, [runId]);
}

/** The run's input files by name (one statement: each name's file replaces the one linked before). */
export async function linkRunFiles(
  db: Queryable,
  runId: string,
  files: { name: string; sha256: string; real: boolean }[],
): Promise<void> {
  if (!files.length) return;
  await db.query(
    `INSERT INTO run_files (run_id, name, sha256, real)
     SELECT $1, x.name, x.sha256, x.real FROM jsonb_to_recordset($2::jsonb) AS x(name text, sha256 text, real boolean)
     ON CONFLICT (run_id, name) DO UPDATE SET sha256 = EXCLUDED.sha256, real = EXCLUDED.real`,
    [runId, JSON.stringify(files.map(({ name, sha256, real }) => ({ name, sha256, real })))],
  );
}
