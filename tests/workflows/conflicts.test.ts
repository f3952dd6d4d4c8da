/**
 * Conflict order does not depend on the run id: the sample inputs plus a search portal (a local
 * fixture server) whose counts disagree with the patent export for Beijing and Tianjin, 2019–2020.
 * A portal's stored key includes the run id, so when the winner followed content-hash order the same
 * data won in some runs and lost in others. Here two refreshes with different run ids keep the same
 * values (the manifest's order: the export is listed first), store the same conflicts, print them in
 * the result, and publish byte-identical estimates.csv.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRefresh } from '../../cli/trigger';
import { loadConflicts } from '../../store/conflicts';
import { usePipeline, planRefreshFor } from '../helpers/pipeline';

const PORTAL_HITS = 99_999;
let server: Server;
let served = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    served += 1;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<html><body>共 <span class="hits">${PORTAL_HITS}</span> 条</body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('conflicts between sources', () => {
  const ctx = usePipeline({ workers: true });

  it('the same winner and byte-identical estimates.csv whatever the run id', async () => {
    const { env, f } = ctx;
    const inputs = await mkdtemp(join(tmpdir(), 'conflicts-'));
    await cp(f.config.inputsDir, inputs, { recursive: true });
    const { port } = server.address() as AddressInfo;
    await writeFile(
      join(inputs, 'portal.json'),
      JSON.stringify({
        baseUrl: `http://127.0.0.1:${port}`,
        searchPath: '/search?q={query}&p={page}',
        selectors: { hitCount: '.hits' },
        years: [2019, 2020],
        provinces: ['BJ', 'TJ'],
        minIntervalMs: 0,
      }),
    );
    const manifestPath = join(inputs, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    // Last in the manifest: the patent export, listed before it, wins every cell they share.
    manifest.files.push({
      path: 'portal.json',
      layout: 'patent-portal',
      real: false,
      source: 'a local fixture portal (synthetic counts)',
    });
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2));

    const input = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: inputs });
    const runs = [input, { ...input, runId: `${input.runId}-again` }];
    const results = [];
    for (const run of runs) results.push(await (await triggerRefresh(env.client, run)).handle.result());
    expect(served).toBe(2 * 16); // the portal is asked again by each run (its answers change over time)
    expect(results.map((r) => r.failedSteps)).toEqual([[], []]);

    // Same conflicts, same winners: the export, by the manifest's order.
    const [a, b] = await Promise.all(runs.map((r) => loadConflicts(f.db, r.runId)));
    const portalCells = a.filter((c) => c.discarded.some((d) => d.file === 'portal.json'));
    expect(portalCells.length).toBeGreaterThan(0);
    for (const c of portalCells) {
      expect(c.kept.file).toBe('synthetic/ai_patents_export.csv');
      expect(c.discarded).toEqual([{ value: PORTAL_HITS, file: 'portal.json', at: 'portal.json' }]);
      expect(c.reason).toBe(
        'synthetic/ai_patents_export.csv comes before portal.json in the manifest (assembly.priority names neither)',
      );
    }
    expect(b).toEqual(a);
    expect(a.filter((c) => c.kept.file === 'portal.json')).toEqual([]);

    // The result carries them as text, printed at the end of `aicarbon run`.
    expect(results[0].conflicts).toBe(a.length);
    expect(results[0].conflictLines).toEqual(results[1].conflictLines);
    const [first] = portalCells;
    expect(results[0].conflictLines).toContain(
      `${first.variable} ${first.province} ${first.year}: kept ${first.kept.value} (${first.kept.at}) ` +
        `over ${PORTAL_HITS} (portal.json): ${first.reason}`,
    );

    const estimates = await Promise.all(
      runs.map((r) => readFile(join(f.config.outDir, r.runId, 'estimates.csv'))),
    );
    expect(estimates[0].length).toBeGreaterThan(1000);
    expect(estimates[1].equals(estimates[0])).toBe(true);
  }, 600_000);
});
