import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { Config } from '../common/config';
import { ingestFile, LAYOUTS, readLayoutDeclarations, readManifest } from '../ingest';
import { inputFilePath } from '../ingest/input-files';
import { entryName } from '../ingest/manifest';
import { fileRawStore, portalObservations, runPortalQueries, type Checkpoint } from '../ingest/portal';
import { PORTAL_LAYOUT, readPortalSource } from '../ingest/portal-source';
import type { Db } from '../store/db';
import { getSourceFile, saveSourceFile } from '../store/source-files';
import { sha256File, sha256Json } from './hashing';

export interface ManifestFile {
  path: string;
  /** Position in the manifest's `files` (named in messages). */
  index?: number;
  layout: string;
  real: boolean;
  options?: Record<string, unknown>;
}

export function ingestActivities(db: Db, config: Config) {
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
     * Parses one input file into observations and stores them, keyed by the file's content hash: an
     * unchanged file is never parsed twice, and a file that fails validation stores nothing.
     */
    async ingestSource(args: { runId: string; inputsDir: string; file: ManifestFile }) {
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
      // A portal's answers change over time: its results are kept per run, not per definition file.
      // A file is keyed by its bytes and how they are read, so a changed declaration or option re-reads it.
      const sha256 = portal
        ? sha256Json({ source: fileHash, runId: args.runId })
        : declaration || args.file.options
          ? sha256Json({ file: fileHash, layout: args.file.layout, declaration, options: args.file.options })
          : fileHash;
      const result = { name: args.file.path, sha256, real: args.file.real };
      const known = await getSourceFile(db, sha256);
      if (known) return { ...result, observations: known.observations, notes: known.notes, cached: true };
      const ctx = Context.current();
      const { observations, notes } = portal
        ? { observations: await queryPortal(config, path, args.file.path), notes: [] }
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
          ...(sha256 !== fileHash && !portal ? { fileSha256: fileHash } : {}),
          notes,
        },
        observations,
      );
      return { ...result, observations: observations.length, notes, cached: false };
    },
  };
}

/**
 * A search portal queried live: one query per branch, province and year, politely (ingest/portal.ts).
 * Completed queries travel in the heartbeat details, so a retried attempt (a killed worker, a portal
 * that stayed down past the adapter's own retries) resumes after the last completed query. Raw pages are
 * kept by content hash under `.data/portal-raw/` for offline replay.
 */
async function queryPortal(config: Config, path: string, name: string) {
  const ctx = Context.current();
  const { config: portal, queries } = await readPortalSource(path, name);
  const resumed = (ctx.info.heartbeatDetails as { checkpoint?: Checkpoint } | undefined)?.checkpoint;
  const checkpoint = await runPortalQueries(portal, queries, {
    store: fileRawStore(join(config.dataDir, 'portal-raw')),
    checkpoint: resumed,
    signal: ctx.cancellationSignal,
    onCheckpoint: (c, done, total) => ctx.heartbeat({ checkpoint: c, done, total }),
  });
  return portalObservations(queries, checkpoint);
}
