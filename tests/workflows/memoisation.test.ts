/**
 * Memoisation through the real dev server and store (PostgreSQL and PGlite): a refresh reuses every
 * step whose content key is stored and computes only the rest, told apart by the run's step records
 * (run_steps), never by timing. Estimations are keyed on the indicator columns they read (the early
 * cut-off): a changed input reruns only the estimations reading a column it changed. The code version of one estimator family is changed through the
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
import { outdatedReport } from '../../cli/commands/outdated';
import { refreshGraph, toMermaid } from '../../freshness/graph';
import { loadRunSteps } from '../../store/run-steps';
import { runCli } from '../helpers/cli';
import { checkMermaidFlowchart } from '../helpers/mermaid-flowchart';
import { createTempDatabase } from '../helpers/postgres';
import { createDevServerEnv } from '../helpers/temporal';
import { PROGRESS_MEMO, type Progress } from '../../workflows/progress';

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

    const refresh = async (options: { force?: boolean; recompute?: boolean } = {}) => {
      const input = await planRefreshFor(
        { config },
        {
          studyPath: config.studyPath,
          inputsDir: config.inputsDir,
          buildManifest: config.buildManifest,
        },
      );
      const { handle } = await triggerRefresh(env.client, input, options);
      const result = await handle.result();
      const steps = await db.query<{ step: string; kind: string; reused: boolean }>(
        `SELECT step, kind, reused FROM run_steps WHERE run_id = $1 ORDER BY step`,
        [input.runId],
      );
      const computed = steps.filter((s) => !s.reused).map((s) => s.step);
      // What the operator sees once it closed (the memo: no worker needed).
      const progress = (await handle.describe()).memo?.[PROGRESS_MEMO] as Progress;
      const memoUpdates = ((await handle.fetchHistory()).events ?? []).filter(
        (e) => e.workflowPropertiesModifiedEventAttributes,
      ).length;
      return { input, result, steps, computed, progress, memoUpdates };
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

    it('a forced rerun (--force) computes every step again and replaces the stored results with the same numbers', async () => {
      const counted = await counts();
      const before = await loadEstimations(db, first.input.runId);
      const forced = await refresh({ force: true, recompute: true });
      expect(forced.input.runId).toBe(first.input.runId);
      expect(forced.result.failedSteps).toEqual([]);
      // Every step computed by this execution (files parsed, panels built, columns estimated) …
      expect(forced.steps.filter((s) => s.reused)).toEqual([]);
      expect(forced.steps).toHaveLength(first.steps.length);
      const [stale] = await db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM estimations e JOIN runs r ON r.run_id = $1 WHERE e.finished_at < r.started_at)
              + (SELECT count(*) FROM source_files f JOIN runs r ON r.run_id = $1 WHERE f.ingested_at < r.started_at)
              + (SELECT count(*) FROM panel_snapshots p JOIN runs r ON r.run_id = $1 WHERE p.created_at < r.started_at)
           AS n`,
        [first.input.runId],
      );
      expect(Number(stale.n)).toBe(0);
      // … in place of the stored copies (none added), with the same numbers.
      expect(await counts()).toEqual(counted);
      const after = await loadEstimations(db, first.input.runId);
      expect(after.map((e) => JSON.stringify(e.result))).toEqual(before.map((e) => JSON.stringify(e.result)));
    }, 400_000);

    /** What `aicarbon outdated` reports now, read from this store (in process: PGlite is held here). */
    const rerunReasons = async () => {
      const report = await outdatedReport(db, config);
      return {
        report,
        rerun: Object.fromEntries(
          report.steps.filter((s) => s.status === 'rerun').map((s) => [s.step, s.reasons]),
        ),
        estimations: report.steps
          .filter((s) => s.status === 'rerun' && s.kind === 'estimate')
          .map((s) => s.step)
          .sort(),
      };
    };
    const editInput = async (path: string, from: string, to: string) => {
      const file = join(config.inputsDir, path);
      const text = await readFile(file, 'utf8');
      expect(text).toContain(from);
      await writeFile(file, text.replace(from, to));
      return () => writeFile(file, text);
    };
    // Hand lists from the study's specs (tables 3 and 4 of study/default-study.json).
    const READS_ROBOT = ['table4/(7)', 'table4/(8)'];
    const READS_ER = ['table3/(2)', 'table3/(4)', 'table3/(5)', 'table3/(6)', 'table3/(7)'].concat([
      'table4/(2)',
      'table4/(4)',
      'table4/(6)',
      'table4/(8)',
      'table4/(10)',
    ]);

    it('an input of one variable: that file, the panel, the indicators and only the estimations reading the variable', async () => {
      // IFR's national robot installations feed ROBOT alone (Table 4's exposure columns (7) and (8)).
      const restore = await editInput(
        'real/ifr/robot_installations.csv',
        'China,CHN,2015,69000',
        'China,CHN,2015,69500',
      );
      try {
        // Before running: outdated previews the panel and names the column.
        const before = await rerunReasons();
        expect(before.estimations).toEqual(READS_ROBOT);
        expect(before.rerun['table4/(7)']).toEqual([
          expect.stringMatching(/^column ROBOT changed \(digest [0-9a-f]{8} → [0-9a-f]{8}\)$/),
        ]);
        expect(before.report.steps.find((s) => s.step === 'table3/(1)')).toMatchObject({
          status: 'reused',
          reasons: ['the indicators change, but not the columns it reads (AIT, CI, province, year)'],
        });
        const counted = await counts();
        const second = await refresh();
        runs.input = second.input.runId;
        expect(second.input.runId).not.toBe(first.input.runId);
        expect(second.result.failedSteps).toEqual([]);
        // The 26 files found stored count as done at once, as do the rest: every step done.
        expect(second.progress).toMatchObject({ stage: 'done', stepsDone: second.progress.stepsTotal });
        expect(second.progress.stepsTotal).toBe(first.progress.stepsTotal);
        // …in one update of the progress memo, not one per file (each an event of the refresh's history).
        expect(second.memoUpdates).toBeLessThan(26);
        expect(second.computed.sort()).toEqual(
          [
            'assemble',
            'indicators',
            'ingest:real/ifr/robot_installations.csv',
            'publish',
            ...READS_ROBOT,
          ].sort(),
        );
        expect((await counts()).e).toBe(counted.e + READS_ROBOT.length);
        // The step records say why: the reused ones carry the same column digests as the first run's.
        const recorded = await db.query<{ step: string; ingredients: { columns: Record<string, string> } }>(
          `SELECT step, ingredients FROM run_steps WHERE run_id = $1 AND kind = 'estimate'`,
          [second.input.runId],
        );
        const firstRecorded = await db.query<{
          step: string;
          ingredients: { columns: Record<string, string> };
        }>(`SELECT step, ingredients FROM run_steps WHERE run_id = $1 AND kind = 'estimate'`, [
          first.input.runId,
        ]);
        for (const r of recorded) {
          const was = firstRecorded.find((x) => x.step === r.step)!.ingredients.columns;
          const changed = Object.keys(r.ingredients.columns).filter(
            (c) => r.ingredients.columns[c] !== was[c],
          );
          expect(changed, r.step).toEqual(READS_ROBOT.includes(r.step) ? ['ROBOT'] : []);
        }
        // After it: current.
        expect(Object.keys((await rerunReasons()).rerun)).toEqual(['publish']);
        // The DAG says why a column below the recomputed panel was reused: the report and `graph`.
        const html = await readFile(
          (second.result.published as string[]).find((p) => p.endsWith('.html'))!,
          'utf8',
        );
        expect(html).toContain('<title>table3/(1): reused (its columns unchanged), key ');
        expect(html).toContain('<title>table4/(7): computed, key ');
        const graph = toMermaid(
          refreshGraph(
            second.input.runId,
            (await loadRunSteps(db, second.input.runId)).map((r) => ({
              ...r,
              state: r.reused ? ('reused' as const) : ('computed' as const),
            })),
          ),
        );
        expect(checkMermaidFlowchart(graph)).toEqual([]);
        expect(graph).toMatch(/\["#40;1#41;<br\/>ols · its columns unchanged<br\/>[0-9a-f]{12} · reused"\]/);

        // A reused estimation's numbers are those a recomputation on today's panel gives, byte for byte:
        // a changed module in the GMM family's closure recomputes its four (reused) columns.
        await writeManifest(config.buildManifest!, 'robot');
        const recomputed = await refresh();
        const gmm = ['table4/(10)', 'table4/(3)', 'table4/(4)', 'table4/(9)'];
        expect(recomputed.computed.filter((s) => s !== 'publish').sort()).toEqual(gmm);
        const reused = await loadEstimations(db, second.input.runId);
        const fresh = await loadEstimations(db, recomputed.input.runId);
        for (const id of gmm) {
          expect(second.steps.find((s) => s.step === id)!.reused).toBe(true);
          expect(JSON.stringify(fresh.find((s) => s.stepId === id)!.result)).toBe(
            JSON.stringify(reused.find((s) => s.stepId === id)!.result),
          );
        }
      } finally {
        await writeManifest(config.buildManifest!, '1');
        await restore();
      }
      // Put back: the next refresh is the first one's keys again, nothing of it is computed.
      const again = await refresh();
      expect(again.input.runId).toBe(first.input.runId);
    }, 600_000);

    it('an input feeding a column every estimation reads (CI): every estimation reruns', async () => {
      // The secondary CO2 series extends CI (and RE) past the inventories' last year.
      const restore = await editInput(
        'real/panels/co2.csv',
        '安徽省,340000,2020,491921365.1',
        '安徽省,340000,2020,501921365.1',
      );
      try {
        const before = await rerunReasons();
        const estimations = first.steps.filter((s) => s.kind === 'estimate').map((s) => s.step);
        expect(before.estimations).toEqual([...estimations].sort());
        for (const step of estimations)
          expect(before.rerun[step], step).toContainEqual(
            expect.stringMatching(/^column CI changed \(digest /),
          );
        const third = await refresh();
        expect(third.computed.sort()).toEqual(
          ['assemble', 'indicators', 'ingest:real/panels/co2.csv', 'publish', ...estimations].sort(),
        );
      } finally {
        await restore();
      }
    }, 600_000);

    it('an input feeding a control (ER): exactly the columns with the controls rerun', async () => {
      const restore = await editInput('synthetic/pollution_investment.csv', 'BJ,2011,78706', 'BJ,2011,78707');
      try {
        const fourth = await refresh();
        expect(
          fourth.computed
            .filter((s) => !['assemble', 'indicators', 'publish'].includes(s) && !s.startsWith('ingest:'))
            .sort(),
        ).toEqual([...READS_ER].sort());
      } finally {
        await restore();
      }
      expect((await refresh()).input.runId).toBe(first.input.runId);
    }, 600_000);

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
        /^Inputs: 1 files differ\n {2}changed {2}real\/ifr\/robot_installations\.csv: bytes [0-9a-f]{12} → [0-9a-f]{12}\nStudy: unchanged\nCode: unchanged\n/,
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
