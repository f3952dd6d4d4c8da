/**
 * The version of the code each durable step runs, derived from the code itself: the digest of the
 * modules in the import closure of the step's own module (the estimator family's module for an
 * estimation, the assembly module for assemble, …), never a number someone must remember to bump.
 *
 *   version(step) = sha256( sorted "path:sha256(source)" over closure(roots(step)) )
 *
 * The import graph and the source hashes come from the build (dist/build.json, scripts/build.mjs). A
 * module whose source changed since the build (a checkout run by tsx or vitest without rebuilding) is
 * hashed from its current bytes and its imports read again, so a stale build can never make changed code
 * look unchanged. Without a build at all, the graph is read from the sources. A comment change moves the
 * digest too (a false "outdated" is cheap; a false "current" is not).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import type { EstimatorName } from '../econometrics/registry';
import { PROJECT_ROOT } from '../common/config';

/** The module each estimator's fit lives in: its family (estimators sharing a module share a version). */
export const ESTIMATOR_MODULES: Record<EstimatorName, string> = {
  ols: 'econometrics/ols.ts',
  fe: 'econometrics/fe.ts',
  iv: 'econometrics/iv.ts',
  vif: 'econometrics/vif.ts',
  mediation: 'econometrics/mediation.ts',
  moderation: 'econometrics/moderation.ts',
  diffgmm: 'econometrics/gmm/estimators.ts',
  sysgmm: 'econometrics/gmm/estimators.ts',
  sar: 'econometrics/spatial/estimators.ts',
  sem: 'econometrics/spatial/estimators.ts',
  sdm: 'econometrics/spatial/estimators.ts',
  moran: 'econometrics/spatial/estimators.ts',
};

/** Every step kind's roots; an estimation adds its family's module (and the weights when it has some). */
export const STEP_ROOTS = {
  ingest: ['ingest/index.ts', 'ingest/portal-source.ts'],
  assemble: ['assembly/index.ts', 'assembly/cells.ts'],
  // The column digests the indicator step stores are the estimations' keys (the early cut-off).
  indicators: ['indicators/index.ts', 'panel/column-digests.ts'],
  // The dispatcher's sample preparation (subset, winsorize) and the spec schema run for every family;
  // the dispatcher's own imports of all families are not followed (see estimationRoots).
  // What the estimation reads (econometrics/reads.ts) decides its key, so its code is in the version.
  estimate: ['econometrics/spec.ts', 'econometrics/reads.ts', 'panel/index.ts'],
  weights: ['study/weights.ts'],
  publish: ['publish/index.ts'],
} as const;

/** Modules hashed by their own bytes only (their imports are other steps' roots). */
const SHALLOW = ['econometrics/estimate.ts'];

export type ModuleHashes = Record<string, string>;

interface Graph {
  files: Record<string, { hash: string; deps: string[] }>;
}

export interface CodeVersions {
  /** The digest of the modules reached from `roots` (plus the shallow ones named). */
  version(roots: readonly string[], shallow?: readonly string[]): string;
  /** The modules reached from `roots`, with their hashes (what `outdated` compares). */
  modules(roots: readonly string[], shallow?: readonly string[]): ModuleHashes;
  /** Every module's hash (what a run records, so a later plan can name the module that changed). */
  all(): ModuleHashes;
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

// Relative specifiers of static imports/exports and dynamic imports.
const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]+)['"]/gm;

function scanImports(root: string, file: string, text: string): string[] {
  const deps = new Set<string>();
  for (const m of text.matchAll(IMPORT_RE)) {
    const base = resolve(root, dirname(file), m[1]);
    for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base])
      if (candidate.endsWith('.ts') && existsSync(candidate)) {
        deps.add(normalize(relative(root, candidate)).split('\\').join('/'));
        break;
      }
  }
  return [...deps].sort();
}

/**
 * The code versions of this checkout: `manifestPath` (default dist/build.json) for the build's graph,
 * `root` for the sources it checks the build against.
 */
export function loadCodeVersions(options: { manifestPath?: string; root?: string } = {}): CodeVersions {
  const root = options.root ?? PROJECT_ROOT;
  const manifestPath = options.manifestPath ?? join(root, 'dist', 'build.json');
  let built: Graph = { files: {} };
  try {
    built = JSON.parse(readFileSync(manifestPath, 'utf8')) as Graph;
  } catch {
    // No build: the graph is read from the sources below.
  }
  const graph = new Map<string, { hash: string; deps: string[] }>();
  const node = (file: string) => {
    let hit = graph.get(file);
    if (hit) return hit;
    const known = built.files?.[file];
    const path = join(root, file);
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      const hash = sha256(text);
      hit =
        known && known.hash === hash
          ? { hash, deps: known.deps }
          : { hash, deps: scanImports(root, file, text) };
    } else if (known) {
      // A deployment without sources (or a module only the build knows): the build's record.
      hit = { hash: known.hash, deps: known.deps };
    } else {
      throw new Error(`code version: module ${file} is neither in ${manifestPath} nor under ${root}`);
    }
    graph.set(file, hit);
    return hit;
  };
  const modules = (roots: readonly string[], shallow: readonly string[] = []): ModuleHashes => {
    const seen = new Set<string>();
    const queue = [...roots];
    while (queue.length) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      queue.push(...node(file).deps);
    }
    for (const s of shallow) seen.add(s);
    return Object.fromEntries([...seen].sort().map((f) => [f, node(f).hash]));
  };
  // A plan asks for the version of each of its ~80 steps, and steps of one kind (the 52 estimations:
  // a dozen estimator families) share their roots: each distinct set's closure is walked once.
  const versions = new Map<string, string>();
  return {
    modules,
    version: (roots, shallow = []) => {
      const k = `${roots.join('\n')}\u0000${shallow.join('\n')}`;
      let v = versions.get(k);
      if (v === undefined) {
        v = sha256(
          Object.entries(modules(roots, shallow))
            .map(([f, h]) => `${f}:${h}`)
            .join('\n'),
        );
        versions.set(k, v);
      }
      return v;
    },
    all: () => {
      const everything = new Set([...Object.keys(built.files ?? {}), ...graph.keys()]);
      return Object.fromEntries(
        [...everything]
          .sort()
          .filter((f) => {
            try {
              node(f);
              return true;
            } catch {
              return false;
            }
          })
          .map((f) => [f, node(f).hash]),
      );
    },
  };
}

/**
 * The code a worker runs, as a short digest: the import closure of worker.ts and of the workflows under
 * `manifestPath`'s build. A worker names it in its poller identity (worker.ts) and `aicarbon run` hands a
 * refresh only to a standing worker of its own build: a worker on older code would compute (or reuse)
 * under its own code's keys a refresh named for this code.
 */
export function workerBuild(manifestPath: string = join(PROJECT_ROOT, 'dist', 'build.json')): string {
  // A graph of its own: walking the workflows into the one steps' versions use would add them to what
  // that one lists as the run's modules (`all`), which must not depend on who asked what before.
  return perManifest(builds, manifestPath, () =>
    loadCodeVersions({ manifestPath }).version(['worker.ts', 'workflows/index.ts']).slice(0, 12),
  );
}
const builds = new Map<string, string>();

/**
 * `make()` once per process and build manifest content (its path and sha256; the path alone if it is
 * absent), at most a few kept: the code a worker loaded does not change under it, and a changed
 * manifest file is read again.
 */
function perManifest<T>(cache: Map<string, T>, manifestPath: string, make: () => T): T {
  let stamp = '';
  try {
    stamp = sha256(readFileSync(manifestPath));
  } catch {
    // No build: keyed by the path alone.
  }
  const k = `${manifestPath}\u0000${stamp}`;
  let hit = cache.get(k);
  if (hit === undefined) {
    hit = make();
    if (cache.size > 8) cache.clear();
    cache.set(k, hit);
  }
  return hit;
}

/** The roots of one estimation step: its family's module, the shared preparation, the weights if any. */
export function estimationRoots(estimator: EstimatorName, weights: boolean) {
  return {
    roots: [ESTIMATOR_MODULES[estimator], ...STEP_ROOTS.estimate, ...(weights ? STEP_ROOTS.weights : [])],
    shallow: SHALLOW,
  };
}

const cache = new Map<string, CodeVersions>();

/** The code graph of a build, read once per process and manifest content (perManifest). */
export function codeVersionsFor(
  manifestPath: string = join(PROJECT_ROOT, 'dist', 'build.json'),
): CodeVersions {
  return perManifest(cache, manifestPath, () => loadCodeVersions({ manifestPath }));
}
