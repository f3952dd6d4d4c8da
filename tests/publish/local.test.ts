/**
 * Province-level spatial results are stored estimations: the SDM estimator computes each province's
 * impacts and the Moran estimator its LISA; the store keeps them as rows (in the analyst views); the
 * report's maps are rendered from what the store gives back, computing nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { entityImpacts } from '../../econometrics/spatial/entity-impacts';
import { weightsFromDense } from '../../econometrics/spatial/weights';
import { renderReport, spatialMaps } from '../../publish';
import { openDb, type Db } from '../../store/db';
import { loadEstimations, saveEstimation } from '../../store/estimations';
import { startRun } from '../../store/runs';
import { listEstimations, loadStudy } from '../../study';
import { handMadeRun, syntheticRows } from './fixtures';

describe('province impacts of the SDM (econometrics/spatial/entity-impacts.ts)', () => {
  it('two mutual neighbours, by hand', () => {
    // W = [[0,1],[1,0]], ρ = 0.5, β = 2, θ = 1:
    // (I − ρW)⁻¹ = 1/(1 − ρ²)·[[1, ρ], [ρ, 1]] = (4/3)·[[1, 0.5], [0.5, 1]];  βI + θW = [[2, 1], [1, 2]];
    // S = (4/3)·[[2.5, 2], [2, 2.5]] → direct 10/3, spillovers 8/3 each way; row total 6 = (β + θ)/(1 − ρ).
    const w = weightsFromDense(
      ['A', 'B'],
      [
        [0, 1],
        [1, 0],
      ],
      'test',
    );
    const r = entityImpacts(w, 'x', 0.5, 2, 1);
    for (const row of r) {
      expect(row.direct).toBeCloseTo(10 / 3, 12);
      expect(row.received).toBeCloseTo(8 / 3, 12);
      expect(row.emitted).toBeCloseTo(8 / 3, 12);
      expect(row.direct + row.received).toBeCloseTo(6, 12);
    }
    expect(r.map((x) => x.id)).toEqual(['A', 'B']);
  });

  it('a hub emits more spillover than the provinces around it', () => {
    // Star: C neighbours A and B; row-standardised W = [[0, 0, 1], [0, 0, 1], [0.5, 0.5, 0]] (order A, B, C).
    // ρ = 0, β = 0, θ = 1: S = W, so emitted_j = column sums off the diagonal: A 0.5, B 0.5, C 2;
    // received = row sums off the diagonal = 1 for everyone.
    const star = [
      [0, 0, 1],
      [0, 0, 1],
      [1, 1, 0],
    ];
    const r = entityImpacts(weightsFromDense(['A', 'B', 'C'], star, 'star'), 'x', 0, 0, 1);
    expect(r.map((x) => x.emitted)).toEqual([0.5, 0.5, 2]);
    expect(r.map((x) => x.received)).toEqual([1, 1, 1]);
  });
});

describe('LISA and province effects: stored, read back, rendered from the store', () => {
  let dir: string;
  let db: Db;
  const study = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
  const rows = syntheticRows();
  const run = handMadeRun(study, rows);
  const runId = 'refresh-local-test';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-store-'));
    db = await openDb({ dataDir: dir });
    await startRun(db, { runId, studyId: study.id, vintage: 'test', inputsHash: 'h' });
    const specs = new Map(listEstimations(study).map((s) => [s.stepId, s]));
    for (const s of run) {
      const step = specs.get(s.stepId)!;
      await saveEstimation(
        db,
        {
          runId,
          stepId: s.stepId,
          tableId: s.tableId,
          columnId: s.columnId,
          sample: step.sample,
          spec: step.spec,
        },
        s.result,
        1,
      );
    }
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the store keeps them as rows in the analyst views', async () => {
    const lisa = await db.query<{ variable: string; time: number; province: string; cluster: string }>(
      `SELECT variable, time, province, cluster FROM analyst_lisa WHERE run_id = $1 AND time = 2021 ORDER BY variable, province`,
      [runId],
    );
    expect(lisa.map((r) => r.variable)).toEqual([...Array(30).fill('AIT'), ...Array(30).fill('CI')]);
    const effects = await db.query<{ table_id: string; column_id: string; term: string; n: number }>(
      `SELECT table_id, column_id, term, count(*)::int AS n FROM analyst_province_effects WHERE run_id = $1
       GROUP BY table_id, column_id, term ORDER BY column_id, term`,
      [runId],
    );
    expect(effects.filter((e) => e.term === 'AIT').map((e) => [e.column_id, e.n])).toEqual([
      ['W1', 30],
      ['W2', 30],
      ['W3', 30],
    ]);
  });

  it('reads them back unchanged and the maps and report render them from there', async () => {
    const stored = await loadEstimations(db, runId);
    const byStep = new Map(stored.map((s) => [s.stepId, s.result]));
    const moran = run.find((s) => s.result.lisa?.length)!;
    const back = byStep.get(moran.stepId)!.lisa!;
    const key = (l: { time: number; id: string }) => `${l.time}/${l.id}`;
    const sorted = [...moran.result.lisa!].sort((a, b) => key(a).localeCompare(key(b)));
    expect([...back].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(sorted);
    const sdm = run.find((s) => s.result.entityEffects?.length)!;
    expect(byStep.get(sdm.stepId)!.entityEffects!.length).toBe(sdm.result.entityEffects!.length);

    const steps = stored.map((s) => ({
      stepId: s.stepId,
      tableId: s.tableId,
      columnId: s.columnId,
      result: s.result,
    }));
    const maps = spatialMaps(study, steps);
    expect(maps.lisa.map((m) => m.title)).toEqual([
      'LISA clusters of CI, 2021 (contiguity weights; Benjamini–Hochberg adjusted conditional-permutation p < 0.05, 999 permutations)',
      'LISA clusters of AIT, 2021 (contiguity weights; Benjamini–Hochberg adjusted conditional-permutation p < 0.05, 999 permutations)',
    ]);
    expect(maps.lisa[0].rows).toHaveLength(30);
    // Labels follow the Moran spec's choice: a cluster only where the adjusted permutation p is below 0.05.
    for (const r of maps.lisa[0].rows) {
      expect(r.p_permutation).toBeDefined();
      expect(r.cluster === 'Not significant').toBe(!(r.p_bh < 0.05));
    }
    // Captions in words: the matrix by its name, the table as readers number it, no formula.
    expect(maps.effects.map((m) => m.title)).toEqual(
      ['contiguity', 'economic distance', 'geographic distance'].map(
        (w, i) =>
          `Spillover of each province's AIT on the other provinces' CI: the sum of its impacts on every other province, spatial Durbin model under ${w} weights (Table 11, column W${i + 1})`,
      ),
    );
    expect(maps.effects[0].values).toHaveLength(30);
    expect(maps.notes).toEqual([]);
    // The rendered values are the stored ones (BJ's emitted spillover under W1).
    const bj = byStep.get('table11/W1')!.entityEffects!.find((e) => e.id === 'BJ' && e.term === 'AIT')!;
    expect(maps.effects[0].values.find((v) => v.province === 'BJ')!.value).toBe(bj.emitted);
    const html = renderReport({
      run: { runId, studyId: study.id, studyTitle: study.title, vintage: 'test', inputs: [] },
      study,
      steps,
      rows,
      coverage: [],
      lisa: maps.lisa,
      effects: maps.effects,
      mapNotes: maps.notes,
    });
    expect(html).toContain(
      'LISA clusters of CI, 2021 (contiguity weights; Benjamini–Hochberg adjusted conditional-permutation p &lt; 0.05, 999 permutations)',
    );
    expect(html).toContain(`BJ: ${bj.emitted}`);
  });

  it('a map whose estimation is missing is left out with the reason', () => {
    const withoutCi = run.filter((s) => s.stepId !== 'table10/CI');
    const maps = spatialMaps(study, withoutCi);
    expect(maps.lisa.map((m) => m.title)).toEqual([
      'LISA clusters of AIT, 2021 (contiguity weights; Benjamini–Hochberg adjusted conditional-permutation p < 0.05, 999 permutations)',
    ]);
    expect(maps.notes).toEqual(['LISA of CI: no stored Moran estimation of CI under a contiguity matrix.']);
  });
});
