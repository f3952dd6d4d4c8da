/**
 * One small interface over two backends: PostgreSQL through `pg` (DATABASE_URL) or embedded PGlite
 * under `.data/pglite` (no setup for a first run). Repositories only see `Queryable`. Each backend's
 * driver is loaded when a store of its kind opens (`pg` alone costs a command ~50 ms of loading).
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pool, PoolClient } from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { migrate } from './migrate';
import type { Db, Queryable } from './queryable';

export type { Db, Queryable } from './queryable';

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Fail after this long when the server does not answer (ms). */
  connectTimeoutMs?: number;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** Where the store of these options is, safe to print (no password). */
export function storeDescription(options: Pick<OpenOptions, 'databaseUrl' | 'dataDir'>): string {
  return options.databaseUrl
    ? redactUrl(options.databaseUrl)
    : `PGlite at ${join(options.dataDir, 'pglite')}`;
}

/**
 * The store `opening` will give, usable at once: each call waits for the opening. A command starts its
 * workers on it, so the io worker's workflow thread loads its bundle (~0.4 s, off the main thread)
 * while the store opens on the main thread instead of after it. A call made after the opening failed
 * fails as a fault (retried), not with the opening's error: the command reports that one itself (exit
 * 2) and stops its workers, and a task of another refresh taken meanwhile is retried, not failed as
 * bad input.
 */
export function storeWhenOpen(
  opening: Promise<Db>,
  options: Pick<OpenOptions, 'databaseUrl' | 'dataDir'>,
): Db {
  const open = () =>
    opening.catch((e: Error) => {
      throw new Error(`the store did not open: ${e.message}`);
    });
  return {
    kind: options.databaseUrl ? 'postgres' : 'pglite',
    describe: storeDescription(options),
    query: async <T>(sql: string, params?: unknown[]) => (await open()).query<T>(sql, params),
    exec: async (sql: string) => (await open()).exec(sql),
    transaction: async (fn) => (await open()).transaction(fn),
    close: async () => (await opening.catch(() => undefined))?.close(),
  };
}

export async function openDb(options: OpenOptions): Promise<Db> {
  const db = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.connectTimeoutMs ?? 5000)
    : await openPglite(options.dataDir);
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (e) {
      await db.close();
      throw e;
    }
  }
  return db;
}

async function openPostgres(url: string, connectTimeoutMs: number): Promise<Db> {
  const describe = redactUrl(url);
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, max: 4 });
  // An idle client's network error must not crash the process; the pool drops that client and the
  // next query opens a new connection (or reports why it cannot).
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => {});
    throw new Error(`Cannot reach PostgreSQL at DATABASE_URL=${describe}: ${(e as Error).message}`);
  }
  const wrap = (c: Pool | PoolClient): Queryable => ({
    query: async <T>(sql: string, params?: unknown[]) => (await c.query(sql, params)).rows as T[],
    exec: async (sql: string) => void (await c.query(sql)),
  });
  return {
    kind: 'postgres',
    describe,
    ...wrap(pool),
    async transaction(fn) {
      // A checked-out client has no pool listener: a dropped connection (pg_terminate_backend, a server
      // restart) would be an unhandled 'error' event and end the process. Here it fails the transaction
      // (PostgreSQL rolls it back), the broken client is discarded, and the activity is retried.
      let broken: Error | undefined;
      const onError = (e: Error) => (broken = e);
      const client = await checkOut(pool, onError);
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        if (!broken && isConnectionLoss(e)) broken = e as Error;
        if (!broken) await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.off('error', onError);
        client.release(broken ?? false);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * A client of the pool with `onError` listening from the moment the pool hands it over. pg-pool takes
 * its own listener off as it hands a client over, often while parsing a socket chunk that holds the
 * previous query's ReadyForQuery and then the server's FATAL (terminating connection); awaiting
 * `pool.connect()` would add ours a microtask later, after that FATAL was emitted with no listener
 * (an uncaught exception). Its callback form runs in that same tick.
 */
function checkOut(pool: Pool, onError: (e: Error) => void): Promise<PoolClient> {
  return new Promise((resolve, reject) =>
    pool.connect((err, client) => {
      if (err || !client) return reject(err ?? new Error('the pool gave no client'));
      client.on('error', onError);
      resolve(client);
    }),
  );
}

/**
 * An error that means the connection is gone (the server ended it, restarted, or the network broke):
 * SQLSTATE classes 08 and 57P, or pg's own "Connection terminated". Such a client is not reused.
 */
export function isConnectionLoss(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P'))) return true;
  const message = e instanceof Error ? e.message : '';
  return /Connection terminated|connection error|ECONNRESET|ECONNREFUSED|EPIPE/i.test(message);
}

/** PGlite is single-process: a lock file turns a second opener into a clear error, not a corrupt store. */
async function takeLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `The embedded PGlite store ${lockPath.replace(/\.lock$/, '')} is in use by process ${pid}. ` +
            'Stop that process, or set DATABASE_URL to a PostgreSQL server to share one store between processes.',
        );
      }
      await rm(lockPath, { force: true }); // stale lock of a dead process (e.g. a killed worker)
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function openPglite(dataDir: string): Promise<Db> {
  await mkdir(dataDir, { recursive: true });
  const dir = join(dataDir, 'pglite');
  const lockPath = `${dir}.lock`;
  await takeLock(lockPath);
  let lite: PGlite;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    lite = await PGlite.create(dir);
  } catch (e) {
    await rm(lockPath, { force: true });
    throw new Error(`Cannot open the embedded PGlite store at ${dir}: ${(e as Error).message}`);
  }
  const wrap = (c: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    query: async <T>(sql: string, params?: unknown[]) => (await c.query<T>(sql, params)).rows,
    exec: async (sql: string) => void (await c.exec(sql)),
  });
  return {
    kind: 'pglite',
    describe: storeDescription({ dataDir }),
    ...wrap(lite),
    transaction: (fn) => lite.transaction((tx) => fn(wrap(tx))),
    async close() {
      await lite.close();
      await rm(lockPath, { force: true });
    },
  };
}
