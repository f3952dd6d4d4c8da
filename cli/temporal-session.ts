/**
 * Getting a Temporal cluster to talk to: TEMPORAL_ADDRESS, or the managed local dev server (started
 * when needed and shared: temporal/dev-server.ts). Before a command starts anything, the server must
 * know the project's search attributes: the dev server gets them registered, a cluster is told which
 * are missing (temporal/search-attribute-registry.ts).
 */
import type { Config } from '../common/config';
import { resolveTemporalCli } from '../temporal/cli-binary';
import { connectClient } from '../temporal/connection';
import { startDevServer } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/search-attribute-registry';
import type { Client, Connection } from '@temporalio/client';
import { InputError } from '../common/errors';

export interface TemporalSession {
  address: string;
  /** Web UI base URL, when known. */
  uiUrl?: string;
  client: Client;
  /** True for the local dev server (TEMPORAL_ADDRESS unset). */
  dev: boolean;
  /** Lets go of the connection (and of the dev server: stopped when nobody else uses it). */
  close(): Promise<void>;
  /** Lets go of the dev server only (a process about to exit). */
  releaseServer(): Promise<void>;
}

export async function openTemporal(
  config: Config,
  options: {
    startDevServer: boolean;
    log: (m: string) => void;
    /** Check (dev server: register) the search attributes refreshes carry. */
    searchAttributes?: boolean;
    /** What this process is, for other processes looking at who uses the dev server. */
    user?: string;
  },
): Promise<TemporalSession> {
  const session = await connect(config, options);
  if (options.searchAttributes) {
    try {
      const added = await ensureSearchAttributes(
        session.client.connection as Connection,
        config.temporalNamespace,
        {
          register: session.dev,
          where: `The Temporal cluster at ${session.address}`,
        },
      );
      if (added.length)
        options.log(`Registered the search attributes ${added.join(', ')} on ${session.address}.`);
    } catch (e) {
      await session.close();
      throw e;
    }
  }
  return session;
}

async function connect(
  config: Config,
  options: { startDevServer: boolean; log: (m: string) => void; user?: string },
): Promise<TemporalSession> {
  if (config.temporalAddress) {
    const client = await connectClient(config.temporalAddress, config.temporalNamespace).catch((e: Error) => {
      throw new InputError(`${e.message} (TEMPORAL_ADDRESS)`, 'TEMPORAL_ADDRESS');
    });
    return {
      address: config.temporalAddress,
      uiUrl: process.env.TEMPORAL_UI_URL,
      client,
      dev: false,
      close: () => client.connection.close(),
      releaseServer: async () => {},
    };
  }
  const address = `127.0.0.1:${config.devServerPort}`;
  const uiUrl = process.env.TEMPORAL_UI_URL || `http://localhost:${config.devServerUiPort}`;
  if (!options.startDevServer) {
    const client = await connectClient(address, config.temporalNamespace).catch((e: Error) => {
      throw new InputError(
        `${e.message}\nStart one with \`aicarbon server\` (or \`aicarbon run\`), or set TEMPORAL_ADDRESS to a cluster.`,
        'TEMPORAL_ADDRESS',
      );
    });
    return {
      address,
      uiUrl,
      client,
      dev: true,
      close: () => client.connection.close(),
      releaseServer: async () => {},
    };
  }
  const cli = await resolveTemporalCli({
    cliPath: config.temporalCliPath,
    cacheDir: config.cacheDir,
    log: options.log,
  });
  const server = await startDevServer({
    binary: cli.path,
    dataDir: config.dataDir,
    port: config.devServerPort,
    uiPort: config.devServerUiPort,
    namespace: config.temporalNamespace,
    user: options.user,
  });
  if (server.owned) options.log(`Temporal dev server started (${cli.path}); Web UI ${server.uiUrl}`);
  let client: Client;
  try {
    client = await connectClient(server.address, config.temporalNamespace);
  } catch (e) {
    await server.stop();
    throw e;
  }
  let released: Promise<void> | undefined;
  const releaseServer = () =>
    (released ??= (async () => {
      const { stopped, users } = await server.stop();
      if (!stopped && server.owned && users)
        options.log(
          `Temporal dev server left running: ${users} other aicarbon process${users > 1 ? 'es use' : ' uses'} it.`,
        );
      else if (stopped)
        options.log('Temporal dev server stopped (keep it and its Web UI up with `aicarbon server`).');
    })());
  return {
    address: server.address,
    uiUrl: process.env.TEMPORAL_UI_URL || server.uiUrl,
    client,
    dev: true,
    async close() {
      await client.connection.close();
      await releaseServer();
    },
    releaseServer,
  };
}

export function workflowUrl(
  uiUrl: string | undefined,
  namespace: string,
  workflowId: string,
  runId?: string,
) {
  if (!uiUrl) return undefined;
  const base = `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}
