/**
 * The dev server as operators meet it, with real processes:
 *   - a server started by hand without aicarbon's search attributes (the README's old instruction):
 *     against it as a cluster, `refresh` names the missing attributes and the command that adds them
 *     (exit 2, nothing started); as the local dev server, the CLI registers them and goes on;
 *   - `aicarbon server` keeps a dev server up with the attributes and the Web UI; on Ctrl-C it leaves the
 *     server running while another aicarbon process uses it, and the last user stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../common/ports';
import { portAnswers } from '../../temporal/connection';
import { startDevServer } from '../../temporal/dev-server';
import { runCli, startCli } from '../helpers/cli';
import { waitFor } from '../helpers/pipeline';

const ATTRIBUTES = ['AicarbonStudy', 'AicarbonVintage', 'AicarbonStage'];

async function customAttributes(address: string): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const r = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    return Object.keys(r.customAttributes ?? {});
  } finally {
    await connection.close();
  }
}

describe('the dev server', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('one started without the search attributes: a cluster is told which are missing, the dev server gets them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bare-server-'));
    const port = await freePort();
    const bare = spawn(
      inject('temporalCli'),
      [
        'server',
        'start-dev',
        '--db-filename',
        join(dir, 'temporal.db'),
        '--port',
        String(port),
        '--headless',
        '--log-level',
        'error',
      ],
      { stdio: 'ignore' },
    );
    children.push(bare);
    const address = `127.0.0.1:${port}`;
    await waitFor(
      async () => ((await portAnswers(address, 500)) ? true : undefined),
      120_000,
      'the bare server',
    );
    await waitFor(
      async () => ((await customAttributes(address)) ? true : undefined),
      120_000,
      'the bare server to answer',
    );
    expect(await customAttributes(address)).not.toContain('AicarbonStage');
    const env = { AICARBON_DATA_DIR: dir, AICARBON_OUT_DIR: join(dir, 'out') };

    const asCluster = await runCli(['refresh'], { ...env, TEMPORAL_ADDRESS: address });
    expect(asCluster.code, asCluster.stderr).toBe(2);
    expect(asCluster.stderr).toContain(
      `The Temporal cluster at ${address} (namespace default) lacks the search attributes AicarbonStudy, AicarbonVintage, AicarbonStage`,
    );
    expect(asCluster.stderr).toContain(
      'temporal operator search-attribute create --namespace default --name AicarbonStage --type Keyword',
    );
    expect(asCluster.stdout).toBe('');

    const asDevServer = await runCli(['refresh'], { ...env, AICARBON_TEMPORAL_PORT: String(port) });
    expect(asDevServer.code, asDevServer.stderr).toBe(0);
    expect(asDevServer.stderr).toContain(
      `Registered the search attributes AicarbonStudy, AicarbonVintage, AicarbonStage on ${address}.`,
    );
    expect(asDevServer.stderr).toContain('warning: no live worker polls');
    expect(await customAttributes(address)).toEqual(expect.arrayContaining(ATTRIBUTES));
    bare.kill('SIGTERM');
  }, 300_000);

  it('aicarbon server keeps one up with the attributes and the Web UI; the last aicarbon process stops it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aicarbon-server-'));
    const port = await freePort();
    const uiPort = await freePort();
    const env = {
      AICARBON_DATA_DIR: dataDir,
      AICARBON_TEMPORAL_PORT: String(port),
      AICARBON_TEMPORAL_UI_PORT: String(uiPort),
      TEMPORAL_CLI_PATH: inject('temporalCli'),
    };
    const server = startCli(['server'], env);
    children.push(server.child);
    let stdout = '';
    server.child.stdout!.on('data', (d) => (stdout += d));
    await waitFor(async () => (stdout.includes('http://') ? true : undefined), 180_000, 'aicarbon server');
    expect(stdout.trim()).toBe(`http://localhost:${uiPort}`);
    const address = `127.0.0.1:${port}`;
    expect(existsSync(join(dataDir, 'temporal.db'))).toBe(true);
    expect(await customAttributes(address)).toEqual(expect.arrayContaining(ATTRIBUTES));
    expect((await fetch(`http://127.0.0.1:${uiPort}`)).status).toBe(200);

    // Other commands use it as the local dev server.
    const status = await runCli(['status', 'refresh-none'], env);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain(`no refresh refresh-none on Temporal at ${address}`);

    // Another aicarbon process (here: this test) uses the same server.
    const user = await startDevServer({
      binary: inject('temporalCli'),
      dataDir,
      port,
      uiPort,
      user: 'the test',
    });
    expect(user.owned).toBe(false);
    server.child.kill('SIGINT');
    const done = await server.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain('Temporal dev server left running: 1 other aicarbon process uses it');
    expect(await portAnswers(address, 1000)).toBe(true);
    // The last user lets go: the server aicarbon started stops.
    expect(await user.stop()).toEqual({ stopped: true, users: 0 });
    expect(await portAnswers(address, 1000)).toBe(false);
  }, 300_000);
});
