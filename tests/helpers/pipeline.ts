/**
 * Shared set-up of the workflow tests: a real dev server, a throw-away PostgreSQL database, and
 * helpers to start workers in this process or as separate processes (for the crash test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import { planRefresh } from '../../activities/plan';
import { loadConfig, PROJECT_ROOT, type Config } from '../../common/config';
import { taskQueues } from '../../temporal/deployment';
import type { RefreshInput } from '../../workflows/types';
import { openDb, type Db } from '../../store/db';
import { startWorkers, type WorkerSet } from '../../worker';
import { createTempDatabase } from './postgres';
import { createDevServerEnv } from './temporal';

export interface PipelineFixture {
  config: Config;
  db: Db;
  databaseUrl: string;
  address: string;
  close(): Promise<void>;
}

export async function pipelineFixture(env: TestWorkflowEnvironment): Promise<PipelineFixture> {
  const temp = await createTempDatabase('aicarbon_wf');
  const outDir = await mkdtemp(join(tmpdir(), 'aicarbon-out-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'aicarbon-data-'));
  const address = env.address;
  const config: Config = {
    ...loadConfig({}),
    databaseUrl: temp.url,
    temporalAddress: address,
    outDir,
    dataDir,
  };
  const db = await openDb({ databaseUrl: temp.url, dataDir });
  return {
    config,
    db,
    databaseUrl: temp.url,
    address,
    async close() {
      await db.close();
      await temp.drop();
    },
  };
}

/** The refresh of these inputs bound to the fixture's deployment (its store and output folder). */
export async function planRefreshFor(
  f: Pick<PipelineFixture, 'config'>,
  args: Parameters<typeof planRefresh>[0],
): Promise<RefreshInput> {
  return { ...(await planRefresh(args)), queues: taskQueues(f.config) };
}

/** The environment that makes an `aicarbon` process use the fixture's server, store and folders. */
export function cliEnv(f: PipelineFixture): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: f.address,
    DATABASE_URL: f.databaseUrl,
    AICARBON_OUT_DIR: f.config.outDir,
    AICARBON_DATA_DIR: f.config.dataDir,
  };
}

export async function inProcessWorkers(env: TestWorkflowEnvironment, f: PipelineFixture): Promise<WorkerSet> {
  return startWorkers({ connection: env.nativeConnection, namespace: 'default', db: f.db, config: f.config });
}

/** A worker in its own OS process (`aicarbon worker`), as a deployment runs it; SIGKILL-able. */
export function workerProcess(f: PipelineFixture, roles = 'io,compute'): ChildProcess {
  const child = spawn(
    process.execPath,
    [join(PROJECT_ROOT, 'bin', 'aicarbon.js'), 'worker', '--queues', roles],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...cliEnv(f) },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  return child;
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface PipelineContext {
  env: TestWorkflowEnvironment;
  f: PipelineFixture;
  workers?: WorkerSet;
}

/**
 * Registers the usual set-up of a workflow test file: a dev server (with the Web UI on `uiPort` if
 * given), a throw-away database, and optionally workers in this process; torn down after the file.
 */
export function usePipeline(options: { workers?: boolean; uiPort?: number } = {}): PipelineContext {
  const ctx = {} as PipelineContext;
  beforeAll(async () => {
    ctx.env = await createDevServerEnv(options.uiPort ? { uiPort: options.uiPort } : {});
    ctx.f = await pipelineFixture(ctx.env);
    if (options.workers) ctx.workers = await inProcessWorkers(ctx.env, ctx.f);
  });
  afterAll(async () => {
    await ctx.workers?.shutdown();
    await ctx.f?.close();
    await ctx.env?.teardown();
  });
  return ctx;
}
