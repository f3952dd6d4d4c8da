/**
 * npm run bench:pipeline — the full sample refresh through Temporal (real dev server, in-process
 * workers, PGlite store), split by stage, with the orchestration overhead; and, as the reference
 * measured in the same run, the same stages called directly without Temporal or a store.
 *
 * npm run bench:study (`--warm`) — the same, timed after a first refresh has warmed the dev server,
 * the workflow bundle and the store (the goal: the whole default study under 30 s).
 *
 * `--rounds N` repeats the full and the one-variable refresh N times, interleaved, and prints their
 * medians and the range of the ratio; `--activities`, `--trace-sql` and `--cpu-prof DIR` show where an
 * incremental refresh's time goes (each activity's span, each statement's time, a CPU profile).
 *
 * Both then time incremental refreshes against the full one in the same run, each after one input
 * file changed: an input of one variable (IFR robot installations → ROBOT, read by two columns; goal:
 * under a quarter of the full refresh), and for contrast an input of a control (pollution-control
 * investment → ER, read by most columns). Each names the indicator columns that changed and the
 * estimations that reran; the others are reused (the early cut-off: estimations are keyed on the
 * columns they read). So that the full refresh computes every step although the
 * store keeps what earlier refreshes stored, each full refresh carries a code version of its own: the
 * workers read the build's module graph with a probe module added to every step's closure.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { planRefresh } from '../activities/plan';
import { assemble } from '../assembly';
import { triggerRefresh } from '../cli/trigger';
import { loadConfig, PROJECT_ROOT } from '../common/config';
import { estimate } from '../econometrics/estimate';
import { computeIndicators } from '../indicators';
import { ingestManifest, type Observation } from '../ingest';
import { Panel } from '../panel';
import { listEstimations, loadStudy } from '../study';
import { InputError } from '../common/errors';
import { weightsOption } from '../study/weights';
import { openDb, type Db, type Queryable } from '../store/db';
import { resolveTemporalCli } from '../temporal/cli-binary';
import { connectClient } from '../temporal/connection';
import { startDevServer } from '../temporal/dev-server';
import { startWorkers } from '../worker';
import { freePort } from '../common/ports';
import { build } from '../scripts/build.mjs';
import { busy, stageSpans, workflowSpans } from './history';
import { taskQueues } from '../temporal/deployment';
import { refreshWorkflowId } from '../workflows/types';

Runtime.install({ logger: new DefaultLogger('ERROR') });
await build();
const dataDir = await mkdtemp(join(tmpdir(), 'bench-pipeline-'));
const base = loadConfig();
// A copy of the inputs (one file is changed for the incremental refresh) and the probed module graph.
await cp(base.inputsDir, join(dataDir, 'inputs'), { recursive: true });
const config = { ...base, inputsDir: join(dataDir, 'inputs'), buildManifest: join(dataDir, 'build.json') };
const built = await readFile(join(PROJECT_ROOT, 'dist', 'build.json'), 'utf8');
const PROBE = 'bench/code-probe.ts';
async function codeProbe(tag: string) {
  const graph = JSON.parse(built);
  for (const root of [
    'ingest/index.ts',
    'assembly/index.ts',
    'indicators/index.ts',
    'panel/index.ts',
    'publish/index.ts',
  ])
    graph.files[root].deps.push(PROBE);
  graph.files[PROBE] = { hash: tag, deps: [] };
  await writeFile(config.buildManifest, JSON.stringify(graph));
}
const cli = await resolveTemporalCli({ cliPath: config.temporalCliPath, cacheDir: config.cacheDir });
const server = await startDevServer({
  binary: cli.path,
  dataDir,
  port: await freePort(),
  uiPort: await freePort(),
});
const db = await openDb({ databaseUrl: config.databaseUrl, dataDir });
const connection = await NativeConnection.connect({ address: server.address });
const client = await connectClient(server.address, 'default');
const workerConfig = { ...config, dataDir, outDir: join(dataDir, 'out') };
// --trace-sql: each statement's time and rows during each incremental refresh (the workers' store).
const sqlTrace = process.argv.includes('--trace-sql')
  ? new Map<string, { n: number; ms: number; rows: number }>()
  : undefined;
let tracing = false;
const traced = (q: Queryable): Queryable => ({
  query: async <T>(sql: string, params?: unknown[]) => {
    const t = performance.now();
    const rows = await q.query<T>(sql, params);
    if (tracing && sqlTrace) {
      const key = sql
        .replace(/\s+/g, ' ')
        .replace(/(\(\$\d+(,\$\d+)*\),?)+/g, '(…)')
        .slice(0, 110);
      const e = sqlTrace.get(key) ?? { n: 0, ms: 0, rows: 0 };
      e.n += 1;
      e.ms += performance.now() - t;
      e.rows += rows.length;
      sqlTrace.set(key, e);
    }
    return rows;
  },
  exec: (sql: string) => q.exec(sql),
});
const workerDb: Db = sqlTrace
  ? { ...db, ...traced(db), transaction: (fn) => db.transaction((tx) => fn(traced(tx))) }
  : db;
const workers = await startWorkers({ connection, namespace: 'default', db: workerDb, config: workerConfig });

const plan = async () => ({
  ...(await planRefresh({
    studyPath: config.studyPath,
    inputsDir: config.inputsDir,
    buildManifest: config.buildManifest,
  })),
  queues: taskQueues(workerConfig),
});
if (process.argv.includes('--warm')) {
  await codeProbe(`warm-up ${Date.now()}`);
  const warmUp = await triggerRefresh(client, await plan());
  await warmUp.handle.result();
}
await codeProbe(`full ${Date.now()}`);
const input = await plan();
const t0 = performance.now();
const { handle } = await triggerRefresh(client, input);
await handle.result();
const wall = performance.now() - t0;

// Stage spans and activity busy time from the refresh's own history (and its estimate child's).
const spans = [
  ...(await workflowSpans(client, refreshWorkflowId(input))).activities,
  ...(await workflowSpans(client, `${refreshWorkflowId(input)}/estimate`)).activities,
];
console.log(`Temporal refresh of the sample study: ${(wall / 1000).toFixed(2)} s wall`);
for (const s of stageSpans(spans)) {
  console.log(`  ${s.stage.padEnd(11)} ${(s.ms / 1000).toFixed(2)} s across ${s.activities} activities`);
}
const activityTime = busy(spans);
console.log(
  `  activity busy time ${(activityTime / 1000).toFixed(2)} s; orchestration overhead ${((wall - activityTime) / 1000).toFixed(2)} s`,
);

// Reference: the same work called directly, no Temporal, no store.
const r0 = performance.now();
const observations: Observation[] = (await ingestManifest(config.inputsDir)).flatMap((f) => f.observations);
const study = loadStudy(config.studyPath);
const table = computeIndicators(
  assemble(observations, { years: study.years, ...study.assembly }),
  study.indicators,
);
const panel = Panel.fromRows(table.rows, { entity: 'province', time: 'year' });
for (const step of listEstimations(study)) {
  try {
    estimate(panel, step.spec, weightsOption(study, step.weights, table.rows));
  } catch (e) {
    if (!(e instanceof InputError)) throw e; // the refresh reports these steps as failed, too
  }
}
const direct = performance.now() - r0;
console.log(`Direct (no Temporal, no store): ${(direct / 1000).toFixed(2)} s`);
console.log(`ratio Temporal / direct: ${(wall / direct).toFixed(2)}`);

// Incremental: one input file changed, the same code; every step whose key did not change is reused,
// estimations included when the indicator columns they read did not change (the early cut-off).
const steps = async (runId: string) =>
  db.query<{ reused: boolean; kind: string; step: string }>(
    `SELECT reused, kind, step FROM run_steps WHERE run_id = $1 ORDER BY step`,
    [runId],
  );
/** The indicator columns whose content digest differs between two runs' panels. */
const changedColumns = async (a: string, b: string) => {
  const digests = async (runId: string) =>
    (
      await db.query<{ d: Record<string, string> | null }>(
        `SELECT p.report -> 'columnDigests' AS d FROM run_snapshots r
         JOIN panel_snapshots p ON p.snapshot_hash = r.snapshot_hash
         WHERE r.run_id = $1 AND r.kind = 'indicators'`,
        [runId],
      )
    )[0]?.d ?? {};
  const [x, y] = [await digests(a), await digests(b)];
  return Object.keys(y).filter((c) => x[c] !== y[c] && c !== 'province' && c !== 'year');
};
const load = () => `load ${loadavg()[0].toFixed(1)}`;
const fullSteps = await steps(input.runId);
console.log(
  `Full refresh: ${(wall / 1000).toFixed(2)} s, ${fullSteps.filter((s) => !s.reused).length} steps computed, ` +
    `${fullSteps.filter((s) => s.reused).length} reused (${load()})`,
);
const estimations = fullSteps.filter((s) => s.kind === 'estimate').length;
// --cpu-prof DIR: a CPU profile of this process (workflows and activities) during each incremental refresh.
const profileAt = process.argv.indexOf('--cpu-prof');
const profileDir = profileAt > 0 ? process.argv[profileAt + 1] : undefined;
async function startProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async (path: string) => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(path, JSON.stringify(profile));
    session.disconnect();
    console.log(`  CPU profile: ${path}`);
  };
}
async function incremental(
  label: string,
  file: string,
  edit: (text: string) => string,
  full = { runId: input.runId, ms: wall },
) {
  const path = join(config.inputsDir, file);
  const text = await readFile(path, 'utf8');
  const changed = edit(text);
  if (changed === text) throw new Error(`bench: the edit of ${file} changed nothing`);
  await writeFile(path, changed);
  const next = await plan();
  const startLoad = load();
  const profile = profileDir ? await startProfile() : undefined;
  sqlTrace?.clear();
  tracing = true;
  const t = performance.now();
  await (await triggerRefresh(client, next)).handle.result();
  const ms = performance.now() - t;
  tracing = false;
  if (sqlTrace)
    for (const [sql, e] of [...sqlTrace].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15))
      console.log(`  sql ${e.ms.toFixed(0).padStart(5)} ms ×${e.n} ${e.rows} rows: ${sql}`);
  if (profile) await profile(join(profileDir!, `${file.replace(/\W+/g, '_')}.cpuprofile`));
  const records = await steps(next.runId);
  const refreshSpans = await workflowSpans(client, refreshWorkflowId(next));
  const spansOf = [
    ...refreshSpans.activities,
    ...(await workflowSpans(client, `${refreshWorkflowId(next)}/estimate`)).activities,
  ];
  if (process.argv.includes('--activities'))
    for (const a of [...spansOf].sort((x, y) => x.start - y.start))
      console.log(
        `  activity ${a.name.padEnd(18)} from ${((a.start - refreshSpans.started) / 1000).toFixed(2)} s, ${(a.end - a.start).toFixed(0)} ms`,
      );
  const rerun = records.filter((s) => s.kind === 'estimate' && !s.reused).map((s) => s.step);
  console.log(
    `Incremental refresh, ${label} (${file} changed): ${(ms / 1000).toFixed(2)} s, ` +
      `${records.filter((s) => !s.reused).length} steps computed, ${records.filter((s) => s.reused).length} reused (${startLoad} → ${load()})`,
  );
  console.log(
    `  columns changed: ${(await changedColumns(full.runId, next.runId)).join(', ') || 'none'}; ` +
      `estimations rerun: ${rerun.length} of ${estimations}${rerun.length && rerun.length < 10 ? ` (${rerun.join(', ')})` : ''}`,
  );
  console.log(
    `  ${stageSpans(spansOf)
      .map(
        (x) =>
          `${x.stage} ${(x.ms / 1000).toFixed(2)} s (from ${((x.start - refreshSpans.started) / 1000).toFixed(1)} s)`,
      )
      .join(', ')}; orchestration ${((ms - busy(spansOf)) / 1000).toFixed(2)} s`,
  );
  console.log(`  ratio incremental / full: ${(ms / full.ms).toFixed(3)}`);
  await writeFile(path, text);
  return ms;
}
// The goal's case: an input of one variable. IFR's national robot installations feed ROBOT alone, read by
// the two robot-exposure columns of Table 4.
const robots = (csv: string) =>
  csv.replace(/^(China,CHN,2015,)(\d+)$/m, (_, head: string, v: string) => `${head}${Number(v) + 500}`);
const one = await incremental('an input of one variable', 'real/ifr/robot_installations.csv', robots);
// For contrast: an input of a control (pollution-control investment → ER), which most columns read.
await incremental('an input of a control variable', 'synthetic/pollution_investment.csv', (csv) =>
  csv.replace(/^(BJ,2011,)(\d+)$/m, (_, head: string, v: string) => `${head}${Number(v) + 1}`),
);
console.log(`ratio incremental (one variable) / full: ${(one / wall).toFixed(3)} (goal < 0.25)`);

// --rounds N: N rounds of (a full refresh under a code version of its own, then the one-variable
// refresh after it), interleaved; medians and the range of the per-round ratio.
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 1;
if (rounds > 1) {
  const pairs = [{ full: wall, one }];
  for (let r = 1; r < rounds; r++) {
    await codeProbe(`full ${Date.now()}`);
    const again = await plan();
    const startLoad = load();
    const t = performance.now();
    await (await triggerRefresh(client, again)).handle.result();
    const full = performance.now() - t;
    console.log(`Round ${r + 1}: full refresh ${(full / 1000).toFixed(2)} s (${startLoad} → ${load()})`);
    const ms = await incremental('an input of one variable', 'real/ifr/robot_installations.csv', robots, {
      runId: again.runId,
      ms: full,
    });
    pairs.push({ full, one: ms });
  }
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const ratios = pairs.map((p) => p.one / p.full);
  console.log(
    `${rounds} rounds: full refresh median ${(median(pairs.map((p) => p.full)) / 1000).toFixed(2)} s, ` +
      `one-variable refresh median ${(median(pairs.map((p) => p.one)) / 1000).toFixed(2)} s; ratio median ` +
      `${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}) (goal < 0.25; ${load()})`,
  );
}

await workers.shutdown();
await connection.close();
await client.connection.close();
await db.close();
await server.stop();
