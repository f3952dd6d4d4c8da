/**
 * Runs `temporal server start-dev` as a child process: persistent SQLite state under `.data/`, the
 * Web UI, and the project's search attributes registered. A server already listening on the port
 * (another `aicarbon run`, or one the operator started) is reused rather than fought over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
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
}

export interface DevServer {
  address: string;
  uiUrl: string;
  /** False when an already-running server was reused. */
  owned: boolean;
  stop(): Promise<void>;
}

const TYPE_NAMES: Record<string, string> = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int' };

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

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const address = `${ip}:${options.port}`;
  const uiUrl = `http://localhost:${options.uiPort}`;
  if (await answers(address, 1000)) {
    return { address, uiUrl, owned: false, stop: async () => {} };
  }
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
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  for (const key of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${TYPE_NAMES[key.type]}`);
  const child: ChildProcess = spawn(options.binary, args, {
    stdio: ['ignore', log.fd, log.fd],
    detached: false,
  });
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));

  const deadline = Date.now() + (options.startupTimeoutMs ?? 60_000);
  while (!(await answers(address, 1000))) {
    if (exited !== null) {
      await log.close();
      throw new Error(`temporal server start-dev exited with status ${exited}; see ${logPath}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await log.close();
      throw new Error(
        `Temporal dev server did not answer on ${address} within the startup timeout; see ${logPath}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const stop = async () => {
    if (exited === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    }
    await log.close();
  };
  return { address, uiUrl, owned: true, stop };
}
