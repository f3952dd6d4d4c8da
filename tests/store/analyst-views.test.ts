/**
 * The analyst views: every view and column has a comment, tables sort as the paper numbers them
 * (table_order, not table10 before table3), the columns say what they rest on; and the README's SQL
 * block runs verbatim through psql against a stored run (PostgreSQL; on PGlite through the store).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import type { CellBasis, StudyCoverage } from '../../indicators';
import { columnBases, columnLabel } from '../../publish';
import { openDb, type Db } from '../../store/db';
import { saveEstimation } from '../../store/estimations';
import { saveRunTables } from '../../store/run-tables';
import { finishRun, startRun } from '../../store/runs';
import { listEstimations, loadStudy } from '../../study';
import { handMadeRun, syntheticRows } from '../publish/fixtures';
import { createTempDatabase } from '../helpers/postgres';

const study = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
const RUN = 'refresh-default-sample-2026.11-abc123';
const AI = 'synthetic/ai_patents_export.csv';

/** The README's SQL block under "Results in PostgreSQL", exactly as written. */
function readmeSql(): string {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Results in PostgreSQL'));
  const block = /```sql\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README: no sql block under "Results in PostgreSQL"');
  return block[1];
}

async function storeRun(db: Db) {
  await startRun(db, { runId: RUN, studyId: study.id, vintage: 'sample-2026.11', inputsHash: 'abc123' });
  const steps = listEstimations(study);
  const results = handMadeRun(study);
  for (const [i, s] of steps.entries())
    await saveEstimation(
      db,
      {
        runId: RUN,
        stepId: s.stepId,
        tableId: s.tableId,
        columnId: s.columnId,
        sample: s.sample,
        spec: s.spec,
      },
      results[i].result,
      1,
    );
  const rows = syntheticRows();
  const bases: Record<string, CellBasis> = {};
  for (const r of rows)
    for (const v of [
      'CI',
      'AIT',
      'AIT1',
      'AIT2',
      'AIT3',
      'EE',
      'IS',
      'MAR',
      'RE',
      'ED',
      'ER',
      'ECS',
      'WF',
      'OPEN',
      'ROBOT',
    ])
      bases[`${v}|${r.province}/${r.year}`] = {
        basis: v === 'MAR' && Number(r.year) >= 2020 ? 'extrapolated' : 'observed',
        synthetic: v === 'AIT' ? [AI] : [],
      };
  const coverage: StudyCoverage[] = [
    {
      variable: 'AIT',
      observed: 330,
      interpolated: 0,
      substituted: 0,
      extrapolated: 0,
      missing: 0,
      missingCells: [],
      filledCells: [],
      syntheticInputs: [AI],
    },
  ];
  const labels = new Map(
    study.tables.map((t) => [t.id, t.columns.map((c) => columnLabel(study, c) ?? c.id)]),
  );
  await saveRunTables(db, RUN, study, labels, columnBases(study, bases, rows), coverage);
  // Publishing twice leaves one copy.
  await saveRunTables(db, RUN, study, labels, columnBases(study, bases, rows), coverage);
  await finishRun(db, RUN, { status: 'completed' });
}

function viewContract(name: string, open: () => Promise<{ db: Db; url?: string; close(): Promise<void> }>) {
  describe(name, () => {
    let ctx: { db: Db; url?: string; close(): Promise<void> };
    beforeAll(async () => {
      ctx = await open();
      await storeRun(ctx.db);
    }, 120_000);
    afterAll(async () => {
      await ctx?.close();
    });

    it('every analyst view and every column of it has a comment', async () => {
      const views = await ctx.db.query<{ view: string; comment: string | null }>(
        `SELECT c.relname AS view, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'v' AND c.relname LIKE 'analyst\\_%' AND n.nspname = current_schema() ORDER BY 1`,
      );
      expect(views.length).toBeGreaterThanOrEqual(13);
      expect(views.filter((v) => !v.comment).map((v) => v.view)).toEqual([]);
      const columns = await ctx.db.query<{ col: string; comment: string | null }>(
        `SELECT c.relname || '.' || a.attname AS col, col_description(c.oid, a.attnum) AS comment FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
         WHERE c.relkind = 'v' AND c.relname LIKE 'analyst\\_%' AND n.nspname = current_schema()
           AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1`,
      );
      expect(columns.length).toBeGreaterThan(100);
      expect(columns.filter((c) => !c.comment).map((c) => c.col)).toEqual([]);
    });

    it('tables sort as the paper numbers them, columns within them', async () => {
      const tables = await ctx.db.query<{ table_id: string }>(
        `SELECT table_id FROM analyst_coefficients WHERE run_id = $1 GROUP BY table_id, table_order ORDER BY table_order`,
        [RUN],
      );
      expect(tables.map((t) => t.table_id)).toEqual(
        study.tables.filter((t) => t.id !== 'vif' && t.id !== 'table10').map((t) => t.id),
      );
      const steps = await ctx.db.query<{ step_id: string }>(
        `SELECT step_id FROM analyst_steps WHERE run_id = $1 ORDER BY table_order, column_order`,
        [RUN],
      );
      expect(steps.map((s) => s.step_id)).toEqual(listEstimations(study).map((s) => s.stepId));
      const t11 = await ctx.db.query<{ label: string; weights: string; dependent_variable: string }>(
        `SELECT label, weights, dependent_variable FROM analyst_columns WHERE run_id = $1 AND table_id = 'table11'
         ORDER BY column_order`,
        [RUN],
      );
      // The matrices by their names, not W1/W2/W3.
      for (const c of t11) expect(c.label).not.toMatch(/\bW\d\b/);
      expect(t11.map((c) => c.label)).toEqual(expect.arrayContaining([expect.stringMatching(/contiguity/i)]));
      expect(t11.map((c) => c.label)).toEqual(
        expect.arrayContaining([expect.stringMatching(/economic distance/i)]),
      );
      expect(t11.map((c) => c.label)).toEqual(
        expect.arrayContaining([expect.stringMatching(/geographic distance/i)]),
      );
      expect(new Set(t11.map((c) => c.dependent_variable))).toEqual(new Set(['CI']));
    });

    it('each column says whether it rests on synthetic inputs and which values were not observed', async () => {
      const t9 = await ctx.db.query<{
        column_id: string;
        rests_on_synthetic: boolean;
        synthetic_variables: string | null;
        filled_variables: string | null;
      }>(
        `SELECT column_id, rests_on_synthetic, synthetic_variables, filled_variables FROM analyst_columns
         WHERE run_id = $1 AND table_id = 'table9' ORDER BY column_order`,
        [RUN],
      );
      // Every column of Table 9 uses AIT; (3)(4) moderate by MAR, extrapolated in 2020–2021.
      expect(t9.map((c) => [c.rests_on_synthetic, c.synthetic_variables])).toEqual(
        Array(t9.length).fill([true, 'AIT']),
      );
      const mar = t9.filter((c) => c.filled_variables !== null);
      expect(mar.map((c) => [c.column_id, c.filled_variables])).toEqual([
        ['(3)', 'MAR (60 extrapolated of 330)'],
        ['(4)', 'MAR (60 extrapolated of 330)'],
      ]);
      const ci = await ctx.db.query<{ stage: string; synthetic_inputs: string }>(
        `SELECT stage, synthetic_inputs FROM analyst_coverage WHERE run_id = $1 AND variable = 'AIT'`,
        [RUN],
      );
      expect(ci).toEqual([{ stage: 'study', synthetic_inputs: AI }]);
    });

    if (name === 'PostgreSQL')
      it("the README's SQL runs verbatim through psql against the stored run", () => {
        const sql = readmeSql();
        expect(sql).toContain(":'run'");
        const out = execFileSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '--no-psqlrc', ctx.url!], {
          input: sql,
          encoding: 'utf8',
        });
        // Table 3 column (4): AIT first; the headline across tables in the paper's order (table3 before table10).
        expect(out).toMatch(/ AIT\s+\|\s+-0\.10\d+\s+\|\s+0\.04\s+\|\s+\*\*\*/);
        const order = [...out.matchAll(/^ (table\d+)\s+\| \(1\)\s+\|\s+-0\.1/gm)].map((m) => m[1]);
        expect(order.slice(0, 3)).toEqual(['table3', 'table4', 'table5']);
        expect(out).toContain('MAR (60 extrapolated of 330)');
        expect(out).not.toMatch(/ERROR/);
      });
  });
}

viewContract('PGlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aicarbon-views-'));
  const db = await openDb({ dataDir: dir });
  return {
    db,
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

viewContract('PostgreSQL', async () => {
  const temp = await createTempDatabase('aicarbon_views');
  const db = await openDb({ databaseUrl: temp.url, dataDir: tmpdir() });
  return {
    db,
    url: temp.url,
    async close() {
      await db.close();
      await temp.drop();
    },
  };
});
