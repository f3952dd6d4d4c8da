/**
 * The estimation activities (activities/estimate.ts) on a real PGlite store, run as Temporal would run
 * them (MockActivityEnvironment): the stage's lookup, then a batch of the steps it left to compute.
 * The lookup queues the computes of the steps it found nothing for, and the batch takes them instead
 * of computing again. A fresh run owns nothing yet, so its saves skip the statement that clears a
 * run's earlier result under another key. A run that does own such a result still has it cleared,
 * and only the new one stays.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateActivities, type StepOutcome } from '../../activities/estimate';
import { estimatorPool, type EstimatorPool } from '../../activities/estimator-pool';
import { assemble } from '../../assembly';
import { computeIndicators } from '../../indicators';
import { ingestManifest } from '../../ingest';
import { rowsOfColumns } from '../../econometrics/reads';
import { PANEL_INDEX, stepColumns } from '../../freshness/step-keys';
import type { PanelRow } from '../../panel';
import { openDb, type Db } from '../../store/db';
import { loadEstimations, saveEstimation } from '../../store/estimations';
import type { Queryable } from '../../store/queryable';
import { startRun } from '../../store/runs';
import { saveSnapshot } from '../../store/snapshots';
import { listEstimations, loadStudy } from '../../study';

const SAMPLE = join(import.meta.dirname, '../../data/sample');
const STUDY = join(import.meta.dirname, '../../study/default-study.json');
const study = loadStudy(STUDY);
const STEPS = ['table3/(1)', 'table3/(4)', 'table10/CI'];
const CLEAR_EARLIER = /^WITH e AS \(\s*DELETE FROM estimations/;

describe('the estimation activities on the store', () => {
  const pool = estimatorPool({ threads: 1 });
  const hash = 'a'.repeat(64);
  let rows: PanelRow[];
  const dbs: Db[] = [];

  beforeAll(async () => {
    const observations = (await ingestManifest(SAMPLE)).flatMap((f) => f.observations);
    rows = computeIndicators(
      assemble(observations, { years: study.years, ...study.assembly }),
      study.indicators,
    ).rows as PanelRow[];
  }, 120_000);
  afterAll(async () => {
    await pool.destroy();
    await Promise.all(dbs.map((d) => d.close()));
  });

  /** A new store holding the sample's indicator panel, and every statement sent to it (in order). */
  async function store() {
    const db = await openDb({ dataDir: await mkdtemp(join(tmpdir(), 'aicarbon-estimate-activity-')) });
    dbs.push(db);
    await saveSnapshot(db, { snapshot_hash: hash, kind: 'indicators', built_from: {}, rows, report: {} });
    const statements: string[] = [];
    const spy = (q: Queryable): Queryable => ({
      query: (sql, params) => (statements.push(sql.trim()), q.query(sql, params)),
      exec: (sql) => q.exec(sql),
    });
    const spied: Db = { ...db, ...spy(db), transaction: (fn) => db.transaction((tx) => fn(spy(tx))) };
    return { db, spied, statements };
  }

  /** The estimate stage's two activities for `runId`: the lookup, then one batch of the rest. */
  async function stage(s: Awaited<ReturnType<typeof store>>, runId: string) {
    const activities = estimateActivities(s.spied, undefined, pool);
    const args = { runId, studyPath: STUDY, indicatorsHash: hash };
    const linked = (await new MockActivityEnvironment().run(activities.linkStoredSteps, {
      ...args,
      stepIds: STEPS,
    })) as StepOutcome[];
    return (await new MockActivityEnvironment().run(activities.estimateSteps, {
      ...args,
      stepIds: STEPS.filter((id) => !linked.some((o) => o.stepId === id)),
      lookedUp: true,
    })) as StepOutcome[];
  }

  it("stores a fresh run's results without clearing anything first", async () => {
    const s = await store();
    await startRun(s.db, { runId: 'fresh', studyId: study.id, vintage: 'test', inputsHash: 'fresh' });
    s.statements.length = 0;
    const outcomes = await stage(s, 'fresh');
    expect(outcomes.map((o) => [o.stepId, o.reused])).toEqual(STEPS.map((id) => [id, false]));
    expect(s.statements.filter((q) => CLEAR_EARLIER.test(q))).toEqual([]);
    const stored = await loadEstimations(s.db, 'fresh');
    expect(stored.map((e) => e.stepId).sort()).toEqual([...STEPS].sort());
  }, 60_000);

  it('queues the computes of the steps the lookup found nothing for, and the batch takes them', async () => {
    const s = await store();
    await startRun(s.db, { runId: 'ahead', studyId: study.id, vintage: 'test', inputsHash: 'ahead' });
    const handed: string[] = [];
    const counted: EstimatorPool = {
      ...pool,
      run: (task) => (handed.push(JSON.stringify(task.spec)), pool.run(task)),
    };
    const activities = estimateActivities(s.spied, undefined, counted);
    const args = { runId: 'ahead', studyPath: STUDY, indicatorsHash: hash };
    const linked = (await new MockActivityEnvironment().run(activities.linkStoredSteps, {
      ...args,
      stepIds: STEPS,
    })) as StepOutcome[];
    expect(linked).toEqual([]);
    // Every step is with the threads before any batch asks for it, in the stage's order.
    const specs = STEPS.map((id) =>
      JSON.stringify(listEstimations(study).find((e) => e.stepId === id)!.spec),
    );
    expect(handed).toEqual(specs);
    const outcomes = (await new MockActivityEnvironment().run(activities.estimateSteps, {
      ...args,
      stepIds: [...STEPS].reverse(),
      lookedUp: true,
    })) as StepOutcome[];
    // The batch computed none again, and stored each.
    expect(handed).toHaveLength(STEPS.length);
    expect(outcomes.map((o) => [o.stepId, o.reused])).toEqual([...STEPS].reverse().map((id) => [id, false]));
    expect((await loadEstimations(s.db, 'ahead')).map((e) => e.stepId).sort()).toEqual([...STEPS].sort());
    // A batch that looks its steps up (a retry) finds the run's own result stored: nothing computed.
    const again = (await new MockActivityEnvironment().run(activities.estimateSteps, {
      ...args,
      stepIds: [STEPS[0]],
    })) as StepOutcome[];
    expect(again.map((o) => o.stepId)).toEqual([STEPS[0]]);
    expect(handed).toHaveLength(STEPS.length);
  }, 60_000);

  it('clears a result the run owns under another key before storing the new one', async () => {
    const s = await store();
    await startRun(s.db, { runId: 'owner', studyId: study.id, vintage: 'test', inputsHash: 'owner' });
    // The run stored table3/(1) before, under a key its current inputs no longer give.
    const step = listEstimations(study).find((e) => e.stepId === STEPS[0])!;
    const out = await pool.run({
      rows: rowsOfColumns(rows, stepColumns(study, step)) as PanelRow[],
      panel: { ...PANEL_INDEX, source: 'test' },
      spec: step.spec,
      study,
    });
    if (!('result' in out)) throw new Error('table3/(1) did not estimate');
    await saveEstimation(
      s.db,
      {
        runId: 'owner',
        stepId: step.stepId,
        tableId: step.tableId,
        columnId: step.columnId,
        sample: step.sample,
        spec: step.spec,
        content: { step: step.stepId, kind: 'estimate', key: 'an older key', code: 'c', ingredients: {} },
      },
      out.result,
      1,
    );
    s.statements.length = 0;
    const outcomes = await stage(s, 'owner');
    expect(outcomes.map((o) => [o.stepId, o.reused])).toEqual(STEPS.map((id) => [id, false]));
    // Cleared for that step alone; the run's copy under the older key is gone, the new one stored.
    expect(s.statements.filter((q) => CLEAR_EARLIER.test(q))).toHaveLength(1);
    const keys = await s.db.query<{ step_id: string; step_key: string }>(
      `SELECT step_id, step_key FROM estimations WHERE run_id = 'owner' ORDER BY step_id`,
    );
    expect(keys.map((k) => k.step_id)).toEqual([...STEPS].sort());
    expect(keys.map((k) => k.step_key)).not.toContain('an older key');
  }, 60_000);
});
