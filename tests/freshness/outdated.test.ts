/**
 * `outdated` on real plans of the bundled inputs and study: each kind of change is named with the
 * ingredient that changed, and only the steps it reaches rerun.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRefreshKeys, type RefreshPlan } from '../../activities/plan';
import { PROJECT_ROOT } from '../../common/config';
import { formatOutdated, outdated, type OutdatedReport } from '../../freshness/outdated';

const PROBE = 'tests/fixtures/code/gmm-probe.ts';

describe('outdated names what changed', () => {
  let dir: string;
  let base: RefreshPlan;
  const paths = () => ({
    studyPath: join(dir, 'study.json'),
    inputsDir: join(dir, 'inputs'),
    buildManifest: join(dir, 'build.json'),
  });
  const manifest = async (probe?: string) => {
    const built = JSON.parse(await readFile(join(PROJECT_ROOT, 'dist', 'build.json'), 'utf8'));
    if (probe) {
      built.files['econometrics/gmm/estimators.ts'].deps.push(PROBE);
      built.files[PROBE] = { hash: probe, deps: [] };
    }
    await writeFile(join(dir, 'build.json'), JSON.stringify(built));
  };
  const against = (plan: RefreshPlan): OutdatedReport =>
    outdated({
      planned: plan.keys,
      stored: new Set(base.keys.map((k) => k.key)),
      earlier: {
        runId: base.input.runId,
        steps: base.keys.map((k) => ({ step: k.step, key: k.key, code: k.code, ingredients: k.ingredients })),
        modules: base.modules,
      },
      modules: plan.modules,
      storeName: 'the test store',
    });
  const rerun = (r: OutdatedReport) =>
    Object.fromEntries(r.steps.filter((s) => s.status === 'rerun').map((s) => [s.step, s.reasons]));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aicarbon-outdated-'));
    await cp(join(PROJECT_ROOT, 'data', 'sample'), join(dir, 'inputs'), { recursive: true });
    await cp(join(PROJECT_ROOT, 'study', 'default-study.json'), join(dir, 'study.json'));
    await manifest('p1');
    base = await planRefreshKeys(paths());
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('nothing changed: everything but publishing is reused, and the run id is the same', async () => {
    const plan = await planRefreshKeys(paths());
    expect(plan.input.runId).toBe(base.input.runId);
    expect(Object.keys(rerun(against(plan)))).toEqual(['publish']);
  });

  it('an input file: old → new hash, the panel and everything after it', async () => {
    const file = join(dir, 'inputs', 'synthetic', 'pollution_investment.csv');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('BJ,2011,78706', 'BJ,2011,78707'));
    try {
      const plan = await planRefreshKeys(paths());
      const old = base.keys.find((k) => k.step === 'ingest:synthetic/pollution_investment.csv')!;
      const now = plan.keys.find((k) => k.step === old.step)!;
      const why = rerun(against(plan));
      expect(why[old.step]).toEqual([
        `input file synthetic/pollution_investment.csv changed (${String(old.ingredients.bytes).slice(0, 12)} → ${String(now.ingredients.bytes).slice(0, 12)})`,
      ]);
      expect(why.assemble).toEqual(['upstream: input files changed (synthetic/pollution_investment.csv)']);
      expect(why.indicators).toEqual(['upstream assemble changed']);
      expect(why['table3/(4)']).toEqual(['upstream indicators changed']);
      expect(Object.keys(why).filter((s) => s.startsWith('ingest:'))).toEqual([old.step]);
    } finally {
      await writeFile(file, text);
    }
  });

  it('a column spec and a seed: only that column, naming the keys', async () => {
    const study = JSON.parse(await readFile(join(dir, 'study.json'), 'utf8'));
    const original = JSON.stringify(study, null, 2);
    const t5 = study.tables.find((t: { id: string }) => t.id === 'table5');
    t5.columns[3].spec.bootstrap.seed = 7;
    study.tables.find((t: { id: string }) => t.id === 'table3').columns[3].spec.vce = 'robust';
    await writeFile(join(dir, 'study.json'), JSON.stringify(study));
    try {
      const why = rerun(against(await planRefreshKeys(paths())));
      expect(why['table3/(4)']).toEqual(['study column spec changed (vce)']);
      expect(why['table5/mediation']).toEqual([
        'study column spec changed (bootstrap)',
        'seed changed: bootstrap.seed 20240101 → 7',
      ]);
      expect(Object.keys(why).sort()).toEqual(['publish', 'table3/(4)', 'table5/mediation']);
    } finally {
      await writeFile(join(dir, 'study.json'), original);
    }
  });

  it("a module of one estimator family's code: that family, naming the module", async () => {
    await manifest('p2');
    try {
      const plan = await planRefreshKeys(paths());
      expect(plan.input.runId).not.toBe(base.input.runId);
      const why = rerun(against(plan));
      expect(Object.keys(why).sort()).toEqual([
        'publish',
        'table4/(10)',
        'table4/(3)',
        'table4/(4)',
        'table4/(9)',
      ]);
      expect(why['table4/(3)']).toEqual([`code changed: ${PROBE}`]);
      const text = formatOutdated(against(plan));
      expect(text).toContain(`rerun  table4/(3)\n           code changed: ${PROBE}`);
      expect(text.split('\n')[0]).toBe(
        `5 steps would run, ${plan.keys.length - 5} would be reused (compared with ${base.input.runId})`,
      );
    } finally {
      await manifest('p1');
    }
  });

  it('an empty store: every step reruns, even with keys equal to the earlier run', async () => {
    const plan = await planRefreshKeys(paths());
    const report = outdated({
      planned: plan.keys,
      stored: new Set(),
      earlier: { runId: base.input.runId, steps: [], modules: base.modules },
      modules: plan.modules,
      storeName: 'an empty store',
    });
    expect(report.reused).toBe(0);
    expect(report.rerun).toBe(plan.keys.length);
  });
});
