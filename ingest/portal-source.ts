/**
 * A patent search portal as one input of a refresh: a JSON file in the inputs folder (manifest layout
 * `patent-portal`) that says where the portal is, how to read its pages, and which provinces and years
 * to query. The queries themselves come from the AI taxonomy (ingest/portal.ts).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError, parseOrThrow } from '../common/errors';
import { provinces } from '../regions/provinces';
import { buildQueries, DEFAULT_PORTAL, type PortalConfig, type PortalQuery } from './portal';
import { loadTaxonomy } from './taxonomy';

export const PORTAL_LAYOUT = 'patent-portal';

const sourceSchema = z.strictObject({
  baseUrl: z.url(),
  searchPath: z.string().includes('{query}'),
  selectors: z.strictObject({
    hitCount: z.string(),
    empty: z.string().optional(),
    record: z.string().optional(),
  }),
  provinceTerm: z.string().default(DEFAULT_PORTAL.provinceTerm),
  yearTerm: z.string().default(DEFAULT_PORTAL.yearTerm),
  concurrency: z.number().int().min(1).default(DEFAULT_PORTAL.concurrency),
  minIntervalMs: z.number().min(0).default(DEFAULT_PORTAL.minIntervalMs),
  timeoutMs: z.number().positive().default(DEFAULT_PORTAL.timeoutMs),
  retries: z.number().int().min(0).default(DEFAULT_PORTAL.retries),
  backoffMs: z.number().min(0).default(DEFAULT_PORTAL.backoffMs),
  years: z.tuple([z.number().int(), z.number().int()]),
  /** Province codes to query; default all 30. */
  provinces: z.array(z.string()).optional(),
  taxonomy: z.string().default('ai-patents-v1'),
});

export async function readPortalSource(
  path: string,
  name: string,
): Promise<{ config: PortalConfig; queries: PortalQuery[] }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new InputError(`${name}: not a readable JSON portal definition (${(e as Error).message})`, name);
  }
  const { years, provinces: codes, taxonomy, ...config } = parseOrThrow(sourceSchema, json, { source: name });
  const known = provinces();
  const chosen = codes ? known.filter((p) => codes.includes(p.code)) : known;
  const unknown = (codes ?? []).filter((c) => !known.some((p) => p.code === c));
  if (unknown.length) throw new InputError(`${name}: provinces: unknown codes ${unknown.join(', ')}`, name);
  const yearList = Array.from({ length: years[1] - years[0] + 1 }, (_, i) => years[0] + i);
  return { config, queries: buildQueries(config, loadTaxonomy(taxonomy), chosen, yearList) };
}
