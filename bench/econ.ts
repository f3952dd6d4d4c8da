/**
 * npm run bench:econ — the linear core against R, both timed in this run on the same data:
 *  1. entity FE with clustered SE on a generated panel of 3,000 units × 11 years, 5 regressors
 *     (R: pdata.frame + plm within + vcovHC arellano);
 *  2. mediation with the 2,000-replicate cluster bootstrap of a·b on the 30 × 11 province fixture
 *     (R: the same resampling scheme written with qr, as in reference/linear.R).
 * Each job's time is the median of several runs, starting from data in memory; the ratio is ours / R's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimate } from '../econometrics/estimate';
import { Panel } from '../panel';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';

const RUNS = 5;
const REPS = 2000;
const root = fileURLToPath(new URL('..', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(fn: () => unknown, runs: number): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** A deterministic panel: y = u_i + Σ 0.1·k·x_k + e, regressors correlated with u_i (Park–Miller LCG). */
function generatePanel(units: number, years: number, k: number): Record<string, number | string>[] {
  let seed = 12345;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  const rows: Record<string, number | string>[] = [];
  for (let i = 0; i < units; i++) {
    const u = rnd();
    for (let t = 0; t < years; t++) {
      const row: Record<string, number | string> = { id: `u${i}`, year: 2011 + t };
      let y = u;
      for (let j = 1; j <= k; j++) {
        const x = rnd() + u;
        row[`x${j}`] = x;
        y += 0.1 * j * x;
      }
      row.y = y + rnd();
      rows.push(row);
    }
  }
  return rows;
}

const rows = generatePanel(3000, 11, 5);
const dir = mkdtempSync(join(tmpdir(), 'aicarbon-bench-'));
const csv = join(dir, 'panel.csv');
const cols = Object.keys(rows[0]);
writeFileSync(csv, [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n'));
const provCsv = join(root, 'tests/fixtures/provinces30.csv');

const feSpec = { estimator: 'fe', y: 'y', x: ['x1', 'x2', 'x3', 'x4', 'x5'], vce: 'cluster' };
const C = ['ED', 'ER', 'ECS', 'WF', 'OPEN'];
const medSpec = {
  estimator: 'mediation',
  y: 'CI',
  x: ['AIT', ...C],
  mediator: 'EE',
  vce: 'cluster',
  bootstrap: { reps: REPS, seed: 1 },
};
const provRows = parse(readFileSync(provCsv), { columns: true }) as Record<string, string>[];

// Warm-up (JIT), then timed runs.
const feOnce = () => estimate(Panel.fromRows(rows, { entity: 'id', time: 'year' }), feSpec);
const medOnce = () => estimate(Panel.fromRows(provRows, { entity: 'province', time: 'year' }), medSpec);
const ours = feOnce();
medOnce();
const tsFe = time(feOnce, RUNS);
const tsBoot = time(medOnce, RUNS);

const rOut = JSON.parse(
  execFileSync('Rscript', [join(root, 'bench/econ.R'), csv, provCsv, String(REPS), String(RUNS)], {
    encoding: 'utf8',
  }),
) as { fe_ms: number; boot_ms: number; fe_coef: number[] };

const agree = ours.coefficients
  .filter((c) => c.term !== '_cons')
  .every((c, j) => Math.abs(c.estimate - rOut.fe_coef[j]) <= 1e-8 * Math.abs(rOut.fe_coef[j]));
const line = (job: string, ts: number, r: number) =>
  `${job.padEnd(52)} ours ${ts.toFixed(1).padStart(8)} ms   R ${r.toFixed(1).padStart(8)} ms   ratio ${(ts / r).toFixed(3)}`;
console.log(line('FE + clustered SE, 3,000 x 11, 5 regressors', tsFe, rOut.fe_ms));
console.log(line(`mediation + ${REPS}-replicate cluster bootstrap, 30 x 11`, tsBoot, rOut.boot_ms));
console.log(`FE slopes agree with plm to 1e-8: ${agree ? 'yes' : 'NO'}`);
if (!agree) process.exitCode = 1;
