/**
 * npm run bench:pipeline — the full sample refresh through Temporal (real dev server, in-process
 * workers, PGlite store), split by stage, with the orchestration overhead; and, as the reference
 * measured in the same run, the same stages called directly without Temporal or a store.
 *
 * npm run bench:study (`--warm`) — the same, timed after a first refresh has warmed the dev server,
 * the workflow bundle and the store (the goal: the whole default study under 30 s).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { planRefresh } from '../activities/plan';
import { assemble } from '../assembly';
import { triggerRefresh } from '../cli/trigger';
import { loadConfig } from '../common/config';
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

Runtime.install({ logger: new DefaultLogger('ERROR') });
const config = loadConfig();
const dataDir = await mkdtemp(join(tmpdir(), 'bench-pipeline-'));
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
const workers = await startWorkers({
  connection,
  namespace: 'default',
  db,
  config: { ...config, outDir: join(dataDir, 'out') },
});

const input = await planRefresh({ studyPath: config.studyPath, inputsDir: config.inputsDir });
if (process.argv.includes('--warm')) {
  const warmUp = await triggerRefresh(client, { ...input, runId: `${input.runId}-warmup-${Date.now()}` });
  await warmUp.handle.result();
}
input.runId = `${input.runId}-bench-${Date.now()}`;
const t0 = performance.now();
const { handle } = await triggerRefresh(client, input);
await handle.result();
const wall = performance.now() - t0;

// Stage spans and activity busy time from the refresh's own history (and its estimate child's).
const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
type Span = { name: string; start: number; end: number };
async function activitySpans(workflowId: string): Promise<Span[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const started = new Map<string, number>();
  const names = new Map<string, string>();
  const spans: Span[] = [];
  for (const e of history.events ?? []) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes)
      names.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    if (e.activityTaskStartedEventAttributes) {
      started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), ms(e.eventTime));
    }
    if (e.activityTaskCompletedEventAttributes) {
      const sid = String(e.activityTaskCompletedEventAttributes.scheduledEventId);
      spans.push({
        name: names.get(sid) ?? '?',
        start: started.get(sid) ?? ms(e.eventTime),
        end: ms(e.eventTime),
      });
    }
  }
  return spans;
}
const spans = [...(await activitySpans(input.runId)), ...(await activitySpans(`${input.runId}/estimate`))];
const byStage: Record<string, string[]> = {
  ingest: ['startRun', 'readInputManifest', 'planStudy', 'ingestSource', 'linkRunFiles'],
  assemble: ['assemblePanel'],
  indicators: ['computeIndicators'],
  estimate: ['estimateStep'],
  publish: ['publishRun', 'finishRun'],
};
const busy = (list: Span[]) => {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  let total = 0;
  let end = -Infinity;
  for (const s of sorted) {
    if (s.start > end) {
      total += s.end - s.start;
      end = s.end;
    } else if (s.end > end) {
      total += s.end - end;
      end = s.end;
    }
  }
  return total;
};
console.log(`Temporal refresh of the sample study: ${(wall / 1000).toFixed(2)} s wall`);
for (const [stage, names] of Object.entries(byStage)) {
  const list = spans.filter((s) => names.includes(s.name));
  const span = list.length ? Math.max(...list.map((s) => s.end)) - Math.min(...list.map((s) => s.start)) : 0;
  console.log(`  ${stage.padEnd(11)} ${(span / 1000).toFixed(2)} s across ${list.length} activities`);
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

await workers.shutdown();
await connection.close();
await client.connection.close();
await db.close();
await server.stop();
