/**
 * What the store is to its users: statements with parameters, and transactions. Repositories and the
 * migrator see only this; db.ts opens one over PostgreSQL or PGlite.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  kind: 'postgres' | 'pglite';
  /** Where the store is, safe to print (no password). */
  describe: string;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
