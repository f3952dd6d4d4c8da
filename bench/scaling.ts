/**
 * npm run bench:scaling — how cost grows with N, ours and R's, each point paired as bench/harness.ts
 * describes (same in-memory data, median of interleaved rounds after one first call, load printed):
 *   FE + clustered SEs, N = 300 … 30,000 units × 11 years, 5 regressors (R: plm + vcovHC);
 *   two-step system GMM with robust SEs and tests, N = 100 … 5,000 × 11 (R: pgmm + summary(robust = TRUE));
 *   SDM fit, T = 11, on queen grids and 5-nearest-neighbour weights, N = 900 … 4,900 (R: lagsarlm with
 *   "Matrix" on grids, "LU_prepermutate" on kNN — the fastest exact methods bench:spatial measures).
 * Prints each point and the fitted exponent b of time ≈ a·N^b (least squares on log median CPU time;
 * wall beside it) for both sides. Flags: --rounds N (default 3), --only fe|gmm|sdm.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimate } from '../econometrics/estimate';
import { systemGmm } from '../econometrics/gmm/pgmm';
import { spatialLagFit } from '../econometrics/spatial/ml';
import { spatialPanelData } from '../econometrics/spatial/models';
import { panelSpatialLag, type WeightsMatrix } from '../econometrics/spatial/weights';
import { Panel } from '../panel';
import {
  fePanelRows,
  freshCopy,
  gmmColumns,
  knnRandom,
  queenGrid,
  sdmPanel,
  writeColumns,
  writeLinks,
} from './data';
import { loadAverage, median, pair, roundsArg, RSession, type Pairing } from './harness';

const rounds = roundsArg(3);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const dir = mkdtempSync(join(tmpdir(), 'aicarbon-bench-scaling-'));
const T = 11;

interface Point {
  family: string;
  n: number;
  name: string;
  ours: () => unknown;
}
const points: Point[] = [];

if (!only || only === 'fe') {
  for (const n of [300, 1000, 3000, 10000, 30000]) {
    const rows = fePanelRows(n, T, 5);
    const cols = Object.keys(rows[0]);
    writeFileSync(
      join(dir, `fe_${n}.csv`),
      [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n'),
    );
    const panel = Panel.fromRows(rows, { entity: 'id', time: 'year' });
    const spec = {
      estimator: 'fe',
      y: 'y',
      x: ['x1', 'x2', 'x3', 'x4', 'x5'],
      vce: 'cluster',
      convention: 'plm',
    };
    points.push({ family: 'FE + clustered SE', n, name: `fe_${n}`, ours: () => estimate(panel, spec) });
  }
}
if (!only || only === 'gmm') {
  for (const n of [100, 300, 1000, 3000, 5000]) {
    const { cols, panel } = gmmColumns(n, T);
    writeColumns(join(dir, `gmm_${n}.csv`), cols);
    const options = {
      y: 'y',
      regressors: [
        { variable: 'y', lags: [1] },
        { variable: 'x', lags: [0] },
      ],
      gmmInstruments: [{ variable: 'y', lags: [2, 99] as [number, number] }],
    };
    points.push({
      family: 'system GMM + robust SEs, tests',
      n,
      name: `gmm_${n}`,
      ours: () => systemGmm(panel, options),
    });
  }
}
if (!only || only === 'sdm') {
  for (const kind of ['grid', 'knn'] as const) {
    for (const g of [30, 40, 50, 60, 70]) {
      const n = g * g;
      const w: WeightsMatrix = kind === 'grid' ? queenGrid(g, g) : knnRandom(n, 5);
      const data = sdmPanel(w, T);
      const name = `sdm_${kind}_${n}`;
      writeLinks(join(dir, `${name}.links`), w);
      writeColumns(join(dir, `${name}.csv`), {
        id: Array.from({ length: n * T }, (_, r) => w.ids[r % n]),
        time: Array.from({ length: n * T }, (_, r) => 2010 + Math.floor(r / n)),
        y: data.y,
        x1: data.x1,
        x2: data.x2,
      });
      points.push({
        family: `SDM fit, ${kind === 'grid' ? 'queen grid' : '5-NN'}`,
        n,
        name,
        ours: () => {
          const wc = freshCopy(w);
          const s = spatialPanelData(data.panel, { y: 'y', x: ['x1', 'x2'], weights: wc });
          const WX = s.X.map((c) => panelSpatialLag(wc, c));
          return spatialLagFit(wc, s.y, [...s.X, ...WX], 'sdm');
        },
      });
    }
  }
}
writeFileSync(join(dir, 'datasets.txt'), points.map((p) => p.name).join('\n'));

console.log(`bench:scaling — ${rounds} rounds per point; load at start ${loadAverage().toFixed(2)}`);
const r = await RSession.start(fileURLToPath(new URL('scaling.R', import.meta.url)), [dir]);
const results = new Map<string, { n: number; p: Pairing<unknown> }[]>();
for (const pt of points) {
  const p = await pair(`${pt.family}, N = ${pt.n}`, pt.ours, r, pt.name, rounds);
  const m = (xs: { cpuMs: number; wallMs: number }[], k: 'cpuMs' | 'wallMs') => median(xs.map((x) => x[k]));
  console.log(
    `${pt.family.padEnd(32)} N = ${String(pt.n).padStart(6)}   ours ${m(p.ours, 'cpuMs').toFixed(1).padStart(9)} ms cpu ` +
      `(${m(p.ours, 'wallMs').toFixed(0).padStart(6)} wall)   R ${m(p.r, 'cpuMs').toFixed(1).padStart(9)} ms cpu ` +
      `(${m(p.r, 'wallMs').toFixed(0).padStart(6)} wall)   ratio ${(m(p.ours, 'cpuMs') / m(p.r, 'cpuMs')).toFixed(3)}   ` +
      `load ${p.load[0].toFixed(1)}→${p.load[1].toFixed(1)}`,
  );
  const list = results.get(pt.family) ?? [];
  list.push({ n: pt.n, p });
  results.set(pt.family, list);
}
await r.close();

/** Least-squares slope of log y on log n. */
function exponent(ns: number[], ys: number[]): number {
  const lx = ns.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length;
  const my = ly.reduce((a, b) => a + b) / ly.length;
  let sxy = 0;
  let sxx = 0;
  lx.forEach((x, i) => {
    sxy += (x - mx) * (ly[i] - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}
console.log('\nfitted exponent b of time ≈ a·N^b (cpu; wall in brackets)');
for (const [family, list] of results) {
  const ns = list.map((x) => x.n);
  const e = (side: 'ours' | 'r', k: 'cpuMs' | 'wallMs') =>
    exponent(
      ns,
      list.map((x) => median(x.p[side].map((t) => t[k]))),
    ).toFixed(2);
  console.log(
    `${family.padEnd(32)} N ${ns[0]}…${ns.at(-1)}   ours ${e('ours', 'cpuMs')} (${e('ours', 'wallMs')})   R ${e('r', 'cpuMs')} (${e('r', 'wallMs')})`,
  );
}
