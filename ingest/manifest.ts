/**
 * The manifest of an inputs folder: which files to read, with which layout, and whether each is real
 * public data or synthetic. The vintage names the data release (part of the run id).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../common/errors';

export const manifestFileSchema = z.strictObject({
  path: z.string().min(1),
  layout: z.string().min(1),
  real: z.boolean(),
  source: z.string().min(1),
  description: z.string().optional(),
  /** Layout-specific settings, validated by the layout. */
  options: z.record(z.string(), z.unknown()).optional(),
});

export const manifestSchema = z.strictObject({
  vintage: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-" only (it is part of the run id)'),
  description: z.string().optional(),
  /** Layout declaration files (inside the inputs folder) whose layouts the files may name. */
  layouts: z.array(z.string().min(1)).default([]),
  files: z.array(manifestFileSchema).min(1),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${path}: no manifest.json in the inputs folder ${dir}`, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`, path);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new InputError(`${path}: ${at.replace(/^\./, '') || '(root)'}: ${issue.message}`, `${path}#${at}`);
  }
  return parsed.data;
}
