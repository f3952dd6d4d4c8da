/**
 * The estimators' threads (activities/estimator-pool.ts) through the real piscina pool running the
 * thread entry from the TypeScript sources (tsx's loader in each thread): every step of the sample
 * study gives the result the same calls give on this thread, to the bit; each kind of error keeps its
 * meaning across the boundary; a thread that dies fails only its own task; the main thread stays free
 * while a step computes (the activity's heartbeats and the store go on).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimatorPool, type EstimationTask } from '../../activities/estimator-pool';
import { warmUpPlan } from '../../activities/estimate';
import { weightsOption } from '../../study/weights';
import { sharePanel, type SharedPanel } from '../../activities/shared-panel';
import { syntheticRows } from '../../activities/estimator-warm-up';
import { assemble } from '../../assembly';
import { DataError, InputError, isDataError, isInputError } from '../../common/errors';
import { estimate } from '../../econometrics/estimate';
import { rowsOfColumns } from '../../econometrics/reads';
import { PANEL_INDEX, stepColumns } from '../../freshness/step-keys';
import { computeIndicators } from '../../indicators';
import { ingestManifest } from '../../ingest';
import { Panel, type PanelRow } from '../../panel';
import { listEstimations, loadStudy } from '../../study';

const SAMPLE = join(import.meta.dirname, '../../data/sample');
const STUDY = join(import.meta.dirname, '../../study/default-study.json');
const study = loadStudy(STUDY);
const steps = listEstimations(study);
const panelOptions = { ...PANEL_INDEX, source: 'panel sample' };

/** A hand-made panel: 5 provinces × 2 years; g is constant within each province (FE cannot use it). */
const tiny: PanelRow[] = Array.from({ length: 10 }, (_, i) => ({
  province: `P${Math.floor(i / 2)}`,
  year: 2000 + (i % 2),
  y: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3][i],
  x1: i + 1,
  g: Math.floor(i / 2),
}));

/** The least a thread can be asked: OLS of y on x1 over the tiny panel (10 observations). */
const tinyOls = (): EstimationTask => ({
  rows: tiny,
  panel: panelOptions,
  spec: { estimator: 'ols', y: 'y', x: ['x1'] },
  study,
});

describe('the estimator pool', () => {
  const pool = estimatorPool();
  let rows: PanelRow[];
  let shared: SharedPanel | undefined;
  /** A step's own rows: the index and the columns its key covers. */
  const ownRows = (step: (typeof steps)[number]) =>
    rowsOfColumns(rows, stepColumns(study, step)) as PanelRow[];
  /** As the activity hands a step to a thread: the panel in shared memory, and the step's columns. */
  const taskOf = (step: (typeof steps)[number]): EstimationTask => ({
    shared: (shared ??= sharePanel('sample indicators', rows)),
    columns: stepColumns(study, step),
    panel: panelOptions,
    spec: step.spec,
    study,
    weights: step.weights,
  });

  beforeAll(async () => {
    const observations = (await ingestManifest(SAMPLE)).flatMap((f) => f.observations);
    const table = computeIndicators(
      assemble(observations, { years: study.years, ...study.assembly }),
      study.indicators,
    );
    // As the activity reads them (the store's JSON).
    rows = JSON.parse(JSON.stringify(table.rows)) as PanelRow[];
  }, 120_000);
  afterAll(() => pool.destroy());

  it("gives every step of the sample study the result this thread's call gives, to the bit", async () => {
    expect(steps.length).toBeGreaterThan(40);
    // Both lanes at once, as the compute worker runs them; the panel handed over in shared memory.
    const threaded = await Promise.all(steps.map((step) => pool.run(taskOf(step))));
    // The same steps handed their own rows (the other form of a task) give the same again.
    const withRows = await Promise.all(
      steps.map((step) =>
        pool.run({ rows: ownRows(step), panel: panelOptions, spec: step.spec, study, weights: step.weights }),
      ),
    );
    withRows.forEach((out, i) =>
      expect('result' in out ? out.result : out, steps[i].stepId).toStrictEqual(
        'result' in threaded[i] ? threaded[i].result : threaded[i],
      ),
    );
    steps.forEach((step, i) => {
      const own = ownRows(step);
      let direct;
      try {
        direct = estimate(
          Panel.fromRows(own, panelOptions),
          step.spec,
          weightsOption(study, step.weights, own),
        );
      } catch (e) {
        expect(isDataError(e), `${step.stepId}: ${(e as Error).message}`).toBe(true);
        expect(threaded[i], step.stepId).toEqual({ dataError: expect.any(DataError) });
        expect((threaded[i] as { dataError: DataError }).dataError.message).toBe((e as Error).message);
        return;
      }
      const out = threaded[i] as { result: unknown; ms: number };
      expect(out.ms, step.stepId).toBeGreaterThanOrEqual(0);
      // Same rows, statistics and sample: the same keys in the same order, -0 and NaN as they are.
      expect(out.result, step.stepId).toStrictEqual(direct);
      expect(JSON.stringify(out.result), step.stepId).toBe(JSON.stringify(direct));
    });
  }, 120_000);

  it('returns a DataError from the estimator as the value the activity records', async () => {
    const out = await pool.run({
      rows: tiny,
      panel: panelOptions,
      spec: { estimator: 'fe', y: 'y', x: ['g'] },
      study,
    });
    expect('dataError' in out).toBe(true);
    const e = (out as { dataError: DataError }).dataError;
    expect(e).toBeInstanceOf(DataError);
    expect(isDataError(e)).toBe(true);
    expect(e.message).toContain('no regressor varies within groups');
  });

  it('throws an InputError as an InputError, with where it is (not retried)', async () => {
    const error = await pool
      .run({
        rows: tiny,
        panel: panelOptions,
        spec: { estimator: 'sar', y: 'y', x: ['x1'] },
        study,
        weights: 'W9',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(isInputError(error)).toBe(true);
    expect((error as InputError).location).toBe('weights.W9');
    expect((error as Error).message).toMatch(/weights\.W9: not declared in the study/);
  });

  it('throws a DataError met building the panel as itself, not as a recorded failure', async () => {
    // Building the panel happened before the estimator's try in the activity: its errors are thrown.
    const error = await pool
      .run({ rows: [], panel: panelOptions, spec: { estimator: 'ols', y: 'y', x: ['x1'] }, study })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('panel sample: no rows to build a panel from');
  });

  it('throws any other error as a fault, neither an input nor a data error (retried)', async () => {
    // A weights name with no study to read it from: a TypeError in the thread.
    const error = await pool
      .run({
        rows: tiny,
        panel: panelOptions,
        spec: { estimator: 'ols', y: 'y', x: ['x1'] },
        study: undefined as never,
        weights: 'W1',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TypeError');
    expect(isInputError(error) || isDataError(error)).toBe(false);
    expect((error as Error).stack).toMatch(/estimator-thread/);
  });

  it('fails only the task of a thread that dies, as a fault; the next task runs', async () => {
    // A thread whose heap is capped dies on a task too large for it (ERR_WORKER_OUT_OF_MEMORY).
    const small = estimatorPool({ threads: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    try {
      const huge = Array.from({ length: 400_000 }, (_, i) => ({
        province: `P${i % 1000}`,
        year: i,
        y: i,
        x1: `label ${i}`,
      }));
      const error = await small
        .run({ rows: huge, panel: panelOptions, spec: { estimator: 'ols', y: 'y', x: ['x1'] }, study })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/^estimator thread failed: .*out of memory/i);
      expect(isInputError(error) || isDataError(error)).toBe(false);
      const out = await small.run(tinyOls());
      expect('result' in out && out.result.nobs).toBe(10);
    } finally {
      await small.destroy();
    }
  }, 60_000);

  it('leaves the main thread free while a step computes', async () => {
    // The heaviest kind of step: a wild cluster bootstrap.
    const step = steps.find((s) => s.spec.inference?.wild) ?? steps[0];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const done = pool.run(taskOf(step));
      await done;
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  it('runs nothing once destroyed (a pool never used is destroyed at once)', async () => {
    const idle = estimatorPool();
    await idle.destroy();
    const error = await idle.run(taskOf(steps[0])).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/destroyed/);
  });
});

describe("the estimators' warm-up", () => {
  const plan = warmUpPlan(STUDY);

  it('is every estimation of the study, each on the columns its key covers', () => {
    expect(plan.steps.map((s) => s.spec)).toEqual(steps.map((s) => s.spec));
    expect(plan.steps.map((s) => s.weights)).toEqual(steps.map((s) => s.weights));
    plan.steps.forEach((s, i) => expect(s.columns).toEqual(stepColumns(study, steps[i])));
  });

  it('gives every estimation of the sample study a synthetic panel it estimates without error', () => {
    // A warm-up whose steps fail early would compile little of the estimators.
    plan.steps.forEach((step, i) => {
      const rows = syntheticRows(study, plan.panel, step.columns, i + 1);
      // 30 provinces × the study's 11 years, every row with the index and each column.
      expect(rows).toHaveLength(30 * (study.years[1] - study.years[0] + 1));
      for (const c of step.columns) expect(rows.every((r) => r[c] !== undefined && r[c] !== null)).toBe(true);
      expect(() =>
        estimate(Panel.fromRows(rows, plan.panel), step.spec, weightsOption(study, step.weights, rows)),
      ).not.toThrow();
    });
  });

  it('is the same synthetic panel for the same seed, another for another', () => {
    const columns = ['AIT', 'CI', 'region'];
    const a = syntheticRows(study, plan.panel, columns, 7);
    expect(syntheticRows(study, plan.panel, columns, 7)).toStrictEqual(a);
    expect(syntheticRows(study, plan.panel, columns, 8)).not.toStrictEqual(a);
    // Values in [0.5, 1.5); region from the province's row in data/reference/provinces.csv.
    expect(a.every((r) => (r.AIT as number) >= 0.5 && (r.AIT as number) < 1.5)).toBe(true);
    expect(a.find((r) => r.province === 'BJ')?.region).toBe('East');
    expect(a.find((r) => r.province === 'XJ')?.region).toBe('West');
  });

  it('runs the whole plan on an idle pool; real steps after it give the results they give cold', async () => {
    const cold = estimatorPool({ threads: 1 });
    const warmed = estimatorPool({ threads: 1 });
    try {
      const observations = (await ingestManifest(SAMPLE)).flatMap((f) => f.observations);
      const rows = JSON.parse(
        JSON.stringify(
          computeIndicators(
            assemble(observations, { years: study.years, ...study.assembly }),
            study.indicators,
          ).rows,
        ),
      ) as PanelRow[];
      expect(await warmed.warmUp(plan)).toBe(plan.steps.length);
      // Once per pool: a second call runs nothing more.
      expect(await warmed.warmUp(plan)).toBe(plan.steps.length);
      // One step of each estimator: the same result, to the bit, as from a pool that never warmed up.
      const firstOfEach = [...new Map(steps.map((s) => [s.spec.estimator, s])).values()];
      for (const step of firstOfEach) {
        const task: EstimationTask = {
          rows: rowsOfColumns(rows, stepColumns(study, step)) as PanelRow[],
          panel: panelOptions,
          spec: step.spec,
          study,
          weights: step.weights,
        };
        const [a, b] = await Promise.all([cold.run(task), warmed.run(task)]);
        expect('result' in b && b.result, step.stepId).toStrictEqual('result' in a && a.result);
      }
    } finally {
      await Promise.all([cold.destroy(), warmed.destroy()]);
    }
  }, 120_000);

  it('gives way to the first real step, and never starts once one has run', async () => {
    const pool = estimatorPool({ threads: 1 });
    try {
      const warming = pool.warmUp(plan);
      const out = await pool.run(tinyOls());
      expect('result' in out && out.result.nobs).toBe(10);
      // Stopped before its next synthetic step: far from the whole plan.
      expect(await warming).toBeLessThan(plan.steps.length);
      const after = estimatorPool({ threads: 1 });
      try {
        await after.run(tinyOls());
        expect(await after.warmUp(plan)).toBe(0);
      } finally {
        await after.destroy();
      }
    } finally {
      await pool.destroy();
    }
  }, 60_000);
});
