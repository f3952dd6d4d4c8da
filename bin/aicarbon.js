#!/usr/bin/env node
// The installed `aicarbon` command: runs the compiled CLI in dist/ (`npm run build`). In a checkout
// whose sources changed since the last build (or that was never built), it builds first when the
// build tools are installed, so the command always runs the code you see.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

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
