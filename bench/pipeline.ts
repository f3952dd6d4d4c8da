/**
 * npm run bench:pipeline — the full sample refresh through Temporal (real dev server, in-process
 * workers, PGlite store), split by stage, with the orchestration overhead; and, as the reference
 * measured in the same run, the same stages called directly without Temporal or a store.
 *
 * npm run bench:study (`--warm`) — the same, timed after a first refresh has warmed the dev server,
 * the workflow bundle and the store (the goal: the whole default study under 30 s).
 *
 * Both then time an incremental refresh against the full one in the same run: one input file of one
 * variable changed (the synthetic pollution-control investment), every other step reused from the store
 * (goal: under a quarter of the full refresh). So that the full refresh computes every step although the
 * store keeps what earlier refreshes stored, each full refresh carries a code version of its own: the
 * workers read the build's module graph with a probe module added to every step's closure.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
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
import { weightsOption } from '../activities/estimate';
import { openDb } from '../store/db';
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
const workers = await startWorkers({ connection, namespace: 'default', db, config: workerConfig });

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

// Incremental: one input file of one variable changed, the same code; everything else is reused.
const steps = async (runId: string) =>
  db.query<{ reused: boolean; n: number }>(
    `SELECT reused, count(*)::int AS n FROM run_steps WHERE run_id = $1 GROUP BY reused ORDER BY reused`,
    [runId],
  );
const changed = join(config.inputsDir, 'synthetic', 'pollution_investment.csv');
const csv = await readFile(changed, 'utf8');
await writeFile(
  changed,
  csv.replace(/^(BJ,2011,)(\d+)$/m, (_, head: string, v: string) => `${head}${Number(v) + 1}`),
);
const incrementalInput = await plan();
const i0 = performance.now();
await (await triggerRefresh(client, incrementalInput)).handle.result();
const incremental = performance.now() - i0;
const count = (rows: { reused: boolean; n: number }[], reused: boolean) =>
  rows.find((r) => r.reused === reused)?.n ?? 0;
const [fullSteps, incSteps] = [await steps(input.runId), await steps(incrementalInput.runId)];
console.log(
  `Full refresh: ${(wall / 1000).toFixed(2)} s, ${count(fullSteps, false)} steps computed, ${count(fullSteps, true)} reused`,
);
console.log(
  `Incremental refresh (synthetic/pollution_investment.csv changed): ${(incremental / 1000).toFixed(2)} s, ` +
    `${count(incSteps, false)} steps computed, ${count(incSteps, true)} reused`,
);
console.log(`ratio incremental / full: ${(incremental / wall).toFixed(3)} (goal < 0.25)`);

await workers.shutdown();
await connection.close();
await client.connection.close();
await db.close();
await server.stop();
