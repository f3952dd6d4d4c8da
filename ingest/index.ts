/** Ingestion: a source file and its layout in, tidy observations with lineage out (all or nothing). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../common/errors';
import type { IngestTools } from './layout';
import { readLayoutDeclarations, type LayoutDeclaration } from './layout-declaration';
import { readManifest, type ManifestFile } from './manifest';
import type { Observation } from './observation';
import { LAYOUTS, layoutById } from './registry';

export { readManifest, type Manifest, type ManifestFile } from './manifest';
export type { Observation, Lineage } from './observation';
export { LAYOUTS, layoutById } from './registry';
export { YEARBOOK_TABLES } from './layouts/yearbook-tables';
export {
  layoutDeclarationSchema,
  parseLayoutDeclarations,
  readLayoutDeclarations,
  type DeclaredLayouts,
  type LayoutDeclaration,
} from './layout-declaration';
export { countPatents, type PatentCounts } from './layouts/patent-export';
export {
  buildQueries,
  DEFAULT_PORTAL,
  fileRawStore,
  portalObservations,
  replayPortal,
  runPortalQueries,
  type Checkpoint,
  type PortalConfig,
  type PortalQuery,
  type RawStore,
} from './portal';
export { classifier, patentClassifier, type PatentClassifier } from './patent-classifier';
export { loadTaxonomy, normalizeIpc, splitIpc, type Taxonomy } from './taxonomy';

export interface IngestedFile {
  name: string;
  sha256: string;
  size: number;
  layout: string;
  observations: Observation[];
  /** What the layout reported about the file (e.g. repeated records counted once). */
  notes: string[];
}

export interface IngestOptions {
  name?: string;
  options?: Record<string, unknown>;
  /** Layouts declared in the inputs folder (the manifest's `layouts`), besides the built-in ones. */
  declarations?: LayoutDeclaration[];
  signal?: AbortSignal;
  onProgress?: (done: number, total?: number) => void;
  tools?: IngestTools;
}

export async function ingestFile(
  path: string,
  layout: string,
  options: IngestOptions = {},
): Promise<IngestedFile> {
  const name = options.name ?? basename(path);
  const { size } = await stat(path).catch(() => {
    throw new InputError(`${name}: file not found at ${path}`, name);
  });
  // Streamed: a patent export may be far larger than the memory a parse should take.
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  if (size === 0) throw new InputError(`${name}: empty file`, name);
  const notes: string[] = [];
  const observations = await layoutById(layout, name, options.declarations).parse({
    path,
    name,
    sha256,
    options: options.options ?? {},
    signal: options.signal,
    onProgress: options.onProgress,
    tools: options.tools,
    note: (message) => notes.push(`${name}: ${message}`),
  });
  if (observations.length === 0)
    throw new InputError(`${name}: no observations for the study's provinces`, name);
  return { name, sha256, size, layout, observations, notes };
}

/**
 * Every file of an inputs folder, read by its manifest entry (declared layouts included), in manifest
 * order — the ingest stage without Temporal or a store (scripts, benchmarks, tests).
 */
export async function ingestManifest(
  dir: string,
  filter: (file: ManifestFile) => boolean = () => true,
): Promise<(IngestedFile & { real: boolean })[]> {
  const manifest = await readManifest(dir);
  const { declarations } = await readLayoutDeclarations(dir, manifest.layouts, Object.keys(LAYOUTS));
  const out: (IngestedFile & { real: boolean })[] = [];
  for (const f of manifest.files.filter(filter)) {
    const r = await ingestFile(join(dir, f.path), f.layout, {
      name: f.path,
      options: f.options,
      declarations,
    });
    out.push({ ...r, real: f.real });
  }
  return out;
}
