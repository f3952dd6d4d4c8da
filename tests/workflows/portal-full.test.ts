/**
 * A full-size patent portal (30 provinces × 11 years × 4 branches = 1,320 queries, each URL the full
 * taxonomy, ~7 KB) ingested through a real dev server: the heartbeat checkpoint stays far below
 * Temporal's 2 MB limit, a Retry-After longer than the heartbeat timeout (delay-seconds and an HTTP
 * date) is waited out with heartbeats, so the one attempt completes; slow answers past the timeout
 * never put more requests in flight than the concurrency; every completed query is in the store.
 *
 * The heartbeat timeout is 4 s here (a minute in the refresh) and the Retry-After 10 s, so the test runs
 * in test time; the 90 s case of the issue is the unit test of `waitWithBeats` in tests/ingest/portal.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestActivities } from '../../activities/ingest';
import { loadConfig } from '../../common/config';
import { readPortalSource } from '../../ingest/portal-source';
import { openDb, type Db } from '../../store/db';
import { loadObservations } from '../../store/source-files';
import { portalIngestWorkflow } from '../helpers/portal-ingest-workflow';
import { createTempDatabase } from '../helpers/postgres';
import { createDevServerEnv } from '../helpers/temporal';

/** A query's hit count: a number from its text, so the test can compute what each should be. */
const hits = (q: string) => createHash('sha256').update(q).digest().readUInt32BE(0) % 5000;

const RETRY_AFTER_SECONDS = 10;
/** First answers: 429 with Retry-After in seconds, 429 with an HTTP date, or too slow (3 s > 1 s). */
const FAULTS: Record<string, 'retry-seconds' | 'retry-date' | 'slow'> = {
  'foundation/BJ/2015': 'retry-seconds',
  'application/XJ/2020': 'retry-date',
  'all/GD/2011': 'slow',
  'technology/SH/2018': 'slow',
  'all/SC/2021': 'slow',
};

let env: TestWorkflowEnvironment;
let server: Server;
let db: Db;
let dropDb: () => Promise<void>;
const dir = await mkdtemp(join(tmpdir(), 'portal-full-'));
const requests = new Map<string, number[]>();
let inFlight = 0;
let maxInFlight = 0;
let idOf: (q: string) => string = () => '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const q = new URL(req.url!, 'http://x').searchParams.get('q') ?? '';
    const id = idOf(q);
    const seen = requests.get(id) ?? [];
    seen.push(Date.now());
    requests.set(id, seen);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // In flight until the exchange ends: answered, or the client gave up and closed the socket.
    res.on('close', () => (inFlight -= 1));
    const answer = () => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<html><body><p>检索结果：共 <span class="hits">${hits(q).toLocaleString('en')}</span> 条</p></body></html>`,
      );
    };
    const fault = seen.length === 1 ? FAULTS[id] : undefined;
    if (fault === 'retry-seconds')
      return res.writeHead(429, { 'retry-after': String(RETRY_AFTER_SECONDS) }).end('slow down');
    if (fault === 'retry-date') {
      // HTTP dates have whole seconds: at least RETRY_AFTER_SECONDS - 1 from now.
      const at = new Date(Date.now() + RETRY_AFTER_SECONDS * 1000).toUTCString();
      return res.writeHead(429, { 'retry-after': at }).end('slow down');
    }
    if (fault === 'slow') return void setTimeout(answer, 3000);
    answer();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  env = await createDevServerEnv();
  const temp = await createTempDatabase('aicarbon_portal');
  dropDb = temp.drop;
  db = await openDb({ databaseUrl: temp.url, dataDir: dir });
}, 300_000);
afterAll(async () => {
  server?.close();
  await db?.close();
  await dropDb?.();
  await env?.teardown();
});

describe('a full-size portal on a real dev server', () => {
  it('completes in one attempt through Retry-After waits longer than the heartbeat timeout; checkpoint far below 2 MB', async () => {
    const { port } = server.address() as AddressInfo;
    await writeFile(
      join(dir, 'portal.json'),
      JSON.stringify({
        baseUrl: `http://127.0.0.1:${port}`,
        searchPath: '/search?q={query}&p={page}',
        selectors: { hitCount: '.hits' },
        years: [2011, 2021],
        concurrency: 2,
        minIntervalMs: 0,
        timeoutMs: 1000,
        retries: 3,
        backoffMs: 50,
      }),
    );
    const { queries } = await readPortalSource(join(dir, 'portal.json'), 'portal.json');
    expect(queries).toHaveLength(4 * 30 * 11);
    const byQuery = new Map(queries.map((q) => [q.query, q.id]));
    idOf = (q) => byQuery.get(q) ?? '?';
    expect(Math.max(...queries.map((q) => encodeURIComponent(q.query).length))).toBeGreaterThan(6000);

    const activities = ingestActivities(db, { ...loadConfig({}), dataDir: dir });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'portal-full',
      workflowsPath: fileURLToPath(new URL('../helpers/portal-ingest-workflow.ts', import.meta.url)),
      activities: { ingestSource: activities.ingestSource },
    });
    const args = {
      runId: 'portal-full',
      inputsDir: dir,
      file: { path: 'portal.json', index: 0, layout: 'patent-portal', real: true },
    };
    const heartbeats: { bytes: number; waiting?: { query: string; ms: number }[] }[] = [];
    const result = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(portalIngestWorkflow, {
        taskQueue: 'portal-full',
        workflowId: 'portal-full',
        args: [args, '4s'],
      });
      let finished = false;
      const watcher = (async () => {
        // The checkpoint as the server holds it: the pending activity's last heartbeat details.
        while (!finished) {
          const described = await handle.describe().catch(() => undefined);
          for (const a of described?.raw.pendingActivities ?? []) {
            const payload = a.heartbeatDetails?.payloads?.[0];
            if (!payload?.data) continue;
            const details = JSON.parse(Buffer.from(payload.data).toString('utf8'));
            heartbeats.push({ bytes: payload.data.length, waiting: details.waiting });
          }
          await new Promise((r) => setTimeout(r, 500));
        }
      })();
      try {
        return await handle.result();
      } finally {
        finished = true;
        await watcher;
      }
    });

    expect(result).toMatchObject({ observations: 1320, cached: false });
    // One attempt: no heartbeat timeout, no retry of the activity.
    const history = await env.client.workflow.getHandle('portal-full').fetchHistory();
    const events = history.events ?? [];
    expect(events.filter((e) => e.activityTaskTimedOutEventAttributes)).toEqual([]);
    expect(events.filter((e) => e.activityTaskFailedEventAttributes)).toEqual([]);
    expect(
      events.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes?.attempt,
    ).toBe(1);

    // The checkpoint as the server held it near the end: query ids, counts, first-page hashes.
    const biggest = Math.max(...heartbeats.map((h) => h.bytes));
    expect(heartbeats.length).toBeGreaterThan(3);
    expect(biggest).toBeGreaterThan(1320 * 64); // it does hold every query's first-page hash by the end
    expect(biggest).toBeLessThan(256 * 1024); // against 2 MB (a checkpoint of page URLs was 4.7 MB)
    // A wait shows in the heartbeat, naming its query, whatever the other lane reports meanwhile.
    const waited = heartbeats.flatMap((h) => (h.waiting ?? []).map((w) => w.query));
    expect(waited).toContain('foundation/BJ/2015');
    expect(waited).toContain('application/XJ/2020');

    // Retry-After honoured, both forms: the second request came no sooner.
    for (const [id, kind] of Object.entries(FAULTS)) {
      const [first, second] = requests.get(id)!;
      const gap = second - first;
      if (kind === 'retry-seconds') expect(gap).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - 20);
      if (kind === 'retry-date') expect(gap).toBeGreaterThanOrEqual((RETRY_AFTER_SECONDS - 1) * 1000);
      if (kind === 'slow') expect(gap).toBeGreaterThanOrEqual(1000);
      expect(requests.get(id)).toHaveLength(2);
    }
    expect(maxInFlight).toBeLessThanOrEqual(2);
    // Every query asked once, plus one repeat per fault.
    expect([...requests.values()].reduce((n, t) => n + t.length, 0)).toBe(1320 + Object.keys(FAULTS).length);

    // Every completed query is in the store, and each observation is its count.
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM portal_queries');
    expect(n).toBe(1320);
    const observations = await loadObservations(db, [(result as { sha256: string }).sha256]);
    const VARIABLE = {
      all: 'patents_ai',
      foundation: 'patents_ai_foundation',
      technology: 'patents_ai_technology',
      application: 'patents_ai_application',
    };
    const wrong = queries.filter((q) => {
      const o = observations.find(
        (x) => x.province === q.province && x.year === q.year && x.variable === VARIABLE[q.branch],
      );
      return o?.value !== hits(q.query);
    });
    expect(wrong.map((q) => q.id)).toEqual([]);
  }, 600_000);
});
