/**
 * `aicarbon explain` from a table cell down to source cells, as a user runs it after a refresh of the
 * bundled sample (real dev server, PostgreSQL): the estimate and its N, the used province-years of the
 * stored sample, and for each the cells the term (or the dependent variable) reads — checked against
 * the input files read here independently (the CEADs workbooks with exceljs, a CSV with csv-parse), and
 * a spatial term to the neighbours its weight matrix names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { triggerRefresh } from '../../cli/trigger';
import { loadEstimations } from '../../store/estimations';
import type { SampleLineage } from '../../publish/lineage';
import { runCli } from '../helpers/cli';
import { cliEnv, planRefreshFor, usePipeline } from '../helpers/pipeline';

/** A workbook cell's number as the file holds it (a formula's cached result). */
async function workbookCell(books: Map<string, ExcelJS.Workbook>, path: string, sheet: string, cell: string) {
  let book = books.get(path);
  if (!book) {
    book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    books.set(path, book);
  }
  const v = book.getWorksheet(sheet)!.getCell(cell).value;
  return typeof v === 'object' && v !== null && 'result' in v ? Number(v.result) : Number(v);
}

describe('explain a table cell down to its source cells', () => {
  const ctx = usePipeline({ workers: true });

  it('a GMM column: its N used rows, the dependent variable at t and t − 1, each CEADs cell as in the workbook', async () => {
    const { env, f } = ctx;
    const input = await planRefreshFor(f, { studyPath: f.config.studyPath, inputsDir: f.config.inputsDir });
    await (await triggerRefresh(env.client, input)).handle.result();
    const gmm = (await loadEstimations(f.db, input.runId)).find((s) => s.stepId === 'table4/(3)')!;
    expect(gmm.result.estimator).toBe('sysgmm');

    // No --run: the latest completed run, the one just refreshed.
    const out = await runCli(
      ['explain', '--table', 'table4', '--column', '(3)', '--term', 'L.AIT', '--dependent', '--json'],
      cliEnv(f),
    );
    expect(out.code, out.stderr).toBe(0);
    const l = JSON.parse(out.stdout) as SampleLineage & { runId: string };
    expect(l.runId).toBe(input.runId);
    expect(l.coefficient.estimate).toBe(gmm.result.coefficients.find((c) => c.term === 'L.AIT')!.estimate);
    expect(l.nobs).toBe(gmm.result.nobs);
    expect(l.used).toBe(gmm.result.nobs);
    expect(l.sample).toHaveLength(gmm.result.nobs);
    // 30 provinces × 2011–2021 less the two years that go to lags and differencing.
    expect(l.rows).toBe(330);
    expect(l.leftOut.flatMap((x) => x.rows.map((r) => Number(r.slice(-4))))).toEqual(
      expect.arrayContaining([2011, 2012]),
    );
    // The difference equation of CI at t reads CI at t and t − 1.
    expect(l.reads).toEqual([
      { variable: 'CI', lag: 0 },
      { variable: 'CI', lag: 1 },
    ]);
    const books = new Map<string, ExcelJS.Workbook>();
    let checked = 0;
    for (const row of l.sample) {
      expect(row.values.map((v) => v.ref)).toEqual([
        `CI|${row.province}/${row.year}`,
        `CI|${row.province}/${row.year - 1}`,
      ]);
      for (const v of row.values)
        for (const cell of v.cells)
          for (const s of cell.sources) {
            if (!/^real\/ceads\/.*\.xlsx$/.test(s.file) || cell.method !== 'observed') continue;
            const inFile = await workbookCell(books, join(f.config.inputsDir, s.file), s.sheet!, s.cell!);
            expect(cell.value, `${cell.ref} ← ${s.file} ! ${s.sheet} ! ${s.cell}`).toBeCloseTo(
              inFile * (cell.converted?.factor ?? 1),
              9,
            );
            expect(s.synthetic).toBe(false);
            checked++;
          }
    }
    // CEADs covers 2011–2019: every used row up to 2019 reads its year's and the year before's cell.
    expect(checked).toBeGreaterThanOrEqual(30 * 7 * 2);
    // CI is extrapolated past CEADs' years (2020, 2021), and says so.
    const late = l.sample.find((r) => r.year === 2021)!.values[0];
    expect(late.basis).toBe('extrapolated');
  }, 240_000);

  it('the printed form names each cell of a control, as the CSV holds it; unknown names exit 2 listing what exists', async () => {
    const { f } = ctx;
    const env = cliEnv(f);
    const out = await runCli(
      ['explain', '--table', 'table3', '--column', '(4)', '--term', 'ECS', '--province', 'GD'],
      env,
    );
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[1]).toMatch(/^table3 \(4\) \(fe\): ECS = \S+ .*N = 330$/);
    expect(out.stdout).toContain('sample: 330 of 330 province-years used');
    // Each value line `    coal_share_final|GD/2013 = 0.228593 share` is followed by its file cell.
    const csvs = new Map<string, string[][]>();
    let checked = 0;
    for (let i = 0; i < lines.length - 1; i++) {
      const value = /^ {4}(\S+\|GD\/\d{4}) = (\S+)/.exec(lines[i]);
      const where = /^ {6}← (\S+\.csv) ! line (\d+), column (\d+)$/.exec(lines[i + 1]);
      if (!value || !where) continue;
      let records = csvs.get(where[1]);
      if (!records) {
        records = parse(readFileSync(join(f.config.inputsDir, where[1])), {
          bom: true,
          relax_column_count: true,
        }) as string[][];
        csvs.set(where[1], records);
      }
      const inFile = Number(records[Number(where[2]) - 1][Number(where[3]) - 1]);
      expect(Number(value[2]), `${value[1]} ← ${where[0]}`).toBe(Number(inFile.toPrecision(6)));
      checked++;
    }
    expect(checked).toBe(11); // GD 2011–2021, one cell each

    const unknownTable = await runCli(
      ['explain', '--table', 'table99', '--column', '(4)', '--term', 'AIT'],
      env,
    );
    expect(unknownTable.code).toBe(2);
    expect(unknownTable.stderr).toMatch(/no table table99 .*tables: .*table3, table4/);
    const unknownColumn = await runCli(
      ['explain', '--table', 'table3', '--column', '(9)', '--term', 'AIT'],
      env,
    );
    expect(unknownColumn.code).toBe(2);
    expect(unknownColumn.stderr).toContain(
      'table table3 has no column (9) (columns: (1), (2), (3), (4), (5), (6), (7))',
    );
    const unknownTerm = await runCli(
      ['explain', '--table', 'table3', '--column', '(4)', '--term', 'AI'],
      env,
    );
    expect(unknownTerm.code).toBe(2);
    expect(unknownTerm.stderr).toMatch(
      /table3 \(4\) has no term AI \(terms: AIT, ED, ER, ECS, WF, OPEN, _cons\)/,
    );
    // --dependent alone: the dependent variable's cells, the column's first term heading them.
    const dependent = await runCli(
      [
        'explain',
        '--table',
        'table4',
        '--column',
        '(3)',
        '--dependent',
        '--province',
        'GD',
        '--year',
        '2013',
      ],
      env,
    );
    expect(dependent.code, dependent.stderr).toBe(0);
    expect(dependent.stdout).toContain('the dependent variable is CI at t, CI at t − 1');
    expect(dependent.stdout).toMatch(/^ {2}CI\|GD\/2012 = /m);
    expect(dependent.stdout).toContain(
      '      ← real/ceads/Emission_Inventories_for_30_Provinces_2012.xlsx ! Guangdong2012 ! W4',
    );
    // A spatial term: W*AIT at Guangdong reads AIT of its neighbours under contiguity (W1): Fujian,
    // Jiangxi, Hunan, Guangxi by land and Hainan by the study's island link, 1/5 each.
    const spatial = await runCli(
      [
        'explain',
        '--table',
        'table11',
        '--column',
        'W1',
        '--term',
        'W*AIT',
        '--province',
        'GD',
        '--year',
        '2015',
      ],
      env,
    );
    expect(spatial.code, spatial.stderr).toBe(0);
    const around = [...spatial.stdout.matchAll(/^ {2}w (\S+) × AIT\|(\w+)\/2015 = /gm)].map(
      (m) => `${m[2]} ${m[1]}`,
    );
    expect(around.sort()).toEqual(['FJ 0.2', 'GX 0.2', 'HI 0.2', 'HN 0.2', 'JX 0.2']);
    const partial = await runCli(['explain', '--table', 'table3', '--term', 'AIT'], env);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('missing: --column');
  }, 120_000);
});
