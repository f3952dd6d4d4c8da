/**
 * The local Temporal dev server (`temporal server start-dev`): persistent SQLite state under `.data/`,
 * the Web UI, and the project's search attributes registered. A server already listening on the port
 * (another `aicarbon` process, `aicarbon server`, or one the operator started) is reused rather than
 * fought over.
 *
 * Who stops it: every aicarbon process that uses the server holds a lease (a file named by its pid in
 * a folder per port); a server aicarbon started runs in its own process group (Ctrl-C in the terminal
 * does not reach it) and is stopped by the last aicarbon process to let go of it — never while another
 * one (a second `run`, a worker, `aicarbon server`) still holds a lease. A server aicarbon did not
 * start is never stopped by it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from './search-attributes';

export interface DevServerOptions {
  binary: string;
  dataDir: string;
  port: number;
  uiPort: number;
  ip?: string;
  namespace?: string;
  /** How long to wait for the server to answer, ms. */
  startupTimeoutMs?: number;
  /** What holds the lease, shown to other processes (e.g. `aicarbon run`). */
  user?: string;
  /** Keep the server after this process lets go (`aicarbon server` while it runs). */
  keep?: boolean;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  /** False when an already-running server was reused. */
  owned: boolean;
  /** The server's process id, when aicarbon started it. */
  pid?: number;
  /** Lets go of the server: stops it when this was the last aicarbon process using it. */
  stop(): Promise<{ stopped: boolean; users: number }>;
}

interface ServerRecord {
  pid: number;
  address: string;
  uiUrl: string;
  dataDir: string;
  startedBy: number;
}

const TYPE_NAMES: Record<string, string> = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int' };

/** The folder of leases and the server record of the dev server on `port`. */
export function leaseDir(port: number): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `aicarbon-${uid}`, `dev-server-${port}`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answers(address: string, timeoutMs: number): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

async function readRecord(dir: string): Promise<ServerRecord | undefined> {
  try {
    const r = JSON.parse(await readFile(join(dir, 'server.json'), 'utf8')) as ServerRecord;
    return isAlive(r.pid) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** The live aicarbon processes holding a lease on the server of `port` (stale leases are removed). */
export async function leaseHolders(port: number): Promise<{ pid: number; user: string; keep: boolean }[]> {
  const dir = join(leaseDir(port), 'users');
  const holders = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    if (!isAlive(pid)) {
      await rm(join(dir, name), { force: true });
      continue;
    }
    const lease = JSON.parse(await readFile(join(dir, name), 'utf8').catch(() => '{}')) as {
      user?: string;
      keep?: boolean;
    };
    holders.push({ pid, user: lease.user ?? 'aicarbon', keep: Boolean(lease.keep) });
  }
  return holders;
}

async function takeLease(port: number, user: string, keep: boolean): Promise<void> {
  const dir = join(leaseDir(port), 'users');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, String(process.pid)), JSON.stringify({ user, keep, since: new Date() }));
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Drops this process's lease; stops an aicarbon-started server nobody else uses. */
async function release(port: number): Promise<{ stopped: boolean; users: number }> {
  const dir = leaseDir(port);
  await rm(join(dir, 'users', String(process.pid)), { force: true });
  const others = (await leaseHolders(port)).filter((h) => h.pid !== process.pid);
  const record = await readRecord(dir);
  if (others.length || !record) return { stopped: false, users: others.length };
  try {
    process.kill(record.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await waitForExit(record.pid, 10_000);
  await rm(join(dir, 'server.json'), { force: true });
  return { stopped: true, users: 0 };
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const address = `${ip}:${options.port}`;
  const uiUrl = `http://localhost:${options.uiPort}`;
  const user = options.user ?? `aicarbon (pid ${process.pid})`;
  const dir = leaseDir(options.port);
  mkdirSync(dir, { recursive: true });
  const reused = async (): Promise<DevServer> => {
    await takeLease(options.port, user, Boolean(options.keep));
    const record = await readRecord(dir);
    return { address, uiUrl, owned: false, pid: record?.pid, stop: () => release(options.port) };
  };
  if (await answers(address, 1000)) return reused();

  await mkdir(options.dataDir, { recursive: true });
  const logPath = join(options.dataDir, 'temporal-dev-server.log');
  const log = await open(logPath, 'a');
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    join(options.dataDir, 'temporal.db'),
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--log-level',
    'warn',
  ];
  // One write partition per task queue (Temporal's default is 4): aicarbon's queues carry a few dozen
  // tasks a refresh, and a task written to a partition no poller waited on waited up to ~4 s for one.
  // Estimate batches' waits while a compute slot was free, per code-changed refresh: median 2.0 s over
  // 11 refreshes with 4, 0.57 s over 7 with 1 (0.71 s with reads at 1 too). Read partitions stay at 4,
  // so tasks a server of an older aicarbon wrote to the others are still delivered (an interrupted
  // refresh resumes); a poller there is forwarded to the one written.
  args.push('--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1');
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  for (const key of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${TYPE_NAMES[key.type]}`);
  // Its own process group: Ctrl-C on the terminal stops `aicarbon run`, which lets go of the server
  // (stopping it only if nobody else uses it), instead of killing it under another run.
  const child = spawn(options.binary, args, { stdio: ['ignore', log.fd, log.fd], detached: true });
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  child.unref();
  await log.close();

  const deadline = Date.now() + (options.startupTimeoutMs ?? 60_000);
  while (!(await answers(address, 1000))) {
    if (exited !== null) {
      // Another process started one on this port at the same moment: use that one.
      if (await answers(address, 1000)) return reused();
      throw new Error(`temporal server start-dev exited with status ${exited}; see ${logPath}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `Temporal dev server did not answer on ${address} within the startup timeout; see ${logPath}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const record: ServerRecord = {
    pid: child.pid!,
    address,
    uiUrl,
    dataDir: options.dataDir,
    startedBy: process.pid,
  };
  await writeFile(join(dir, 'server.json'), JSON.stringify(record));
  await takeLease(options.port, user, Boolean(options.keep));
  return { address, uiUrl, owned: true, pid: child.pid, stop: () => release(options.port) };
}
