/**
 * The workflow bundle a worker loads: webpack's bundle of `workflows/`, made once per content and
 * reused. Its key (the digest) hashes the bytes of every source file the workflows import (type-only
 * imports left out: they cannot change the bundle) and the versions of the SDK packages that go into it,
 * so an unchanged workflow tree is never bundled twice — not by the build (`npm run build`), not by a
 * test, not by a worker start — and a changed one never runs stale code.
 *
 * Bundles live in `dist/workflow-bundles/<digest>.js` (written atomically; the build keeps only the
 * current one). Where that folder cannot be written (a read-only install) the bundle stays in memory.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'workflows', 'index.ts');
export const BUNDLE_DIR = join(ROOT, 'dist', 'workflow-bundles');
/** Packages compiled into the bundle: their versions are part of the key. */
const SDK_PACKAGES = ['@temporalio/workflow', '@temporalio/common', '@temporalio/worker'];

// `import … from './x'`, `export … from './x'`, `import './x'`, `import('./x')`; not `import type`.
const RELATIVE_IMPORT =
  /(?:^|[\s;])(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function resolveSource(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  return undefined;
}

/** The workflow source files (absolute paths), in a stable order. */
export function workflowSources(entry = ENTRY): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(RELATIVE_IMPORT)) {
      const target = resolveSource(file, m[1] ?? m[2]);
      if (target && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen].sort();
}

export function workflowDigest(): string {
  const hash = createHash('sha256');
  for (const file of workflowSources()) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  const require = createRequire(import.meta.url);
  for (const pkg of SDK_PACKAGES) {
    const { version } = require(`${pkg}/package.json`) as { version: string };
    hash.update(`${pkg}@${version}\0`);
  }
  return hash.digest('hex');
}

export type LoadableBundle = { codePath: string } | { code: string };

/**
 * The bundle for the current sources: the stored one when its digest matches, else bundled now (a few
 * seconds) and stored. `prune` removes bundles of other digests (the build does; workers leave them).
 */
export async function ensureWorkflowBundle(
  options: { log?: (m: string) => void; prune?: boolean } = {},
): Promise<{ bundle: LoadableBundle; digest: string; created: boolean }> {
  const digest = workflowDigest();
  const path = join(BUNDLE_DIR, `${digest}.js`);
  let created = false;
  let bundle: LoadableBundle = { codePath: path };
  if (!existsSync(path)) {
    options.log?.(`bundling workflows (${digest.slice(0, 12)})…`);
    const { bundleWorkflowCode } = await import('@temporalio/worker');
    const { code } = await bundleWorkflowCode({ workflowsPath: ENTRY, logger: quietBundlerLogger });
    created = true;
    try {
      await mkdir(BUNDLE_DIR, { recursive: true });
      const partial = `${path}.partial-${process.pid}`;
      await writeFile(partial, code);
      await rename(partial, path);
    } catch {
      bundle = { code };
    }
  }
  if (options.prune) {
    for (const name of await readdir(BUNDLE_DIR).catch(() => [] as string[])) {
      if (name !== `${digest}.js` && !name.includes('.partial-'))
        await rm(join(BUNDLE_DIR, name), { force: true });
    }
  }
  return { bundle, digest, created };
}

// The bundler reports each module at info/debug; only problems are worth showing.
const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => process.stderr.write(`workflow bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`workflow bundler: ${message}\n`),
};
