/**
 * Which deployment this process belongs to: the store it writes to and its output folder, named by
 * AICARBON_DEPLOYMENT or hashed (temporal/task-queues.ts says why the queues carry it).
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Config } from '../common/config';
import { InputError } from '../common/errors';
import type { TaskQueues } from './task-queues';

const DEPLOYMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * What identifies a store: PostgreSQL's user, host, port and database (no password, no options), or
 * the embedded store's folder.
 */
export function storeIdentity(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (!config.databaseUrl) return `pglite:${resolve(config.dataDir, 'pglite')}`;
  try {
    const u = new URL(config.databaseUrl);
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username);
    return `postgres://${decodeURIComponent(u.username)}@${u.hostname}:${u.port || '5432'}/${db}`;
  } catch {
    return `postgres:${config.databaseUrl}`;
  }
}

export function deploymentId(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'outDir' | 'deployment'>) {
  if (config.deployment) {
    if (!DEPLOYMENT_NAME.test(config.deployment))
      throw new InputError(
        `AICARBON_DEPLOYMENT "${config.deployment}": expected letters, digits, ".", "_" or "-" ` +
          '(at most 63, starting with a letter or digit)',
        'AICARBON_DEPLOYMENT',
      );
    return config.deployment;
  }
  return createHash('sha256')
    .update(`${storeIdentity(config)}\0${resolve(config.outDir)}`)
    .digest('hex')
    .slice(0, 12);
}

export function taskQueues(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'outDir' | 'deployment'>,
): TaskQueues {
  return queuesOfDeployment(deploymentId(config));
}

/** The queues named after a deployment id (a refresh's workflow id `RUN@deployment` carries it). */
export function queuesOfDeployment(deployment: string): TaskQueues {
  return { deployment, io: `aicarbon-io-${deployment}`, compute: `aicarbon-compute-${deployment}` };
}
