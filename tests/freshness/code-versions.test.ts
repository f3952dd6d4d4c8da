import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESTIMATOR_MODULES, estimationRoots, loadCodeVersions } from '../../freshness/code-versions';
import { ingestKey } from '../../freshness/keys';

describe('code versions from the import graph', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'aicarbon-cv-'));
    await mkdir(join(root, 'a'), { recursive: true });
    await writeFile(join(root, 'a', 'index.ts'), "import { b } from './b';\nexport const a = b;\n");
    await writeFile(join(root, 'a', 'b.ts'), "export { c as b } from '../c';\n");
    await writeFile(join(root, 'c.ts'), 'export const c = 1;\n');
    await writeFile(join(root, 'other.ts'), 'export const other = 1;\n');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('changes when a module of the closure changes, and only then', async () => {
    const before = loadCodeVersions({ root, manifestPath: join(root, 'none.json') });
    expect(Object.keys(before.modules(['a/index.ts']))).toEqual(['a/b.ts', 'a/index.ts', 'c.ts']);
    const v = before.version(['a/index.ts']);
    await writeFile(join(root, 'other.ts'), 'export const other = 2;\n');
    expect(loadCodeVersions({ root, manifestPath: join(root, 'none.json') }).version(['a/index.ts'])).toBe(v);
    await writeFile(join(root, 'c.ts'), 'export const c = 2;\n');
    expect(
      loadCodeVersions({ root, manifestPath: join(root, 'none.json') }).version(['a/index.ts']),
    ).not.toBe(v);
  });

  it("a stale build manifest never hides a changed source: the bytes' hash wins", async () => {
    const manifest = join(root, 'build.json');
    await writeFile(
      manifest,
      JSON.stringify({
        files: {
          'a/index.ts': { hash: 'old', deps: ['a/b.ts'] },
          'a/b.ts': { hash: 'old', deps: [] },
          // Known only to the build (a deployment without sources): its recorded hash counts.
          'gone.ts': { hash: 'g1', deps: [] },
        },
      }),
    );
    const cv = loadCodeVersions({ root, manifestPath: manifest });
    const mods = cv.modules(['a/index.ts', 'gone.ts']);
    expect(mods['a/index.ts']).not.toBe('old');
    expect(Object.keys(mods)).toContain('c.ts'); // imports read again from the changed source
    expect(mods['gone.ts']).toBe('g1');
  });

  it("an estimation's version covers its family's module, not the other families'", () => {
    const cv = loadCodeVersions();
    const fe = estimationRoots('fe', false);
    const gmm = estimationRoots('sysgmm', false);
    const feModules = Object.keys(cv.modules(fe.roots, fe.shallow));
    expect(feModules).toContain(ESTIMATOR_MODULES.fe);
    expect(feModules).toContain('econometrics/estimate.ts');
    expect(feModules).not.toContain(ESTIMATOR_MODULES.sysgmm);
    expect(Object.keys(cv.modules(gmm.roots, gmm.shallow))).toContain('econometrics/gmm/estimators.ts');
    expect(cv.version(fe.roots, fe.shallow)).not.toBe(cv.version(gmm.roots, gmm.shallow));
    const sdm = estimationRoots('sdm', true);
    expect(Object.keys(cv.modules(sdm.roots, sdm.shallow))).toContain('study/weights.ts');
  });
});

describe("an ingested file's key", () => {
  const base = { path: 'x/pop.csv', bytes: 'b1', layout: 'tidy-csv', options: { unit: '万元' }, code: 'c' };
  it('moves with the manifest entry, not only the bytes', () => {
    const k = ingestKey(base).key;
    expect(ingestKey({ ...base }).key).toBe(k);
    expect(ingestKey({ ...base, options: { unit: '亿元' } }).key).not.toBe(k);
    expect(ingestKey({ ...base, layout: 'nbs-portal-csv' }).key).not.toBe(k);
    expect(ingestKey({ ...base, code: 'c2' }).key).not.toBe(k);
    // The same bytes saved under another format are another file.
    expect(ingestKey({ ...base, path: 'x/pop.xlsx' }).key).not.toBe(k);
    // The name alone (lineage names the file as the manifest does) does not change how it is read.
    expect(ingestKey({ ...base, path: 'y/population.csv' }).key).toBe(k);
  });
});
