/**
 * A TCP proxy in front of the test PostgreSQL server that can act out a server restart as a client
 * sees one, without restarting the server other tests share: every open connection is cut, new
 * connections are refused (ECONNREFUSED) while it is "down", then answered for a while with the FATAL
 * 57P03 "the database system is starting up" a recovering server sends, then passed through again.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface PgProxy {
  /** The database URL through the proxy. */
  url: string;
  /** Connections passed through so far (each worker reconnect is one). */
  connections(): number;
  restart(options?: { downMs?: number; startingMs?: number }): Promise<{ cut: number }>;
  close(): Promise<void>;
}

/** An ErrorResponse message: FATAL 57P03, as PostgreSQL answers a startup during recovery. */
function startingUp(): Buffer {
  const fields = [
    ['S', 'FATAL'],
    ['V', 'FATAL'],
    ['C', '57P03'],
    ['M', 'the database system is starting up'],
  ]
    .map(([k, v]) => `${k}${v}\0`)
    .join('');
  const body = Buffer.from(`${fields}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

export async function pgProxy(targetUrl: string): Promise<PgProxy> {
  const target = new URL(targetUrl);
  const host = target.hostname;
  const port = Number(target.port || 5432);
  const open = new Set<Socket>();
  const clients = new Set<Socket>();
  let phase: 'up' | 'starting' = 'up';
  let passed = 0;
  const onConnection = (client: Socket) => {
    open.add(client);
    clients.add(client);
    client.on('close', () => {
      open.delete(client);
      clients.delete(client);
    });
    client.on('error', () => client.destroy());
    if (phase === 'starting') {
      client.once('data', () => client.end(startingUp()));
      return;
    }
    passed += 1;
    const upstream = connect(port, host);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };
  let server: Server = createServer(onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const listenPort = (server.address() as AddressInfo).port;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(listenPort);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  return {
    url: url.toString(),
    connections: () => passed,
    async restart({ downMs = 3000, startingMs = 1500 } = {}) {
      const closed = new Promise<void>((r) => server.close(() => r()));
      const cut = clients.size;
      for (const s of open) s.destroy();
      await closed;
      await sleep(downMs);
      phase = 'starting';
      server = createServer(onConnection);
      await new Promise<void>((r) => server.listen(listenPort, '127.0.0.1', r));
      await sleep(startingMs);
      phase = 'up';
      return { cut };
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
