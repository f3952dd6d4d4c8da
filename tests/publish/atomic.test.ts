/**
 * Output containment and atomic publishing: an unsafe vintage or run id is refused before anything is
 * written or removed (a folder outside out/ with a sentinel file survives untouched); a run folder
 * appears whole; the scratch folder of a publisher killed mid-way is removed by the next publish.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRefresh } from '../../activities/plan';
import { PROJECT_ROOT } from '../../common/config';
import { publishResults } from '../../publish';
import { cleanPartialFolders, publishFolder } from '../../publish/atomic-folder';
import { loadStudy } from '../../study';
import { runCli } from '../helpers/cli';
import { waitFor } from '../helpers/pipeline';

const studyFile = join(PROJECT_ROOT, 'study', 'default-study.json');

/** A folder beside out/ with a sentinel: the place a hostile vintage would aim at. */
async function victimBeside(out: string) {
  const victim = join(out, '..', 'escaped');
  await mkdir(victim, { recursive: true });
  await writeFile(join(victim, 'keep.txt'), 'mine');
  return victim;
}

describe('unsafe names never reach the file system', () => {
  it('a study vintage with "/" and ".." is refused at exit 2; nothing outside out/ is written or removed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vintage-'));
    const out = join(root, 'out');
    const victim = await victimBeside(out);
    const study = JSON.parse(await readFile(studyFile, 'utf8'));
    study.vintage = 'x/../../escaped';
    const studyPath = join(root, 'study.json');
    await writeFile(studyPath, JSON.stringify(study));
    await expect(planRefresh({ studyPath, inputsDir: join(PROJECT_ROOT, 'data', 'sample') })).rejects.toThrow(
      /study\.json: vintage: letters, digits/,
    );
    const r = await runCli(['run', '--study', studyPath], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      AICARBON_OUT_DIR: out,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('vintage');
    expect(await readdir(victim)).toEqual(['keep.txt']);
    expect(await readdir(root)).toEqual(['escaped', 'study.json'].sort());
  });

  it('a manifest vintage of ".." is refused', async () => {
    const inputs = await mkdtemp(join(tmpdir(), 'vintage-manifest-'));
    await writeFile(
      join(inputs, 'manifest.json'),
      JSON.stringify({
        vintage: '..',
        files: [{ path: 'a.csv', layout: 'tidy-csv', real: true, source: 's' }],
      }),
    );
    await expect(planRefresh({ studyPath: studyFile, inputsDir: inputs })).rejects.toThrow(
      /manifest\.json: vintage: letters, digits/,
    );
  });

  it('publishing under an unsafe run id writes and removes nothing', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'runid-')), 'out');
    const victim = await victimBeside(out);
    const study = loadStudy(studyFile);
    for (const runId of ['../escaped', '..', '.', 'a/b', '.hidden', '']) {
      await expect(
        publishResults({ outDir: out, runId, study, steps: [], panelRows: [], coverage: [] }),
      ).rejects.toThrow(/run id ".*" is not a safe name/);
    }
    expect(await readdir(victim)).toEqual(['keep.txt']);
  });
});

describe('atomic publishing', () => {
  it('replaces a run folder whole: no file of the previous set survives beside the new one', async () => {
    const out = await mkdtemp(join(tmpdir(), 'atomic-'));
    await publishFolder(out, 'run-1', async (dir) => {
      await writeFile(join(dir, 'old.txt'), 'old');
      return [join(dir, 'old.txt')];
    });
    const files = await publishFolder(out, 'run-1', async (dir) => {
      await writeFile(join(dir, 'new.txt'), 'new');
      return [join(dir, 'new.txt')];
    });
    expect(files).toEqual([join(out, 'run-1', 'new.txt')]);
    expect(await readdir(join(out, 'run-1'))).toEqual(['new.txt']);
    expect(await readdir(out)).toEqual(['run-1']);
  });

  it('a failed publish leaves the previous folder and no scratch', async () => {
    const out = await mkdtemp(join(tmpdir(), 'atomic-fail-'));
    await publishFolder(out, 'run-1', async (dir) => {
      await writeFile(join(dir, 'a.txt'), 'a');
      return [];
    });
    await expect(
      publishFolder(out, 'run-1', async (dir) => {
        await writeFile(join(dir, 'half.txt'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readdir(out)).toEqual(['run-1']);
    expect(await readdir(join(out, 'run-1'))).toEqual(['a.txt']);
  });

  it('the scratch folder of a publisher killed mid-way is removed by the next publish', async () => {
    const out = await mkdtemp(join(tmpdir(), 'atomic-kill-'));
    // A publisher in its own process, killed while it writes.
    const script = `
      import { writeFile } from 'node:fs/promises';
      import { join } from 'node:path';
      import { publishFolder } from ${JSON.stringify(join(PROJECT_ROOT, 'publish', 'atomic-folder.ts'))};
      await publishFolder(${JSON.stringify(out)}, 'run-1', async (dir) => {
        await writeFile(join(dir, 'half.txt'), 'half');
        process.stdout.write('writing\\n');
        await new Promise(() => setInterval(() => {}, 1000));
        return [];
      });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let said = '';
    child.stdout!.on('data', (d) => (said += d));
    await waitFor(async () => (said.includes('writing') ? true : undefined), 60_000, 'the publisher');
    const leftover = `.partial-run-1.${child.pid}`;
    expect(await readdir(out)).toEqual([leftover]);
    // While it lives, its scratch is its own.
    expect(await cleanPartialFolders(out)).toEqual([]);
    child.kill('SIGKILL');
    await once(child, 'close');
    // A folder of the older layout (`<run>.partial-<pid>`) of a dead process goes too.
    await mkdir(join(out, `run-0.partial-${child.pid}`));
    await publishFolder(out, 'run-1', async (dir) => {
      await writeFile(join(dir, 'whole.txt'), 'whole');
      return [];
    });
    expect(await readdir(out)).toEqual(['run-1']);
    expect(await readdir(join(out, 'run-1'))).toEqual(['whole.txt']);
  });
});
