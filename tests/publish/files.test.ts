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
  {
    variable: 'AIT',
    observed: 330,
    interpolated: 0,
    missing: 0,
    missingCells: [],
    syntheticInputs: ['synthetic/ai_patents_export.csv'],
  },
];
const BANNER =
  'Synthetic inputs: AIT (from synthetic/ai_patents_export.csv) rest on synthetic data, not on a real source. ' +
  'Every result that uses them illustrates the method and is not a finding; the table columns concerned are named in their notes.';

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
    // An input is synthetic: the first row of every sheet says which variables rest on it.
    for (const sheet of wb.worksheets) expect(sheet.getCell('A1').value, sheet.name).toBe(BANNER);
    const ws = wb.getWorksheet('table3')!;
    expect(ws.getCell('A2').value).toBe(study.tables[1].title);
    // Header rows: the dependent variable, model labels (merged over equal neighbours), column ids.
    expect(ws.getRow(3).values).toEqual([undefined, 'Dependent variable', ...Array(7).fill('CI')]);
    expect(ws.getRow(4).values).toEqual([undefined, '', 'OLS', 'OLS', 'FE', 'FE', 'FE', 'FE', 'FE']);
    expect(ws.getCell('C4').isMerged && ws.getCell('D4').isMerged).toBe(true);
    expect(ws.getRow(5).values).toEqual([undefined, '', '(1)', '(2)', '(3)', '(4)', '(5)', '(6)', '(7)']);
    // Step table3/(1) is the 2nd step (k = 1): AIT = -0.1 - 1/1000, SE 0.04, p 0.001.
    expect(ws.getCell('A6').value).toBe('AIT');
    expect(ws.getCell('B6').value).toBe(-0.101);
    expect(ws.getCell('B6').numFmt).toBe('0.000"***";-0.000"***"');
    expect(ws.getCell('B7').value).toBe(0.04);
    expect(ws.getCell('B7').numFmt).toBe('(0.000)');
    expect(ws.getCell('B8').value).toBe('-'); // ED is not in column (1)
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
    expect(ws.getCell(row('R² (within)'), 4).value).toBe(0.517);
    expect(labels).toContain('* p < 0.1, ** p < 0.05, *** p < 0.01.');
    const run = wb.getWorksheet('run')!;
    expect(run.getRow(3).values).toEqual([undefined, 'Run', 'refresh-default-2024-abc']);
    expect((run.getColumn(1).values as unknown[]).includes('ceads/a.xlsx')).toBe(true);
    const cov = wb.getWorksheet('coverage')!;
    expect(cov.getCell('A2').value).toBe(
      'Study variables after the indicator step (the values the tables use)',
    );
    expect(cov.getRow(4).values).toEqual([
      undefined,
      'CI',
      270,
      0,
      0, // substituted and extrapolated: absent from this coverage row, counted as none
      0,
      60,
      '',
      'BJ/2020 BJ/2021',
    ]);
    expect(cov.getCell('G5').value).toBe('synthetic/ai_patents_export.csv');
  });

  it('the workbook prints each table landscape, fit to width, on one page, headers repeated, notes inside', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'results.xlsx'));
    const layouts = studyLayouts(study, steps);
    for (const t of layouts) {
      const ws = wb.getWorksheet(t.id)!;
      const ps = ws.pageSetup;
      expect(ps.orientation, t.id).toBe('landscape');
      expect(ps.fitToPage, t.id).toBe(true);
      expect(ps.fitToWidth, t.id).toBe(1);
      // banner + title + header rows + body + notes
      const rows = 2 + t.headers.length + t.rows.length + t.notes.length;
      expect(ws.rowCount, t.id).toBe(rows);
      // A table of up to 42 rows fits one page; a longer one runs over pages as long as needed.
      expect(ps.fitToHeight, t.id).toBe(rows <= 42 ? 1 : 0);
      const lastCol = String.fromCharCode(65 + t.headers[0].length);
      expect(ps.printArea, t.id).toBe(`A1:${lastCol}${rows}`);
      expect(ps.printTitlesRow, t.id).toBe(`1:${2 + t.headers.length}`);
      // Each note spans the table's width, wrapped, inside the print area.
      if (!t.notes.length) continue;
      const note = ws.getCell(`A${rows}`);
      expect(note.value, t.id).toBe(t.notes[t.notes.length - 1]);
      expect(note.alignment?.wrapText, t.id).toBe(true);
      if (t.headers[0].length > 1) expect(ws.getCell(`${lastCol}${rows}`).isMerged, t.id).toBe(true);
    }
    expect(wb.getWorksheet('run')!.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1 });
  });

  it('a CSV per table in the paper layout', async () => {
    const csv = (await readFile(join(dir, 'tables', 'table3.csv'), 'utf8')).split('\n');
    expect(csv.slice(0, 6)).toEqual([
      study.tables[1].title,
      'Dependent variable,CI,CI,CI,CI,CI,CI,CI',
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
    expect(t3).toContain('\\caption{Baseline regressions: AI technology innovation and carbon intensity}');
    expect(t3).toContain('Dependent variable & \\multicolumn{7}{c}{CI} \\\\');
    expect(t3).toContain('AIT & $-$0.101$^{***}$ & $-$0.102$^{***}$');
    expect(t3).toContain(' & (0.040) & (0.040) & (0.040) & (0.040) & - & - & - \\\\');
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
      assembledCoverage: [{ ...coverage[0], variable: 'co2_inventory' }],
    });
    expect((await readFile(join(out, 'r', 'coverage.csv'), 'utf8')).split('\n').slice(0, 3)).toEqual([
      'stage,variable,observed,interpolated,substituted,extrapolated,missing,synthetic_inputs,missing_cells',
      'study,CI,270,0,0,22,60,,BJ/2020 BJ/2021',
      'assembled,co2_inventory,270,0,0,0,60,,BJ/2020 BJ/2021',
    ]);
    // No input synthetic: no banner on the sheets.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'r', 'results.xlsx'));
    expect(wb.getWorksheet('table3')!.getCell('A1').value).toBe(study.tables[1].title);
  });
});
