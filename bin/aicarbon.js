#!/usr/bin/env node
// The installed `aicarbon` command: runs the compiled CLI in dist/ (`npm run build`). In a checkout
// whose sources changed since the last build (or that was never built), it builds first when the
// build tools are installed, so the command always runs the code you see.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';

// The embedded store (PGlite) is a 9 MB WebAssembly module compiled at every start. By default V8
// compiles it twice, quickly (Liftoff) and then optimised (TurboFan) in the background, which costs
// about a second of CPU that only a long-lived process earns back: a command that opens the store
// and exits keeps the quick code (opening the store: ~1.4 → 0.6 s CPU, its queries cheaper too while
// no recompilation competes). `aicarbon worker` runs for days and keeps the optimising tier.
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (command !== 'worker') setFlagsFromString('--liftoff-only');

const build = new URL('../scripts/build.mjs', import.meta.url);
const main = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(build)) {
  const { isStale, build: rebuild } = await import(build.href);
  if (isStale()) {
    let canBuild = true;
    try {
      createRequire(import.meta.url).resolve('typescript');
    } catch {
      canBuild = false;
    }
    if (canBuild) {
      await rebuild();
    } else if (!existsSync(main)) {
      process.stderr.write(
        'aicarbon: dist/ is missing and TypeScript is not installed: run `npm ci && npm run build`.\n',
      );
      process.exit(2);
    }
  }
}
await import(main.href);
