/**
 * Containment of inputs: a manifest entry that leaves the inputs folder (`..`, an absolute path, a
 * symbolic link to a file outside) is refused with exit 2 naming the entry, and not a byte of the
 * outside file is read. The outside file is a FIFO with no writer: opening it for reading would block,
 * so any read attempt hangs the test instead of passing it; the CLI case uses a regular file whose
 * secret line must appear nowhere.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestActivities } from '../../activities/ingest';
import { planRefresh } from '../../activities/plan';
import { loadConfig, PROJECT_ROOT } from '../../common/config';
import { readManifest } from '../../ingest';
import { openDb } from '../../store/db';
import { runCli } from '../helpers/cli';

const SECRET = 'root:x:0:0:SECRET-LINE-OF-AN-OUTSIDE-FILE';
let root: string;
let outside: string;
let fifo: string;

/** An inputs folder with one tidy CSV inside and a manifest whose second entry is `path`. */
async function inputs(name: string, path: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'ok.csv'), 'province,year,gdp\n北京,2011,1\n');
  const entry = (p: string) => ({
    path: p,
    layout: 'tidy-csv',
    real: false,
    source: 'test',
    options: { province: 'province', year: 'year', columns: { gdp: { variable: 'gdp', unit: '亿元' } } },
  });
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify({ vintage: 'v1', files: [entry('ok.csv'), entry(path)] }),
  );
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'containment-'));
  outside = join(root, 'outside');
  await mkdir(outside);
  fifo = join(outside, 'fifo');
  execFileSync('mkfifo', [fifo]);
  await writeFile(join(outside, 'secret.csv'), `${SECRET}\n`);
});

describe('a manifest entry leaving the inputs folder', () => {
  const studyPath = join(PROJECT_ROOT, 'study', 'default-study.json');

  it('a ".." path is refused by the manifest, naming the entry', async () => {
    const dir = await inputs('dotdot', '../outside/fifo');
    await expect(readManifest(dir)).rejects.toThrow(
      /manifest\.json: files\[1\]\.path: "\.\.\/outside\/fifo" refused: a "\.\." segment/,
    );
    await expect(planRefresh({ studyPath, inputsDir: dir })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('an absolute path is refused', async () => {
    const dir = await inputs('absolute', fifo);
    await expect(readManifest(dir)).rejects.toThrow(/files\[1\]\.path: ".+fifo" refused: an absolute path/);
  });

  it('a symbolic link to a file outside is refused before the file is opened', async () => {
    const dir = await inputs('symlink', 'data/link.csv');
    await mkdir(join(dir, 'data'));
    await symlink(fifo, join(dir, 'data', 'link.csv'));
    await expect(planRefresh({ studyPath, inputsDir: dir })).rejects.toThrow(
      'manifest.json files[1] "data/link.csv": refused, a symbolic link to a file outside the inputs folder',
    );
    // A link to a folder outside, followed by a file name, is the same escape.
    const viaDir = await inputs('symlink-dir', 'far/fifo');
    await symlink(outside, join(viaDir, 'far'));
    await expect(planRefresh({ studyPath, inputsDir: viaDir })).rejects.toThrow(
      'manifest.json files[1] "far/fifo": refused, a symbolic link to a file outside the inputs folder',
    );
  });

  it('a symbolic link that stays inside the folder is followed', async () => {
    const dir = await inputs('inside-link', 'alias.csv');
    await symlink(join(dir, 'ok.csv'), join(dir, 'alias.csv'));
    await expect(planRefresh({ studyPath, inputsDir: dir })).resolves.toMatchObject({ vintage: 'v1' });
  });

  it('a missing file names the entry, not a raw ENOENT', async () => {
    const dir = await inputs('missing', 'not/there.csv');
    const error = await planRefresh({ studyPath, inputsDir: dir }).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `manifest.json files[1] "not/there.csv": no such file in the inputs folder ${dir}`,
    );
    expect((error as Error).message).not.toContain('ENOENT');
  });

  it('a folder without manifest.json, or no folder at all, is named, not a raw ENOENT', async () => {
    const empty = join(root, 'no-manifest');
    await mkdir(empty);
    const missing = await planRefresh({ studyPath, inputsDir: empty }).catch((e: Error) => e);
    expect(missing).toMatchObject({
      name: 'InputError',
      message: `manifest.json: no such file in the inputs folder ${empty}`,
    });
    const nowhere = join(root, 'not-a-folder');
    const gone = await planRefresh({ studyPath, inputsDir: nowhere }).catch((e: Error) => e);
    expect(gone).toMatchObject({ name: 'InputError', message: `inputs folder ${nowhere} does not exist` });
  });

  it('a manifest.json that is itself a link outside is refused', async () => {
    const dir = join(root, 'manifest-link');
    await mkdir(dir);
    await symlink(fifo, join(dir, 'manifest.json'));
    await expect(readManifest(dir)).rejects.toThrow(
      'manifest.json: refused, a symbolic link to a file outside the inputs folder',
    );
  });

  it('the ingest activity refuses a workflow input naming an outside path', async () => {
    const dir = await inputs('activity', 'ok.csv');
    const db = await openDb({ dataDir: await mkdtemp(join(tmpdir(), 'containment-db-')) });
    try {
      const activities = ingestActivities(db, loadConfig({}));
      const file = { path: '../outside/fifo', index: 1, layout: 'tidy-csv', real: false };
      await expect(
        new MockActivityEnvironment().run(activities.ingestSource, { runId: 'r', inputsDir: dir, file }),
      ).rejects.toThrow('manifest.json files[1] "../outside/fifo": refused, a ".." segment');
      expect(await db.query('SELECT * FROM source_files')).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('aicarbon run exits 2 naming the entry, and the outside content appears nowhere', async () => {
    const dir = await inputs('cli', 'link.csv');
    await cp(join(outside, 'secret.csv'), join(root, 'copy-of-secret.csv'));
    await symlink(join(outside, 'secret.csv'), join(dir, 'link.csv'));
    const dotdot = await inputs('cli-dotdot', '../../../../../../../../etc/passwd');
    // An unreachable cluster: the inputs must be refused before anything is contacted.
    for (const d of [dir, dotdot]) {
      const r = await runCli(['run', '--inputs', d], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/manifest\.json:? files\[1\]/);
      expect(r.stderr).not.toContain('SECRET-LINE');
      expect(r.stderr).not.toContain('root:x:0:0');
      expect(r.stdout).toBe('');
    }
    expect(await readFile(join(outside, 'secret.csv'), 'utf8')).toBe(`${SECRET}\n`);
  });
});
