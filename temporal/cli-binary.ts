/**
 * Finds a Temporal CLI binary, building it with `go install` when none exists. Order:
 * TEMPORAL_CLI_PATH, then `temporal` on PATH, then the cache, else build into the cache.
 *
 * Why go install: no download site is reachable on the machines this project runs on, but the Go
 * module proxy is. Tags from v1.6.0 carry a `replace` directive that `go install …@version` refuses;
 * v1.5.1 is the newest that builds this way (see FINDINGS.md).
 */
import { execFile } from 'node:child_process';
import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export interface ResolveOptions {
  cliPath?: string;
  cacheDir: string;
  /** Build with Go when nothing else is found (default true). */
  build?: boolean;
  log?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedCli {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'built';
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function cachedCliPath(cacheDir: string, version = TEMPORAL_CLI_VERSION): string {
  return join(cacheDir, 'temporal-cli', version, 'temporal');
}

async function findOnPath(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && (await isExecutable(join(dir, 'temporal')))) return join(dir, 'temporal');
  }
  return undefined;
}

export async function resolveTemporalCli(options: ResolveOptions): Promise<ResolvedCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  if (options.cliPath) {
    if (await isExecutable(options.cliPath)) return { path: options.cliPath, source: 'TEMPORAL_CLI_PATH' };
    throw new Error(
      `TEMPORAL_CLI_PATH=${options.cliPath} is not an executable file. Point it at a Temporal CLI binary or unset it.`,
    );
  }
  const onPath = await findOnPath(env);
  if (onPath) return { path: onPath, source: 'PATH' };
  const cached = cachedCliPath(options.cacheDir);
  if (await isExecutable(cached)) return { path: cached, source: 'cache' };
  if (options.build === false) {
    throw new Error(
      `No Temporal CLI found (TEMPORAL_CLI_PATH unset, none on PATH, none at ${cached}). ${HOW_TO}`,
    );
  }
  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${cached} (first run only; a few minutes)…`,
  );
  await buildWithGo(cached, env);
  return { path: cached, source: 'built' };
}

const HOW_TO =
  `Install one of: (a) Go ≥ 1.25 and let aicarbon build it (go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}); ` +
  `(b) the Temporal CLI from https://docs.temporal.io/cli on your PATH; (c) set TEMPORAL_CLI_PATH to a binary; ` +
  `or (d) set TEMPORAL_ADDRESS to an existing cluster.`;

async function buildWithGo(target: string, env: NodeJS.ProcessEnv): Promise<void> {
  const dir = join(target, '..');
  // Build into a scratch GOBIN and rename, so an interrupted build never leaves a half-written binary.
  const scratch = `${dir}.partial-${process.pid}`;
  await mkdir(scratch, { recursive: true });
  try {
    await run('go', ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...env, GOBIN: scratch, GOFLAGS: env.GOFLAGS ?? '-trimpath' },
      maxBuffer: 64 * 1024 * 1024,
    });
    await mkdir(dir, { recursive: true });
    await rename(join(scratch, 'temporal'), target);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    const why =
      err.code === 'ENOENT' ? 'Go is not installed (no `go` on PATH).' : (err.stderr ?? err.message).trim();
    throw new Error(`Could not build the Temporal CLI with Go: ${why}\n${HOW_TO}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
