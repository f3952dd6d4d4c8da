/** Getting a Temporal cluster to talk to: TEMPORAL_ADDRESS, or the managed local dev server. */
import type { Config } from '../common/config';
import { resolveTemporalCli } from '../temporal/cli-binary';
import { connectClient } from '../temporal/connection';
import { startDevServer } from '../temporal/dev-server';
import type { Client } from '@temporalio/client';
import { InputError } from '../common/errors';

export interface TemporalSession {
  address: string;
  /** Web UI base URL, when known. */
  uiUrl?: string;
  client: Client;
  close(): Promise<void>;
}

export async function openTemporal(
  config: Config,
  options: { startDevServer: boolean; log: (m: string) => void },
): Promise<TemporalSession> {
  if (config.temporalAddress) {
    const client = await connectClient(config.temporalAddress, config.temporalNamespace).catch((e: Error) => {
      throw new InputError(`${e.message} (TEMPORAL_ADDRESS)`, 'TEMPORAL_ADDRESS');
    });
    return {
      address: config.temporalAddress,
      uiUrl: process.env.TEMPORAL_UI_URL,
      client,
      close: () => client.connection.close(),
    };
  }
  const address = `127.0.0.1:${config.devServerPort}`;
  if (!options.startDevServer) {
    const client = await connectClient(address, config.temporalNamespace).catch((e: Error) => {
      throw new InputError(
        `${e.message}\nStart one with \`aicarbon server\`, or set TEMPORAL_ADDRESS to a cluster.`,
        'TEMPORAL_ADDRESS',
      );
    });
    return {
      address,
      uiUrl: `http://localhost:${config.devServerUiPort}`,
      client,
      close: () => client.connection.close(),
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
  });
  if (server.owned) options.log(`Temporal dev server started (${cli.path}); Web UI ${server.uiUrl}`);
  const client = await connectClient(server.address, config.temporalNamespace);
  return {
    address: server.address,
    uiUrl: server.uiUrl,
    client,
    async close() {
      await client.connection.close();
      await server.stop();
    },
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
