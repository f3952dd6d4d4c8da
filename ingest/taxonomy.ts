/**
 * The AI patent taxonomy (the paper's Table 1) as versioned data, with the normalisation of IPC codes
 * its rules compare. A record is classified into sub-technologies and layers by IPC prefix and
 * title/abstract keywords in ingest/patent-classifier.ts.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError, parseOrThrow } from '../common/errors';

const technologySchema = z.strictObject({
  id: z.string(),
  name_zh: z.string(),
  rule: z.enum(['ipc-or-keyword', 'ipc-and-keyword']),
  ipc: z.array(z.string().min(3)),
  keywords: z.array(z.string().min(1)),
  source: z.string(),
});

const taxonomySchema = z.strictObject({
  version: z.string(),
  description: z.string(),
  sources: z.record(z.string(), z.string()),
  rules: z.record(z.string(), z.string()),
  layers: z.array(
    z.strictObject({
      id: z.enum(['foundation', 'technology', 'application']),
      name_zh: z.string(),
      technologies: z.array(technologySchema),
    }),
  ),
});

export type Taxonomy = z.infer<typeof taxonomySchema>;
export type Layer = Taxonomy['layers'][number]['id'];

export interface Classification {
  technologies: string[];
  layers: Layer[];
}

/** IPC codes compared without spaces and leading zeros of the main group: `G06N 3/08` → `G06N3/08`. */
export function normalizeIpc(code: string): string {
  return code
    .normalize('NFKC')
    .toUpperCase()
    .replace(/\s+/g, '')
    .replace(/^([A-H]\d{2}[A-Z])0*(\d)/, '$1$2');
}

/** Splits an export's IPC field (`G06N3/08;G06K9/62`, `G06N 3/08, G06T 7/00`, `G06N3/08|…`). */
export function splitIpc(field: string): string[] {
  return field
    .split(/[;；,，|\n]+/)
    .map(normalizeIpc)
    .filter((c) => /^[A-H]\d{2}[A-Z]/.test(c));
}

export function loadTaxonomy(version = 'ai-patents-v1'): Taxonomy {
  const url = new URL(`./taxonomy/${version}.json`, import.meta.url);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(url, 'utf8'));
  } catch (e) {
    throw new InputError(
      `taxonomy ${version}: cannot read ${url.pathname} (${(e as Error).message})`,
      version,
    );
  }
  return parseOrThrow(taxonomySchema, json, { source: `taxonomy ${version}` });
}
