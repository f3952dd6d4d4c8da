/**
 * `outdated` on real plans of the bundled inputs and study: each kind of change is named with the
 * ingredient that changed, and only the steps it reaches rerun.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRefreshKeys, type PlannedUpstream, type RefreshPlan } from '../../activities/plan';
import { PROJECT_ROOT } from '../../common/config';
import { formatOutdated, outdated, type OutdatedReport } from '../../freshness/outdated';
import { previewColumnDigests } from '../../freshness/preview';

const PROBE = 'tests/fixtures/code/gmm-probe.ts';

describe('outdated names what changed', () => {
  let dir: string;
  let base: RefreshPlan;
  // The indicator panel each plan would make, previewed in memory (once per assembled key): the
  // estimations' keys are on its columns' digests.
  const previews = new Map<string, ReturnType<typeof previewColumnDigests>>();
  const preview = (u: PlannedUpstream) => {
    if (!previews.has(u.assemble.key)) previews.set(u.assemble.key, previewColumnDigests(u));
    return previews.get(u.assemble.key)!;
  };
  const paths = () => ({
    studyPath: join(dir, 'study.json'),
    inputsDir: join(dir, 'inputs'),
    buildManifest: join(dir, 'build.json'),
    columnDigests: preview,
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
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('nothing changed: everything but publishing is reused, and the run id is the same', async () => {
    const plan = await planRefreshKeys(paths());
    expect(plan.input.runId).toBe(base.input.runId);
    expect(Object.keys(rerun(against(plan)))).toEqual(['publish']);
  });

  it('an input file: old → new hash, the panel, and only the estimations reading the column it changed', async () => {
    const file = join(dir, 'inputs', 'synthetic', 'pollution_investment.csv');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('BJ,2011,78706', 'BJ,2011,78707'));
    try {
      const plan = await planRefreshKeys(paths());
      const old = base.keys.find((k) => k.step === 'ingest:synthetic/pollution_investment.csv')!;
      const now = plan.keys.find((k) => k.step === old.step)!;
      const report = against(plan);
      const why = rerun(report);
      expect(why[old.step]).toEqual([
        `input file synthetic/pollution_investment.csv changed (${String(old.ingredients.bytes).slice(0, 12)} → ${String(now.ingredients.bytes).slice(0, 12)})`,
      ]);
      expect(why.assemble).toEqual(['upstream: input files changed (synthetic/pollution_investment.csv)']);
      expect(why.indicators).toEqual(['upstream assemble changed']);
      // ER (environmental regulation) is the one column the file feeds: the columns with controls read it.
      const digest = (k: { ingredients: Record<string, unknown> }) =>
        String((k.ingredients.columns as Record<string, string>).ER).slice(0, 8);
      const t34 = (p: RefreshPlan) => p.keys.find((k) => k.step === 'table3/(4)')!;
      expect(why['table3/(4)']).toEqual([
        `column ER changed (digest ${digest(t34(base))} → ${digest(t34(plan))})`,
      ]);
      // Table 3 (1) is OLS of CI on AIT alone: the early cut-off reuses it, and says why.
      expect(why['table3/(1)']).toBeUndefined();
      expect(report.steps.find((s) => s.step === 'table3/(1)')).toMatchObject({
        status: 'reused',
        reasons: ['the indicators change, but not the columns it reads (AIT, CI, province, year)'],
      });
      const estimations = Object.keys(why).filter((s) => s.includes('/'));
      expect(estimations).toContain('table11/(2)');
      expect(estimations).not.toContain('table9/(1)');
      expect(estimations).not.toContain('table10/CI');
      expect(Object.keys(why).filter((s) => s.startsWith('ingest:'))).toEqual([old.step]);
      expect(formatOutdated(report)).toContain(
        'reused table3/(1)\n           the indicators change, but not the columns it reads (AIT, CI, province, year)',
      );
    } finally {
      await writeFile(file, text);
    }
  }, 120_000);

  it('an input of one variable (IFR robot installations → ROBOT): only the two columns reading it', async () => {
    const file = join(dir, 'inputs', 'real', 'ifr', 'robot_installations.csv');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('China,CHN,2015,', 'China,CHN,2015,1'));
    try {
      const why = rerun(against(await planRefreshKeys(paths())));
      expect(
        Object.keys(why)
          .filter((s) => !s.startsWith('ingest:'))
          .sort(),
      ).toEqual(['assemble', 'indicators', 'publish', 'table4/(7)', 'table4/(8)']);
      expect(why['table4/(7)']).toEqual([
        expect.stringMatching(/^column ROBOT changed \(digest [0-9a-f]{8} → [0-9a-f]{8}\)$/),
      ]);
    } finally {
      await writeFile(file, text);
    }
  }, 120_000);

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
