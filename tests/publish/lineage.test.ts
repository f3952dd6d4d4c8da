/**
 * From a table cell to source cells (publish/lineage.ts) on a hand-built run: which cells a term reads
 * (panel/terms.ts termCells), the used rows of the stored sample and the left-out ones by reason, each
 * value's chain down to file cells with its flags (interpolated, synthetic), and the errors naming what
 * exists.
 */
import { describe, expect, it } from 'vitest';
import type { AssembledPanel } from '../../assembly/panel';
import type { EstimationResult, SampleRow } from '../../econometrics/result';
import { weightsFromDense } from '../../econometrics/spatial/weights/matrix';
import { cellBases, type IndicatorCell } from '../../indicators';
import { termCells } from '../../panel';
import { findStep, formatLineage, sampleLineage, termReads, type LineageInput } from '../../publish/lineage';

describe('termCells: the variables a term reads and at which lag', () => {
  it.each([
    ['AIT', [{ variable: 'AIT', lag: 0 }]],
    ['L.AIT', [{ variable: 'AIT', lag: 1 }]],
    ['L2.ln(AIT)', [{ variable: 'AIT', lag: 2 }]],
    ['F.x', [{ variable: 'x', lag: -1 }]],
    // D2.x = D.(D.x) = x_t − 2x_{t−1} + x_{t−2}.
    [
      'D2.x',
      [
        { variable: 'x', lag: 0 },
        { variable: 'x', lag: 1 },
        { variable: 'x', lag: 2 },
      ],
    ],
    [
      'AIT:IS',
      [
        { variable: 'AIT', lag: 0 },
        { variable: 'IS', lag: 0 },
      ],
    ],
    [
      'AIT×ER',
      [
        { variable: 'AIT', lag: 0 },
        { variable: 'ER', lag: 0 },
      ],
    ],
    [
      'L.AIT*AIT',
      [
        { variable: 'AIT', lag: 0 },
        { variable: 'AIT', lag: 1 },
      ],
    ],
  ])('%s', (term, cells) => expect(termCells(term)).toEqual(cells));
});

describe('termReads: what a coefficient reads under its estimator', () => {
  it('a GMM difference equation reads each value at t and t − 1; the dependent variable likewise', () => {
    expect(termReads('sysgmm', { y: 'CI' }, 'L.AIT', false).reads).toEqual([
      { variable: 'AIT', lag: 1 },
      { variable: 'AIT', lag: 2 },
    ]);
    expect(termReads('sysgmm', { y: 'CI' }, 'L.AIT', true).reads).toEqual([
      { variable: 'CI', lag: 0 },
      { variable: 'CI', lag: 1 },
    ]);
  });
  it('mediation paths read their regressor; path a has the mediator as its dependent variable', () => {
    const spec = { y: 'CI', x: ['AIT', 'ED'], mediator: 'EE' };
    expect(termReads('mediation', spec, 'a:AIT', false).reads).toEqual([{ variable: 'AIT', lag: 0 }]);
    expect(termReads('mediation', spec, 'a:AIT', true).reads).toEqual([{ variable: 'EE', lag: 0 }]);
    expect(termReads('mediation', spec, 'total:AIT', true).reads).toEqual([{ variable: 'CI', lag: 0 }]);
  });
  it("W*x reads x at the neighbours, rho the neighbours' y; the constant reads nothing", () => {
    expect(termReads('sdm', { y: 'CI' }, 'W*AIT', false)).toMatchObject({
      reads: [],
      neighbours: [{ variable: 'AIT', lag: 0 }],
    });
    expect(termReads('sdm', { y: 'CI' }, 'W*L.CI', false).neighbours).toEqual([{ variable: 'CI', lag: 1 }]);
    expect(termReads('sdm', { y: 'CI' }, 'rho', false).neighbours).toEqual([{ variable: 'CI', lag: 0 }]);
    expect(termReads('fe', { y: 'CI' }, '_cons', false)).toMatchObject({ reads: [], neighbours: [] });
  });
});

// A run of two provinces × three years: AIT = ln(1 + patents), patents read from a synthetic CSV
// (A/2001 interpolated between the 2000 and 2002 cells); CI read from a real workbook.
const src = (file: string, cell: string) => ({ file, sha256: 'h', sheet: 'S', cell });
const assembled: AssembledPanel = {
  years: [2000, 2002],
  provinces: ['A', 'B'],
  conflicts: [],
  coverage: [],
  variables: {
    patents: {
      unit: 'count',
      cells: {
        'A/2000': { value: 3, method: 'observed', sources: [src('syn.csv', 'B2')] },
        'A/2001': { value: 5, method: 'interpolated', sources: [src('syn.csv', 'B2'), src('syn.csv', 'B4')] },
        'A/2002': { value: 7, method: 'observed', sources: [src('syn.csv', 'B4')] },
        'B/2000': { value: 1, method: 'observed', sources: [src('syn.csv', 'C2')] },
        'B/2001': { value: 2, method: 'observed', sources: [src('syn.csv', 'C3')] },
        'B/2002': { value: 4, method: 'observed', sources: [src('syn.csv', 'C4')] },
      },
    },
  },
};
const cells: Record<string, IndicatorCell> = {};
for (const [key, c] of Object.entries(assembled.variables.patents.cells))
  cells[`AIT|${key}`] = {
    value: Math.log1p(c.value),
    method: 'computed',
    inputs: [`patents|${key}`],
    formula: 'ln(1 + patents)',
  };
const result: EstimationResult = {
  estimator: 'fe',
  nobs: 3,
  coefficients: [{ term: 'L.AIT', estimate: -0.5, std_error: 0.1, statistic: -5, p_value: 0.01 }],
  statistics: {},
};
// L.AIT loses 2000; B/2002 left out for a missing y.
const sample: SampleRow[] = [
  { entity: 'A', time: 2000, used: false, reason: 'missing L.AIT (no 1999 row)' },
  { entity: 'A', time: 2001, used: true },
  { entity: 'A', time: 2002, used: true },
  { entity: 'B', time: 2000, used: false, reason: 'missing L.AIT (no 1999 row)' },
  { entity: 'B', time: 2001, used: true },
  { entity: 'B', time: 2002, used: false, reason: 'missing CI' },
];
const synthetic = new Set(['syn.csv']);
const input = (over: Partial<LineageInput> = {}): LineageInput => ({
  steps: [{ stepId: 't/(1)', tableId: 't', columnId: '(1)', spec: { y: 'CI', x: ['L.AIT'] }, result }],
  tableId: 't',
  columnId: '(1)',
  term: 'L.AIT',
  sample,
  indicators: { cells },
  assembled,
  bases: cellBases({ cells }, assembled, synthetic),
  syntheticFiles: synthetic,
  ...over,
});

describe('sampleLineage: a coefficient down to its source cells', () => {
  it('follows L.AIT at each used row to the year before, its file cells and flags', () => {
    const l = sampleLineage(input());
    expect(l.nobs).toBe(3);
    expect(l.used).toBe(3);
    expect(l.leftOut).toEqual([
      { reason: 'missing L.AIT (no 1999 row)', rows: ['A/2000', 'B/2000'] },
      { reason: 'missing CI', rows: ['B/2002'] },
    ]);
    expect(l.sample.map((r) => `${r.province}/${r.year}: ${r.values.map((v) => v.ref).join()}`)).toEqual([
      'A/2001: AIT|A/2000',
      'A/2002: AIT|A/2001',
      'B/2001: AIT|B/2000',
    ]);
    const a2002 = l.sample[1].values[0];
    expect(a2002.value).toBe(Math.log1p(5));
    expect(a2002.basis).toBe('interpolated');
    expect(a2002.synthetic).toEqual(['syn.csv']);
    expect(a2002.cells).toEqual([
      {
        ref: 'patents|A/2001',
        value: 5,
        unit: 'count',
        method: 'interpolated',
        sources: [
          { file: 'syn.csv', sheet: 'S', cell: 'B2', sha256: 'h', synthetic: true },
          { file: 'syn.csv', sheet: 'S', cell: 'B4', sha256: 'h', synthetic: true },
        ],
      },
    ]);
    // Three values read, one interpolated, all on the synthetic file.
    expect(l.counts).toMatchObject({ values: 3, observed: 2, interpolated: 1, synthetic: 3 });
    const text = formatLineage(l).join('\n');
    expect(text).toContain('t (1) (fe): L.AIT = -0.5');
    expect(text).toContain('sample: 3 of 6 province-years used, 3 left out:');
    expect(text).toContain('AIT|A/2001 = 1.79176  [interpolated, synthetic]');
    expect(text).toContain('      ← syn.csv ! S ! B4');
  });

  it("follows W*AIT to the neighbours' cells under the column's weights, with each weight and the sum", () => {
    // Two provinces, each the other's only neighbour (row-standardised: weight 1).
    const weights = weightsFromDense(
      ['A', 'B'],
      [
        [0, 1],
        [1, 0],
      ],
      'test',
    );
    const spatial = { ...result, coefficients: [{ ...result.coefficients[0], term: 'W*AIT' }] };
    const steps = [{ stepId: 't/(1)', tableId: 't', columnId: '(1)', spec: { y: 'CI' }, result: spatial }];
    const l = sampleLineage(input({ steps, term: 'W*AIT', weights }));
    expect(
      l.sample.map(
        (r) => `${r.province}/${r.year}: ${r.neighbours!.map((v) => `${v.weight}×${v.ref}`).join()}`,
      ),
    ).toEqual(['A/2001: 1×AIT|B/2001', 'A/2002: 1×AIT|B/2002', 'B/2001: 1×AIT|A/2001']);
    expect(formatLineage(l).join('\n')).toContain(
      `= W*AIT at t: Σ w × AIT = ${Number(Math.log1p(2).toPrecision(6))}`,
    );
    expect(() => sampleLineage(input({ steps, term: 'W*AIT' }))).toThrow(/weight matrix is not known/);
  });

  it('prints only the rows asked for, counting all', () => {
    const l = sampleLineage(input({ only: { province: 'B' } }));
    expect(l.sample.map((r) => `${r.province}/${r.year}`)).toEqual(['B/2001']);
    expect(l.counts.values).toBe(3);
  });

  it('names what exists when the table, column or term is unknown, or no sample is stored', () => {
    expect(() => sampleLineage(input({ tableId: 'table3' }))).toThrow(/no table table3 .*\(tables: t\)/);
    expect(() => sampleLineage(input({ columnId: '(4)' }))).toThrow(/no column \(4\) \(columns: \(1\)\)/);
    expect(() => sampleLineage(input({ term: 'AIT' }))).toThrow(/has no term AIT \(terms: L\.AIT\)/);
    expect(() => sampleLineage(input({ sample: undefined }))).toThrow(/stores no sample/);
    const many = ['table10/(1)', 'table3/(10)', 'table3/(2)'].map((id) => ({
      ...input().steps[0],
      stepId: id,
      tableId: id.split('/')[0],
      columnId: id.split('/')[1],
    }));
    expect(() => findStep(many, 'table9', '(1)')).toThrow('(tables: table3, table10)');
    expect(() => findStep(many, 'table3', '(1)')).toThrow('(columns: (2), (10))');
    expect(() =>
      findStep(input().steps, 't', '(2)', [{ tableId: 't', columnId: '(2)', error: 'singular X′X (AIT)' }]),
    ).toThrow('t (2) could not be estimated in this run, so it has no sample: singular X′X (AIT)');
  });
});
