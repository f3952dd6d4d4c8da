import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { cachedCliPath, resolveTemporalCli } from '../../temporal/cli-binary';

async function executable(dir: string, name = 'temporal') {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, '#!/bin/sh\nexit 0\n');
  await chmod(path, 0o755);
  return path;
}

describe('resolveTemporalCli', () => {
  it('prefers TEMPORAL_CLI_PATH, then PATH, then the cache', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cli-'));
    const explicit = await executable(join(root, 'explicit'));
    const onPath = await executable(join(root, 'path'));
    const cacheDir = join(root, 'cache');
    const cached = await executable(join(cachedCliPath(cacheDir), '..'));
    const env = { PATH: join(root, 'path') };
    expect(await resolveTemporalCli({ cliPath: explicit, cacheDir, env })).toEqual({
      path: explicit,
      source: 'TEMPORAL_CLI_PATH',
    });
    expect(await resolveTemporalCli({ cacheDir, env })).toEqual({ path: onPath, source: 'PATH' });
    expect(await resolveTemporalCli({ cacheDir, env: { PATH: '' } })).toEqual({
      path: cached,
      source: 'cache',
    });
  });

  it('names a TEMPORAL_CLI_PATH that is not executable', async () => {
    await expect(
      resolveTemporalCli({ cliPath: '/nonexistent/temporal', cacheDir: '/tmp', env: { PATH: '' } }),
    ).rejects.toThrow(/TEMPORAL_CLI_PATH=\/nonexistent\/temporal is not an executable/);
  });

  it('says how to install it when Go is missing', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'cli-empty-'));
    await expect(resolveTemporalCli({ cacheDir, env: { PATH: '' } })).rejects.toThrow(
      /Go is not installed[\s\S]*go install github.com\/temporalio\/cli\/cmd\/temporal@v1.5.1[\s\S]*TEMPORAL_ADDRESS/,
    );
  });

  it('resolved a working binary for this test run', () => {
    expect(inject('temporalCli')).toMatch(/temporal$/);
  });
});
