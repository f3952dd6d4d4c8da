/**
 * Start-up: `aicarbon --help` and every command's `--help` load the command line only — not Temporal,
 * the store, the pipeline or the spreadsheet libraries — so they answer at once, and `run` loads the
 * worker and the readers only when it needs them (the seconds are measured
 * by `npm run bench:cli`, not here). Checked by recording every module the process resolves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';

const HEAVY = [
  '@temporalio/',
  '@electric-sql/pglite',
  '/node_modules/pg/',
  'exceljs',
  'ml-matrix',
  'cheerio',
  'axios',
];

function loadedBy(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number | null; stdout: string; stderr: string; modules: string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'imports-')), 'modules.txt');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      join(PROJECT_ROOT, 'tests', 'helpers', 'record-imports.mjs'),
      join(PROJECT_ROOT, 'bin', 'aicarbon.js'),
      ...args,
    ],
    { cwd: PROJECT_ROOT, env: { ...process.env, ...env, AICARBON_RECORD_IMPORTS: file }, encoding: 'utf8' },
  );
  let modules: string[] = [];
  try {
    modules = readFileSync(file, 'utf8').trim().split('\n');
  } catch {
    // nothing recorded
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, modules };
}

describe('aicarbon start-up', () => {
  it('--help loads the compiled command line and none of the work behind it', () => {
    const r = loadedBy(['--help']);
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => m.endsWith('/dist/cli/program.js'))).toBe(true);
    expect(r.modules.filter((m) => HEAVY.some((h) => m.includes(h)))).toEqual([]);
    // The TypeScript runner is not involved: the CLI runs compiled JavaScript.
    expect(r.modules.filter((m) => m.includes('/tsx/') || m.endsWith('.ts'))).toEqual([]);
  });

  it.each(['run', 'worker', 'refresh', 'status', 'schedule', 'estimate', 'explain', 'diff'])(
    '%s --help loads no command module',
    (cmd) => {
      const r = loadedBy([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: aicarbon ${cmd} `));
      expect(r.modules.filter((m) => m.includes('/dist/cli/commands/'))).toEqual([]);
      expect(r.modules.filter((m) => HEAVY.some((h) => m.includes(h)))).toEqual([]);
    },
  );

  it("status loads Temporal's client, not the worker or the pipeline", () => {
    // Nothing answers on port 1: the command fails at once, after loading what it needs.
    const r = loadedBy(['status', 'some-run'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.modules.some((m) => m.includes('/node_modules/@temporalio/client/'))).toBe(true);
    const pipeline = [
      ...['@temporalio/worker', 'exceljs', 'ml-matrix'].map((p) => `/node_modules/${p}/`),
      '/dist/econometrics/',
      '/dist/ingest/',
    ];
    expect(r.modules.filter((m) => pipeline.some((h) => m.includes(h)))).toEqual([]);
  });

  it('run plans the refresh without loading the worker runtime, the estimator threads, the spreadsheet or the web libraries', () => {
    // A refresh that already completed needs no worker and reads no workbook or portal page: those
    // load only when a worker starts or a file is read. Nothing answers on port 1, so the command
    // stops after planning (hashing the inputs, reading the study), having loaded what that needs.
    const r = loadedBy(['run'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.modules.some((m) => m.endsWith('/dist/activities/plan.js'))).toBe(true);
    // Packages by their folder (common/exceljs.js, the loader that imports exceljs on first use, may load).
    const unneeded = [
      ...['@temporalio/worker', 'exceljs', 'cheerio', 'axios', 'piscina'].map((p) => `/node_modules/${p}/`),
      '/dist/worker.js',
    ];
    expect(r.modules.filter((m) => unneeded.some((h) => m.includes(h)))).toEqual([]);
  });
});
