/**
 * exceljs's two ways in (common/exceljs.ts): the Workbook alone is the very class the whole package
 * exports, and loading it leaves the streaming reader and writer (and their zip libraries) unloaded.
 * Which modules a fresh process loads is read from its CommonJS module cache.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadExcelJS, loadWorkbook } from '../../common/exceljs';
import { PROJECT_ROOT } from '../../common/config';

/** The packages a fresh process has loaded after `expression` (awaited), from its module cache. */
function packagesAfter(expression: string): string[] {
  const script = `
    const { loadExcelJS, loadWorkbook } = await import('./common/exceljs.ts');
    await ${expression};
    const { createRequire } = await import('node:module');
    const cache = createRequire(import.meta.url).cache;
    const names = Object.keys(cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]);
    console.log(JSON.stringify([...new Set(names.filter(Boolean))].sort()));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[];
}

describe('exceljs on first use', () => {
  it('gives the Workbook class of the whole package', async () => {
    expect(await loadWorkbook()).toBe((await loadExcelJS()).Workbook);
  });

  it('loads the Workbook without the streaming reader and writer', () => {
    const workbookOnly = packagesAfter('loadWorkbook()');
    expect(workbookOnly).toContain('exceljs');
    expect(workbookOnly).toContain('jszip'); // what a workbook is written and read with
    const whole = packagesAfter('loadExcelJS()');
    // The streaming reader's zip reader and the streaming writer's archiver come with the whole package.
    for (const streaming of ['unzipper', 'archiver']) {
      expect(whole).toContain(streaming);
      expect(workbookOnly).not.toContain(streaming);
    }
  });
});
