/**
 * A TCP proxy in front of the test PostgreSQL server that can act out a server restart as a client
 * sees one, without restarting the server other tests share: every open connection is cut, new
 * connections are refused (ECONNREFUSED) while it is "down", then answered for a while with the FATAL
 * 57P03 "the database system is starting up" a recovering server sends, then passed through again.
 * It can also act out pg_terminate_backend reaching backends just as they finish a statement: each
 * open connection's next ReadyForQuery reaches the client in one read with the FATAL 57P01 after it,
 * and the connection is closed.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface PgProxy {
  /** The database URL through the proxy. */
  url: string;
  /** Connections passed through so far (each worker reconnect is one). */
  connections(): number;
  restart(options?: { downMs?: number; startingMs?: number }): Promise<{ cut: number }>;
  /** Each open connection ends after its next ReadyForQuery, the FATAL 57P01 in the same read. */
  terminateAfterNextAnswer(): void;
  close(): Promise<void>;
}

/** A FATAL ErrorResponse message, as PostgreSQL sends one before it closes a connection. */
function fatal(code: string, message: string): Buffer {
  const fields = [
    ['S', 'FATAL'],
    ['V', 'FATAL'],
    ['C', code],
    ['M', message],
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
      client.once('data', () => client.end(fatal('57P03', 'the database system is starting up')));
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
    // The server's messages (a type byte, then a length that counts itself), read whole to find the
    // ReadyForQuery ('Z') a termination is appended to.
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      if (!terminating.has(client)) return void client.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      for (let at = 0; at + 5 <= pending.length;) {
        const end = at + 1 + pending.readInt32BE(at + 1);
        if (end > pending.length) break;
        if (pending[at] === 0x5a) {
          terminating.delete(client);
          client.end(
            Buffer.concat([
              pending.subarray(0, end),
              fatal('57P01', 'terminating connection due to administrator command'),
            ]),
          );
          upstream.destroy();
          return;
        }
        at = end;
      }
    });
  };
  const terminating = new Set<Socket>();
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
    terminateAfterNextAnswer() {
      for (const c of clients) terminating.add(c);
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
