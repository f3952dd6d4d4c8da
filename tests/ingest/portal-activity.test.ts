/**
 * The portal as a refresh input: the ingest activity queries a local fixture portal, stores one
 * observation per query with the page it came from, and after a failed attempt resumes from the
 * completed queries carried in its heartbeat details instead of asking the portal again.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestActivities } from '../../activities/ingest';
import { loadConfig } from '../../common/config';
import { openDb, type Db } from '../../store/db';
import { loadObservations } from '../../store/source-files';

let server: Server;
let db: Db;
let served = 0;
let failAfter = Infinity;
const dir = await mkdtemp(join(tmpdir(), 'portal-activity-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    const q = new URL(req.url!, 'http://x').searchParams.get('q') ?? '';
    if (served >= failAfter) {
      res.writeHead(500).end('down');
      return;
    }
    served += 1;
    // Hits: 100 for Beijing, 7 for Tianjin, plus the year's last digit.
    const year = Number(/APD=\[(\d{4})/.exec(q)?.[1]);
    const hits = (q.includes('ADDR=(北京)') ? 100 : 7) + (year % 10);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<html><body><p>共 <span class="hits">${hits}</span> 条</p></body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  db = await openDb({ dataDir: dir });
});
afterAll(async () => {
  server.close();
  await db.close();
});

describe('the patent-portal input', () => {
  it('resumes after a failed attempt from the queries its heartbeat recorded', async () => {
    const { port } = server.address() as AddressInfo;
    await writeFile(
      join(dir, 'portal.json'),
      JSON.stringify({
        baseUrl: `http://127.0.0.1:${port}`,
        searchPath: '/search?q={query}&p={page}',
        selectors: { hitCount: '.hits' },
        years: [2019, 2020],
        provinces: ['BJ', 'TJ'],
        concurrency: 1,
        minIntervalMs: 0,
        retries: 1,
        backoffMs: 1,
      }),
    );
    const activities = ingestActivities(db, { ...loadConfig({}), dataDir: dir });
    const args = {
      runId: 'r1',
      inputsDir: dir,
      file: { path: 'portal.json', layout: 'patent-portal', real: true },
    };

    // First attempt: the portal goes down after 5 answers (4 branches × 2 provinces × 2 years = 16 queries).
    failAfter = 5;
    const first = new MockActivityEnvironment();
    let last: { checkpoint: Record<string, unknown>; done: number; total: number } | undefined;
    first.on('heartbeat', (d) => (last = d));
    await expect(first.run(activities.ingestSource, args)).rejects.toThrow(/gave up after 2 attempts/);
    expect(last).toMatchObject({ done: 5, total: 16 });
    // The heartbeat holds ids, counts and first-page hashes, never page URLs.
    expect(Object.values(last!.checkpoint)[0]).toEqual({
      count: expect.any(Number),
      pages: 1,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await db.query('SELECT * FROM source_files')).toEqual([]);
    // The store holds the same five, with the first page's URL.
    const stored = await db.query<{ query_id: string; url: string }>(
      'SELECT query_id, url FROM portal_queries',
    );
    expect(stored.map((r) => r.query_id).sort()).toEqual(Object.keys(last!.checkpoint).sort());

    // Second attempt, as Temporal retries it: same heartbeat details, portal back up.
    failAfter = Infinity;
    served = 0;
    const second = new MockActivityEnvironment({ heartbeatDetails: last });
    const result = (await second.run(activities.ingestSource, args)) as { sha256: string };
    expect(served).toBe(11);
    expect(result).toMatchObject({ name: 'portal.json', observations: 16, cached: false });

    const obs = await loadObservations(db, [result.sha256]);
    const bj2019 = obs.find((o) => o.province === 'BJ' && o.year === 2019 && o.variable === 'patents_ai')!;
    expect(bj2019.value).toBe(109);
    expect(bj2019.source.file).toMatch(new RegExp(`^http://127.0.0.1:${port}/search\\?q=`));

    // The same refresh again reuses the stored results; a new refresh would ask the portal again.
    served = 0;
    expect(await new MockActivityEnvironment().run(activities.ingestSource, args)).toMatchObject({
      cached: true,
    });
    expect(served).toBe(0);
  });

  it('resumes from the store when the heartbeat details were lost', async () => {
    const activities = ingestActivities(db, { ...loadConfig({}), dataDir: dir });
    const args = {
      runId: 'r2',
      inputsDir: dir,
      file: { path: 'portal.json', layout: 'patent-portal', real: true },
    };
    served = 0;
    failAfter = 3;
    await expect(new MockActivityEnvironment().run(activities.ingestSource, args)).rejects.toThrow(
      /^portal query \S+ \(branch \w+, province \w+, year \d{4}\) at http:\/\/127\.0\.0\.1:\d+\/search\?q=.{20,}…\(\+[\d,]+ chars\): gave up after 2 attempts \(last: HTTP 500\)$/,
    );
    failAfter = Infinity;
    served = 0;
    const result = await new MockActivityEnvironment().run(activities.ingestSource, args);
    expect(served).toBe(13);
    expect(result).toMatchObject({ observations: 16, cached: false });
  });
});
