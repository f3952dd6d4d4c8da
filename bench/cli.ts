/**
 * npm run bench:cli — how fast the command line answers, as a user meets it (real processes, the
 * local dev server, the embedded store, this machine's load printed):
 *   --help                                 goal < 0.5 s
 *   status of a finished run, no worker    goal < 1 s
 *   a no-op run (inputs already done)      goal < 3 s
 *   resume: a second `run` after Ctrl-C to the first newly completed step   goal < 10 s
 * Each figure is the median of a few rounds, printed with its ratio to a bare `node -e ''` start
 * measured in the same run (the floor any Node command pays). A benchmark, not a test: nothing fails.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig, PROJECT_ROOT } from '../common/config';
import { freePort } from '../common/ports';
import { resolveTemporalCli } from '../temporal/cli-binary';
import { taskQueues } from '../temporal/deployment';
import { startDevServer } from '../temporal/dev-server';
import { PROGRESS_MEMO, type Progress } from '../workflows/progress';

const BIN = join(PROJECT_ROOT, 'bin', 'aicarbon.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function timed(args: string[], env: NodeJS.ProcessEnv = {}, cmd = BIN) {
  const started = performance.now();
  const child = spawn(process.execPath, cmd === '-e' ? ['-e', ''] : [cmd, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; ms: number; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, ms: performance.now() - started, out, err })),
  );
  return { child, done, started };
}

async function median(rounds: number, once: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < rounds; i++) xs.push(await once());
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

async function must(args: string[], env: NodeJS.ProcessEnv) {
  const r = await timed(args, env).done;
  if (r.code !== 0 && r.code !== 3) throw new Error(`aicarbon ${args.join(' ')} exited ${r.code}:\n${r.err}`);
  return r;
}

const config = loadConfig();
const dataDir = await mkdtemp(join(tmpdir(), 'bench-cli-'));
const port = await freePort();
const uiPort = await freePort();
const env = {
  AICARBON_DATA_DIR: dataDir,
  AICARBON_OUT_DIR: join(dataDir, 'out'),
  AICARBON_TEMPORAL_PORT: String(port),
  AICARBON_TEMPORAL_UI_PORT: String(uiPort),
  DATABASE_URL: '',
  TEMPORAL_ADDRESS: '',
};
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${ROUNDS} rounds each`,
);
await must(['--version'], env); // builds dist/ if a source changed, outside the measurements

const node = await median(ROUNDS, async () => (await timed([], {}, '-e').done).ms);
const help = await median(ROUNDS, async () => (await must(['--help'], env)).ms);

// This process holds a lease on the dev server, so it stays up between the runs below.
const cli = await resolveTemporalCli({ cliPath: config.temporalCliPath, cacheDir: config.cacheDir });
const server = await startDevServer({ binary: cli.path, dataDir, port, uiPort, user: 'bench:cli' });
try {
  const first = await must(['run', '--json'], env);
  const runId = JSON.parse(first.out).runId as string;
  const status = await median(ROUNDS, async () => (await must(['status', runId], env)).ms);
  const noop = await median(ROUNDS, async () => (await must(['run'], env)).ms);

  // Resume: Ctrl-C a forced rerun in the estimate stage, then time the next `run` to its first new step.
  const connection = await Connection.connect({ address: server.address });
  const { Client } = await import('@temporalio/client');
  const client = new Client({ connection });
  const deployment = taskQueues({ dataDir, outDir: env.AICARBON_OUT_DIR }).deployment;
  const workflowId = `${runId}@${deployment}`;
  const progress = async () =>
    (await client.workflow.getHandle(workflowId).describe()).memo?.[PROGRESS_MEMO] as Progress | undefined;
  const resumes: number[] = [];
  for (let i = 0; i < Math.min(ROUNDS, 3); i++) {
    const forced = timed(['run', '--force'], env);
    let at: Progress | undefined;
    for (;;) {
      at = await progress().catch(() => undefined);
      if (at?.stage === 'estimate' && at.stepsDone > at.stepsTotal - 40) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    forced.child.kill('SIGINT');
    await forced.done;
    const stoppedAt = (await progress())?.stepsDone ?? 0;
    const again = timed(['run'], env);
    let ms = NaN;
    for (;;) {
      const p = await progress().catch(() => undefined);
      if ((p?.stepsDone ?? 0) > stoppedAt) {
        ms = performance.now() - again.started;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await again.done;
    resumes.push(ms);
  }
  resumes.sort((a, b) => a - b);
  const resume = resumes[Math.floor(resumes.length / 2)];
  await connection.close();

  const row = (what: string, ms: number, goal: number) =>
    console.log(
      `${what.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(6)} s   ${(ms / node).toFixed(1).padStart(5)}× node   goal < ${goal} s ${ms < goal * 1000 ? 'met' : 'NOT met'}`,
    );
  console.log(`${'bare node -e ""'.padEnd(44)} ${(node / 1000).toFixed(2).padStart(6)} s   (the reference)`);
  row('aicarbon --help', help, 0.5);
  row('aicarbon status RUN (finished, no worker)', status, 1);
  row('aicarbon run (no-op: already completed)', noop, 3);
  row('aicarbon run after Ctrl-C → first new step', resume, 10);
} finally {
  await server.stop();
}
