/**
 * A patent search portal scraped politely: one query per (branch, province, year) built from the
 * taxonomy, the hit count (and optionally the listed records, across pages) parsed with configured
 * cheerio selectors.
 *
 * Politeness and robustness: a bounded pool of workers, a minimum interval between request starts,
 * a timeout per request, retries with exponential backoff on timeouts, 429 and 5xx (honouring
 * Retry-After), and an InputError (not retryable) when a page no longer matches the selectors or the
 * portal refuses a query (other 4xx). Every response body is stored by its SHA-256, and each completed
 * query goes into a checkpoint, so a run resumes where it stopped and `replayPortal` re-parses a run
 * offline from the stored bodies.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import axios, { type AxiosResponse } from 'axios';
import * as cheerio from 'cheerio';
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
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, path);
      return sha;
    },
    get: (sha) => readFile(join(dir, sha)).catch(() => undefined),
  };
}

export interface QueryResult {
  id: string;
  count: number;
  records?: string[];
  /** The pages read: URL and the stored body's hash. */
  pages: { url: string; sha256: string }[];
}

/** Completed queries by id; persist it after each `onCheckpoint` to resume. */
export type Checkpoint = Record<string, QueryResult>;

export interface PortalRun {
  store: RawStore;
  checkpoint?: Checkpoint;
  onCheckpoint?: (checkpoint: Checkpoint, done: number, total: number) => void | Promise<void>;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason ?? new Error('aborted'));
    });
  });

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
function retryAfterMs(header: unknown): number | undefined {
  if (typeof header !== 'string' || !header.trim()) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

export function parseHitCount(
  html: string,
  config: PortalConfig,
  url: string,
): { count: number; records: string[] } {
  const $ = cheerio.load(html);
  if (config.selectors.empty && $(config.selectors.empty).length > 0) return { count: 0, records: [] };
  const el = $(config.selectors.hitCount).first();
  if (el.length === 0)
    throw new InputError(
      `${url}: no element matches the hit-count selector "${config.selectors.hitCount}" (the portal's page layout changed?)`,
      url,
    );
  const digits = /(\d[\d,，\s]*)/.exec(el.text().normalize('NFKC'));
  if (!digits)
    throw new InputError(
      `${url}: selector "${config.selectors.hitCount}" found "${el.text().trim()}", expected a hit count`,
      url,
    );
  const records = config.selectors.record
    ? $(config.selectors.record)
        .map((_, r) => $(r).text().trim())
        .get()
    : [];
  return { count: Number(digits[1].replace(/[,，\s]/g, '')), records };
}

/** Runs the queries not yet in the checkpoint; returns every query's result (old and new). */
export async function runPortalQueries(
  config: PortalConfig,
  queries: PortalQuery[],
  run: PortalRun,
): Promise<Checkpoint> {
  const checkpoint: Checkpoint = { ...(run.checkpoint ?? {}) };
  const todo = queries.filter((q) => !checkpoint[q.id]);
  let nextStart = 0;
  const slot = async () => {
    // Shared schedule of request starts: at most one per minIntervalMs across all workers.
    const now = Date.now();
    const at = Math.max(now, nextStart);
    nextStart = at + config.minIntervalMs;
    if (at > now) await sleep(at - now, run.signal);
  };

  const fetchPage = async (url: string): Promise<AxiosResponse<Buffer>> => {
    for (let attempt = 0; ; attempt++) {
      await slot();
      let response: AxiosResponse<Buffer> | undefined;
      let fault: string;
      try {
        response = await axios.get<Buffer>(url, {
          timeout: config.timeoutMs,
          responseType: 'arraybuffer',
          validateStatus: () => true,
          signal: run.signal,
        });
        if (response.status < 300) return response;
        if (response.status !== 429 && response.status < 500)
          throw new InputError(`${url}: the portal refused the query (HTTP ${response.status})`, url);
        fault = `HTTP ${response.status}`;
      } catch (e) {
        if (run.signal?.aborted) throw run.signal.reason ?? e;
        if (e instanceof InputError) throw e;
        fault = (e as Error).message;
      }
      if (attempt >= config.retries)
        throw new Error(`${url}: gave up after ${attempt + 1} attempts (last: ${fault})`);
      const wait = retryAfterMs(response?.headers['retry-after']) ?? config.backoffMs * 2 ** attempt;
      await sleep(wait, run.signal);
    }
  };

  const runQuery = async (q: PortalQuery): Promise<QueryResult> => {
    const pages: QueryResult['pages'] = [];
    const records: string[] = [];
    let count = 0;
    for (let page = 1; ; page++) {
      const url =
        config.baseUrl +
        config.searchPath.replace('{query}', encodeURIComponent(q.query)).replace('{page}', String(page));
      const response = await fetchPage(url);
      const body = Buffer.from(response.data);
      pages.push({ url, sha256: await run.store.put(body) });
      const parsed = parseHitCount(body.toString('utf8'), config, url);
      count = page === 1 ? parsed.count : count;
      records.push(...parsed.records);
      if (!config.collectRecords || parsed.records.length === 0 || records.length >= count) break;
    }
    return { id: q.id, count, pages, ...(config.collectRecords ? { records } : {}) };
  };

  let next = 0;
  let done = queries.length - todo.length;
  const worker = async () => {
    while (next < todo.length) {
      if (run.signal?.aborted) throw run.signal.reason ?? new Error('aborted');
      const q = todo[next++];
      checkpoint[q.id] = await runQuery(q);
      done += 1;
      await run.onCheckpoint?.(checkpoint, done, queries.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, config.concurrency) }, worker));
  return checkpoint;
}

/** Re-parses a finished run from the stored bodies, without the network. */
export async function replayPortal(
  config: PortalConfig,
  checkpoint: Checkpoint,
  store: RawStore,
): Promise<Checkpoint> {
  const out: Checkpoint = {};
  for (const [id, r] of Object.entries(checkpoint)) {
    const body = await store.get(r.pages[0].sha256);
    if (!body) throw new InputError(`${r.pages[0].url}: stored response ${r.pages[0].sha256} is missing`, id);
    const { count } = parseHitCount(body.toString('utf8'), config, r.pages[0].url);
    out[id] = { ...r, count };
  }
  return out;
}

const VARIABLE: Record<Branch, string> = {
  all: 'patents_ai',
  foundation: 'patents_ai_foundation',
  technology: 'patents_ai_technology',
  application: 'patents_ai_application',
};

/** The counts of a finished run as observations, with the first page's URL as lineage. */
export function portalObservations(queries: PortalQuery[], checkpoint: Checkpoint): Observation[] {
  return queries.map((q) => {
    const r = checkpoint[q.id];
    if (!r) throw new InputError(`portal query ${q.id} has not completed`, q.id);
    return {
      province: q.province,
      year: q.year,
      variable: VARIABLE[q.branch],
      value: r.count,
      unit: 'count',
      method: 'observed',
      source: { file: r.pages[0].url, sha256: r.pages[0].sha256, url: r.pages[0].url },
    };
  });
}
