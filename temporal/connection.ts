/** Connecting to Temporal: the configured cluster, or the local dev server's address. */
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../common/config';

export function connectionAddress(config: Config): string {
  return config.temporalAddress ?? `127.0.0.1:${config.devServerPort}`;
}

/** Fails within seconds, naming the address, when nothing answers there. */
export async function connectClient(address: string, namespace: string, timeoutMs = 5000): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
  } catch (e) {
    throw new Error(
      `Cannot reach Temporal at ${address} (TEMPORAL_ADDRESS): ${(e as Error).message.split('\n')[0]}`,
    );
  }
  return new Client({ connection, namespace });
}
