/**
 * Memoisation through the real dev server and store (PostgreSQL and PGlite): a refresh reuses every
 * step whose content key is stored and computes only the rest, told apart by the run's step records
 * (run_steps), never by timing. The code version of one estimator family is changed through the
 * mechanism that derives it: a fixture module added to that family's import closure in the build
 * manifest.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRefresh } from '../../cli/trigger';
import { planRefreshFor } from '../helpers/pipeline';
import { loadConfig, PROJECT_ROOT, type Config } from '../../common/config';
import { openDb, type Db } from '../../store/db';
import { loadEstimations } from '../../store/estimations';
import { startWorkers, type WorkerSet } from '../../worker';
import { runCli } from '../helpers/cli';
import { checkMermaidFlowchart } from '../helpers/mermaid-flowchart';
import { createTempDatabase } from '../helpers/postgres';
import { createDevServerEnv } from '../helpers/temporal';

const PROBE = 'tests/fixtures/code/gmm-probe.ts';

/** The build's manifest with a fixture module imported by the GMM family's module, at `version`. */
async function writeManifest(path: string, version: string) {
  const built = JSON.parse(await readFile(join(PROJECT_ROOT, 'dist', 'build.json'), 'utf8'));
  const gmm = built.files['econometrics/gmm/estimators.ts'];
  gmm.deps = [...gmm.deps.filter((d: string) => d !== PROBE), PROBE];
  built.files[PROBE] = { hash: `probe-${version}`, deps: [] };
  await writeFile(path, JSON.stringify(built));
}

/** Two tables: OLS/FE (table 3) and IV, system GMM, FE (table 4). */
interface StudyJson {
  tables: { id: string; columns: { spec: { vce?: string } }[] }[];
}

async function writeStudy(path: string, change?: (study: StudyJson) => void) {
  const study = JSON.parse(await readFile(join(PROJECT_ROOT, 'study', 'default-study.json'), 'utf8'));
  study.tables = study.tables.filter((t: { id: string }) => ['table3', 'table4'].includes(t.id));
  change?.(study);
  await writeFile(path, JSON.stringify(study, null, 1));
}

function memoisationScenario(store: 'PostgreSQL' | 'PGlite') {
  describe(`memoised refreshes on ${store}`, () => {
    let env: TestWorkflowEnvironment;
    let db: Db;
    let workers: WorkerSet;
    let connection: NativeConnection;
    let dir: string;
    let drop: (() => Promise<void>) | undefined;
    let config: Config;

    beforeAll(async () => {
      env = await createDevServerEnv();
      dir = await mkdtemp(join(tmpdir(), 'aicarbon-memo-'));
      await cp(join(PROJECT_ROOT, 'data', 'sample'), join(dir, 'inputs'), { recursive: true });
      await writeStudy(join(dir, 'study.json'));
      await writeManifest(join(dir, 'build.json'), '1');
      let databaseUrl: string | undefined;
      if (store === 'PostgreSQL') {
        const temp = await createTempDatabase('aicarbon_memo');
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
        buildManifest: join(dir, 'build.json'),
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
        {
          studyPath: config.studyPath,
          inputsDir: config.inputsDir,
          buildManifest: config.buildManifest,
        },
      );
      const { handle } = await triggerRefresh(env.client, input);
      const result = await handle.result();
      const steps = await db.query<{ step: string; kind: string; reused: boolean }>(
        `SELECT step, kind, reused FROM run_steps WHERE run_id = $1 ORDER BY step`,
        [input.runId],
      );
      const computed = steps.filter((s) => !s.reused).map((s) => s.step);
      return { input, result, steps, computed };
    };
    const counts = async () =>
      (
        await db.query<{ e: number; c: number }>(
          `SELECT (SELECT count(*) FROM estimations)::int AS e, (SELECT count(*) FROM coefficients)::int AS c`,
        )
      )[0];

    let first: Awaited<ReturnType<typeof refresh>>;
    const runs: Record<string, string> = {};

    it('a first refresh computes every step and records it', async () => {
      first = await refresh();
      expect(first.result.failedSteps).toEqual([]);
      const kinds = new Set(first.steps.map((s) => s.kind));
      expect([...kinds].sort()).toEqual(['assemble', 'estimate', 'indicators', 'ingest', 'publish']);
      expect(first.steps.filter((s) => s.reused)).toEqual([]);
      expect(first.steps.filter((s) => s.kind === 'estimate')).toHaveLength(17);
    }, 400_000);

    it('one changed input file: only it and the steps downstream of it are computed', async () => {
      const file = join(config.inputsDir, 'synthetic', 'pollution_investment.csv');
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace('BJ,2011,78706', 'BJ,2011,78707'));
      const before = await counts();
      const second = await refresh();
      runs.input = second.input.runId;
      expect(second.input.runId).not.toBe(first.input.runId);
      const ingests = second.steps.filter((s) => s.kind === 'ingest');
      expect(ingests.filter((s) => !s.reused).map((s) => s.step)).toEqual([
        'ingest:synthetic/pollution_investment.csv',
      ]);
      // Downstream of a file: the panel, the indicators, every estimation on them, publishing.
      expect(second.computed.filter((s) => !s.startsWith('ingest:')).sort()).toEqual(
        first.steps
          .filter((s) => s.kind !== 'ingest')
          .map((s) => s.step)
          .sort(),
      );
      expect((await counts()).e).toBe(before.e + 17);
      // Put back: the next refresh is the first one's keys again, nothing of it is computed.
      await writeFile(file, text);
      const again = await refresh();
      expect(again.input.runId).toBe(first.input.runId);
    }, 400_000);

    it("one changed column spec: only that estimation reruns, the others' numbers are the stored ones", async () => {
      await writeStudy(config.studyPath, (study) => {
        const column = study.tables.find((t) => t.id === 'table3')!.columns[3];
        column.spec.vce = column.spec.vce === 'robust' ? 'cluster' : 'robust';
      });
      const before = await counts();
      const third = await refresh();
      runs.spec = third.input.runId;
      const computed = third.computed.filter((s) => s !== 'publish');
      expect(computed).toEqual(['table3/(4)']);
      const after = await counts();
      expect(after.e).toBe(before.e + 1);
      const a = await loadEstimations(db, first.input.runId);
      const b = await loadEstimations(db, third.input.runId);
      expect(b.map((s) => s.stepId)).toEqual(a.map((s) => s.stepId));
      for (const s of b.filter((x) => x.stepId !== 'table3/(4)'))
        expect(JSON.stringify(s.result)).toBe(JSON.stringify(a.find((x) => x.stepId === s.stepId)!.result));
      // The analyst view reads through the links: the reused columns are the run's too.
      const view = await db.query<{ n: number }>(
        `SELECT count(DISTINCT step_id)::int AS n FROM analyst_coefficients WHERE run_id = $1`,
        [third.input.runId],
      );
      expect(view[0].n).toBe(17);
      await writeStudy(config.studyPath);
    }, 400_000);

    it("a changed module in one estimator family's closure reruns exactly that family, with identical numbers", async () => {
      await writeManifest(config.buildManifest!, '2');
      const fourth = await refresh();
      expect(fourth.input.runId).not.toBe(first.input.runId);
      const gmm = ['table4/(10)', 'table4/(3)', 'table4/(4)', 'table4/(9)'];
      expect(fourth.computed.filter((s) => s !== 'publish').sort()).toEqual(gmm);
      // Recomputed from the same data by code whose numbers did not change: byte-identical to the stored.
      const a = await loadEstimations(db, first.input.runId);
      const d = await loadEstimations(db, fourth.input.runId);
      for (const id of gmm)
        expect(JSON.stringify(d.find((s) => s.stepId === id)!.result)).toBe(
          JSON.stringify(a.find((s) => s.stepId === id)!.result),
        );
      // Stored once per key: no step of any run has two rows, every link has its result.
      const orphans = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM run_steps s WHERE s.kind = 'estimate'
           AND NOT EXISTS (SELECT 1 FROM estimations e WHERE e.step_key = s.step_key)
           AND NOT EXISTS (SELECT 1 FROM estimation_failures f WHERE f.step_key = s.step_key)`,
      );
      expect(orphans[0].n).toBe(0);

      // The report draws the run's DAG: the four GMM columns and publishing computed, the rest reused.
      const report = (fourth.result.published as string[]).find((p) => p.endsWith('.html'))!;
      const html = await readFile(report, 'utf8');
      expect(html).toContain('<svg class="dag"');
      expect(html.match(/data-state="computed"/g)).toHaveLength(5);
      expect(html).toContain('data-step="table4/(3)" data-state="computed"');

      // The commands read the same records from the store (a CLI process: PostgreSQL only, PGlite is
      // held by this process's workers).
      if (store !== 'PostgreSQL') return;
      const env = {
        DATABASE_URL: config.databaseUrl!,
        AICARBON_BUILD_MANIFEST: config.buildManifest!,
        AICARBON_INPUTS: config.inputsDir,
        AICARBON_STUDY: config.studyPath,
      };
      const graph = await runCli(['graph', '--run', fourth.input.runId], env);
      expect(graph.code, graph.stderr).toBe(0);
      expect(checkMermaidFlowchart(graph.stdout)).toEqual([]);
      expect(graph.stdout.match(/ · computed"\]:::computed/g)).toHaveLength(5); // the four GMM columns, publish
      const current = await runCli(['outdated', '--json'], env);
      expect(current.code, current.stderr).toBe(0);
      expect(JSON.parse(current.stdout)).toMatchObject({
        runId: fourth.input.runId,
        rerun: 1,
        against: fourth.input.runId,
      });
      await writeManifest(config.buildManifest!, '3');
      // diff starts with what the runs were made from.
      const byInput = await runCli(['diff', first.input.runId, runs.input], env);
      expect(byInput.code, byInput.stderr).toBe(0);
      expect(byInput.stdout).toMatch(
        /^Inputs: 1 files differ\n {2}changed {2}synthetic\/pollution_investment\.csv: bytes [0-9a-f]{12} → [0-9a-f]{12}\nStudy: unchanged\nCode: unchanged\n/,
      );
      const bySpec = await runCli(['diff', first.input.runId, runs.spec], env);
      expect(bySpec.stdout).toContain(
        'Inputs: unchanged\nStudy: 1 steps defined differently\n  table3/(4): spec: vce\nCode: unchanged',
      );
      const byCode = await runCli(['diff', first.input.runId, fourth.input.runId], env);
      expect(byCode.stdout).toContain(`Code: 1 modules differ\n  changed  ${PROBE}`);
      const full = JSON.parse((await runCli(['diff', first.input.runId, runs.spec, '--json'], env)).stdout);
      const coefficients = JSON.parse(
        (await runCli(['diff', first.input.runId, runs.spec, '--json', '--coefficients-only'], env)).stdout,
      );
      expect(full.changes.some((c: { term: string }) => c.term.startsWith('se:'))).toBe(true);
      expect(
        coefficients.changes.every((c: { term: string }) => !c.term.includes(':') && c.term !== 'nobs'),
      ).toBe(true);
      expect(coefficients.study).toEqual([{ step: 'table3/(4)', what: ['spec: vce'] }]);

      const changed = JSON.parse((await runCli(['outdated', '--json'], env)).stdout);
      expect(
        changed.steps
          .filter((s: { status: string }) => s.status === 'rerun')
          .map((s: { step: string; reasons: string[] }) => [s.step, s.reasons]),
      ).toEqual([
        ['table4/(3)', [`code changed: ${PROBE}`]],
        ['table4/(4)', [`code changed: ${PROBE}`]],
        ['table4/(9)', [`code changed: ${PROBE}`]],
        ['table4/(10)', [`code changed: ${PROBE}`]],
        ['publish', ['publishing renders every refresh of its own']],
      ]);
    }, 400_000);

    it('a refresh completed in Temporal whose results are not in the store pointed at runs again', async () => {
      if (store !== 'PostgreSQL') return;
      // Only the CLI's own worker (on the new, empty store) may take the refresh's tasks.
      await workers.shutdown();
      const empty = await createTempDatabase('aicarbon_memo_empty');
      try {
        await writeManifest(config.buildManifest!, '1');
        const input = await planRefreshFor(
          { config },
          {
            studyPath: config.studyPath,
            inputsDir: config.inputsDir,
            buildManifest: config.buildManifest,
          },
        );
        expect(input.runId).toBe(first.input.runId);
        const run = await runCli(['run'], {
          TEMPORAL_ADDRESS: env.address,
          DATABASE_URL: empty.url,
          AICARBON_BUILD_MANIFEST: config.buildManifest!,
          AICARBON_INPUTS: config.inputsDir,
          AICARBON_STUDY: config.studyPath,
          AICARBON_OUT_DIR: config.outDir,
          // The same deployment (queues and workflow id) with a new, empty database.
          AICARBON_DEPLOYMENT: input.queues!.deployment,
        });
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toContain(`Refresh ${input.runId} completed before, but its results are not in`);
        const other = await openDb({ databaseUrl: empty.url, dataDir: config.dataDir });
        try {
          expect(await loadEstimations(other, input.runId)).toHaveLength(17);
        } finally {
          await other.close();
        }
      } finally {
        await empty.drop();
      }
    }, 400_000);
  });
}

memoisationScenario('PostgreSQL');
memoisationScenario('PGlite');
