import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { listEstimations, loadStudy, parseStudy } from '../../study';

const defaultPath = join(PROJECT_ROOT, 'study', 'default-study.json');

describe('the study definition', () => {
  it('the default study lists its estimations, regional samples as row subsets', () => {
    const steps = listEstimations(loadStudy(defaultPath));
    expect(steps.map((s) => s.stepId)).toContain('table3/(4)');
    expect(steps.find((s) => s.stepId === 'table3/(4)')!.spec).toMatchObject({
      estimator: 'fe',
      y: 'CI',
      x: ['AIT', 'ED', 'ER', 'ECS', 'WF', 'OPEN'],
      vce: 'cluster',
    });
    expect(steps.find((s) => s.stepId === 'table6/(1)')!.spec.subset).toEqual({
      by: 'region',
      values: ['East'],
    });
    expect(new Set(steps.map((s) => s.stepId)).size).toBe(steps.length);
  });

  it('a typo fails with the path in the file', () => {
    const study = structuredClone(loadStudy(defaultPath)) as unknown as {
      tables: { columns: { spec: Record<string, unknown> }[] }[];
    };
    study.tables[1].columns[3].spec.vec = 'cluster';
    expect(() => parseStudy(study, 'my-study.json')).toThrow(
      /my-study\.json: tables\[1\]\.columns\[3\]\.spec: Unrecognized key: "vec"/,
    );
  });

  it('an unknown sample and a duplicate column are named', () => {
    const base = loadStudy(defaultPath);
    const badSample = structuredClone(base);
    badSample.tables[0].columns[0].sample = 'North';
    expect(() => parseStudy(badSample, 's.json')).toThrow(
      's.json: tables[0].columns[0].sample: unknown sample "North"',
    );
    const dup = structuredClone(base);
    dup.tables[1].columns[1].id = dup.tables[1].columns[0].id;
    expect(() => parseStudy(dup, 's.json')).toThrow(
      's.json: tables[1].columns[1].id: duplicate column id "(1)"',
    );
  });
});
