import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { latexEscape, latexTable, publishResults, studyLayouts } from '../../publish';
import { loadStudy } from '../../study';
import { handMadeRun, syntheticRows } from './fixtures';

const study = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
const steps = handMadeRun(study);
const coverage = [
  { variable: 'CI', observed: 270, interpolated: 0, missing: 60, missingCells: ['BJ/2020', 'BJ/2021'] },
];

describe('published files', async () => {
  const out = await mkdtemp(join(tmpdir(), 'publish-'));
  const files = await publishResults({
    outDir: out,
    runId: 'refresh-default-2024-abc',
    study,
    steps,
    panelRows: syntheticRows(),
    coverage,
    run: { vintage: '2024', inputs: [{ path: 'ceads/a.xlsx', sha256: 'f'.repeat(64) }] },
  });
  const dir = join(out, 'refresh-default-2024-abc');

  it('writes every file into the run folder, renamed whole', async () => {
    expect((await readdir(dir)).sort()).toEqual(
      [
        'coverage.csv',
        'estimates.csv',
        'latex',
        'panel.csv',
        'report.html',
        'results.json',
        'results.xlsx',
        'tables',
      ].sort(),
    );
    expect((await readdir(join(dir, 'tables'))).length).toBe(study.tables.length);
    expect((await readdir(join(dir, 'latex'))).length).toBe(study.tables.length);
    expect(files.every((f) => f.startsWith(dir))).toBe(true);
    expect((await readdir(out)).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('the workbook has one sheet per table laid out like the paper, numbers as numbers with formats', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'results.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual([...study.tables.map((t) => t.id), 'run', 'coverage']);
    const ws = wb.getWorksheet('table3')!;
    expect(ws.getCell('A1').value).toBe(study.tables[1].title);
    // Header rows: model labels (merged over equal neighbours), then column ids.
    expect(ws.getRow(2).values).toEqual([undefined, '', 'OLS', 'OLS', 'FE', 'FE', 'FE', 'FE', 'FE']);
    expect(ws.getCell('B2').isMerged && ws.getCell('C2').isMerged).toBe(true);
    expect(ws.getRow(3).values).toEqual([undefined, '', '(1)', '(2)', '(3)', '(4)', '(5)', '(6)', '(7)']);
    // Step table3/(1) is the 2nd step (k = 1): AIT = -0.1 - 1/1000, SE 0.04, p 0.001.
    expect(ws.getCell('A4').value).toBe('AIT');
    expect(ws.getCell('B4').value).toBe(-0.101);
    expect(ws.getCell('B4').numFmt).toBe('0.000"***";-0.000"***"');
    expect(ws.getCell('B5').value).toBe(0.04);
    expect(ws.getCell('B5').numFmt).toBe('(0.000)');
    expect(ws.getCell('B6').value).toBe('-'); // ED is not in column (1)
    const labels = ws.getColumn(1).values as unknown[];
    const row = (label: string) => labels.indexOf(label);
    expect(ws.getRow(row('Province FE')).values).toEqual([
      undefined,
      'Province FE',
      'No',
      'No',
      'Yes',
      'Yes',
      'Yes',
      'Yes',
      'Yes',
    ]);
    expect(ws.getCell(row('N'), 2).value).toBe(330);
    expect(ws.getCell(row('N'), 2).numFmt).toBe('0');
    expect(ws.getCell(row('R²'), 2).value).toBe(0.5);
    expect(labels).toContain('* p < 0.1, ** p < 0.05, *** p < 0.01; standard errors in parentheses.');
    const run = wb.getWorksheet('run')!;
    expect(run.getRow(2).values).toEqual([undefined, 'Run', 'refresh-default-2024-abc']);
    expect((run.getColumn(1).values as unknown[]).includes('ceads/a.xlsx')).toBe(true);
    expect(wb.getWorksheet('coverage')!.getRow(2).values).toEqual([
      undefined,
      'CI',
      270,
      0,
      0, // extrapolated: absent from this coverage row, counted as none
      60,
      'BJ/2020 BJ/2021',
    ]);
  });

  it('a CSV per table in the paper layout', async () => {
    const csv = (await readFile(join(dir, 'tables', 'table3.csv'), 'utf8')).split('\n');
    expect(csv.slice(0, 5)).toEqual([
      study.tables[1].title,
      ',OLS,OLS,FE,FE,FE,FE,FE',
      ',(1),(2),(3),(4),(5),(6),(7)',
      // (5)–(7) replace AIT by AIT1, AIT2, AIT3.
      'AIT,-0.101***,-0.102***,-0.103***,-0.104***,-,-,-',
      ',(0.040),(0.040),(0.040),(0.040),-,-,-',
    ]);
    const tidy = (await readFile(join(dir, 'estimates.csv'), 'utf8')).split('\n');
    expect(tidy[0]).toBe(
      'step,table,column,estimator,term,estimate,std_error,statistic,p_value,df,p_value_wild,ci_wild_lower,ci_wild_upper,stars_from,p_value_stars,nobs',
    );
    // No bootstrap and no stars choice in table 3: the empty cells, and the stars' p-value is the column's own.
    expect(tidy[1]).toBe('table3/(1),table3,(1),ols,AIT,-0.101,0.04,-2.525,0.001,,,,,,0.001,330');
  });

  it('LaTeX tables: booktabs, merged model labels, stars as superscripts, escaped text', () => {
    const t3 = latexTable(studyLayouts(study, steps)[1]);
    expect(t3).toContain('\\begin{tabular}{lccccccc}');
    expect(t3).toContain(' & \\multicolumn{2}{c}{OLS} & \\multicolumn{5}{c}{FE} \\\\');
    expect(t3).toContain('AIT & -0.101$^{***}$ & -0.102$^{***}$');
    expect(t3).toContain('R$^2$ & 0.500 & ');
    expect(latexEscape('a_b & 5% #1 {x} ~ ^ \\')).toBe(
      'a\\_b \\& 5\\% \\#1 \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}',
    );
  });
});

describe('coverage file', () => {
  it('lists extrapolated cells when the assembly reports them', async () => {
    const out = await mkdtemp(join(tmpdir(), 'publish-'));
    await publishResults({
      outDir: out,
      runId: 'r',
      study,
      steps: [],
      panelRows: [],
      coverage: [{ ...coverage[0], extrapolated: 22 }],
    });
    expect((await readFile(join(out, 'r', 'coverage.csv'), 'utf8')).split('\n').slice(0, 2)).toEqual([
      'variable,observed,interpolated,extrapolated,missing,missing_cells',
      'CI,270,0,22,60,BJ/2020 BJ/2021',
    ]);
  });
});
