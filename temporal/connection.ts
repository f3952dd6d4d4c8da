/** Connecting to Temporal: the configured cluster, or the local dev server's address. */
import { connect as tcpConnect } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../common/config';

export function connectionAddress(config: Config): string {
  return config.temporalAddress ?? `127.0.0.1:${config.devServerPort}`;
}

/**
 * Whether anything accepts TCP connections at host:port, within `timeoutMs`. A refused port answers at
 * once, where gRPC would keep retrying until its deadline.
 */
export function portAnswers(address: string, timeoutMs = 2000): Promise<boolean> {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(address.slice(i + 1));
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Fails within seconds, naming the address, when nothing answers there. */
export async function connectClient(address: string, namespace: string, timeoutMs = 5000): Promise<Client> {
  if (!(await portAnswers(address, timeoutMs))) {
    throw new Error(`Cannot reach Temporal at ${address}: nothing accepts connections there`);
  }
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
  } catch (e) {
    throw new Error(`Cannot reach Temporal at ${address}: ${(e as Error).message.split('\n')[0]}`);
  }
  return new Client({ connection, namespace });
}
