/**
 * The manifest of an inputs folder: which files to read, with which layout, and whether each is real
 * public data or synthetic. The vintage names the data release (part of the run id).
 *
 * Every path must stay inside the inputs folder (ingest/input-files.ts); an entry listed twice (same
 * path after normalisation, same layout, same options) is read once, at its first position, and the
 * repeat is reported in `notes`.
 */
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { z } from 'zod';
import { InputError, parseOrThrow } from '../common/errors';
import { SAFE_NAME, SAFE_NAME_RULE } from '../common/safe-names';
import { inputFilePath, unsafeEntryPath } from './input-files';

export const manifestFileSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .superRefine((path, ctx) => {
      const unsafe = unsafeEntryPath(path);
      if (unsafe) ctx.addIssue({ code: 'custom', message: `"${path}" refused: ${unsafe}` });
    }),
  layout: z.string().min(1),
  real: z.boolean(),
  source: z.string().min(1),
  description: z.string().optional(),
  /** Layout-specific settings, validated by the layout. */
  options: z.record(z.string(), z.unknown()).optional(),
});

export const manifestSchema = z.strictObject({
  vintage: z.string().regex(SAFE_NAME, `${SAFE_NAME_RULE} (it is part of the run id)`),
  description: z.string().optional(),
  /** Layout declaration files (inside the inputs folder) whose layouts the files may name. */
  layouts: z.array(z.string().min(1)).default([]),
  files: z.array(manifestFileSchema).min(1),
});

export type ManifestFile = z.infer<typeof manifestFileSchema>;
/** A manifest entry with its position in `files` (for messages). */
export type ManifestEntry = ManifestFile & { index: number };
export type Manifest = Omit<z.infer<typeof manifestSchema>, 'files'> & {
  files: ManifestEntry[];
  /** Things the manifest did that a person should know (repeated entries dropped). */
  notes: string[];
};

/** How messages name a manifest entry: `manifest.json files[3] "real/gdp.csv"`. */
export const entryName = (entry: { index?: number; path: string }) =>
  `manifest.json files[${entry.index ?? '?'}] "${entry.path}"`;

const stable = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(stable).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);

export async function readManifest(dir: string): Promise<Manifest> {
  // The manifest itself must be a file of the inputs folder, like every entry.
  const path = await inputFilePath(dir, 'manifest.json', 'manifest.json');
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`, path);
  }
  const manifest = parseOrThrow(manifestSchema, json, { source: path });
  const notes: string[] = [];
  const files: ManifestEntry[] = [];
  const seen = new Map<string, ManifestEntry>();
  for (const [index, file] of manifest.files.entries()) {
    const entry = { ...file, index };
    const key = `${posix.normalize(file.path.replace(/\\/g, '/'))}|${file.layout}|${stable(file.options ?? {})}`;
    const first = seen.get(key);
    if (first) {
      if (first.real !== file.real)
        throw new InputError(
          `${entryName(entry)}: repeats ${entryName(first)} but says real: ${file.real} (it said ${first.real})`,
          entryName(entry),
        );
      notes.push(
        `${entryName(entry)} repeats ${entryName(first)} (same file, layout and options): read once, as files[${first.index}]`,
      );
      continue;
    }
    seen.set(key, entry);
    files.push(entry);
  }
  return { ...manifest, files, notes };
}
