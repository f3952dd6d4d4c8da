/**
 * The HTML portal adapter against a local fixture server on 127.0.0.1 (random port): realistic result
 * pages, pagination, empty results, 429/500 faults, a slow portal, a changed layout, resume and offline
 * replay. Nothing leaves the machine.
 */
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../common/errors';
import {
  buildQueries,
  DEFAULT_PORTAL,
  fileRawStore,
  portalObservations,
  replayPortal,
  retryAfterMs,
  runPortalQueries,
  waitWithBeats,
  type Checkpoint,
  type PortalConfig,
  type QueryResult,
} from '../../ingest/portal';
import { loadTaxonomy } from '../../ingest/taxonomy';

/** Hits by province name and year; the branch multiplies (all = 10×, layers 5×, 3×, 6× the base). */
const BASE: Record<string, number> = { '北京/2019': 123, '天津/2019': 0, '北京/2020': 150, '天津/2020': 7 };
const FACTOR = { all: 10, foundation: 5, technology: 3, application: 6 };
const page = (hits: number, records: string[]) =>
  `<html><body><div class="summary">检索结果：共 <span class="hits">${hits.toLocaleString('en')}</span> 条</div>` +
  `<ul>${records.map((r) => `<li class="rec">${r}</li>`).join('')}</ul></body></html>`;

let server: Server;
let base: string;
let log: { q: string; p: number; at: number }[];
let inFlight = 0;
let maxInFlight = 0;
let mode: 'normal' | 'faults' | 'slow-once' | 'slow-always' | 'layout' | 'paged' = 'normal';
const faultsSent = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const q = url.searchParams.get('q') ?? '';
    const p = Number(url.searchParams.get('p'));
    log.push({ q, p, at: Date.now() });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // In flight until the exchange ends: answered, or the client gave up and closed the socket.
    res.on('close', () => (inFlight -= 1));
    const finish = (status: number, body: string, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(body);
    };
    const name = /ADDR=\((.+?)\)/.exec(q)?.[1];
    const year = /APD=\[(\d{4})/.exec(q)?.[1];
    const branch =
      q.includes('"传感器融合"') && q.includes('"自动驾驶"')
        ? 'all'
        : q.includes('"深度学习"')
          ? 'foundation'
          : q.includes('"计算机视觉"')
            ? 'technology'
            : 'application';
    const hits = (BASE[`${name}/${year}`] ?? 0) * FACTOR[branch];
    const n = (faultsSent.get(q) ?? 0) + 1;
    faultsSent.set(q, n);
    if (mode === 'faults' && n === 1) return finish(429, 'slow down', { 'retry-after': '0' });
    if (mode === 'faults' && n === 2) return finish(500, 'oops');
    if (mode === 'layout') return finish(200, '<html><div class="new-summary">1,230 results</div></html>');
    if ((mode === 'slow-once' && n === 1) || mode === 'slow-always') {
      setTimeout(() => finish(200, page(hits, [])), 400);
      return;
    }
    if (hits === 0) return finish(200, '<html><div class="no-results">没有找到相关专利</div></html>');
    if (mode === 'paged') {
      const all = Array.from({ length: 25 }, (_, i) => `CN2019${i}`);
      return finish(200, page(25, all.slice((p - 1) * 10, p * 10)));
    }
    finish(200, page(hits, []));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  log = [];
  faultsSent.clear();
  maxInFlight = 0;
  mode = 'normal';
});

const config = (over: Partial<PortalConfig> = {}): PortalConfig => ({
  ...DEFAULT_PORTAL,
  baseUrl: base,
  searchPath: '/search?q={query}&p={page}',
  selectors: { hitCount: '.summary .hits', empty: '.no-results', record: 'li.rec' },
  minIntervalMs: 20,
  timeoutMs: 2_000,
  retries: 3,
  backoffMs: 10,
  ...over,
});
const taxonomy = loadTaxonomy();
const PROVINCES = [
  { code: 'BJ', nameZh: '北京' },
  { code: 'TJ', nameZh: '天津' },
];

describe('the patent portal adapter', () => {
  it('builds one query per branch, province and year from the taxonomy', () => {
    const qs = buildQueries(DEFAULT_PORTAL, taxonomy, PROVINCES, [2019, 2020]);
    expect(qs).toHaveLength(4 * 2 * 2);
    const dl = qs.find((q) => q.id === 'foundation/BJ/2019')!;
    expect(dl.query).toContain('G06N3/*');
    expect(dl.query).toContain('"深度学习"');
    expect(dl.query).not.toContain('"计算机视觉"');
    expect(dl.query).toMatch(/ADDR=\(北京\) AND APD=\[20190101 TO 20191231\]$/);
  });

  it('counts hits with bounded concurrency and a rate limit, zero for empty results, with URL lineage', async () => {
    const store = fileRawStore(await mkdtemp(join(tmpdir(), 'portal-raw-')));
    const qs = buildQueries(DEFAULT_PORTAL, taxonomy, PROVINCES, [2019, 2020]);
    const cp = await runPortalQueries(config(), qs, { store });
    expect(cp['all/BJ/2019'].count).toBe(1230); // printed "1,230"
    expect(cp['technology/TJ/2020'].count).toBe(21);
    expect(cp['all/TJ/2019'].count).toBe(0); // the no-results page
    expect(log).toHaveLength(16);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    const starts = log.map((l) => l.at).sort((a, b) => a - b);
    // Starts are scheduled 20 ms apart; arrival times jitter, so the check is on the whole span
    // (without the limit, 16 local requests two at a time take a few milliseconds).
    expect(starts[starts.length - 1] - starts[0]).toBeGreaterThanOrEqual(15 * 20 - 25);
    const obs = portalObservations(config(), qs, cp);
    expect(
      obs.find((o) => o.province === 'BJ' && o.year === 2020 && o.variable === 'patents_ai_application'),
    ).toMatchObject({
      value: 900,
      unit: 'count',
    });
    expect(obs[0].source.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/search\?q=/);
  });

  it('resumes from the checkpoint and replays a run offline from the stored responses', async () => {
    const store = fileRawStore(await mkdtemp(join(tmpdir(), 'portal-raw-')));
    const qs = buildQueries(DEFAULT_PORTAL, taxonomy, PROVINCES, [2019]);
    let saved: Checkpoint = {};
    const stop = new AbortController();
    await expect(
      runPortalQueries(config({ concurrency: 1 }), qs, {
        store,
        signal: stop.signal,
        onResult: (_result, cp, done) => {
          saved = structuredClone(cp);
          if (done === 3) stop.abort(new Error('worker stopped'));
        },
      }),
    ).rejects.toThrow('worker stopped');
    expect(Object.keys(saved)).toHaveLength(3);
    log = [];
    const cp = await runPortalQueries(config(), qs, { store, checkpoint: saved });
    expect(log).toHaveLength(qs.length - 3); // only the queries not yet done
    expect(Object.keys(cp)).toHaveLength(qs.length);
    const closed = config({ baseUrl: 'http://127.0.0.1:9' });
    const replayed = await replayPortal(closed, qs, cp, store);
    expect(Object.fromEntries(Object.entries(replayed).map(([k, v]) => [k, v.count]))).toEqual(
      Object.fromEntries(Object.entries(cp).map(([k, v]) => [k, v.count])),
    );
  });

  it('retries 429 (honouring Retry-After) then 500, then succeeds', async () => {
    mode = 'faults';
    const store = fileRawStore(await mkdtemp(join(tmpdir(), 'portal-raw-')));
    const [q] = buildQueries(DEFAULT_PORTAL, taxonomy, PROVINCES.slice(0, 1), [2019]);
    const cp = await runPortalQueries(config(), [q], { store });
    expect(cp[q.id].count).toBe(1230);
    expect(log).toHaveLength(3);
  });

  it('retries a slow portal after a timeout, and gives up (retryable) when it stays slow', async () => {
    const store = fileRawStore(await mkdtemp(join(tmpdir(), 'portal-raw-')));
    const [q] = buildQueries(DEFAULT_PORTAL, taxonomy, PROVINCES.slice(0, 1), [2019]);
    mode = 'slow-once';
    const cp = await runPortalQueries(config({ timeoutMs: 150 }), [q], { store });
    expect(cp[q.id].count).toBe(1230);
    expect(log).toHaveLength(2);
    mode = 'slow-always';
    faultsSent.clear();
    // Timed-out requests are closed before the next attempt: never more in flight than lanes.
    maxInFlight = 0;
    const two = buildQueries(DEFAULT_PORTAL, taxonomy, PROVINCES, [2019]).slice(0, 2);
    await expect(
      runPortalQueries(config({ timeoutMs: 150, retries: 2, backoffMs: 0, minIntervalMs: 0 }), two, {
        store,
      }),
    ).rejects.toThrow(/gave up after 3 attempts/);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    const failure = await runPortalQueries(config({ timeoutMs: 150, retries: 1 }), [q], { store }).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(InputError);
    expect(String(failure.message)).toMatch(
      /^portal query all\/BJ\/2019 \(branch all, province BJ, year 2019\) at http:\/\/127\.0\.0\.1:\d+\/search\?q=.{20,}…\(\+[\d,]+ chars\): gave up after 2 attempts \(last: no answer within 150 ms\)$/,
    );
    expect(String(failure.message).length).toBeLessThan(300);
  });

  it('stops at once, naming URL and selector, when the page layout changed', async () => {
    mode = 'layout';
    const store = fileRawStore(await mkdtemp(join(tmpdir(), 'portal-raw-')));
    const [q] = buildQueries(DEFAULT_PORTAL, taxonomy, PROVINCES.slice(0, 1), [2019]);
    const failure = await runPortalQueries(config(), [q], { store }).catch((e) => e);
    expect(failure).toBeInstanceOf(InputError);
    expect(failure.message).toMatch(
      /^portal query all\/BJ\/2019 \(branch all, province BJ, year 2019\) at http:\/\/127\.0\.0\.1:\d+\/search\?q=.*…\(\+[\d,]+ chars\): no element matches the hit-count selector "\.summary \.hits" \(the portal's page layout changed\?\)$/,
    );
    expect(log).toHaveLength(1);
  });

  it('collects listed records across pages', async () => {
    mode = 'paged';
    const store = fileRawStore(await mkdtemp(join(tmpdir(), 'portal-raw-')));
    const [q] = buildQueries(DEFAULT_PORTAL, taxonomy, PROVINCES.slice(0, 1), [2019]);
    const results: QueryResult[] = [];
    const cp = await runPortalQueries(config({ collectRecords: true }), [q], {
      store,
      onResult: (r) => void results.push(r),
    });
    expect(results[0].records).toEqual(Array.from({ length: 25 }, (_, i) => `CN2019${i}`));
    expect(results[0].pages.map((p) => new URL(p.url).searchParams.get('p'))).toEqual(['1', '2', '3']);
    // The checkpoint keeps the count, the page count and the first page's hash, never URLs or records.
    expect(cp[q.id]).toEqual({ count: 25, pages: 3, sha256: results[0].pages[0].sha256 });
  });
});

describe('the raw response store', () => {
  it('stores the same body from several lanes at once', async () => {
    const store = fileRawStore(await mkdtemp(join(tmpdir(), 'portal-raw-')));
    const body = Buffer.from('<html>没有找到相关专利</html>');
    const shas = await Promise.all(Array.from({ length: 8 }, () => store.put(body)));
    expect(new Set(shas).size).toBe(1);
    expect(await store.get(shas[0])).toEqual(body);
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds of any length and HTTP dates; unreadable values are ignored', () => {
    expect(retryAfterMs('90')).toBe(90_000);
    expect(retryAfterMs(' 3600 ')).toBe(3_600_000);
    expect(retryAfterMs('0')).toBe(0);
    const now = Date.parse('2026-12-02T04:00:00Z');
    expect(retryAfterMs('Wed, 02 Dec 2026 04:01:30 GMT', now)).toBe(90_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 03:59:00 GMT', now)).toBe(0); // already past
    expect(retryAfterMs('-5')).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('a 90 s wait lasts 90 s and beats every 5 s while it lasts', async () => {
    vi.useFakeTimers();
    try {
      const beats: number[] = [];
      let over = false;
      const wait = waitWithBeats(90_000, (left) => beats.push(left)).then(() => (over = true));
      await vi.advanceTimersByTimeAsync(89_999);
      expect(over).toBe(false);
      // A beat at the start and after each 5 s slice: 18 beats, each with the time still to wait.
      expect(beats).toEqual(Array.from({ length: 18 }, (_, i) => 90_000 - i * 5_000));
      await vi.advanceTimersByTimeAsync(1);
      await wait;
      expect(over).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
