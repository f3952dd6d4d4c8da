/**
 * npm run bench:run — what a user waits for: the wall time of `aicarbon run` (the installed command,
 * `node bin/aicarbon.js run`, a fresh process each time, PGlite store, sample study), from the moment
 * it is started until it exits, and where that time goes:
 *   before   process start → the refresh workflow started (Node and module loading, hashing the inputs,
 *            reaching or starting the dev server, opening the store, starting the workers, the trigger);
 *   workflow the refresh workflow started → closed, split by stage from its own history (warm only);
 *   after    workflow closed → process exit (printing, worker shutdown, store close, server stop).
 * Four conditions, interleaved round by round (cold, warm no-op, warm recomputing, warm code changed,
 * cold, …) so drifting load hits all alike:
 *   warm no-op        `aicarbon run` on a Temporal dev server already running (started by this script, as
 *                     `temporal server start-dev` would be) and a store holding this very refresh,
 *                     completed (one untimed warm-up): memoisation makes it a no-op, "already completed";
 *   warm recomputing  `aicarbon run --force` on the same server and store: every step computed again
 *                     (each file parsed, the panels built, every estimation, publishing), the figure
 *                     that says how fast the pipeline is;
 *   warm code changed  `aicarbon run` on the same server and store after a code upgrade that leaves
 *                     ingestion alone: the input files are reused by their keys and everything after
 *                     them is computed (the panels, every estimation, publishing). The upgrade is the
 *                     build manifest's code probe (as bench:pipeline's): a module of its own, with a
 *                     new hash each round, added to the closures of assembly, indicators, the panel,
 *                     the estimators and publishing, not ingestion's (AICARBON_BUILD_MANIFEST);
 *   standing code changed  the same upgrade with a standing worker (`aicarbon worker`, its own data
 *                     folder on the warm server) restarted on the upgraded code beforehand, untimed, as
 *                     a deployment is upgraded: `aicarbon run` hands the refresh to it (no store opened,
 *                     no worker code loaded in the command); the worker has its modules loaded, its
 *                     store open and its estimators warmed up (it does so as it starts; the benchmark
 *                     waits for its log to say so), the rest of its code cold;
 *   standing recomputing  `aicarbon run --force` right after, on that worker (its JIT now warm): every
 *                     step computed again, each file parsed;
 *   cold              `aicarbon run` with no server and no store: a fresh data directory, so the command
 *                     starts its own dev server, creates the PGlite store and runs the migrations (the
 *                     Temporal CLI binary itself is cached; the operating system's file cache is warm in
 *                     every condition).
 * Figures: median over rounds of wall, CPU (the command and the processes it reaped: the cold dev
 * server's CPU is included, the warm server's is not; the standing worker's during the run is) and each
 * part of the split; load printed.
 * Goal (issue: performance): warm ≤ 5 s, recomputing. Flags: --rounds N (default 3); --only A,B (only
 * the conditions named, by the words before their figures: `--only "warm code changed"`).
 */
import { taskQueues } from '../temporal/deployment';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { loadConfig } from '../common/config';
import { loadCodeVersions, STEP_ROOTS } from '../freshness/code-versions';
import { freePort } from '../common/ports';
import { resolveTemporalCli } from '../temporal/cli-binary';
import { connectClient } from '../temporal/connection';
import { startDevServer } from '../temporal/dev-server';
import { watchQueues } from '../temporal/pollers';
import { openDb } from '../store/db';
import { loadAverage, median, roundsArg } from './harness';
import { stageSpans, workflowSpans } from './history';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const rounds = roundsArg(3);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'aicarbon.js');
const config = loadConfig();

interface RunFigures {
  wallMs: number;
  cpuMs: number;
  beforeMs: number;
  workflowMs: number;
  afterMs: number;
  stages?: { stage: string; ms: number; activities: number }[];
  exit: number | null;
}

/** CPU time (ms) of this process's reaped children: /proc/self/stat cutime + cstime. */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) sit at 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** CPU time (ms) a live process has used so far: /proc/PID/stat utime + stime. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One `aicarbon run [args]` in a fresh process; the split from its stderr lines' arrival times. */
async function runOnce(
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Promise<RunFigures & { runId: string; startEpoch: number; stderr: string }> {
  const cpu0 = childrenCpuMs();
  const startEpoch = Date.now();
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'run', ...args], { cwd: root, env });
  let stderr = '';
  let stdout = '';
  let startedAt = NaN;
  let doneAt = NaN;
  let runId = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString();
    // The summary on stdout marks the end of the refresh.
    if (Number.isNaN(doneAt) && /^Refresh \S+ (done|completed)/m.test(stdout)) doneAt = performance.now();
  });
  child.stderr.on('data', (b: Buffer) => {
    const now = performance.now();
    stderr += b.toString();
    const m = /Refresh (\S+) (started|is already running|already completed)/.exec(stderr);
    if (m && Number.isNaN(startedAt)) {
      startedAt = now;
      runId = m[1];
    }
  });
  const exit = await new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  const wallMs = performance.now() - t0;
  const cpuMs = childrenCpuMs() - cpu0;
  if (exit !== 0 && exit !== 3) {
    throw new Error(`aicarbon run exited ${exit}:\n${stderr.slice(-2000)}\n${stdout.slice(-500)}`);
  }
  return {
    wallMs,
    cpuMs,
    beforeMs: startedAt - t0,
    workflowMs: doneAt - startedAt,
    afterMs: t0 + wallMs - doneAt,
    exit,
    runId,
    startEpoch,
    stderr,
  };
}

function envFor(dataDir: string, port: number, uiPort: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TEMPORAL_ADDRESS;
  delete env.DATABASE_URL;
  return {
    ...env,
    AICARBON_DATA_DIR: dataDir,
    AICARBON_OUT_DIR: join(dataDir, 'out'),
    AICARBON_TEMPORAL_PORT: String(port),
    AICARBON_TEMPORAL_UI_PORT: String(uiPort),
  };
}

// The build is what `npm start` does first; done once here so every timed run finds dist/ fresh.
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status) process.exit(build.status);

const base = mkdtempSync(join(tmpdir(), 'aicarbon-bench-run-'));

// The code upgrade of "warm code changed": the build's module graph with a probe module in the closure
// of every step after ingestion, a new hash each round; ingestion's code version must not move.
const builtManifest = join(root, 'dist', 'build.json');
const probedManifest = join(base, 'build-probed.json');
const PROBE = 'bench/code-probe.ts';
const PROBED_ROOTS = [
  'assembly/index.ts',
  'indicators/index.ts',
  'panel/index.ts',
  'econometrics/spec.ts',
  'publish/index.ts',
];
function codeUpgrade(tag: string) {
  const graph = JSON.parse(readFileSync(builtManifest, 'utf8'));
  for (const file of PROBED_ROOTS) graph.files[file].deps.push(PROBE);
  graph.files[PROBE] = { hash: tag, deps: [] };
  writeFileSync(probedManifest, JSON.stringify(graph));
  const ingest = (manifestPath: string) => loadCodeVersions({ manifestPath }).version([...STEP_ROOTS.ingest]);
  if (ingest(probedManifest) !== ingest(builtManifest))
    throw new Error(`the code probe reaches ingestion's closure: ${PROBED_ROOTS.join(', ')}`);
}
const cli = await resolveTemporalCli({ cliPath: config.temporalCliPath, cacheDir: config.cacheDir });
const warmDir = join(base, 'warm');
const warmPorts = [await freePort(), await freePort()];
const server = await startDevServer({
  binary: cli.path,
  dataDir: warmDir,
  port: warmPorts[0],
  uiPort: warmPorts[1],
});
const client = await connectClient(server.address, 'default');
const warmEnv = envFor(warmDir, warmPorts[0], warmPorts[1]);
console.log(
  `bench:run — \`aicarbon run\` on the sample study, ${rounds} rounds per condition; ` +
    `load at start ${loadAverage().toFixed(2)} on ${availableParallelism()} cores`,
);
await runOnce(warmEnv); // the warm-up: the store then holds a completed refresh, the server its history

const CONDITIONS = [
  'warm no-op',
  'warm recomputing',
  'warm code changed',
  'standing code changed',
  'standing recomputing',
  'cold',
] as const;
type Condition = (typeof CONDITIONS)[number];
const onlyAt = process.argv.indexOf('--only');
const only = new Set(onlyAt > 0 ? process.argv[onlyAt + 1]?.split(',').map((c) => c.trim()) : CONDITIONS);
for (const c of only)
  if (!(CONDITIONS as readonly string[]).includes(c))
    throw new Error(`--only: unknown condition '${c}' (expected some of: ${CONDITIONS.join(', ')})`);
const measured = CONDITIONS.filter((c) => only.has(c));
const figures = Object.fromEntries(CONDITIONS.map((c) => [c, []])) as unknown as Record<
  Condition,
  RunFigures[]
>;

/** A timed run's figures with the split and stages from the workflow's own history (server clock). */
async function withWorkflowSplit(
  run: Awaited<ReturnType<typeof runOnce>>,
  dir = warmDir,
): Promise<RunFigures> {
  // The workflow id is the run id at the deployment (the data folder's store and output folder).
  const workflowId = `${run.runId}@${taskQueues({ dataDir: dir, outDir: join(dir, 'out') }).deployment}`;
  const refresh = await workflowSpans(client, workflowId);
  const estimate = await workflowSpans(client, `${workflowId}/estimate`).catch(() => undefined);
  const t0 = run.startEpoch;
  return {
    ...run,
    beforeMs: refresh.started - t0,
    workflowMs: refresh.closed - refresh.started,
    afterMs: t0 + run.wallMs - refresh.closed,
    stages: stageSpans([...refresh.activities, ...(estimate?.activities ?? [])]),
  };
}
// The standing worker: `aicarbon worker` on its own data folder (its own deployment) on the warm server.
const standingDir = join(base, 'standing');
const standingEnv = envFor(standingDir, warmPorts[0], warmPorts[1]);
let standing: ChildProcess | undefined;
process.on('exit', () => standing?.kill('SIGKILL')); // never left behind, whatever ends the benchmark
async function stopStanding() {
  if (!standing || standing.exitCode !== null) return;
  const exited = new Promise((res) => standing!.once('exit', res));
  standing.kill('SIGTERM');
  await exited;
}
/**
 * (Re)starts the standing worker on `manifest`'s code and waits until it polls every queue and has
 * warmed its estimators up (its log says so), as a deployment restarted before its next refresh.
 */
async function startStanding(manifest: string) {
  await stopStanding();
  standing = spawn(process.execPath, [bin, 'worker'], {
    cwd: root,
    env: { ...standingEnv, AICARBON_BUILD_MANIFEST: manifest, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const warmedUp = new Promise<void>((res) =>
    standing!.stderr!.on('data', (b: Buffer) => {
      log = (log + b.toString()).slice(-20_000);
      if (/estimators warmed up/.test(log)) res();
      // Anything but the worker's info lines is the benchmark's to see.
      for (const line of b.toString().split('\n'))
        if (line && !/"level":"info"/.test(line)) process.stderr.write(`${line}\n`);
    }),
  );
  const queues = taskQueues({ dataDir: standingDir, outDir: join(standingDir, 'out') });
  for (const deadline = Date.now() + 60_000; !(await watchQueues(client, 'default', queues)).standing;) {
    if (Date.now() > deadline || standing.exitCode !== null)
      throw new Error('the standing worker did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.race([
    warmedUp,
    new Promise((_, rej) =>
      setTimeout(() => rej(new Error(`no warm-up in the standing worker's log:\n${log}`)), 60_000),
    ),
  ]);
}
const standingMeasured = only.has('standing code changed') || only.has('standing recomputing');
if (standingMeasured) {
  // Its warm-up (untimed): the store then holds the ingested files, as the warm store does.
  codeUpgrade('standing warm-up');
  await startStanding(probedManifest);
  await runOnce({ ...standingEnv, AICARBON_BUILD_MANIFEST: probedManifest });
}

const load0 = loadAverage();
for (let i = 0; i < rounds; i++) {
  if (only.has('cold')) {
    const coldDir = join(base, `cold-${i}`);
    const cold = await runOnce(envFor(coldDir, await freePort(), await freePort()));
    figures.cold.push(cold);
    rmSync(coldDir, { recursive: true, force: true });
  }

  if (only.has('warm no-op')) {
    const noop = await runOnce(warmEnv);
    if (!/already completed/.test(noop.stderr))
      throw new Error(`warm no-op: the refresh was not found completed:\n${noop.stderr.slice(-1000)}`);
    figures['warm no-op'].push(noop);
  }

  if (only.has('warm recomputing'))
    figures['warm recomputing'].push(await withWorkflowSplit(await runOnce(warmEnv, ['--force'])));

  if (only.has('warm code changed')) {
    codeUpgrade(`round ${i} ${Date.now()}`);
    const upgraded = await runOnce({ ...warmEnv, AICARBON_BUILD_MANIFEST: probedManifest });
    if (!/ started/.test(upgraded.stderr))
      throw new Error(`warm code changed: no new refresh started:\n${upgraded.stderr.slice(-1000)}`);
    figures['warm code changed'].push(await withWorkflowSplit(upgraded));
    // What the condition claims, from the store (untimed): every file reused, every later step computed.
    const store = await openDb({ dataDir: warmDir });
    const steps = await store
      .query<{ kind: string; reused: boolean; n: number }>(
        `SELECT kind, reused, count(*)::int AS n FROM run_steps WHERE run_id = $1 GROUP BY kind, reused`,
        [upgraded.runId],
      )
      .finally(() => store.close());
    const wrong = steps.filter((st) => st.reused !== (st.kind === 'ingest'));
    if (wrong.length || !steps.some((st) => st.kind === 'ingest'))
      throw new Error(
        `warm code changed: steps ${JSON.stringify(steps)} (expected ingest reused, the rest computed)`,
      );
    if (i === 0)
      console.log(
        `warm code changed: ${steps.map((st) => `${st.kind} ${st.reused ? 'reused' : 'computed'} ${st.n}`).join(', ')}`,
      );
  }

  if (!standingMeasured) continue;
  // The standing worker upgraded (untimed), then the same code-changed refresh handed to it.
  codeUpgrade(`standing round ${i} ${Date.now()}`);
  await startStanding(probedManifest);
  // CPU: the command's and the standing worker's during the run.
  const withWorkerCpu = async (run: Promise<Awaited<ReturnType<typeof runOnce>>>) => {
    const before = processCpuMs(standing!.pid!);
    const r = await run;
    return { ...r, cpuMs: r.cpuMs + processCpuMs(standing!.pid!) - before };
  };
  const handed = await withWorkerCpu(runOnce({ ...standingEnv, AICARBON_BUILD_MANIFEST: probedManifest }));
  if (!/started on the standing worker/.test(handed.stderr))
    throw new Error(`standing code changed: not handed to the worker:\n${handed.stderr.slice(-1000)}`);
  if (only.has('standing code changed'))
    figures['standing code changed'].push(await withWorkflowSplit(handed, standingDir));
  if (only.has('standing recomputing')) {
    const forced = await withWorkerCpu(
      runOnce({ ...standingEnv, AICARBON_BUILD_MANIFEST: probedManifest }, ['--force']),
    );
    figures['standing recomputing'].push(await withWorkflowSplit(forced, standingDir));
  }
}
await stopStanding();
const load1 = loadAverage();

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const med = (list: RunFigures[], f: (r: RunFigures) => number) => median(list.map(f));
console.log(`[median of ${rounds} interleaved rounds; load ${load0.toFixed(2)} → ${load1.toFixed(2)}]`);
for (const cond of measured) {
  const list = figures[cond];
  const walls = list.map((r) => r.wallMs);
  const split =
    cond === 'warm no-op'
      ? '   (no workflow: the refresh is reported completed)'
      : `   before the workflow ${s(med(list, (r) => r.beforeMs))}` +
        `   workflow ${s(med(list, (r) => r.workflowMs))}` +
        `   after ${s(med(list, (r) => r.afterMs))}`;
  console.log(
    `${cond.padEnd(22)}  wall ${s(med(list, (r) => r.wallMs))} (rounds ${s(Math.min(...walls))}–${s(Math.max(...walls))})` +
      `   cpu ${s(med(list, (r) => r.cpuMs))}${split}`,
  );
  if (list[0].stages) {
    const parts = list[0].stages.map(
      (st, k) => `${st.stage} ${s(median(list.map((r) => r.stages![k].ms)))} (${st.activities})`,
    );
    console.log(`${''.padEnd(24)}workflow stages (span, activities): ${parts.join(', ')}`);
  }
}
for (const cond of measured) {
  if (cond === 'warm no-op' || cond === 'cold') continue;
  const wall = med(figures[cond], (r) => r.wallMs);
  console.log(`goal: ${cond} wall ≤ 5 s → ${wall <= 5000 ? 'met' : 'not met'}`);
}

await client.connection.close();
await server.stop();
rmSync(base, { recursive: true, force: true });
