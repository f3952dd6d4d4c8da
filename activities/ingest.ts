import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { Config } from '../common/config';
import { ingestFile, LAYOUTS, readLayoutDeclarations, readManifest } from '../ingest';
import { inputFilePath } from '../ingest/input-files';
import { entryName } from '../ingest/manifest';
import {
  fileRawStore,
  portalObservations,
  runPortalQueries,
  type Checkpoint,
  type PortalWait,
} from '../ingest/portal';
import { PORTAL_LAYOUT, readPortalSource } from '../ingest/portal-source';
import { codeVersionsFor } from '../freshness/code-versions';
import type { StepKey } from '../freshness/keys';
import { ingestStepKey } from '../freshness/step-keys';
import type { Db } from '../store/db';
import { loadPortalQueries, savePortalQuery } from '../store/portal-queries';
import { getSourceFile, getSourceFiles, saveSourceFile } from '../store/source-files';
import { sha256File } from './hashing';

export interface ManifestFile {
  path: string;
  /** Position in the manifest's `files` (named in messages). */
  index?: number;
  layout: string;
  real: boolean;
  options?: Record<string, unknown>;
}

export function ingestActivities(db: Db, config: Config) {
  /**
   * A file's content key: its bytes, format, layout (and declaration), options and the parsers' code
   * version, so a changed unit option, layout or parser re-reads it, and the same bytes read another way
   * are another file. A portal's answers change over time: they are kept per run.
   */
  async function fileKey(args: { runId: string; inputsDir: string; file: ManifestFile }) {
    // Contained in the inputs folder, checked again here: the workflow input is not trusted blindly.
    const path = await inputFilePath(args.inputsDir, args.file.path, entryName(args.file));
    const portal = args.file.layout === PORTAL_LAYOUT;
    const fileHash = await sha256File(path);
    // A layout declared in the inputs folder is read from there, and is part of the file's key.
    const manifest =
      portal || Object.hasOwn(LAYOUTS, args.file.layout) ? undefined : await readManifest(args.inputsDir);
    const declarations = manifest
      ? (await readLayoutDeclarations(args.inputsDir, manifest.layouts, Object.keys(LAYOUTS))).declarations
      : [];
    const declaration = declarations.find((d) => d.id === args.file.layout);
    const step: StepKey = ingestStepKey(
      {
        path: args.file.path,
        layout: args.file.layout,
        options: args.file.options,
        bytes: fileHash,
        declaration,
        portal,
      },
      codeVersionsFor(config.buildManifest),
      args.runId,
    );
    const result = { name: args.file.path, sha256: step.key, real: args.file.real, step };
    return { path, portal, fileHash, declarations, result };
  }

  return {
    async readInputManifest(
      inputsDir: string,
    ): Promise<{ vintage: string; files: ManifestFile[]; notes: string[] }> {
      const manifest = await readManifest(inputsDir);
      return {
        vintage: manifest.vintage,
        notes: manifest.notes,
        files: manifest.files.map((f) => ({
          path: f.path,
          index: f.index,
          layout: f.layout,
          real: f.real,
          options: f.options,
        })),
      };
    },

    /**
     * Before any file is read: the files whose content key is already stored (by any run), in one task,
     * with what ingestSource would return for them; the workflow ingests only the others. Portals are
     * never among them (their answers are kept per run).
     */
    async findStoredFiles(args: {
      runId: string;
      inputsDir: string;
      files: ManifestFile[];
      /** A forced rerun: only files stored since then count (store/snapshots.ts Recompute). */
      storedSince?: string;
    }) {
      const keyed = [];
      for (const file of args.files) {
        if (file.layout === PORTAL_LAYOUT) continue;
        keyed.push((await fileKey({ ...args, file })).result);
      }
      // Every file's key looked up in one statement.
      const stored = await getSourceFiles(
        db,
        keyed.map((r) => r.sha256),
        { storedSince: args.storedSince },
      );
      return keyed.flatMap((result) => {
        const known = stored.get(result.sha256);
        return known
          ? [{ ...result, observations: known.observations, notes: known.notes, cached: true }]
          : [];
      });
    },

    /**
     * Parses one input file into observations and stores them, keyed by the file's content hash: an
     * unchanged file is never parsed twice, and a file that fails validation stores nothing.
     */
    async ingestSource(args: {
      runId: string;
      inputsDir: string;
      file: ManifestFile;
      /** A forced rerun: parse again unless stored since then (store/snapshots.ts Recompute). */
      storedSince?: string;
    }) {
      const { path, portal, fileHash, declarations, result } = await fileKey(args);
      const sha256 = result.sha256;
      const recompute = { storedSince: args.storedSince };
      const known = await getSourceFile(db, sha256, recompute);
      if (known) return { ...result, observations: known.observations, notes: known.notes, cached: true };
      const ctx = Context.current();
      const { observations, notes } = portal
        ? { observations: await queryPortal(db, config, path, args.file.path, sha256), notes: [] }
        : await ingestFile(path, args.file.layout, {
            name: args.file.path,
            options: args.file.options,
            declarations,
            signal: ctx.cancellationSignal,
            onProgress: (done, total) => ctx.heartbeat({ file: args.file.path, done, total }),
            // Scratch files (LibreOffice conversions) stay under .data/, removed when read.
            tools: { soffice: config.sofficePath, scratchDir: join(config.dataDir, 'tmp') },
          });
      const { size } = await stat(path);
      await saveSourceFile(
        db,
        {
          sha256,
          name: args.file.path,
          size,
          layout: args.file.layout,
          ...(!portal ? { fileSha256: fileHash } : {}),
          notes,
        },
        observations,
        recompute,
      );
      return { ...result, observations: observations.length, notes, cached: false };
    },
  };
}

/**
 * A search portal queried live: one query per branch, province and year, politely (ingest/portal.ts).
 * Each completed query is written to the store (`portal_queries`) and to the heartbeat's checkpoint
 * (query ids, counts and first-page hashes only: a full portal stays far below Temporal's 2 MB limit),
 * so a retried attempt (a killed worker, a portal that stayed down past the adapter's own retries)
 * resumes after the last completed query. Waits (Retry-After of any length, backoff) heartbeat every
 * few seconds and name what they wait for. Raw pages are kept by content hash under
 * `.data/portal-raw/` for offline replay.
 */
async function queryPortal(db: Db, config: Config, path: string, name: string, sourceKey: string) {
  const ctx = Context.current();
  const { config: portal, queries } = await readPortalSource(path, name);
  const fromHeartbeat = compactCheckpoint(
    (ctx.info.heartbeatDetails as { checkpoint?: Record<string, unknown> } | undefined)?.checkpoint,
  );
  let checkpoint: Checkpoint = { ...(await loadPortalQueries(db, sourceKey)), ...fromHeartbeat };
  let done = queries.filter((q) => checkpoint[q.id]).length;
  // Every lane's wait until its query completes: another lane's heartbeat must not hide it (the SDK
  // sends only the latest details).
  const waits = new Map<string, PortalWait>();
  const beat = () =>
    ctx.heartbeat({
      checkpoint,
      done,
      total: queries.length,
      ...(waits.size ? { waiting: [...waits.values()] } : {}),
    });
  checkpoint = await runPortalQueries(portal, queries, {
    store: fileRawStore(join(config.dataDir, 'portal-raw')),
    checkpoint,
    signal: ctx.cancellationSignal,
    onResult: async (result, c, n) => {
      await savePortalQuery(db, sourceKey, result);
      checkpoint = c;
      done = n;
      waits.delete(result.id);
      beat();
    },
    onWait: (w) => {
      waits.set(w.query, w);
      beat();
    },
    // A third of the heartbeat timeout: a wait never outlasts it, whatever the SDK's throttling.
    beatMs: Math.min(5_000, (ctx.info.heartbeatTimeoutMs ?? 15_000) / 3),
  });
  return portalObservations(portal, queries, checkpoint);
}

/**
 * A checkpoint from heartbeat details: entries of this version ({count, pages, sha256}) as they are,
 * entries of attempts started before it ({count, pages: [{url, sha256}]}) reduced to that.
 */
function compactCheckpoint(details: Record<string, unknown> | undefined): Checkpoint {
  const out: Checkpoint = {};
  for (const [id, v] of Object.entries(details ?? {})) {
    const e = v as { count?: unknown; pages?: unknown; sha256?: unknown };
    if (typeof e?.count !== 'number') continue;
    if (typeof e.sha256 === 'string' && typeof e.pages === 'number')
      out[id] = { count: e.count, pages: e.pages, sha256: e.sha256 };
    else if (Array.isArray(e.pages) && typeof e.pages[0]?.sha256 === 'string')
      out[id] = { count: e.count, pages: e.pages.length, sha256: e.pages[0].sha256 };
  }
  return out;
}
