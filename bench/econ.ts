/**
 * npm run bench:econ — the linear core against R, paired as bench/harness.ts describes (same in-memory
 * data, same warm-up, median of interleaved rounds, load printed):
 *  1. entity FE with clustered SEs on a generated panel of 3,000 units × 11 years, 5 regressors (ours:
 *     the estimate call on a Panel in memory; R: plm within + vcovHC arellano on a pdata.frame in memory);
 *  2. mediation with the 2,000-replicate cluster bootstrap of a·b on the 30 × 11 province fixture (ours:
 *     the estimate call; R: the three plm fits with clustered SEs and the same bootstrap algorithm in base
 *     R — per-entity cross-products once, replicate normal equations as draw counts times them — on the
 *     same entity draws, so both produce the same replicates and intervals).
 * Flags: --rounds N (default 5).
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mt19937 from '@stdlib/random-base-mt19937';
import { parse } from 'csv-parse/sync';
import { estimate } from '../econometrics/estimate';
import { modelFrame } from '../econometrics/frame';
import { Panel } from '../panel';
import { fePanelRows, writeColumns } from './data';
import { agreement, loadAverage, pair, report, roundsArg, RSession } from './harness';

const rounds = roundsArg(5);
const REPS = 2000;
const SEED = 1;
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'aicarbon-bench-econ-'));

const rows = fePanelRows(3000, 11, 5);
const cols = Object.keys(rows[0]);
writeFileSync(
  join(dir, 'panel.csv'),
  [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n'),
);
const bigPanel = Panel.fromRows(rows, { entity: 'id', time: 'year' });
// plm's convention (cluster factor with K = slopes), so the SEs are comparable with vcovHC type "sss".
const feSpec = {
  estimator: 'fe',
  y: 'y',
  x: ['x1', 'x2', 'x3', 'x4', 'x5'],
  vce: 'cluster',
  convention: 'plm',
};

const C = ['ED', 'ER', 'ECS', 'WF', 'OPEN'];
const medSpec = {
  estimator: 'mediation',
  y: 'CI',
  x: ['AIT', ...C],
  mediator: 'EE',
  vce: 'cluster',
  bootstrap: { reps: REPS, seed: SEED },
};
const provRows = parse(readFileSync(join(root, 'tests/fixtures/provinces30.csv')), {
  columns: true,
}) as Record<string, string>[];
const provPanel = Panel.fromRows(provRows, { entity: 'province', time: 'year' });
// The model frame the bootstrap resamples, and its draws, for R (the generator's stream as in
// econometrics/mediation.ts: one MT19937 draw per entity slot, floor(u/2³² · G)).
const frame = modelFrame(provPanel, ['CI', 'EE', 'AIT', ...C]);
writeColumns(join(dir, 'frame.csv'), {
  g: Array.from(frame.entityCodes, (c) => c + 1),
  t: Array.from(frame.timeCodes, (c) => c + 1),
  ...Object.fromEntries(['CI', 'EE', 'AIT', ...C].map((v) => [v, frame.columns.get(v)!])),
});
const rng = mt19937.factory({ seed: SEED });
const draws: string[] = [];
for (let r = 0; r < REPS; r++) {
  const line: number[] = [];
  for (let g = 0; g < frame.ngroups; g++) line.push(Math.floor((rng() / 4294967296) * frame.ngroups) + 1);
  draws.push(line.join(' '));
}
writeFileSync(join(dir, 'draws.txt'), draws.join('\n'));

console.log(`bench:econ — ${rounds} rounds per pairing; load at start ${loadAverage().toFixed(2)}`);
const r = await RSession.start(fileURLToPath(new URL('econ.R', import.meta.url)), [dir]);

const fe = await pair(
  'FE + clustered SE, 3,000 x 11, 5 regressors',
  () => estimate(bigPanel, feSpec),
  r,
  'fe',
  rounds,
);
console.log(report(fe));
const slopes = fe.oursValue.coefficients.filter((c) => c.term !== '_cons');
slopes.forEach((c, j) => {
  console.log(agreement(`${c.term} estimate`, c.estimate, (fe.rValue.b as number[])[j], 1e-8));
  console.log(agreement(`${c.term} std. error`, c.std_error, (fe.rValue.se as number[])[j], 1e-8));
});

const boot = await pair(
  `mediation + ${REPS}-replicate cluster bootstrap, 30 x 11`,
  () => estimate(provPanel, medSpec),
  r,
  'boot',
  rounds,
);
console.log(`\n${report(boot)}`);
const s = boot.oursValue.statistics;
console.log(agreement('a*b', s.indirect, boot.rValue.ab as number, 1e-10));
console.log(agreement('boot CI lower', s.boot_ci_lower, boot.rValue.ci_lower as number, 1e-10));
console.log(agreement('boot CI upper', s.boot_ci_upper, boot.rValue.ci_upper as number, 1e-10));
console.log(agreement('boot SD', s.boot_sd, boot.rValue.sd as number, 1e-10));
await r.close();
