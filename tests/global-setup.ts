/**
 * Once per test run: build the CLI the tests run as processes (incremental: a no-op when nothing
 * changed), find (or build, the first time on a machine) the Temporal CLI the workflow tests run their
 * real dev servers with, and check the PostgreSQL server the store tests use.
 */
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { loadConfig } from '../common/config';
import { resolveTemporalCli } from '../temporal/cli-binary';
import { build } from '../scripts/build.mjs';
import { TEST_SERVER_URL } from './helpers/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCli: string;
  }
}

export default async function setup(project: TestProject) {
  await build({ log: (m) => console.log(m) });
  const config = loadConfig();
  const cli = await resolveTemporalCli({
    cliPath: config.temporalCliPath,
    cacheDir: config.cacheDir,
    log: (m) => console.log(m),
  });
  project.provide('temporalCli', cli.path);

  const client = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `The store tests need PostgreSQL at ${TEST_SERVER_URL} (set TEST_DATABASE_URL to another server): ${(e as Error).message}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
