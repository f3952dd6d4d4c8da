/**
 * Publishing by content key (publish/parts.ts, publish/render-cache.ts): a publish that takes its
 * parts from the render cache writes the same bytes, file for file, as a full render; it loads only
 * the results of the parts whose keys changed (one step's new key: its table, its own entry and, for a
 * column with a weight matrix, the spatial section); a damaged cache entry counts as absent. Pruned
 * past its size, the cache removes the least recently used entries, and looks at them only when the
 * size it keeps says so.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import {
  diskRenderCache,
  publishResults,
  renderParts,
  resultsJson,
  type PublishInput,
  type PublishedStep,
  type StoredSteps,
} from '../../publish';
import { loadStudy } from '../../study';
import { handMadeRun, syntheticRows } from './fixtures';

const study = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
const steps = handMadeRun(study);
const coverage = [
  { variable: 'CI', observed: 270, interpolated: 0, missing: 60, missingCells: ['BJ/2020', 'BJ/2021'] },
];

/** The steps by reference, with a loader that records what it was asked for. */
function stored(list: PublishedStep[], keys: Map<string, string>) {
  const asked: string[][] = [];
  const source: StoredSteps = {
    refs: list.map((s) => ({
      stepId: s.stepId,
      tableId: s.tableId,
      columnId: s.columnId,
      key: keys.get(s.stepId) ?? `key-of-${s.stepId}`,
    })),
    load: async (ids) => {
      asked.push(ids);
      return list.filter((s) => ids.includes(s.stepId));
    },
  };
  return { source, asked };
}

async function filesOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir, { recursive: true })) {
    const path = join(dir, name);
    const bytes = await readFile(path).catch(() => undefined); // a folder
    if (bytes) out.set(relative(dir, path), createHash('sha256').update(bytes).digest('hex'));
  }
  return out;
}

const base = (outDir: string, list: PublishedStep[] | StoredSteps): PublishInput => ({
  outDir,
  runId: 'refresh-parts-test',
  study,
  steps: list,
  failures: [{ stepId: 'table5/(1)', message: 'too few rows' }],
  panelRows: syntheticRows(),
  coverage,
  run: { startedAt: '2026-12-02T19:00:00.000Z', inputs: [{ path: 'a.csv', sha256: 'f'.repeat(64) }] },
});

describe('publishing by content key', () => {
  it("results.json composed from each step's rendering is JSON.stringify of the whole", () => {
    const run = { runId: 'r', nested: { a: [1, 2], b: 'x\ny' } };
    const failures = [{ stepId: 's', message: 'm' }];
    const entries = steps.slice(0, 3).map((s) => JSON.stringify(s, null, 2));
    expect(resultsJson(run, entries, failures)).toBe(
      JSON.stringify({ run, steps: steps.slice(0, 3), failures }, null, 2),
    );
    expect(resultsJson(run, [], [])).toBe(JSON.stringify({ run, steps: [], failures: [] }, null, 2));
  });

  it('a publish from the cache writes the bytes of a full render, loading only what changed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'publish-parts-'));
    const cache = diskRenderCache(join(root, 'cache'));
    const reuse = { cache, code: 'code-1' };
    const keys = new Map<string, string>();

    // Full render without a cache, then the first publish with it (renders and stores every part).
    await publishResults(base(join(root, 'full'), steps));
    const first = stored(steps, keys);
    await publishResults({ ...base(join(root, 'first'), first.source), reuse });
    expect(first.asked.flat().sort()).toEqual(steps.map((s) => s.stepId).sort());
    const full = await filesOf(join(root, 'full', 'refresh-parts-test'));
    expect(full.size).toBe(6 + 2 * study.tables.length); // six files, a CSV and a .tex per table
    expect(await filesOf(join(root, 'first', 'refresh-parts-test'))).toEqual(full);

    // Everything cached: nothing loaded, the same bytes.
    const again = stored(steps, keys);
    await publishResults({ ...base(join(root, 'again'), again.source), reuse });
    expect(again.asked).toEqual([]);
    expect(await filesOf(join(root, 'again', 'refresh-parts-test'))).toEqual(full);

    // One estimation of table 4 computed anew (new key, new number): its table's steps are loaded
    // (the table is rendered again), its own entry, nothing else; the bytes are a full render's.
    const changedId = 'table4/(7)';
    const changed = steps.map((s) =>
      s.stepId !== changedId
        ? s
        : {
            ...s,
            result: {
              ...s.result,
              coefficients: s.result.coefficients.map((c, i) => (i ? c : { ...c, estimate: c.estimate + 1 })),
            },
          },
    );
    keys.set(changedId, 'a-new-key');
    const inc = stored(changed, keys);
    await publishResults({ ...base(join(root, 'inc'), inc.source), reuse });
    expect(inc.asked).toHaveLength(1);
    expect(inc.asked[0].sort()).toEqual(
      steps
        .filter((s) => s.tableId === 'table4')
        .map((s) => s.stepId)
        .sort(),
    );
    await publishResults(base(join(root, 'inc-full'), changed));
    const incFull = await filesOf(join(root, 'inc-full', 'refresh-parts-test'));
    expect(await filesOf(join(root, 'inc', 'refresh-parts-test'))).toEqual(incFull);
    // The change shows where it should, and only there among the tables.
    const differ = [...incFull].filter(([f, h]) => full.get(f) !== h).map(([f]) => f);
    expect(differ.sort()).toEqual(
      [
        'estimates.csv',
        'latex/table4.tex',
        'report.html',
        'results.json',
        'results.xlsx',
        'tables/table4.csv',
      ].sort(),
    );

    // A column with a weight matrix: the spatial section is rendered again from the weighted steps.
    const weighted = study.tables.flatMap((t) =>
      t.columns.filter((c) => c.weights).map((c) => `${t.id}/${c.id}`),
    );
    const spatialId = weighted[0];
    keys.set(spatialId, 'another-new-key');
    const sp = stored(changed, keys);
    await publishResults({ ...base(join(root, 'sp'), sp.source), reuse });
    const spTable = spatialId.split('/')[0];
    expect(sp.asked[0].sort()).toEqual(
      [
        ...new Set([
          ...steps.filter((s) => s.tableId === spTable).map((s) => s.stepId),
          ...weighted.filter((id) => steps.some((s) => s.stepId === id)),
        ]),
      ].sort(),
    );
    expect(await filesOf(join(root, 'sp', 'refresh-parts-test'))).toEqual(incFull);
  });

  it('a damaged cache entry counts as absent and is rendered again', async () => {
    const root = await mkdtemp(join(tmpdir(), 'publish-parts-'));
    const dir = join(root, 'cache');
    const cache = diskRenderCache(dir);
    const one = steps.slice(0, 2);
    const keys = new Map<string, string>();
    const a = await renderParts({ study, steps: stored(one, keys).source, cache, code: 'c' });
    for (const name of await readdir(dir)) {
      const text = await readFile(join(dir, name), 'utf8');
      await writeFile(join(dir, name), `${text} `); // one byte more than its hash covers
    }
    const again = stored(one, keys);
    const b = await renderParts({ study, steps: again.source, cache, code: 'c' });
    expect(again.asked.flat().sort()).toEqual(one.map((s) => s.stepId).sort());
    expect(b.csv).toEqual(a.csv);
    expect(b.json).toEqual(a.json);
    // Another code version shares nothing with the first.
    const other = stored(one, keys);
    await renderParts({ study, steps: other.source, cache, code: 'c2' });
    expect(other.asked.flat().sort()).toEqual(one.map((s) => s.stepId).sort());
  });

  it('pruning removes the least recently used entries past the size, looking only when the size passes it', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'publish-parts-')), 'cache');
    const key = (n: number) => createHash('sha256').update(String(n)).digest('hex');
    // An entry is its text's hash (64 hex digits), a newline and the text: 65 + 235 = 300 bytes.
    const text = (c: string, bytes: number) => c.repeat(bytes - 65);
    const names = async () => (await readdir(dir)).filter((n) => n !== '.total').sort();
    const total = async () => Number(await readFile(join(dir, '.total'), 'utf8'));
    const age = (n: number, hoursAgo: number) => {
      const t = new Date(Date.now() - hoursAgo * 3_600_000);
      return utimes(join(dir, key(n)), t, t);
    };

    const a = diskRenderCache(dir, { maxBytes: 1000 });
    await a.put(key(1), text('a', 300));
    await age(1, 3);
    await a.prune(); // nothing recorded yet: looks at every entry
    expect(await total()).toBe(300);

    // 900 bytes put there by hand, the oldest of all: not counted, so not looked for either.
    await writeFile(join(dir, key(2)), `${'0'.repeat(64)}\n${text('b', 900)}`);
    await age(2, 5);
    const b = diskRenderCache(dir, { maxBytes: 1000 });
    await b.put(key(3), text('c', 100));
    await age(3, 2);
    await b.prune(); // 300 + 100 recorded, within 1000: no look
    expect(await names()).toEqual([key(1), key(2), key(3)].sort());
    expect(await total()).toBe(400);

    // 400 + 700 passes 1000: every entry is looked at (2,000 bytes) and the oldest go until 1000 is
    // not passed: the one by hand (5 h), then the first (3 h); 100 + 700 stay.
    const c = diskRenderCache(dir, { maxBytes: 1000 });
    await c.put(key(4), text('d', 700));
    await c.prune();
    expect(await names()).toEqual([key(3), key(4)].sort());
    expect(await total()).toBe(800);
    // A prune after no writes changes nothing.
    await c.prune();
    expect(await total()).toBe(800);
  });

  it('the cache folder is made once, and again when it was removed meanwhile', async () => {
    const root = await mkdtemp(join(tmpdir(), 'publish-parts-'));
    const dir = join(root, 'deeper', 'cache');
    const key = (n: number) => createHash('sha256').update(String(n)).digest('hex');
    const cache = diskRenderCache(dir);
    await cache.put(key(1), 'one');
    // Another cache on the same folder in this process finds it made.
    await diskRenderCache(dir).put(key(2), 'two');
    expect(await cache.get(key(2))).toBe('two');
    await rm(join(root, 'deeper'), { recursive: true });
    await cache.put(key(3), 'three');
    expect(await cache.get(key(3))).toBe('three');
    expect(await cache.get(key(1))).toBeUndefined();
  });
});
