/**
 * Coverage of the study variables after the indicator step, on the bundled sample: each value's basis
 * (observed / interpolated / substituted / extrapolated / missing) is what its `explain` chain shows, the
 * counts add up to the 330 province-years, and the tables' N is the count of rows whose every variable
 * has a value.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble, type AssembledPanel } from '../../assembly';
import { estimate } from '../../econometrics/estimate';
import { ingestManifest } from '../../ingest';
import {
  cellBases,
  computeIndicators,
  explain,
  parseCellRef,
  studyCoverage,
  type CellBasis,
  type ExplainNode,
  type IndicatorTable,
  type StudyCoverage,
} from '../../indicators';
import { Panel } from '../../panel';
import { proxyLines } from '../../publish';
import { listEstimations, loadStudy } from '../../study';

const SAMPLE = join(import.meta.dirname, '../../data/sample');
const study = loadStudy(join(import.meta.dirname, '../../study/default-study.json'));

let panel: AssembledPanel;
let table: IndicatorTable;
let synthetic: Set<string>;
let bases: Record<string, CellBasis>;
let coverage: Map<string, StudyCoverage>;
let files: Awaited<ReturnType<typeof ingestManifest>>;

beforeAll(async () => {
  files = await ingestManifest(SAMPLE);
  synthetic = new Set(files.filter((f) => !f.real).map((f) => f.name));
  panel = assemble(
    files.flatMap((f) => f.observations),
    { years: study.years, ...study.assembly },
  );
  table = computeIndicators(panel, study.indicators);
  bases = cellBases(table, panel, synthetic);
  coverage = new Map(studyCoverage(table, bases).map((c) => [c.variable, c]));
}, 120_000);

/** The basis read off an explain chain as a user reads it: the worst method anywhere below a value. */
function basisOfChain(node: ExplainNode): { basis: string; files: Set<string> } {
  const rank = ['observed', 'interpolated', 'substituted', 'extrapolated'];
  let worst = 0;
  const files = new Set<string>();
  const walk = (n: ExplainNode) => {
    if (n.value === null) return; // a way that was not taken
    const method =
      n.kind === 'indicator' ? (n.method === 'extrapolated' ? 'extrapolated' : 'observed') : n.method;
    worst = Math.max(worst, rank.indexOf(method));
    for (const s of n.sources ?? []) if (synthetic.has(s.file)) files.add(s.file);
    n.inputs.forEach(walk);
  };
  if (node.value === null) return { basis: 'missing', files };
  walk(node);
  return { basis: rank[worst], files };
}

describe('coverage of the study variables after the indicator step', () => {
  it('every value has the basis and the synthetic inputs its explain chain shows', () => {
    const refs = Object.keys(table.cells);
    expect(refs.length).toBe(table.variables.length * 330);
    for (const ref of refs) {
      const { variable, province, year } = parseCellRef(ref);
      const chain = basisOfChain(explain(table, panel, { variable, province, year }));
      expect(bases[ref].basis, ref).toBe(chain.basis);
      expect(bases[ref].synthetic, ref).toEqual([...chain.files].sort());
    }
  });

  it('counts every province-year once, by its basis', () => {
    for (const c of coverage.values()) {
      expect(c.observed + c.interpolated + c.substituted + c.extrapolated + c.missing, c.variable).toBe(330);
      expect(c.missingCells).toHaveLength(c.missing);
      expect(c.filledCells).toHaveLength(c.interpolated + c.substituted + c.extrapolated);
    }
    // NERI's marketization index ends in 2019; MAR is carried to 2020–2021 by its trend: 60 extrapolated
    // values, none missing (the assembled series alone would say 60 missing).
    const mar = coverage.get('MAR')!;
    expect(mar).toMatchObject({ missing: 0, extrapolated: 60 });
    expect(mar.filledCells.filter((k) => /\/202[01]$/.test(k))).toHaveLength(60);
    expect(panel.coverage.find((c) => c.variable === 'marketization')!.missing).toBe(60);
    // AIT rests on the synthetic AI-patent export in every province-year; CI on no synthetic file.
    expect(coverage.get('AIT')!.syntheticInputs).toEqual(['synthetic/ai_patents_export.csv']);
    expect(coverage.get('CI')!.syntheticInputs).toEqual([]);
    // RE is defined only where CI fell, so it has missing values; the first year always.
    const re = coverage.get('RE')!;
    expect(re.missingCells.filter((k) => k.endsWith('/2011'))).toHaveLength(30);
  });

  it("a column's N is the number of its sample's rows where every variable it uses has a value", () => {
    const rows = table.rows;
    const p = Panel.fromRows(rows, { entity: 'province', time: 'year', source: 'sample' });
    const steps = listEstimations(study).filter(
      (s) => ['table3', 'table9', 'table12'].includes(s.tableId) && s.spec.estimator !== 'ols',
    );
    expect(steps.length).toBeGreaterThan(6);
    for (const step of steps) {
      const used = [
        ...new Set(
          [step.spec.y, ...step.spec.x, ...(step.spec.moderator ? [step.spec.moderator] : [])].flatMap((t) =>
            t.split(/[^A-Za-z0-9_]+/).filter((v) => table.variables.includes(v)),
          ),
        ),
      ];
      const subset = step.spec.subset;
      const inSample = rows.filter((r) => !subset || subset.values.includes(String(r[subset.by])));
      const complete = inSample.filter((r) =>
        used.every((v) => bases[`${v}|${r.province}/${r.year}`].basis !== 'missing'),
      );
      expect(estimate(p, step.spec).nobs, step.stepId).toBe(complete.length);
    }
  });
});

describe('the AIT-proxy study on the sample (study/ait-proxy-study.json)', () => {
  it('runs the tables on the NBS invention applications, rests on no synthetic input for AIT, and says it is a proxy', () => {
    const proxy = loadStudy(join(import.meta.dirname, '../../study/ait-proxy-study.json'));
    const proxyTable = computeIndicators(panel, proxy.indicators);
    // real/nbs/invention_applications.csv, row 北京市, column 2015年: 88930 applications.
    expect(proxyTable.cells['AIT|BJ/2015'].value).toBeCloseTo(Math.log(1 + 88930), 12);
    const proxyCoverage = new Map(
      studyCoverage(proxyTable, cellBases(proxyTable, panel, synthetic)).map((c) => [c.variable, c]),
    );
    expect(proxyCoverage.get('AIT')).toMatchObject({ observed: 330, missing: 0, syntheticInputs: [] });
    // The layers have no proxy: missing, so their columns fail with the reason rather than borrow AIT.
    expect(proxyCoverage.get('AIT1')!.missing).toBe(330);
    const p = Panel.fromRows(proxyTable.rows, { entity: 'province', time: 'year', source: 'proxy' });
    const baseline = listEstimations(proxy).find((s) => s.stepId === 'table3/(4)')!;
    const fe = estimate(p, baseline.spec);
    expect(fe.nobs).toBe(330);
    expect(fe.coefficients.find((c) => c.term === 'AIT')!.estimate).not.toBe(
      estimate(
        Panel.fromRows(table.rows, { entity: 'province', time: 'year', source: 'sample' }),
        baseline.spec,
      ).coefficients.find((c) => c.term === 'AIT')!.estimate,
    );
    // Published outputs name the proxy (report header, run sheet).
    expect(proxyLines(proxy)).toContainEqual(
      expect.stringMatching(/^AIT: all-technology invention-patent applications/),
    );
  });
});
