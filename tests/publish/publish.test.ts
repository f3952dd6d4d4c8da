import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { EstimationResult } from '../../econometrics/result';
import { publishResults, stars, tableLayout } from '../../publish';
import { parseStudy } from '../../study';

const fe = (b: number, se: number, p: number): EstimationResult => ({
  estimator: 'fe',
  nobs: 330,
  ngroups: 30,
  coefficients: [
    { term: 'AIT', estimate: b, std_error: se, statistic: b / se, p_value: p },
    { term: '_cons', estimate: 1, std_error: 0.5, statistic: 2, p_value: 0.055 },
  ],
  statistics: { r2_within: 0.25 },
});

const study = parseStudy({
  id: 't',
  title: 'T',
  years: [2011, 2021],
  samples: { all: {} },
  tables: [
    {
      id: 'table3',
      title: 'Table 3',
      notes: 'Clustered SEs.',
      columns: [
        { id: '(1)', spec: { estimator: 'fe', y: 'CI', x: ['AIT'] } },
        { id: '(2)', spec: { estimator: 'fe', y: 'CI', x: ['AIT'] } },
      ],
    },
  ],
});
const steps = [
  { stepId: 'table3/(1)', tableId: 'table3', columnId: '(1)', result: fe(-0.138, 0.04, 0.002) },
  { stepId: 'table3/(2)', tableId: 'table3', columnId: '(2)', result: fe(-0.081, 0.045, 0.08) },
];

describe('publishing', () => {
  it('stars at 10/5/1 %', () => {
    expect([0.2, 0.09, 0.049, 0.0099, NaN].map(stars)).toEqual(['', '*', '**', '***', '']);
  });

  it('lays a table out like the paper: coefficient with stars, SE under it, constant last, then N and R²', () => {
    const t = tableLayout(study.tables[0], steps);
    expect(t.rows.map((r) => r.label)).toEqual(['AIT', '', '_cons', '', 'N', 'Provinces', 'R² (within)']);
    expect(t.rows[0].cells).toEqual([
      { value: -0.138, kind: 'coef', stars: '***' },
      { value: -0.081, kind: 'coef', stars: '*' },
    ]);
    expect(t.rows[1].cells[0]).toEqual({ value: 0.04, kind: 'se' });
  });

  it('writes a workbook of numbers with formats, and CSV tables', async () => {
    const out = await mkdtemp(join(tmpdir(), 'publish-'));
    const files = await publishResults({
      outDir: out,
      runId: 'run1',
      study,
      steps,
      panelRows: [{ province: 'BJ', year: 2011, CI: 0.5 }],
      coverage: [],
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(files.find((f) => f.endsWith('results.xlsx'))!);
    const ws = wb.getWorksheet('table3')!;
    expect(ws.getCell('A1').value).toBe('Table 3');
    expect(ws.getRow(2).values).toEqual([undefined, '', '(1)', '(2)']);
    expect(ws.getCell('A3').value).toBe('AIT');
    expect(ws.getCell('B3').value).toBe(-0.138);
    expect(ws.getCell('B3').numFmt).toBe('0.0000"***";-0.0000"***"');
    expect(ws.getCell('B4').value).toBe(0.04);
    expect(ws.getCell('B4').numFmt).toBe('(0.0000)');
    const csv = await readFile(
      files.find((f) => f.endsWith('table3.csv'))!,
      'utf8',
    );
    expect(csv.split('\n').slice(0, 3)).toEqual([
      ',(1),(2)',
      'AIT,-0.1380***,-0.0810*',
      ',(0.0400),(0.0450)',
    ]);
  });
});
