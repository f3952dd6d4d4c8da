/**
 * assembly.priority names inputs by their manifest path, a search portal included: a priority naming
 * the portal makes its counts win over a file listed before it, and a priority naming no input of the
 * manifest stops the run before any work (exit 2), listing the files it could have named.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRefresh } from '../../activities/plan';
import { PROJECT_ROOT } from '../../common/config';
import { assemble } from '../../assembly';
import type { Observation } from '../../ingest';

const defaultStudy = join(PROJECT_ROOT, 'study', 'default-study.json');

async function studyWithPriority(priority: string[]): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'priority-study-')), 'study.json');
  const study = JSON.parse(await readFile(defaultStudy, 'utf8'));
  study.assembly = { ...study.assembly, priority };
  await writeFile(path, JSON.stringify(study));
  return path;
}

async function inputsWithPortal(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'priority-inputs-'));
  await writeFile(join(dir, 'export.csv'), 'province,year,patents\n北京,2019,78\n');
  await writeFile(
    join(dir, 'portal.json'),
    JSON.stringify({
      baseUrl: 'http://127.0.0.1:9',
      searchPath: '/s?q={query}&p={page}',
      selectors: { hitCount: '.hits' },
      years: [2019, 2019],
      provinces: ['BJ'],
    }),
  );
  const tidy = {
    province: 'province',
    year: 'year',
    columns: { patents: { variable: 'patents_ai', unit: 'count' } },
  };
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify({
      vintage: 'v1',
      files: [
        { path: 'export.csv', layout: 'tidy-csv', real: false, source: 'test', options: tidy },
        { path: 'portal.json', layout: 'patent-portal', real: false, source: 'test' },
      ],
    }),
  );
  return dir;
}

describe('assembly.priority', () => {
  it('may name a portal input; a name that is no input stops the run, listing the files', async () => {
    const inputsDir = await inputsWithPortal();
    await expect(
      planRefresh({ studyPath: await studyWithPriority(['portal.json']), inputsDir }),
    ).resolves.toMatchObject({ vintage: 'v1' });
    const studyPath = await studyWithPriority(['portal.jsn']);
    await expect(planRefresh({ studyPath, inputsDir })).rejects.toMatchObject({
      name: 'InputError',
      message: `${studyPath}: assembly.priority[0]: "portal.jsn" is not a file of the manifest (files: export.csv, portal.json)`,
    });
  });

  it('a portal named first wins over a file listed before it in the manifest', () => {
    const obs = (file: string, value: number): Observation => ({
      province: 'BJ',
      year: 2019,
      variable: 'patents_ai',
      value,
      unit: 'count',
      method: 'observed',
      source: { file, sha256: file },
    });
    const panel = assemble([obs('export.csv', 78), obs('portal.json', 99)], {
      years: [2019, 2019],
      interpolation: 'linear',
      order: ['export.csv', 'portal.json'],
      priority: ['portal.json'],
    });
    expect(panel.variables.patents_ai.cells['BJ/2019'].value).toBe(99);
    expect(panel.conflicts).toEqual([
      {
        variable: 'patents_ai',
        province: 'BJ',
        year: 2019,
        kept: { value: 99, file: 'portal.json', at: 'portal.json' },
        discarded: [{ value: 78, file: 'export.csv', at: 'export.csv' }],
        reason: 'assembly.priority ranks portal.json first',
      },
    ]);
  });
});
