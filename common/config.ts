/**
 * Every setting aicarbon reads from the environment, in one place (the README's configuration table
 * is this list).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Config {
  /** PostgreSQL URL; unset = embedded PGlite under `dataDir/pglite`. */
  databaseUrl?: string;
  /** host:port of an existing Temporal cluster; unset = the managed local dev server. */
  temporalAddress?: string;
  temporalNamespace: string;
  /** Path to a Temporal CLI binary to use instead of PATH or the cache. */
  temporalCliPath?: string;
  /** Where the Temporal CLI build is cached (outside the repo, shared by clones and CI runs). */
  cacheDir: string;
  /** Local state: dev-server SQLite file, PGlite store, lock files (default `./.data`). */
  dataDir: string;
  /** Published files (default `./out`). */
  outDir: string;
  /** Folder of inputs with a manifest.json. */
  inputsDir: string;
  /** Study definition file. */
  studyPath: string;
  /** LibreOffice's `soffice`, which converts old .xls inputs; unset = found on PATH. */
  sofficePath?: string;
  /** The build's module graph the code versions are read from (default `dist/build.json`). */
  buildManifest?: string;
  /**
   * The name of the deployment whose task queues this process uses (AICARBON_DEPLOYMENT); unset = a
   * hash of the store and the output folder, so workers bound to another store never take its work.
   */
  deployment?: string;
  devServerPort: number;
  devServerUiPort: number;
  /** LOG_LEVEL as given (common/logger.ts reads it; each command has its default). */
  logLevel?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const xdgCache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    temporalCliPath: env.TEMPORAL_CLI_PATH || undefined,
    cacheDir: resolve(env.AICARBON_CACHE_DIR || join(xdgCache, 'aicarbon')),
    // Local state and published files belong to where aicarbon is run (the project's own scripts run
    // from its root); the bundled inputs and study belong to the package.
    dataDir: resolve(env.AICARBON_DATA_DIR || '.data'),
    outDir: resolve(env.AICARBON_OUT_DIR || 'out'),
    inputsDir: resolve(env.AICARBON_INPUTS || join(PROJECT_ROOT, 'data', 'sample')),
    studyPath: resolve(env.AICARBON_STUDY || join(PROJECT_ROOT, 'study', 'default-study.json')),
    sofficePath: env.AICARBON_SOFFICE || undefined,
    buildManifest: env.AICARBON_BUILD_MANIFEST ? resolve(env.AICARBON_BUILD_MANIFEST) : undefined,
    deployment: env.AICARBON_DEPLOYMENT || undefined,
    devServerPort: Number(env.AICARBON_TEMPORAL_PORT || 7233),
    devServerUiPort: Number(env.AICARBON_TEMPORAL_UI_PORT || 8233),
    logLevel: env.LOG_LEVEL || undefined,
  };
}
