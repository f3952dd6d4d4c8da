#!/usr/bin/env node
/**
 * The build: the TypeScript sources the `aicarbon` command reaches → `dist/` (one ES module per source,
 * same folders), then the workflow bundle the workers load (dist/workflow-bundles/<digest>.js).
 *
 *   node scripts/build.mjs        (npm run build; npm start and npm test run it first)
 *
 * Transpile only: type checking is `npm run lint`. Incremental: a source whose bytes are unchanged since
 * the last build (dist/build.json) is not compiled again, so a no-op build takes a fraction of a second.
 * What is compiled is the import closure of cli/main.ts and worker.ts (static and dynamic imports), so no
 * list of folders is kept by hand and tests, benchmarks and scripts stay out of dist/.
 *
 * Three rewrites make each compiled module behave exactly as its source does under tsx and vitest:
 *  - relative imports get the file name Node's ESM loader needs (`./y` → `./y.js` or `./y/index.js`);
 *  - `new URL(rel, import.meta.url)` resolves against the *source* file's location, so data read next to
 *    the sources (migrations, taxonomies, reference tables) is the same file in both cases;
 *  - except when `rel` names a TypeScript source (`new URL('./y.ts', import.meta.url)`: a module the code
 *    starts itself, a worker thread's entry): that is code, not data, so it names the compiled `./y.js`
 *    next to the compiled module, and the source is compiled as part of the closure like an import.
 *
 * Plain JavaScript because it runs before anything is compiled (also from bin/aicarbon.js when dist/ is
 * missing or older than the sources).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const MANIFEST = join(DIST, 'build.json');
const ENTRIES = ['cli/main.ts', 'worker.ts'];
/** Bump when the rewrites below change, so every file is compiled again. */
const BUILD_VERSION = 2;

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const posix = (p) => p.split(sep).join('/');

function readManifest() {
  try {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    return m.version === BUILD_VERSION ? m : { files: {} };
  } catch {
    return { files: {} };
  }
}

/** `./y` from `dir` → the source file it names (`y.ts` or `y/index.ts`), relative to the root. */
function resolveSource(fromFile, specifier) {
  const base = resolve(ROOT, dirname(fromFile), specifier);
  for (const [candidate, suffix] of [
    [`${base}.ts`, '.js'],
    [join(base, 'index.ts'), '/index.js'],
  ]) {
    if (existsSync(candidate)) return { file: posix(relative(ROOT, candidate)), suffix };
  }
  return undefined;
}

async function compile(ts, file, text, compilerOptions) {
  const deps = new Set();
  const outFile = join(DIST, file.replace(/\.ts$/, '.js'));
  const sourceFromOut = posix(relative(dirname(outFile), join(ROOT, file)));
  const problems = [];

  const rewrite = (context) => {
    const f = context.factory;
    const specifier = (node) => {
      const spec = node.text;
      if (!spec.startsWith('.')) return node;
      const target = resolveSource(file, spec);
      if (!target) {
        problems.push(`${file}: cannot resolve import '${spec}'`);
        return node;
      }
      deps.add(target.file);
      return f.createStringLiteral(spec.replace(/\/$/, '') + target.suffix);
    };
    const isImportMetaUrl = (n) =>
      ts.isPropertyAccessExpression(n) &&
      ts.isMetaProperty(n.expression) &&
      n.expression.keywordToken === ts.SyntaxKind.ImportKeyword &&
      n.name.text === 'url';
    const visit = (node) => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
        const spec = specifier(node.moduleSpecifier);
        return ts.isImportDeclaration(node)
          ? f.updateImportDeclaration(node, node.modifiers, node.importClause, spec, node.attributes)
          : f.updateExportDeclaration(
              node,
              node.modifiers,
              node.isTypeOnly,
              node.exportClause,
              spec,
              node.attributes,
            );
      }
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments.length >= 1 &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        return f.updateCallExpression(node, node.expression, node.typeArguments, [
          specifier(node.arguments[0]),
          ...node.arguments.slice(1),
        ]);
      }
      if (
        ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'URL' &&
        node.arguments?.length === 2 &&
        isImportMetaUrl(node.arguments[1]) &&
        ts.isStringLiteral(node.arguments[0]) &&
        node.arguments[0].text.startsWith('.') &&
        node.arguments[0].text.endsWith('.ts')
      ) {
        // new URL('./y.ts', import.meta.url) → new URL('./y.js', import.meta.url), y.ts compiled too
        const spec = node.arguments[0].text;
        const target = resolveSource(file, spec.slice(0, -'.ts'.length));
        if (!target || target.suffix !== '.js') {
          problems.push(`${file}: cannot resolve module URL '${spec}'`);
          return node;
        }
        deps.add(target.file);
        return f.updateNewExpression(node, node.expression, node.typeArguments, [
          f.createStringLiteral(spec.replace(/\.ts$/, '.js')),
          node.arguments[1],
        ]);
      }
      if (
        ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'URL' &&
        node.arguments?.length === 2 &&
        isImportMetaUrl(node.arguments[1])
      ) {
        // new URL(rel, import.meta.url) → new URL(rel, new URL('<source from here>', import.meta.url).href)
        const sourceUrl = f.createPropertyAccessExpression(
          f.createNewExpression(f.createIdentifier('URL'), undefined, [
            f.createStringLiteral(sourceFromOut),
            node.arguments[1],
          ]),
          'href',
        );
        return f.updateNewExpression(node, node.expression, node.typeArguments, [
          ts.visitNode(node.arguments[0], visit),
          sourceUrl,
        ]);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (sourceFile) => ts.visitNode(sourceFile, visit);
  };

  const out = ts.transpileModule(text, {
    compilerOptions,
    fileName: join(ROOT, file),
    reportDiagnostics: true,
    transformers: { after: [rewrite] },
  });
  const errors = (out.diagnostics ?? []).map(
    (d) => `${file}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
  );
  if (errors.length || problems.length) throw new Error([...errors, ...problems].join('\n'));
  mkdirSync(dirname(outFile), { recursive: true });
  const map = JSON.parse(out.sourceMapText);
  map.sources = [sourceFromOut];
  map.file = posix(relative(dirname(outFile), outFile));
  writeFileSync(outFile, out.outputText);
  writeFileSync(`${outFile}.map`, JSON.stringify(map));
  return [...deps].sort();
}

/**
 * Builds what changed. Returns the numbers of compiled and reused modules and whether the workflow
 * bundle was made anew.
 */
export async function build({ log = () => {} } = {}) {
  const previous = readManifest();
  const files = {};
  let ts;
  let compilerOptions;
  let compiled = 0;
  const queue = [...ENTRIES];
  const seen = new Set(queue);
  while (queue.length) {
    const file = queue.shift();
    const text = readFileSync(join(ROOT, file), 'utf8');
    const hash = sha256(text);
    const known = previous.files[file];
    const outFile = join(DIST, file.replace(/\.ts$/, '.js'));
    let deps;
    // Reuse only when every import still resolves to the file it did (a module moved into a folder of
    // the same name leaves its unchanged importers pointing at a file that is gone).
    if (
      known &&
      known.hash === hash &&
      existsSync(outFile) &&
      known.deps.every((d) => existsSync(join(ROOT, d)))
    ) {
      deps = known.deps;
    } else {
      if (!ts) {
        ts = (await import('typescript')).default;
        const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, ts.sys);
        compilerOptions = {
          ...parsed.options,
          noEmit: false,
          sourceMap: true,
          inlineSources: false,
          declaration: false,
        };
      }
      deps = await compile(ts, file, text, compilerOptions);
      compiled++;
    }
    files[file] = { hash, mtimeMs: statSync(join(ROOT, file)).mtimeMs, deps };
    for (const d of deps) {
      if (seen.has(d)) continue;
      seen.add(d);
      queue.push(d);
    }
  }
  // Modules no longer reached (a source deleted or no longer imported) leave dist/ too.
  for (const file of Object.keys(previous.files)) {
    if (files[file]) continue;
    const outFile = join(DIST, file.replace(/\.ts$/, '.js'));
    rmSync(outFile, { force: true });
    rmSync(`${outFile}.map`, { force: true });
  }
  removeEmptyDirs(DIST);
  mkdirSync(DIST, { recursive: true });
  writeFileSync(MANIFEST, `${JSON.stringify({ version: BUILD_VERSION, files }, null, 1)}\n`);

  const { ensureWorkflowBundle } = await import(
    pathToFileURL(join(DIST, 'temporal', 'workflow-bundle.js')).href
  );
  const bundle = await ensureWorkflowBundle({ log, prune: true });
  const modules = Object.keys(files).length;
  log(
    `built dist/: ${compiled} of ${modules} modules compiled` +
      `, workflow bundle ${bundle.digest.slice(0, 12)}${bundle.created ? ' (new)' : ''}`,
  );
  return { compiled, modules, bundleCreated: bundle.created };
}

function removeEmptyDirs(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = join(dir, entry.name);
    removeEmptyDirs(sub);
    if (!readdirSync(sub).length) rmSync(sub, { recursive: true });
  }
}

/**
 * True when dist/ is missing or any compiled source changed since the build (mtime first, bytes when
 * the mtime differs, so a fresh checkout of the same bytes is not "stale").
 */
export function isStale() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return true;
  }
  if (manifest.version !== BUILD_VERSION) return true;
  for (const [file, entry] of Object.entries(manifest.files)) {
    const path = join(ROOT, file);
    let mtimeMs;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      return true;
    }
    if (mtimeMs !== entry.mtimeMs && sha256(readFileSync(path, 'utf8')) !== entry.hash) return true;
  }
  return false;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quiet = process.argv.includes('--quiet');
  build({ log: quiet ? () => {} : (m) => process.stderr.write(`${m}\n`) }).catch((e) => {
    process.stderr.write(`build failed: ${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  });
}
