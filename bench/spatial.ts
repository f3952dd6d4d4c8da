/**
 * npm run bench:spatial — spatial Durbin models and Moran's I against R, paired as bench/harness.ts
 * describes (same in-memory data, same warm-up, median of interleaved rounds, load printed).
 *
 * Data (synthetic, bench/data.ts): SDM panels with entity effects, T = 11, ρ = 0.4, on queen-contiguity
 * grids 50 × 50 (N = 2,500) and 50 × 57 (N = 2,850) and on 5-nearest-neighbour weights of 2,500 and
 * 2,850 random points (asymmetric W). R receives the same links and values.
 * Jobs, per dataset:
 *   fit   ours: the SDM fit (stacking, demeaning, WX, ML fit with its covariance);
 *         R: spatialreg lagsarlm type "Durbin" on the demeaned panel with I_T ⊗ W, with R's fastest
 *         exact method for that W — measured here among "Matrix", "Matrix_J", "spam" (W similar to
 *         symmetric) or "LU", "LU_prepermutate" (kNN), one call each after set-up, lowest CPU time wins;
 *   full  ours: spatialDurbin (fit, Wald tests, impacts with 1,000 simulations);
 *         R: the same fit, trW(W, "mult") × T (exact traces of the powers of I_T ⊗ W) and impacts(R = 1000).
 *   Moran's I with 9,999 permutations on the N = 2,500 grid (R: spdep moran.mc).
 *   dynamic  the dynamic SDM (τ, ψ, ρ; entity effects) by bias-corrected QML with short- and long-run
 *         effects from 1,000 draws, on queen grids 30 × 30 (N = 900) and 50 × 50 (N = 2,500), 12 periods
 *         (11 in the likelihood; bench/data.ts dynamicSdmPanel). Ours: dynamicSpatialModel; R: the
 *         explicit-matrix reference the tests use (reference/lib/dynamic_qml.R, the same fit, covariance
 *         and effects; dense solves, eigenvalues of W for the interval and the draws' traces). Then ours
 *         alone at the county scale, a 50 × 57 grid (N = 2,850), wall time against the 30 s goal.
 * Our side works on a fresh copy of W each call (no cached factorisation), as R's set-up runs per call.
 * Goal (issue: performance): the SDM at N = 2,500 and 2,850, grid and kNN, ≤ 0.5 × R; the dynamic SDM
 * < 1 × the R reference, and N = 2,850 under 30 s.
 * Flags: --rounds N (default 3; the dynamic pairings use at most 2), --only grid|knn|dynamic,
 * --sizes 2500,2850, --dynamic-sizes 900,2500.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spatialLagFit } from '../econometrics/spatial/ml';
import { moranI } from '../econometrics/spatial/moran';
import { spatialDurbin, spatialPanelData } from '../econometrics/spatial/models';
import { panelSpatialLag, type WeightsMatrix } from '../econometrics/spatial/weights';
import { dynamicSpatialModel, type DynamicSpatialOptions } from '../econometrics/spatial/dynamic-model';
import {
  dynamicSdmPanel,
  freshCopy,
  knnRandom,
  queenGrid,
  sdmPanel,
  writeColumns,
  writeLinks,
  type SdmData,
} from './data';
import { agreement, pair, report, roundsArg, RSession, loadAverage, timeOnce } from './harness';

const rounds = roundsArg(3);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const sizesArg = process.argv.includes('--sizes')
  ? process.argv[process.argv.indexOf('--sizes') + 1].split(',').map(Number)
  : [2500, 2850];
const dynamicSizes = process.argv.includes('--dynamic-sizes')
  ? process.argv[process.argv.indexOf('--dynamic-sizes') + 1].split(',').map(Number)
  : [900, 2500];
const T = 11;
const dir = mkdtempSync(join(tmpdir(), 'aicarbon-bench-spatial-'));

interface Dataset {
  name: string;
  w: WeightsMatrix;
  data: SdmData;
}

const gridOf = (n: number) => (n === 2850 ? queenGrid(50, 57) : queenGrid(Math.sqrt(n), Math.sqrt(n)));
const datasets: Dataset[] = [];
if (only !== 'dynamic')
  for (const n of sizesArg) {
    if (only !== 'knn') datasets.push({ name: `grid${n}`, w: gridOf(n), data: undefined! });
    if (only !== 'grid') datasets.push({ name: `knn${n}`, w: knnRandom(n, 5), data: undefined! });
  }
const dynamicSets: Dataset[] =
  only === 'grid' || only === 'knn'
    ? []
    : dynamicSizes.map((n) => {
        const w = gridOf(n);
        return { name: `dyn${n}`, w, data: dynamicSdmPanel(w, T + 1) };
      });
for (const d of dynamicSets) {
  writeLinks(join(dir, `${d.name}.links`), d.w);
  writeColumns(join(dir, `${d.name}.csv`), {
    id: Array.from({ length: d.w.n * (T + 1) }, (_, r) => d.w.ids[r % d.w.n]),
    time: Array.from({ length: d.w.n * (T + 1) }, (_, r) => 2010 + Math.floor(r / d.w.n)),
    y: d.data.y,
    x1: d.data.x1,
    x2: d.data.x2,
  });
}
writeFileSync(join(dir, 'dynamic.txt'), dynamicSets.map((d) => d.name).join('\n'));
for (const d of datasets) {
  d.data = sdmPanel(d.w, T);
  writeLinks(join(dir, `${d.name}.links`), d.w);
  writeColumns(join(dir, `${d.name}.csv`), {
    id: Array.from({ length: d.w.n * T }, (_, r) => d.w.ids[r % d.w.n]),
    time: Array.from({ length: d.w.n * T }, (_, r) => 2010 + Math.floor(r / d.w.n)),
    y: d.data.y,
    x1: d.data.x1,
    x2: d.data.x2,
  });
}
const moranSet = datasets.find((d) => d.name === 'grid2500') ?? datasets[0];
const moranX = moranSet?.data.y.subarray(0, moranSet.w.n);
if (moranSet) {
  writeColumns(join(dir, 'moran.csv'), { x: moranX });
  writeFileSync(join(dir, 'moran.txt'), moranSet.name);
}
writeFileSync(join(dir, 'datasets.txt'), datasets.map((d) => d.name).join('\n'));

console.log(`bench:spatial — ${rounds} rounds per pairing; load at start ${loadAverage().toFixed(2)}`);
const r = await RSession.start(fileURLToPath(new URL('spatial.R', import.meta.url)), [dir]);
const options = (w: WeightsMatrix) => ({
  y: 'y',
  x: ['x1', 'x2'],
  weights: w,
  lrTests: false,
  simulations: 1000,
  seed: 1,
});

for (const d of datasets) {
  // R's fastest exact method for this W: one call of each after set-up, lowest CPU time.
  const methods = d.w.symmetricBaseRowSums ? ['Matrix', 'Matrix_J', 'spam'] : ['LU', 'LU_prepermutate'];
  const calibration: string[] = [];
  let method = methods[0];
  let best = Infinity;
  for (const m of methods) {
    const t = await r.run(`fit:${d.name}:${m}`);
    calibration.push(`${m} ${t.cpuMs.toFixed(0)} ms cpu`);
    if (t.cpuMs < best) {
      best = t.cpuMs;
      method = m;
    }
  }
  console.log(
    `\n${d.name} (${d.w.label}, N = ${d.w.n}, T = ${T}): R's exact methods once each: ${calibration.join(', ')} → "${method}"`,
  );
  const fit = await pair(
    `SDM fit, ${d.name}`,
    () => {
      const w = freshCopy(d.w);
      const o = options(w);
      const s = spatialPanelData(d.data.panel, o);
      const WX = s.X.map((c) => panelSpatialLag(w, c));
      return spatialLagFit(w, s.y, [...s.X, ...WX], 'sdm');
    },
    r,
    `fit:${d.name}:${method}`,
    rounds,
  );
  console.log(report(fit));
  console.log(agreement('rho', fit.oursValue.rho, fit.rValue.rho as number));
  console.log(agreement('loglik', fit.oursValue.loglik, fit.rValue.loglik as number));
  const full = await pair(
    `SDM fit + impacts (1,000 draws), ${d.name}`,
    () => spatialDurbin(d.data.panel, options(freshCopy(d.w))),
    r,
    `full:${d.name}:${method}`,
    rounds,
  );
  console.log(report(full));
  const direct = full.oursValue.effects!.map((e) => e.direct);
  (full.rValue.direct as number[]).forEach((v, k) =>
    console.log(agreement(`direct x${k + 1}`, direct[k], v)),
  );
}

if (moranSet) {
  const moran = await pair(
    `Moran's I, 9,999 permutations, ${moranSet.name}`,
    () => moranI(freshCopy(moranSet.w), moranX!, 1, { permutations: 9999, seed: 1 }),
    r,
    'moran',
    rounds,
  );
  console.log(`\n${report(moran)}`);
  console.log(agreement('I', moran.oursValue.I, moran.rValue.I as number));
}

const dynamicOptions = (w: WeightsMatrix): DynamicSpatialOptions => ({
  model: 'sdm',
  y: 'y',
  x: ['x1', 'x2'],
  weights: w,
  effects: 'entity',
  ylag: true,
  wylag: true,
  biasCorrection: 'yu-dejong-lee',
  simulations: 1000,
  seed: 1,
});
for (const d of dynamicSets) {
  console.log(`\n${d.name} (${d.w.label}, N = ${d.w.n}, T = ${T} + 1 for y_{t−1}): dynamic SDM`);
  const fit = await pair(
    `dynamic SDM, bias-corrected QML + short/long-run effects (1,000 draws), ${d.name}`,
    () => dynamicSpatialModel(d.data.panel, dynamicOptions(freshCopy(d.w))),
    r,
    `dyn:${d.name}`,
    Math.min(rounds, 2),
  );
  console.log(report(fit));
  const est = (t: string) => fit.oursValue.coefficients.find((c) => c.term === t)!;
  for (const [t, key] of [
    ['L.y', 'tau'],
    ['W*L.y', 'psi'],
    ['rho', 'rho'],
  ] as const) {
    console.log(agreement(t, est(t).estimate, fit.rValue[key] as number));
    console.log(agreement(`se ${t}`, est(t).std_error, fit.rValue[`${key}_se`] as number));
  }
  const long = fit.oursValue.effects!.filter((e) => e.horizon === 'long').map((e) => e.total);
  (fit.rValue.long_total as number[]).forEach((v, k) =>
    console.log(agreement(`long total x${k + 1}`, long[k], v)),
  );
}
await r.close();

if (only === undefined || only === 'dynamic') {
  // The county scale, ours alone (the dense R reference would take minutes): one warm-up call, one timed.
  const w = queenGrid(50, 57);
  const data = dynamicSdmPanel(w, T + 1);
  timeOnce(() => dynamicSpatialModel(data.panel, dynamicOptions(freshCopy(w))));
  const t = timeOnce(() => dynamicSpatialModel(data.panel, dynamicOptions(freshCopy(w))));
  const rho = t.value.coefficients.find((c) => c.term === 'rho')!.estimate;
  // Single-threaded: on an idle machine wall ≈ CPU; under load (the 1-minute average is printed) the
  // wall time also counts the time the process waited for a core, so the goal is judged on both.
  const verdict = (ms: number) => (ms < 30_000 ? 'met' : 'NOT met');
  console.log(
    `\ndynamic SDM at N = ${w.n} (${w.label}), T = ${T}: ${(t.wallMs / 1000).toFixed(1)} s wall (goal < 30 s: ${verdict(t.wallMs)}), ${(t.cpuMs / 1000).toFixed(1)} s CPU (${verdict(t.cpuMs)}); ρ = ${rho.toFixed(4)}; load ${loadAverage().toFixed(2)} on ${availableParallelism()} cores`,
  );
}
