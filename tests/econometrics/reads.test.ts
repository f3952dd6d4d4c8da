/**
 * What an estimation reads (econometrics/reads.ts), the list the early cut-off keys it on: written
 * out by hand for one spec of each kind, and checked complete on the bundled sample — every column of
 * the default study estimated on the panel of the columns its key covers gives byte for byte the
 * result it gives on the whole indicator panel (an estimator reading any other column would fail or
 * differ there).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { weightsOption } from '../../study/weights';
import { assemble } from '../../assembly';
import { estimate } from '../../econometrics/estimate';
import { columnsRead, rowsOfColumns } from '../../econometrics/reads';
import { parseSpec, type Spec } from '../../econometrics/spec';
import { PANEL_INDEX, stepColumns } from '../../freshness/step-keys';
import { computeIndicators } from '../../indicators';
import { ingestManifest } from '../../ingest';
import { Panel, type PanelRow } from '../../panel';
import { listEstimations, loadStudy } from '../../study';

const SAMPLE = join(import.meta.dirname, '../../data/sample');
const study = loadStudy(join(import.meta.dirname, '../../study/default-study.json'));
const reads = (spec: unknown) => columnsRead(parseSpec(spec), PANEL_INDEX);

describe('the columns a spec reads', () => {
  it('y, x and the index; lags read their variable', () => {
    expect(reads({ estimator: 'fe', y: 'CI', x: ['AIT', 'L2.ED'] })).toEqual([
      'AIT',
      'CI',
      'ED',
      'province',
      'year',
    ]);
  });

  it("each estimator's own option keys: instruments, mediator, moderator, GMM instruments", () => {
    expect(
      reads({ estimator: 'iv', y: 'CI', x: ['AIT', 'ED'], endogenous: ['AIT'], instruments: ['L.ROBOT'] }),
    ).toEqual(['AIT', 'CI', 'ED', 'ROBOT', 'province', 'year']);
    expect(reads({ estimator: 'mediation', y: 'CI', x: ['AIT'], mediator: 'EE' })).toEqual([
      'AIT',
      'CI',
      'EE',
      'province',
      'year',
    ]);
    expect(reads({ estimator: 'moderation', y: 'EE', x: ['AIT'], moderator: 'ln(IS)' })).toEqual([
      'AIT',
      'EE',
      'IS',
      'province',
      'year',
    ]);
    expect(
      reads({
        estimator: 'sysgmm',
        y: 'CI',
        x: ['AIT'],
        gmm: { instruments: [{ variable: 'OPEN', lags: [2, 3] }], iv: ['WF'] },
      }),
    ).toEqual(['AIT', 'CI', 'OPEN', 'WF', 'province', 'year']);
  });

  it('the sample, the cluster variable and winsorizing', () => {
    expect(
      reads({
        estimator: 'ols',
        y: 'CI',
        x: ['AIT'],
        vce: 'cluster',
        cluster: ['province', 'GROUP'],
        subset: { by: 'region', values: ['East'] },
        winsorize: [
          { lower: 1, upper: 99 },
          { vars: ['AIT'], lower: 1, upper: 99, by: 'SIZE' },
        ],
      }),
    ).toEqual(['AIT', 'CI', 'GROUP', 'SIZE', 'province', 'region', 'year']);
  });

  it("a study step adds its weight matrix's variable (economic distance reads ED)", () => {
    const steps = listEstimations(study);
    const w2 = steps.find((s) => s.weights === 'W2')!;
    const w1 = steps.find((s) => s.weights === 'W1' && s.spec.estimator === 'sdm')!;
    expect(stepColumns(study, w1)).not.toContain('region');
    expect(stepColumns(study, w2)).toContain('ED');
    const moranAit = steps.find((s) => s.stepId === 'table10/AIT')!;
    expect(stepColumns(study, moranAit)).toEqual(['AIT', 'province', 'year']);
    const east = steps.find((s) => s.stepId === 'table6/(1)')!;
    expect(stepColumns(study, east)).toContain('region');
  });
});

/** The same spec with its resampling cut down (the comparison needs equal work, not the full count). */
function quick(spec: Spec): Spec {
  const s = structuredClone(spec) as Spec & Record<string, Record<string, unknown> | undefined>;
  if (s.inference?.wild) s.inference.wild.reps = 99;
  if (s.bootstrap) s.bootstrap.reps = 49;
  if (s.spatial) Object.assign(s.spatial, { simulations: 20, permutations: 19, lisaPermutations: 19 });
  return s;
}

describe('the cut-off panel gives the numbers the whole panel gives', () => {
  let rows: PanelRow[];
  beforeAll(async () => {
    const observations = (await ingestManifest(SAMPLE)).flatMap((f) => f.observations);
    const table = computeIndicators(
      assemble(observations, { years: study.years, ...study.assembly }),
      study.indicators,
    );
    // As the store gives them back (JSON).
    rows = JSON.parse(JSON.stringify(table.rows)) as PanelRow[];
  }, 120_000);

  const run = (panelRows: PanelRow[], step: ReturnType<typeof listEstimations>[number]) => {
    try {
      const panel = Panel.fromRows(panelRows, PANEL_INDEX);
      const spec = quick(step.spec);
      // A spatial column's moran/impact draws are costly at full size; the weights are the study's.
      return JSON.stringify(estimate(panel, spec, weightsOption(study, step.weights, panelRows)));
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };

  it('every column of the default study', () => {
    const steps = listEstimations(study);
    expect(steps.length).toBeGreaterThan(40);
    for (const step of steps) {
      const own = rowsOfColumns(rows, stepColumns(study, step)) as PanelRow[];
      expect(Object.keys(own[0]).length, step.stepId).toBeLessThan(Object.keys(rows[0]).length);
      expect(run(own, step), step.stepId).toBe(run(rows, step));
    }
  }, 600_000);
});
