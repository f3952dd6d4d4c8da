import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ingestFile, readManifest } from '../ingest';
import type { Db } from '../store/db';
import { getSourceFile, saveSourceFile } from '../store/source-files';
import { sha256File } from './hashing';

export interface ManifestFile {
  path: string;
  layout: string;
  real: boolean;
  options?: Record<string, unknown>;
}

export function ingestActivities(db: Db) {
  return {
    async readInputManifest(inputsDir: string): Promise<{ vintage: string; files: ManifestFile[] }> {
      const manifest = await readManifest(inputsDir);
      return {
        vintage: manifest.vintage,
        files: manifest.files.map((f) => ({
          path: f.path,
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
      const path = join(args.inputsDir, args.file.path);
      const sha256 = await sha256File(path);
      const known = await getSourceFile(db, sha256);
      if (known) {
        return {
          name: args.file.path,
          sha256,
          real: args.file.real,
          observations: known.observations,
          cached: true,
        };
      }
      const ctx = Context.current();
      const parsed = await ingestFile(path, args.file.layout, {
        name: args.file.path,
        options: args.file.options,
        signal: ctx.cancellationSignal,
        onProgress: (done, total) => ctx.heartbeat({ file: args.file.path, done, total }),
      });
      const { size } = await stat(path);
      await saveSourceFile(
        db,
        { sha256, name: args.file.path, size, layout: args.file.layout },
        parsed.observations,
      );
      return {
        name: args.file.path,
        sha256,
        real: args.file.real,
        observations: parsed.observations.length,
        cached: false,
      };
    },
  };
}
