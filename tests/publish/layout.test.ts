import { describe, expect, it } from 'vitest';
import { cellText, stars, tableLayout, studyLayouts } from '../../publish';
import { loadStudy, parseStudy } from '../../study';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../common/config';
import { handMadeDynamicResult, handMadeResult, handMadeRun } from './fixtures';

const C = ['ED', 'ER', 'ECS', 'WF', 'OPEN'];
const study = parseStudy({
  id: 't',
  title: 'T',
  years: [2011, 2021],
  samples: { all: {} },
  weights: { W1: { kind: 'contiguity' } },
  tables: [
    {
      id: 'table3',
      title: 'Table 3',
      notes: 'Clustered SEs.',
      columns: [
        { id: '(1)', label: 'OLS', spec: { estimator: 'ols', y: 'CI', x: ['AIT'], effects: 'none' } },
        { id: '(2)', label: 'FE', spec: { estimator: 'fe', y: 'CI', x: ['AIT', ...C] } },
        { id: '(3)', label: 'FE', spec: { estimator: 'fe', y: 'CI', x: ['AIT', ...C] } },
      ],
    },
    {
      id: 'table11',
      title: 'SDM',
      showControls: false,
      statistics: ['loglik'],
      columns: [{ id: 'W1', weights: 'W1', spec: { estimator: 'sdm', y: 'CI', x: ['AIT', 'ED'] } }],
    },
    {
      id: 'table10',
      title: 'Moran',
      columns: ['AIT', 'CI'].map((v) => ({ id: v, weights: 'W1', spec: { estimator: 'moran', y: v } })),
    },
  ],
});

const steps = [
  {
    stepId: 'table3/(1)',
    tableId: 'table3',
    columnId: '(1)',
    result: handMadeResult('ols', 'CI', ['AIT'], 0),
  },
  {
    stepId: 'table3/(2)',
    tableId: 'table3',
    columnId: '(2)',
    result: handMadeResult('fe', 'CI', ['AIT', ...C], 0),
  },
  {
    stepId: 'table11/W1',
    tableId: 'table11',
    columnId: 'W1',
    result: handMadeResult('sdm', 'CI', ['AIT', 'ED'], 0),
  },
  {
    stepId: 'table10/AIT',
    tableId: 'table10',
    columnId: 'AIT',
    result: handMadeResult('moran', 'AIT', [], 0),
  },
  { stepId: 'table10/CI', tableId: 'table10', columnId: 'CI', result: handMadeResult('moran', 'CI', [], 0) },
];

describe('paper layout', () => {
  it('stars at 10/5/1 %', () => {
    expect([0.2, 0.1, 0.09, 0.05, 0.049, 0.01, 0.0099, NaN].map(stars)).toEqual([
      '',
      '',
      '*',
      '*',
      '**',
      '**',
      '***',
      '',
    ]);
  });

  it('regression table: coefficient with stars over its SE, "-" where a term is not in the model, constant last, FE, N, R²', () => {
    const t = tableLayout(study.tables[0], steps, study);
    // The dependent variable over the columns, then the model labels and the column ids.
    expect(t.headers).toEqual([
      ['CI', 'CI', 'CI'],
      ['OLS', 'FE', 'FE'],
      ['(1)', '(2)', '(3)'],
    ]);
    expect(t.stubs).toEqual(['Dependent variable', '', '']);
    expect(t.rows.map((r) => r.label)).toEqual([
      'AIT',
      '',
      'ED',
      '',
      'ER',
      '',
      'ECS',
      '',
      'WF',
      '',
      'OPEN',
      '',
      'Constant',
      '',
      'Province FE',
      'N',
      'R²',
      'R² (within)',
    ]);
    const text = t.rows.map((r) => [r.label, ...r.cells.map((c) => cellText(c))]);
    // handMadeResult: AIT = -0.1 (SE 0.04, p 0.001); ED = -0.2 (p 0.002) in the FE column only.
    expect(text[0]).toEqual(['AIT', '-0.100***', '-0.100***', '']);
    expect(text[1]).toEqual(['', '(0.040)', '(0.040)', '']);
    expect(text[2]).toEqual(['ED', '-', '-0.200***', '']);
    expect(text[3]).toEqual(['', '-', '(0.040)', '']);
    expect(text[12]).toEqual(['Constant', '4.700***', '4.700***', '']);
    expect(text[14]).toEqual(['Province FE', 'No', 'Yes', '']);
    expect(text[15]).toEqual(['N', '330', '330', '']);
    // R² for OLS, the within R² for FE, each on its own labelled row.
    expect(text[16]).toEqual(['R²', '0.500', '', '']);
    expect(text[17]).toEqual(['R² (within)', '', '0.517', '']);
    // Column (3) has no result: blank cells and a note saying so; one note per fact.
    expect(t.missing).toEqual(['(3)']);
    expect(t.notes).toEqual([
      '* p < 0.1, ** p < 0.05, *** p < 0.01.',
      'Standard errors in parentheses.',
      'Clustered SEs.',
      'No result for column (3).',
    ]);
  });

  it('a failed column shows its reason; a column not yet run says so', () => {
    const t = tableLayout(study.tables[0], steps.slice(0, 1), study, [
      { stepId: 'table3/(2)', message: "spec: no values for 'ROBOT' in any of the 330 rows of this sample" },
    ]);
    expect(t.missing).toEqual(['(2)', '(3)']);
    expect(t.notes.slice(3)).toEqual([
      "Column (2) failed: spec: no values for 'ROBOT' in any of the 330 rows of this sample",
      'No result for column (3).',
    ]);
  });

  it('spatial table: W·x coefficients, controls collapsed to one row, effects with z-test stars', () => {
    const t = tableLayout(study.tables[1], steps, study);
    const text = t.rows.map((r) => [r.label, ...r.cells.map((c) => cellText(c))]);
    expect(text.map((r) => r[0])).toEqual([
      'ρ',
      '',
      'AIT',
      '',
      'W*AIT',
      '',
      'Direct effect: AIT',
      '',
      'Indirect effect: AIT',
      '',
      'Total effect: AIT',
      '',
      'Controls',
      'Province FE',
      'N',
      'Log likelihood',
    ]);
    expect(text[0]).toEqual(['ρ', '0.300***']);
    // z = -0.616/0.109 = -5.65 → p < 0.01; -0.499/0.395 = -1.263 → p = 0.207; -0.823/0.426 = -1.932 → p = 0.053.
    expect(text[6]).toEqual(['Direct effect: AIT', '-0.616***']);
    expect(text[8]).toEqual(['Indirect effect: AIT', '-0.499']);
    expect(text[10]).toEqual(['Total effect: AIT', '-0.823*']);
    expect(text[11]).toEqual(['', '(0.426)']);
    expect(text[12]).toEqual(['Controls', 'Yes']);
    expect(text[15]).toEqual(['Log likelihood', '-120.500']);
  });

  it('dynamic SDM beside the static one: τ, ψ, ρ by name, static effects, then short- and long-run ones', () => {
    const both = parseStudy({
      id: 't',
      title: 'T',
      years: [2011, 2021],
      samples: { all: {} },
      weights: { W1: { kind: 'contiguity' } },
      tables: [
        {
          id: 'table11',
          title: 'SDM',
          showControls: false,
          statistics: ['loglik', 'spectral_radius'],
          columns: [
            {
              id: '(1)',
              label: 'Dynamic W1',
              weights: 'W1',
              spec: { estimator: 'sdm', y: 'CI', x: ['AIT', 'ED'], spatial: { dynamic: {} } },
            },
            {
              id: 'W1',
              label: 'Static W1',
              weights: 'W1',
              spec: { estimator: 'sdm', y: 'CI', x: ['AIT', 'ED'] },
            },
          ],
        },
      ],
    });
    const t = tableLayout(both.tables[0], [
      {
        stepId: 'table11/(1)',
        tableId: 'table11',
        columnId: '(1)',
        result: handMadeDynamicResult('sdm', 'CI', ['AIT', 'ED'], 0),
      },
      {
        stepId: 'table11/W1',
        tableId: 'table11',
        columnId: 'W1',
        result: handMadeResult('sdm', 'CI', ['AIT', 'ED'], 0),
      },
    ]);
    expect(t.headers).toEqual([
      ['CI', 'CI'],
      // Without the study's matrices the labels stay as written (the study's names: the default-study test).
      ['Dynamic W1', 'Static W1'],
      ['(1)', 'W1'],
    ]);
    const text = t.rows.map((r) => [r.label, ...r.cells.map((c) => cellText(c))]);
    expect(text.map((r) => r[0]).filter(Boolean)).toEqual([
      'τ (L.CI)',
      'ψ (W*L.CI)',
      'ρ',
      'AIT',
      'W*AIT',
      'Direct effect: AIT',
      'Indirect effect: AIT',
      'Total effect: AIT',
      'Short-run direct effect: AIT',
      'Short-run indirect effect: AIT',
      'Short-run total effect: AIT',
      'Long-run direct effect: AIT',
      'Long-run indirect effect: AIT',
      'Long-run total effect: AIT',
      'Controls',
      'Province FE',
      'N',
      'Log likelihood',
      'Spectral radius of (I − ρW)⁻¹(τI + ψW)',
    ]);
    const row = (label: string) => text.findIndex((r) => r[0] === label);
    // τ = 0.6 (SE 0.03, p 0); ψ only in the dynamic column; ρ in both.
    expect(text[row('τ (L.CI)')]).toEqual(['τ (L.CI)', '0.600***', '-']);
    expect(text[row('ψ (W*L.CI)')]).toEqual(['ψ (W*L.CI)', '-0.070', '-']);
    expect(text[row('ρ')]).toEqual(['ρ', '0.250***', '0.300***']);
    // Static effects only in the static column, the dynamic ones only in the dynamic column.
    expect(text[row('Direct effect: AIT')]).toEqual(['Direct effect: AIT', '-', '-0.616***']);
    // Short run: -0.2 / 0.05 → z = -4; long run ×2.5: -0.75 / 0.25 → z = -3 → p = 0.0027.
    expect(text[row('Short-run direct effect: AIT')]).toEqual([
      'Short-run direct effect: AIT',
      '-0.200***',
      '-',
    ]);
    expect(text[row('Long-run total effect: AIT')]).toEqual(['Long-run total effect: AIT', '-0.750***', '-']);
    expect(text[row('Long-run total effect: AIT') + 1]).toEqual(['', '(0.250)', '-']);
    expect(text[row('N')]).toEqual(['N', '300', '330']);
    expect(text[row('Spectral radius of (I − ρW)⁻¹(τI + ψW)')]).toEqual([
      'Spectral radius of (I − ρW)⁻¹(τI + ψW)',
      '0.720',
      '-',
    ]);
    // A long-run effect without an equilibrium (NaN) prints as not estimated, never "NaN".
    const shown = tableLayout({ ...both.tables[0], showControls: true }, [
      {
        stepId: 'table11/(1)',
        tableId: 'table11',
        columnId: '(1)',
        result: handMadeDynamicResult('sdm', 'CI', ['AIT', 'ED'], 0),
      },
    ]);
    const ed = shown.rows.findIndex((r) => r.label === 'Long-run direct effect: ED');
    expect(shown.rows[ed].cells.map((c) => cellText(c))).toEqual(['-', '']);
    expect(shown.rows[ed + 1].cells.map((c) => cellText(c))).toEqual(['-', '']);
  });

  it("Moran table: one row per year, Moran's I with stars and its p-value per variable", () => {
    const t = tableLayout(study.tables[2], steps, study);
    expect(t.headers).toEqual([
      ['AIT', 'AIT', 'CI', 'CI'],
      ["Moran's I", 'p-value', "Moran's I", 'p-value'],
    ]);
    expect(t.rows.map((r) => r.label)).toEqual(Array.from({ length: 11 }, (_, i) => String(2011 + i)));
    expect(t.rows[0].cells.map((c) => cellText(c))).toEqual(['0.200***', '0.004', '0.200***', '0.004']);
    expect(t.rows[10].cells.map((c) => cellText(c))).toEqual(['0.300', '0.200', '0.300', '0.200']);
  });

  it('time dummies become a Year FE row; mediation steps get their textbook names; repeated labels drop', () => {
    const gmm = handMadeResult('sysgmm', 'CI', ['AIT'], 0);
    gmm.coefficients.splice(2, 0, {
      term: 'year_2013',
      estimate: 0.1,
      std_error: 0.1,
      statistic: 1,
      p_value: 0.3,
    });
    const table = parseStudy({
      id: 't',
      title: 'T',
      years: [2011, 2021],
      samples: { all: {} },
      tables: [
        {
          id: 'x',
          title: 'X',
          columns: [
            {
              id: 'G',
              label: 'G',
              spec: {
                estimator: 'sysgmm',
                y: 'CI',
                x: ['AIT'],
                gmm: { instruments: [{ variable: 'CI', lags: [2, 4] }] },
              },
            },
            { id: 'M', label: 'M', spec: { estimator: 'mediation', y: 'CI', x: ['AIT'], mediator: 'EE' } },
          ],
        },
      ],
    }).tables[0];
    const t = tableLayout(table, [
      { stepId: 'x/G', tableId: 'x', columnId: 'G', result: gmm },
      { stepId: 'x/M', tableId: 'x', columnId: 'M', result: handMadeResult('mediation', 'CI', ['AIT'], 0) },
    ]);
    expect(t.headers).toEqual([
      ['CI', 'CI'],
      ['G', 'M'],
    ]);
    const labels = t.rows.filter((r) => r.role !== 'se').map((r) => r.label);
    expect(labels).toEqual([
      'L.CI',
      'AIT',
      'c (total): AIT',
      'a: AIT',
      'b: EE',
      'c′ (direct): AIT',
      'Indirect effect a·b',
      'Constant',
      'Province FE',
      'Year FE',
      'N',
      'R² (within)',
    ]);
    const yearFe = t.rows.find((r) => r.label === 'Year FE')!;
    expect(yearFe.cells.map((c) => cellText(c))).toEqual(['Yes', 'No']);
  });

  it('a diffgmm column has no Province FE row (the registry: GMM absorbs no effects), and says why in a note', () => {
    const table = parseStudy({
      id: 't',
      title: 'T',
      years: [2011, 2021],
      samples: { all: {} },
      tables: [
        {
          id: 'g',
          title: 'G',
          columns: [
            {
              id: 'D',
              spec: {
                estimator: 'diffgmm',
                y: 'CI',
                x: ['AIT'],
                gmm: { instruments: [{ variable: 'CI', lags: [2, 4] }], timeDummies: false },
              },
            },
          ],
        },
      ],
    }).tables[0];
    expect(table.columns[0].spec.effects).toBe('none');
    const t = tableLayout(table, [
      { stepId: 'g/D', tableId: 'g', columnId: 'D', result: handMadeResult('diffgmm', 'CI', ['AIT'], 0) },
    ]);
    const labels = t.rows.map((r) => r.label);
    expect(labels).not.toContain('Province FE');
    expect(labels).not.toContain('Year FE');
    expect(
      t.notes.some((n) => n.startsWith('GMM columns: individual effects are removed by first differences')),
    ).toBe(true);
    // An FE column beside it still prints its row.
    const both = parseStudy({
      id: 't',
      title: 'T',
      years: [2011, 2021],
      samples: { all: {} },
      tables: [
        {
          id: 'g',
          title: 'G',
          columns: [table.columns[0], { id: 'F', spec: { estimator: 'fe', y: 'CI', x: ['AIT'] } }],
        },
      ],
    }).tables[0];
    const t2 = tableLayout(both, [
      { stepId: 'g/D', tableId: 'g', columnId: 'D', result: handMadeResult('diffgmm', 'CI', ['AIT'], 0) },
      { stepId: 'g/F', tableId: 'g', columnId: 'F', result: handMadeResult('fe', 'CI', ['AIT'], 0) },
    ]);
    const fe = t2.rows.find((r) => r.label === 'Province FE')!;
    expect(fe.cells.map((c) => cellText(c))).toEqual(['No', 'Yes']);
  });

  it('the default study with a result for every step has every cell of every table filled', () => {
    const full = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
    const layouts = studyLayouts(full, handMadeRun(full));
    expect(layouts.map((t) => t.id)).toEqual(full.tables.map((t) => t.id));
    for (const t of layouts) {
      expect(t.missing, t.id).toEqual([]);
      expect(t.rows.length, t.id).toBeGreaterThan(0);
      for (const r of t.rows) {
        expect(r.cells.length, `${t.id} ${r.label}`).toBe(t.headers[0].length);
        // A column without that kind of R² (OLS on the within row) is the only blank.
        if (!r.label.startsWith('R²'))
          for (const c of r.cells)
            expect(c.kind === 'text' && c.text === '', `${t.id} ${r.label}`).toBe(false);
      }
    }
    const vif = layouts[0];
    expect(vif.rows.map((r) => r.label)).toEqual([...['AIT', ...C], 'Mean VIF', 'N']);
    const t4 = layouts.find((t) => t.id === 'table4')!;
    expect(t4.rows.map((r) => r.label)).toEqual(
      expect.arrayContaining([
        'L.CI',
        'L.AIT',
        'ROBOT',
        'First-stage F (AIT)',
        'AR(2) p-value',
        'Hansen J p-value',
      ]),
    );
    // Table 4 (3)(4) with L.AIT as the paper says; today's AIT columns kept as (9)(10), labelled.
    expect(t4.headers[1].slice(2, 4)).toEqual(['SYS-GMM', 'SYS-GMM']);
    expect(t4.headers[1].slice(8)).toEqual(['SYS-GMM, AIT', 'SYS-GMM, AIT']);
    // Table 11: the dynamic SDM under W1–W3 beside the static columns.
    const t11 = layouts.find((t) => t.id === 'table11')!;
    // The dependent variable, then each column's model and matrix by its name (not W1–W3).
    expect(t11.headers).toEqual([
      Array(6).fill('CI'),
      [
        'Dynamic (contiguity)',
        'Dynamic (economic distance)',
        'Dynamic (geographic distance)',
        'Static (contiguity)',
        'Static (economic distance)',
        'Static (geographic distance)',
      ],
      ['(1)', '(2)', '(3)', 'W1', 'W2', 'W3'],
    ]);
    expect(t11.rows.map((r) => r.label)).toEqual(
      expect.arrayContaining([
        'τ (L.CI)',
        'ψ (W*L.CI)',
        'ρ',
        'Direct effect: AIT',
        'Short-run indirect effect: AIT',
        'Long-run total effect: AIT',
      ]),
    );
  });

  it('notes match the table: stars and SEs only where printed, said once; N once; matrix names on spatial columns', () => {
    const full = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
    const run = handMadeRun(full);
    // The VIF estimator stores N among its statistics too: printed once.
    run[0].result.statistics.nobs = 330;
    const layouts = studyLayouts(full, run);
    const by = Object.fromEntries(layouts.map((t) => [t.id, t]));
    expect(by.vif.rows.filter((r) => r.label === 'N')).toHaveLength(1);
    expect(by.vif.notes.join(' ')).not.toMatch(/standard error|p < 0\.1/i);
    expect(by.vif.headers).toEqual([['VIF']]);
    // Moran: stars, no SEs.
    expect(by.table10.notes[0]).toBe('* p < 0.1, ** p < 0.05, *** p < 0.01.');
    expect(by.table10.notes.join(' ')).not.toContain('Standard errors in parentheses');
    // Table 3 says what its SEs are in its own note: the generic SE note is not repeated.
    expect(by.table3.notes.filter((n) => /in parentheses/i.test(n))).toHaveLength(1);
    expect(by.table6.notes).toContain('Standard errors in parentheses.');
    for (const t of layouts) expect(new Set(t.notes).size, t.id).toBe(t.notes.length);
    // Table 11: the dependent variable, then each matrix's name over its column.
    expect(by.table11.headers[0]).toEqual(Array(by.table11.headers[0].length).fill('CI'));
    for (const label of by.table11.headers[1]) expect(label).not.toMatch(/\bW\d\b/);
    expect(by.table11.stubs[0]).toBe('Dependent variable');
    // Without a name, the kind names the matrix.
    const bare = parseStudy({ ...structuredClone(study), weights: { W1: { kind: 'contiguity' } } });
    expect(tableLayout(bare.tables[1], steps, bare).headers[1]).toEqual(['Contiguity']);
  });

  it('names the columns that rest on synthetic inputs and the filled values of their samples', () => {
    const t = tableLayout(
      study.tables[0],
      steps,
      study,
      [],
      [
        {
          tableId: 'table3',
          columnId: '(1)',
          variables: [
            {
              variable: 'CI',
              syntheticInputs: [],
              interpolated: 0,
              substituted: 0,
              extrapolated: 0,
              rows: 330,
            },
            {
              variable: 'AIT',
              syntheticInputs: ['synthetic/ai.csv'],
              interpolated: 0,
              substituted: 0,
              extrapolated: 0,
              rows: 330,
            },
          ],
        },
        {
          tableId: 'table3',
          columnId: '(2)',
          variables: [
            {
              variable: 'AIT',
              syntheticInputs: ['synthetic/ai.csv'],
              interpolated: 0,
              substituted: 0,
              extrapolated: 0,
              rows: 300,
            },
            {
              variable: 'ER',
              syntheticInputs: ['synthetic/er.xlsx'],
              interpolated: 0,
              substituted: 0,
              extrapolated: 0,
              rows: 300,
            },
            {
              variable: 'OPEN',
              syntheticInputs: [],
              interpolated: 30,
              substituted: 0,
              extrapolated: 60,
              rows: 300,
            },
          ],
        },
      ],
    );
    expect(t.notes).toContain(
      'Synthetic inputs — illustrative, not findings: column (1): AIT (synthetic/ai.csv); column (2): AIT (synthetic/ai.csv), ER (synthetic/er.xlsx).',
    );
    expect(t.notes).toContain(
      'Not observed: OPEN: 60 of 300 values extrapolated (column (2)); OPEN: 30 of 300 values interpolated (column (2)).',
    );
  });
});

describe('stars from a chosen inference', () => {
  const wildSpec = (x: string[]) => ({
    estimator: 'fe',
    y: 'CI',
    x,
    vce: 'cluster',
    inference: { wild: { reps: 9999, terms: ['AIT'] } },
  });
  const chosen = parseStudy({
    id: 't',
    title: 'T',
    years: [2011, 2021],
    samples: { all: {} },
    tables: [
      {
        id: 'w',
        title: 'Wild',
        stars: 'wild',
        columns: [
          { id: '(1)', spec: wildSpec(['AIT', 'ED']) },
          { id: '(2)', spec: wildSpec(['AIT', 'ED']) },
        ],
      },
      {
        id: 'c',
        title: 'CR2',
        stars: 'cr2',
        columns: [
          {
            id: '(1)',
            spec: { estimator: 'fe', y: 'CI', x: ['AIT'], vce: 'cluster', inference: { vce: ['cr2'] } },
          },
        ],
      },
    ],
  });
  // AIT: conventional p 0.03 (**), wild p 0.07 (*); ED is not bootstrapped (p 0.004, ***). 8 and 30 clusters.
  const fit = (G: number, gStar: number) => ({
    estimator: 'fe',
    nobs: 11 * G,
    coefficients: [
      {
        term: 'AIT',
        estimate: -0.08,
        std_error: 0.03,
        statistic: -2.7,
        p_value: 0.03,
        p_value_wild: 0.07,
        ci_wild_lower: -0.17,
        ci_wild_upper: 0.01,
        std_error_cr2: 0.04,
        p_value_cr2: 0.12,
        df_cr2: 5.5,
      },
      { term: 'ED', estimate: 0.3, std_error: 0.08, statistic: 3.8, p_value: 0.004 },
    ],
    statistics: {
      n_clusters: G,
      effective_clusters: gStar,
      wild_reps: 9999,
      wild_enumerated: 0,
      wild_webb: 1,
      r2_within: 0.5,
    },
  });
  const at = (tableId: string, columnId: string, G: number, gStar: number) => ({
    stepId: `${tableId}/${columnId}`,
    tableId,
    columnId,
    result: fit(G, gStar),
  });

  it('takes the stars from the wild bootstrap where the row has it and prints both p-values under the SE', () => {
    const t = tableLayout(chosen.tables[0], [at('w', '(1)', 8, 6.12), at('w', '(2)', 30, 21.4)], chosen);
    const text = t.rows.map((r) => [r.label, ...r.cells.map((c) => cellText(c))]);
    expect(text.slice(0, 5)).toEqual([
      ['AIT', '-0.080*', '-0.080*'],
      ['', '(0.030)', '(0.030)'],
      ['', '[0.030; 0.070]', '[0.030; 0.070]'],
      // Not bootstrapped: the row keeps its own stars and has no p-value row.
      ['ED', '0.300***', '0.300***'],
      ['', '(0.080)', '(0.080)'],
    ]);
    expect(t.rows[2].role).toBe('pvalues');
    expect(t.notes).toContain(
      'Stars from wild cluster restricted bootstrap p-values (WCR, H0: β = 0, Webb weights, 9,999 replications); ' +
        'coefficients not bootstrapped keep the cluster-robust t(G − 1) stars. Under each standard error: ' +
        '[cluster-robust t(G − 1) p-value; wild bootstrap p-value].',
    );
    // Few clusters: only column (1), with its effective number of clusters.
    expect(t.notes).toContain(
      'Column (1) has only 8 clusters, an effective number G* of 6.1 (Carter, Schnepel & Steigerwald): ' +
        'cluster-robust t-tests over-reject with fewer than 20 clusters.',
    );
    expect(t.notes.filter((n) => n.includes('over-reject'))).toHaveLength(1);
  });

  it('takes the stars from an alternative vce the column also computed', () => {
    const t = tableLayout(chosen.tables[1], [at('c', '(1)', 30, 21)], chosen);
    const text = t.rows.map((r) => [r.label, ...r.cells.map((c) => cellText(c))]);
    expect(text[0]).toEqual(['AIT', '-0.080']); // p_value_cr2 = 0.12: no star
    expect(text[2]).toEqual(['', '[0.030; 0.120]']);
    expect(t.notes).toContain(
      'Stars from CR2 (Bell–McCaffrey) t with Satterthwaite df p-values. Under each standard error: ' +
        '[cluster-robust t(G − 1) p-value; CR2 (Bell–McCaffrey) t with Satterthwaite df p-value].',
    );
  });

  it('a table whose stars its columns cannot give fails validation naming the table', () => {
    expect(() =>
      parseStudy(
        {
          id: 't',
          title: 'T',
          years: [2011, 2021],
          samples: { all: {} },
          tables: [
            {
              id: 'w',
              title: 'W',
              stars: 'wild',
              columns: [{ id: '(1)', spec: { estimator: 'fe', y: 'CI', x: ['AIT'] } }],
            },
          ],
        },
        's.json',
      ),
    ).toThrow('s.json: tables[0].stars: column (1): stars "wild" needs spec.inference.wild');
  });
});

describe('FE-2SLS and GMM notes', () => {
  const s = parseStudy({
    id: 't',
    title: 'T',
    years: [2011, 2021],
    samples: { all: {} },
    tables: [
      {
        id: 't4',
        title: 'T4',
        statistics: ['instruments', 'groups'],
        columns: [
          {
            id: '(1)',
            spec: {
              estimator: 'iv',
              y: 'CI',
              x: ['AIT'],
              endogenous: ['AIT'],
              instruments: ['L.AIT'],
              vce: 'cluster',
            },
          },
          {
            id: '(3)',
            spec: {
              estimator: 'sysgmm',
              y: 'CI',
              x: ['AIT'],
              gmm: { instruments: [{ variable: 'CI', lags: [2, 4], collapse: true }], diffHansen: true },
            },
          },
        ],
      },
    ],
  });
  const iv = {
    estimator: 'iv',
    nobs: 300,
    coefficients: [{ term: 'AIT', estimate: -0.3, std_error: 0.03, statistic: -10, p_value: 1e-10 }],
    statistics: {
      kp_rk_lm: 25.731,
      kp_rk_lm_df: 1,
      kp_rk_lm_p: 3.9e-7,
      kp_rk_wald_f: 1228.27,
      cragg_donald_f: 664.04,
      ar_stat: 126.04,
      ar_df1: 1,
      ar_df2: 29,
      ar_p: 4.2e-12,
      ar_ci_lower: -0.36,
      ar_ci_upper: -0.239,
      ar_ci_bounded: 1,
      endog_c: 10.42,
      endog_c_df: 1,
      endog_c_p: 0.00125,
    },
  };
  const gmm = {
    estimator: 'sysgmm',
    nobs: 270,
    coefficients: [{ term: 'AIT', estimate: -0.07, std_error: 0.03, statistic: -2.3, p_value: 0.02 }],
    statistics: {
      hansen: 10.05,
      hansen_df: 9,
      hansen_p: 0.346,
      instruments: 26,
      groups: 30,
      diff_hansen_levels: 0.086,
      diff_hansen_levels_df: 1,
      diff_hansen_levels_p: 0.769,
      'diff_hansen:CI': 0.966,
      'diff_hansen_df:CI': 4,
      'diff_hansen_p:CI': 0.915,
    },
  };
  const t = tableLayout(
    s.tables[0],
    [
      { stepId: 't4/(1)', tableId: 't4', columnId: '(1)', result: iv },
      { stepId: 't4/(3)', tableId: 't4', columnId: '(3)', result: gmm },
    ],
    s,
  );

  it('FE-2SLS: Kleibergen–Paap, Cragg–Donald, Anderson–Rubin with its set, C', () => {
    expect(t.notes).toContain(
      'Column (1) (FE-2SLS): Kleibergen–Paap rk LM χ²(1) = 25.73 (p < 0.001); KP rk Wald F = 1228.27; ' +
        'Cragg–Donald F = 664.04; Anderson–Rubin F(1, 29) = 126.04 (p < 0.001), 95% AR set [-0.360, -0.239]; ' +
        'endogeneity C χ²(1) = 10.42 (p = 0.001).',
    );
  });

  it('GMM: instrument and group counts, Hansen J and the difference-in-Hansen tests', () => {
    expect(t.notes).toContain(
      'Column (3) (system GMM, 26 instruments, 30 groups): Hansen J χ²(9) = 10.05 (p = 0.346); ' +
        'difference-in-Hansen tests of exogeneity: levels-equation GMM instruments χ²(1) = 0.09 (p = 0.769); ' +
        'GMM instruments of CI χ²(4) = 0.97 (p = 0.915).',
    );
    const rows = t.rows.map((r) => [r.label, ...r.cells.map((c) => cellText(c))]);
    expect(rows).toContainEqual(['Instruments', '-', '26']);
    expect(rows).toContainEqual(['Groups', '-', '30']);
  });
});

describe('a negative difference-in-Hansen statistic (Table 4 (10)): printed with what it means, not p = 1', () => {
  const s = parseStudy({
    id: 't',
    title: 'T',
    years: [2011, 2021],
    samples: { all: {} },
    tables: [
      {
        id: 't4',
        title: 'T4',
        statistics: ['hansen_p', 'diff_hansen_levels_p'],
        columns: ['(9)', '(10)'].map((id) => ({
          id,
          spec: {
            estimator: 'sysgmm',
            y: 'CI',
            x: ['AIT'],
            gmm: { instruments: [{ variable: 'CI', lags: [2, 4], collapse: true }], diffHansen: true },
          },
        })),
      },
    ],
  });
  // (10): J = 4.10, J without the levels instruments 4.47, so the difference is 4.10 − 4.47 = −0.37 and
  // χ²'s upper tail at a negative value is 1 (as xtabond2's Prob > chi2 prints it).
  const gmm = (levels: number, excluding: number, p: number, cells: number) => ({
    estimator: 'sysgmm',
    nobs: 270,
    coefficients: [{ term: 'AIT', estimate: -0.07, std_error: 0.03, statistic: -2.3, p_value: 0.02 }],
    statistics: {
      hansen: 4.1,
      hansen_df: 9,
      hansen_p: 0.904,
      instruments: 26,
      groups: 30,
      diff_hansen_levels: levels,
      hansen_excluding_levels: excluding,
      diff_hansen_levels_df: 1,
      diff_hansen_levels_p: p,
      'diff_hansen:CI': cells,
      'hansen_excluding:CI': 4.1 - cells,
      'diff_hansen_df:CI': 4,
      'diff_hansen_p:CI': cells < 0 ? 1 : 0.9,
    },
  });
  const t = tableLayout(
    s.tables[0],
    [
      { stepId: 't4/(9)', tableId: 't4', columnId: '(9)', result: gmm(0.09, 4.01, 0.764, 0.97) },
      { stepId: 't4/(10)', tableId: 't4', columnId: '(10)', result: gmm(-0.37, 4.47, 1, -0.72) },
    ],
    s,
  );

  it('the table cell shows the statistic with a dagger and one note says what it means', () => {
    const rows = t.rows.map((r) => [r.label, ...r.cells.map((c) => cellText(c))]);
    expect(rows).toContainEqual(['Diff-in-Hansen (levels) p-value', '0.764', 'χ² = -0.37†']);
    expect(t.notes.filter((n) => n.startsWith('†'))).toEqual([
      '† Difference-in-Hansen χ² printed instead of its p-value: negative difference: the Hansen J excluding ' +
        'the subset exceeds the full one; test not informative (as xtabond2 reports it).',
    ]);
  });

  it("the column's note prints each negative difference with both J statistics instead of p = 1", () => {
    expect(t.notes).toContain(
      'Column (10) (system GMM, 26 instruments, 30 groups): Hansen J χ²(9) = 4.10 (p = 0.904); ' +
        'difference-in-Hansen tests of exogeneity: levels-equation GMM instruments χ²(1) = -0.37 (negative ' +
        'difference: the Hansen J excluding the subset exceeds the full one; test not informative; J excluding it ' +
        '4.47, full J 4.10); GMM instruments of CI χ²(4) = -0.72 (negative difference: the Hansen J excluding the subset ' +
        'exceeds the full one; test not informative; J excluding it 4.82, full J 4.10).',
    );
    expect(t.notes.join(' ')).not.toMatch(/p = 1\.000/);
  });
});

describe('Moran tables with permutation p-values', () => {
  const s = parseStudy({
    id: 't',
    title: 'T',
    years: [2011, 2021],
    samples: { all: {} },
    weights: { W1: { kind: 'contiguity' } },
    tables: [
      {
        id: 'm',
        title: 'Moran',
        columns: [
          { id: 'CI', weights: 'W1', spec: { estimator: 'moran', y: 'CI', spatial: { permutations: 199 } } },
        ],
      },
    ],
  });
  const result = handMadeResult('moran', 'CI', [], 0);
  result.moran = result.moran!.map((m) => ({ ...m, p_permutation: 0.005 }));
  const t = tableLayout(s.tables[0], [{ stepId: 'm/CI', tableId: 'm', columnId: 'CI', result }], s);

  it('prints a perm. p column and names the rule', () => {
    expect(t.headers[1]).toEqual(["Moran's I", 'p-value', 'perm. p']);
    expect(t.rows[0].cells.map((c) => cellText(c))).toEqual(['0.200***', '0.004', '0.005']);
    expect(t.notes).toContain(
      "Stars from the analytical p-values; perm. p: permutation p-values (199 random permutations, spdep's moran.mc rule, max(#{I* > I}, 1)/(nsim + 1), alternative greater).",
    );
  });
});
