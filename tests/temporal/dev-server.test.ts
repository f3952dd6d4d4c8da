import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { describe, expect, inject, it } from 'vitest';
import { startDevServer } from '../../temporal/dev-server';
import { connectClient } from '../../temporal/connection';
import { freePort } from '../../common/ports';

describe('startDevServer', () => {
  it('starts a persistent dev server with the search attributes, reuses it, and stops it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'devserver-'));
    const port = await freePort();
    const uiPort = await freePort();
    const server = await startDevServer({ binary: inject('temporalCli'), dataDir, port, uiPort });
    try {
      expect(server.owned).toBe(true);
      expect(existsSync(join(dataDir, 'temporal.db'))).toBe(true);
      const connection = await Connection.connect({ address: server.address });
      const attrs = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      expect(Object.keys(attrs.customAttributes ?? {})).toEqual(
        expect.arrayContaining(['AicarbonStudy', 'AicarbonVintage', 'AicarbonStage']),
      );
      await connection.close();
      const again = await startDevServer({ binary: inject('temporalCli'), dataDir, port, uiPort });
      expect(again.owned).toBe(false);
      const ui = await fetch(server.uiUrl);
      expect(ui.status).toBe(200);
    } finally {
      await server.stop();
    }
    await expect(connectClient(server.address, 'default', 1000)).rejects.toThrow(
      new RegExp(`Cannot reach Temporal at ${server.address.replace(/\./g, '\\.')}`),
    );
  });
});
