/**
 * Publishing by content key through the real dev server and store (PostgreSQL and PGlite): a refresh
 * after one input changed takes every published part whose key did not change from the render cache
 * (publish/parts.ts) and renders only the table whose estimations reran; its files are byte for byte
 * what a full render of the same run writes (publishing it again with an empty cache), every file
 * compared; publishing it again with the cache writes the same bytes and leaves the same rows.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishActivities } from '../../activities/publish';
import { triggerRefresh } from '../../cli/trigger';
import { loadConfig, PROJECT_ROOT, type Config } from '../../common/config';
import { openDb, type Db } from '../../store/db';
import { startWorkers, type WorkerSet } from '../../worker';
import { planRefreshFor } from '../helpers/pipeline';
import { createTempDatabase } from '../helpers/postgres';
import { createDevServerEnv } from '../helpers/temporal';

/** Every file under `dir` (relative path → sha256). */
async function filesOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir, { recursive: true })) {
    const bytes = await readFile(join(dir, name)).catch(() => undefined); // a folder
    if (bytes) out.set(relative(dir, join(dir, name)), createHash('sha256').update(bytes).digest('hex'));
  }
  return out;
}

const cacheEntries = async (config: Config) =>
  (await readdir(join(config.dataDir, 'publish-cache')).catch(() => [] as string[])).filter((n) =>
    /^[0-9a-f]{64}$/.test(n),
  ).length;

function scenario(store: 'PostgreSQL' | 'PGlite') {
  describe(`publishing by content key on ${store}`, () => {
    let env: TestWorkflowEnvironment;
    let db: Db;
    let workers: WorkerSet;
    let connection: NativeConnection;
    let dir: string;
    let drop: (() => Promise<void>) | undefined;
    let config: Config;

    beforeAll(async () => {
      env = await createDevServerEnv();
      dir = await mkdtemp(join(tmpdir(), 'aicarbon-publish-reuse-'));
      await cp(join(PROJECT_ROOT, 'data', 'sample'), join(dir, 'inputs'), { recursive: true });
      // Table 4 (its columns (7), (8) read ROBOT) and Table 10 (Moran's I under W1: the spatial section).
      const study = JSON.parse(await readFile(join(PROJECT_ROOT, 'study', 'default-study.json'), 'utf8'));
      study.tables = study.tables.filter((t: { id: string }) => ['table4', 'table10'].includes(t.id));
      await writeFile(join(dir, 'study.json'), JSON.stringify(study, null, 1));
      let databaseUrl: string | undefined;
      if (store === 'PostgreSQL') {
        const temp = await createTempDatabase('aicarbon_pubreuse');
        databaseUrl = temp.url;
        drop = temp.drop;
      }
      config = {
        ...loadConfig({}),
        databaseUrl,
        temporalAddress: env.address,
        outDir: join(dir, 'out'),
        dataDir: join(dir, 'data'),
        inputsDir: join(dir, 'inputs'),
        studyPath: join(dir, 'study.json'),
      };
      db = await openDb({ databaseUrl, dataDir: config.dataDir });
      connection = await NativeConnection.connect({ address: env.address });
      workers = await startWorkers({ connection, namespace: 'default', db, config });
    });
    afterAll(async () => {
      await workers?.shutdown();
      await connection?.close();
      await db?.close();
      await drop?.();
      await env?.teardown();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const refresh = async () => {
      const input = await planRefreshFor(
        { config },
        { studyPath: config.studyPath, inputsDir: config.inputsDir, buildManifest: config.buildManifest },
      );
      const { handle } = await triggerRefresh(env.client, input);
      const result = await handle.result();
      expect(result.failedSteps).toEqual([]);
      return input.runId;
    };
    const rows = async (runId: string) =>
      db.query<{ t: string; n: number }>(
        `SELECT 'published_files' AS t, count(*)::int AS n FROM published_files WHERE run_id = $1
         UNION ALL SELECT 'run_columns', count(*)::int FROM run_columns WHERE run_id = $1
         UNION ALL SELECT 'column_basis', count(*)::int FROM column_basis WHERE run_id = $1
         UNION ALL SELECT 'study_coverage', count(*)::int FROM study_coverage WHERE run_id = $1
         ORDER BY 1`,
        [runId],
      );

    it('a refresh after one input changed renders only the table that changed, and writes the bytes of a full render', async () => {
      await refresh();
      const afterFirst = await cacheEntries(config);
      // 12 steps' entries and their samples' used rows, 2 tables, the spatial section.
      expect(afterFirst).toBe(12 * 2 + 2 + 1);

      const file = join(config.inputsDir, 'real/ifr/robot_installations.csv');
      const text = await readFile(file, 'utf8');
      expect(text).toContain('China,CHN,2015,69000');
      await writeFile(file, text.replace('China,CHN,2015,69000', 'China,CHN,2015,69500'));
      const runId = await refresh();
      // New parts: Table 4, the entries of its two recomputed columns and their used rows; Table 10
      // and the spatial section were taken from the cache.
      expect((await cacheEntries(config)) - afterFirst).toBe(1 + 2 * 2);
      const incremental = await filesOf(join(config.outDir, runId));
      expect(incremental.size).toBe(6 + 2 * 2);
      const recorded = await db.query<{ path: string; sha256: string }>(
        `SELECT path, sha256 FROM published_files WHERE run_id = $1 ORDER BY path`,
        [runId],
      );
      expect(new Map(recorded.map((r) => [relative(join(config.outDir, runId), r.path), r.sha256]))).toEqual(
        incremental,
      );
      const counted = await rows(runId);

      // The same run published with an empty cache: every part rendered from the stored results.
      const fresh = { ...config, outDir: join(dir, 'out-full'), dataDir: join(dir, 'data-full') };
      await publishActivities(db, fresh).publishRun({ runId, studyPath: config.studyPath });
      expect(await cacheEntries(fresh)).toBe(12 * 2 + 2 + 1);
      expect(await filesOf(join(fresh.outDir, runId))).toEqual(incremental);

      // Published again with the cache: the same bytes, the same rows (replaced, not added).
      await publishActivities(db, config).publishRun({ runId, studyPath: config.studyPath });
      expect(await filesOf(join(config.outDir, runId))).toEqual(incremental);
      expect(await rows(runId)).toEqual(counted);
      expect(counted.find((r) => r.t === 'published_files')?.n).toBe(incremental.size);
    }, 600_000);
  });
}

scenario('PostgreSQL');
scenario('PGlite');
