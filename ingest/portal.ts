/**
 * A patent search portal scraped politely: one query per (branch, province, year) built from the
 * taxonomy, the hit count (and optionally the listed records, across pages) parsed with configured
 * cheerio selectors.
 *
 * Politeness and robustness: `concurrency` lanes with one request each in flight, a minimum interval
 * between request starts, a deadline on each whole request, retries with exponential backoff on
 * timeouts, 429 and 5xx, honouring Retry-After of any length (the wait calls `onWait` every few seconds,
 * so an activity heartbeats through it), and an InputError (not retryable) when a page no longer matches
 * the selectors or the portal refuses a query (other 4xx). Messages name the query (branch, province,
 * year) and a shortened URL. Every response body is stored by its SHA-256, and each completed query goes
 * into a compact checkpoint (counts and the first page's hash, never page URLs), so a run resumes where
 * it stopped and `replayPortal` re-parses a run offline from the stored bodies.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Cheerio from 'cheerio';
import { InputError } from '../common/errors';
import type { Observation } from './observation';
import type { Layer, Taxonomy } from './taxonomy';

export interface PortalConfig {
  baseUrl: string;
  /** Path with `{query}` and `{page}` placeholders, e.g. `/search?q={query}&p={page}`. */
  searchPath: string;
  selectors: {
    /** Element whose text holds the hit count (`共 1,234 条` → 1234). */
    hitCount: string;
    /** Present when the portal says there are no results (then the count is 0). */
    empty?: string;
    /** Listed records, when they are to be collected across pages. */
    record?: string;
  };
  /** Province expression of a query, e.g. `ADDR=({name})`; `{name}` is the Chinese name. */
  provinceTerm: string;
  /** Year expression, e.g. `APD=[{year}0101 TO {year}1231]`. */
  yearTerm: string;
  concurrency: number;
  minIntervalMs: number;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  collectRecords?: boolean;
}

export const DEFAULT_PORTAL: Omit<PortalConfig, 'baseUrl' | 'searchPath' | 'selectors'> = {
  provinceTerm: 'ADDR=({name})',
  yearTerm: 'APD=[{year}0101 TO {year}1231]',
  concurrency: 2,
  minIntervalMs: 500,
  timeoutMs: 20_000,
  retries: 5,
  backoffMs: 1_000,
};

export type Branch = 'all' | Layer;
export interface PortalQuery {
  id: string;
  branch: Branch;
  province: string;
  year: number;
  query: string;
}

/** A branch's search expression: any of its IPC prefixes or keywords (the portal does the matching). */
function branchTerm(taxonomy: Taxonomy, branch: Branch): string {
  const techs = taxonomy.layers
    .filter((l) => branch === 'all' || l.id === branch)
    .flatMap((l) => l.technologies);
  const ipc = [...new Set(techs.flatMap((t) => t.ipc))].map((c) => `${c}*`);
  const kw = [...new Set(techs.flatMap((t) => t.keywords))].map((k) => `"${k}"`);
  return `(IPC=(${ipc.join(' OR ')}) OR TIAB=(${kw.join(' OR ')}))`;
}

export function buildQueries(
  config: Pick<PortalConfig, 'provinceTerm' | 'yearTerm'>,
  taxonomy: Taxonomy,
  provinces: { code: string; nameZh: string }[],
  years: number[],
): PortalQuery[] {
  const branches: Branch[] = ['all', 'foundation', 'technology', 'application'];
  const terms = new Map(branches.map((b) => [b, branchTerm(taxonomy, b)]));
  return branches.flatMap((branch) =>
    provinces.flatMap((p) =>
      years.map((year) => ({
        id: `${branch}/${p.code}/${year}`,
        branch,
        province: p.code,
        year,
        query: [
          terms.get(branch),
          config.provinceTerm.replace('{name}', p.nameZh),
          config.yearTerm.replaceAll('{year}', String(year)),
        ].join(' AND '),
      })),
    ),
  );
}

/** Response bodies by content hash. */
export interface RawStore {
  put(body: Buffer): Promise<string>;
  get(sha256: string): Promise<Buffer | undefined>;
}

export function fileRawStore(dir: string): RawStore {
  return {
    async put(body) {
      const sha = createHash('sha256').update(body).digest('hex');
      await mkdir(dir, { recursive: true });
      const path = join(dir, sha);
      // A temporary name of its own: two lanes may store the same body at once (an empty result page).
      const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, path);
      return sha;
    },
    get: (sha) => readFile(join(dir, sha)).catch(() => undefined),
  };
}

/** Everything one query read: its count, the listed records (when collected) and every page. */
export interface QueryResult {
  id: string;
  count: number;
  records?: string[];
  /** The pages read: URL and the stored body's hash. */
  pages: { url: string; sha256: string }[];
}

/**
 * What resumption needs of a completed query: its count, how many pages it read and the stored first
 * page (for lineage and offline replay; its URL is rebuilt from the query, see `pageUrl`). Page URLs
 * and records are never kept here: the checkpoint travels in Temporal heartbeats (2 MB limit), and a
 * full portal (4 branches × 30 provinces × 11 years) stays near 160 KB.
 */
export interface QueryDone {
  count: number;
  pages: number;
  sha256: string;
}

/** Completed queries by id; persist it after each `onResult` to resume. */
export type Checkpoint = Record<string, QueryDone>;

/** A wait the adapter is in: a Retry-After or a backoff before the query's next attempt. */
export interface PortalWait {
  query: string;
  ms: number;
  reason: string;
}

export interface PortalRun {
  store: RawStore;
  checkpoint?: Checkpoint;
  /** Each completed query, as read, with the checkpoint that now includes it. */
  onResult?: (
    result: QueryResult,
    checkpoint: Checkpoint,
    done: number,
    total: number,
  ) => void | Promise<void>;
  /** Called when a wait starts and every `beatMs` while it lasts (a heartbeat keeps a long wait alive). */
  onWait?: (wait: PortalWait) => void;
  /** How often `onWait` is called during a wait (default 5 s). */
  beatMs?: number;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new Error('aborted'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Waits `ms` in slices of at most `beatMs`, calling `beat` at the start and after each slice: a wait
 * of any length (Retry-After: 3600) keeps the activity's heartbeat alive instead of timing it out.
 */
export async function waitWithBeats(
  ms: number,
  beat: (remainingMs: number) => void,
  beatMs = 5_000,
  signal?: AbortSignal,
): Promise<void> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0; left = until - Date.now()) {
    beat(left);
    await sleep(Math.min(left, beatMs), signal);
  }
}

/**
 * Retry-After as RFC 9110 allows: delay-seconds (any length: `90`, `3600`) or an HTTP date; undefined
 * when absent or unreadable (then the adapter's own backoff applies). A date in the past is no wait.
 */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || !header.trim()) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month (`Wed, 02 Dec 2026 04:01:30 GMT`); `-5` is no date.
  const at = /[A-Za-z]{3}/.test(text) ? Date.parse(text) : NaN;
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The URL of a query's page. */
export function pageUrl(
  config: Pick<PortalConfig, 'baseUrl' | 'searchPath'>,
  query: Pick<PortalQuery, 'query'>,
  page: number,
): string {
  return (
    config.baseUrl +
    config.searchPath.replace('{query}', encodeURIComponent(query.query)).replace('{page}', String(page))
  );
}

/**
 * A URL short enough for a message: origin, path and the start of the query string, with how much was
 * left out (a query URL of the full taxonomy is ~7 KB).
 */
export function shortUrl(url: string, max = 100): string {
  if (url.length <= max) return url;
  return `${url.slice(0, max)}…(+${(url.length - max).toLocaleString('en')} chars)`;
}

/** How messages name a query: `portal query foundation/BJ/2019 (branch foundation, province BJ, year 2019)`. */
export const queryName = (q: Pick<PortalQuery, 'id' | 'branch' | 'province' | 'year'>) =>
  `portal query ${q.id} (branch ${q.branch}, province ${q.province}, year ${q.year})`;

/** Largest response body read (a result page is tens of kB); a bigger one is a fault, not a page. */
export const MAX_PAGE_BYTES = 16 << 20;

// axios and cheerio are loaded when the portal is first queried or a stored page parsed: most runs read
// no portal, and together they are a few hundred milliseconds of every command's start-up.
let cheerio: Promise<typeof Cheerio> | undefined;
const loadCheerio = () => (cheerio ??= import('cheerio'));
const loadAxios = () => import('axios').then((m) => m.default);

export async function parseHitCount(
  html: string,
  config: PortalConfig,
  where: string,
): Promise<{ count: number; records: string[] }> {
  const $ = (await loadCheerio()).load(html);
  if (config.selectors.empty && $(config.selectors.empty).length > 0) return { count: 0, records: [] };
  const el = $(config.selectors.hitCount).first();
  if (el.length === 0)
    throw new InputError(
      `${where}: no element matches the hit-count selector "${config.selectors.hitCount}" (the portal's page layout changed?)`,
      where,
    );
  const digits = /(\d[\d,，\s]*)/.exec(el.text().normalize('NFKC'));
  if (!digits)
    throw new InputError(
      `${where}: selector "${config.selectors.hitCount}" found "${el.text().trim()}", expected a hit count`,
      where,
    );
  const records = config.selectors.record
    ? $(config.selectors.record)
        .map((_, r) => $(r).text().trim())
        .get()
    : [];
  return { count: Number(digits[1].replace(/[,，\s]/g, '')), records };
}

/**
 * Runs the queries not yet in the checkpoint; returns the checkpoint of every query (old and new).
 *
 * At most `concurrency` requests are in flight at any moment: each of `concurrency` lanes sends one
 * request at a time and waits for it to end, and a request that passes `timeoutMs` (the whole
 * exchange, not only socket idleness) is aborted — its socket closed — before the lane's next attempt.
 */
export async function runPortalQueries(
  config: PortalConfig,
  queries: PortalQuery[],
  run: PortalRun,
): Promise<Checkpoint> {
  const checkpoint: Checkpoint = { ...(run.checkpoint ?? {}) };
  const todo = queries.filter((q) => !checkpoint[q.id]);
  let nextStart = 0;
  const slot = async () => {
    // Shared schedule of request starts: at most one per minIntervalMs across all lanes.
    const now = Date.now();
    const at = Math.max(now, nextStart);
    nextStart = at + config.minIntervalMs;
    if (at > now) await sleep(at - now, run.signal);
  };

  const axios = await loadAxios();
  const fetchPage = async (q: PortalQuery, url: string): Promise<Buffer> => {
    const name = `${queryName(q)} at ${shortUrl(url)}`;
    for (let attempt = 0; ; attempt++) {
      await slot();
      let retryAfter: number | undefined;
      let fault: string;
      const deadline = AbortSignal.timeout(config.timeoutMs);
      try {
        const response = await axios.get<ArrayBuffer>(url, {
          responseType: 'arraybuffer',
          validateStatus: () => true,
          maxContentLength: MAX_PAGE_BYTES,
          signal: run.signal ? AbortSignal.any([run.signal, deadline]) : deadline,
        });
        if (response.status < 300) return Buffer.from(response.data);
        if (response.status !== 429 && response.status < 500)
          throw new InputError(`${name}: the portal refused the query (HTTP ${response.status})`, q.id);
        fault = `HTTP ${response.status}`;
        retryAfter = retryAfterMs(response.headers['retry-after']);
        if (retryAfter !== undefined) fault += `, Retry-After ${Math.round(retryAfter / 1000)} s`;
      } catch (e) {
        if (run.signal?.aborted) throw run.signal.reason ?? e;
        if (e instanceof InputError) throw e;
        fault = deadline.aborted ? `no answer within ${config.timeoutMs} ms` : (e as Error).message;
      }
      if (attempt >= config.retries)
        throw new Error(`${name}: gave up after ${attempt + 1} attempts (last: ${fault})`);
      const ms = retryAfter ?? config.backoffMs * 2 ** attempt;
      await waitWithBeats(
        ms,
        (left) => run.onWait?.({ query: q.id, ms: left, reason: fault }),
        run.beatMs,
        run.signal,
      );
    }
  };

  const runQuery = async (q: PortalQuery): Promise<QueryResult> => {
    const pages: QueryResult['pages'] = [];
    const records: string[] = [];
    let count = 0;
    for (let page = 1; ; page++) {
      const url = pageUrl(config, q, page);
      const body = await fetchPage(q, url);
      pages.push({ url, sha256: await run.store.put(body) });
      const parsed = await parseHitCount(
        body.toString('utf8'),
        config,
        `${queryName(q)} at ${shortUrl(url)}`,
      );
      count = page === 1 ? parsed.count : count;
      records.push(...parsed.records);
      if (!config.collectRecords || parsed.records.length === 0 || records.length >= count) break;
    }
    return { id: q.id, count, pages, ...(config.collectRecords ? { records } : {}) };
  };

  let next = 0;
  let done = queries.length - todo.length;
  const lane = async () => {
    while (next < todo.length) {
      if (run.signal?.aborted) throw run.signal.reason ?? new Error('aborted');
      const q = todo[next++];
      const result = await runQuery(q);
      checkpoint[q.id] = { count: result.count, pages: result.pages.length, sha256: result.pages[0].sha256 };
      done += 1;
      await run.onResult?.(result, checkpoint, done, queries.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, config.concurrency) }, lane));
  return checkpoint;
}

/** Re-parses a finished run from the stored first pages, without the network. */
export async function replayPortal(
  config: PortalConfig,
  queries: PortalQuery[],
  checkpoint: Checkpoint,
  store: RawStore,
): Promise<Checkpoint> {
  const out: Checkpoint = {};
  for (const q of queries) {
    const r = checkpoint[q.id];
    if (!r) continue;
    const where = `${queryName(q)} at ${shortUrl(pageUrl(config, q, 1))}`;
    const body = await store.get(r.sha256);
    if (!body) throw new InputError(`${where}: stored response ${r.sha256} is missing`, q.id);
    out[q.id] = { ...r, count: (await parseHitCount(body.toString('utf8'), config, where)).count };
  }
  return out;
}

const VARIABLE: Record<Branch, string> = {
  all: 'patents_ai',
  foundation: 'patents_ai_foundation',
  technology: 'patents_ai_technology',
  application: 'patents_ai_application',
};

/** The counts of a finished run as observations, with the first page's URL and stored body as lineage. */
export function portalObservations(
  config: Pick<PortalConfig, 'baseUrl' | 'searchPath'>,
  queries: PortalQuery[],
  checkpoint: Checkpoint,
): Observation[] {
  return queries.map((q) => {
    const r = checkpoint[q.id];
    if (!r) throw new InputError(`${queryName(q)} has not completed`, q.id);
    const url = pageUrl(config, q, 1);
    return {
      province: q.province,
      year: q.year,
      variable: VARIABLE[q.branch],
      value: r.count,
      unit: 'count',
      method: 'observed',
      source: { file: url, sha256: r.sha256, url },
    };
  });
}
