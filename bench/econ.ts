/**
 * npm run bench:econ — the linear core against R, paired as bench/harness.ts describes (same in-memory
 * data, same warm-up, median of interleaved rounds, load printed):
 *  1. entity FE with clustered SEs on a generated panel of 3,000 units × 11 years, 5 regressors (ours:
 *     the estimate call on a Panel in memory; R: plm within + vcovHC arellano on a pdata.frame in memory);
 *  2. mediation with the 2,000-replicate cluster bootstrap of a·b on the 30 × 11 province fixture (ours:
 *     the estimate call; R: the three plm fits with clustered SEs and the same bootstrap algorithm in base
 *     R — per-entity cross-products once, replicate normal equations as draw counts times them — on the
 *     same entity draws, so both produce the same replicates and intervals);
 *  3. the wild cluster restricted bootstrap of AIT with 9,999 Webb draws on the 30 × 11 province FE panel
 *     (G = 30; ours: the estimate call with the FE fit, clustered SEs, cluster diagnostics and the
 *     closed-form WCR with its test-inversion interval; R: the explicit WCR of reference/lib/wild.R, which
 *     refits every draw by QR, with the same interval search) on the same draws (ours drawn by MT19937 and
 *     handed to both), so p-values and interval ends must agree; and the draws' own cost;
 *  4. the same on the 8 Central provinces with Rademacher weights, all 2^8 = 256 sign vectors enumerated
 *     (deterministic on both sides).
 * Goal (issue #13): ratio < 1, and under 100 ms for 9,999 draws at G = 30.
 * Flags: --rounds N (default 5); --only wcr (pairings 3 and 4 alone).
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mt19937 from '@stdlib/random-base-mt19937';
import { parse } from 'csv-parse/sync';
import { estimate } from '../econometrics/estimate';
import { wildDraws } from '../econometrics/inference/wild-bootstrap';
import { modelFrame } from '../econometrics/frame';
import { Panel } from '../panel';
import { fePanelRows, writeColumns } from './data';
import { agreement, loadAverage, median, pair, report, roundsArg, RSession, timeOnce } from './harness';

const rounds = roundsArg(5);
const onlyWcr = process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === 'wcr';
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

// The WCR's 9,999 Webb draws, one line per draw, clusters (provinces) in the order of the header.
const WILD = { reps: 9999, weights: 'webb' as const, seed: 1, level: 0.95 };
const wcrVars = ['CI', 'AIT', ...C];
const provinces = [
  ...new Set(
    provRows.filter((r) => wcrVars.every((v) => r[v] !== '' && r[v] !== 'NA')).map((r) => r.province),
  ),
];
const webb = wildDraws(provinces.length, WILD);
writeFileSync(
  join(dir, 'wild.csv'),
  [
    provinces.join(','),
    ...Array.from({ length: webb.reps }, (_, b) =>
      Array.from(webb.v.subarray(b * provinces.length, (b + 1) * provinces.length)).join(','),
    ),
  ].join('\n'),
);
const wcrSpec = {
  estimator: 'fe',
  y: 'CI',
  x: ['AIT', ...C],
  vce: 'cluster',
  inference: { wild: { ...WILD, terms: ['AIT'] } },
};
const centralSpec = {
  ...wcrSpec,
  subset: { by: 'region', values: ['Central'] },
  inference: { wild: { ...WILD, weights: 'rademacher', terms: ['AIT'] } },
};

console.log(`bench:econ — ${rounds} rounds per pairing; load at start ${loadAverage().toFixed(2)}`);
const r = await RSession.start(fileURLToPath(new URL('econ.R', import.meta.url)), [dir, root]);

if (!onlyWcr) {
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
}

const wildOptions = { wildDraws: { clusters: provinces, weights: webb.v } };
const wcr = await pair(
  'WCR of AIT, 9,999 Webb draws, FE 30 x 11 (G = 30)',
  () => estimate(provPanel, wcrSpec, wildOptions),
  r,
  'wcr30',
  rounds,
);
console.log(`\n${report(wcr)}`);
const ownDraws = Array.from({ length: rounds }, () => timeOnce(() => wildDraws(provinces.length, WILD)));
const drawWall = median(ownDraws.map((t) => t.wallMs));
const drawCpu = median(ownDraws.map((t) => t.cpuMs));
const wcrWall = median(wcr.ours.map((t) => t.wallMs)) + drawWall;
const wcrCpu = median(wcr.ours.map((t) => t.cpuMs)) + drawCpu;
console.log(
  `  drawing the 9,999 x 30 Webb weights (MT19937): wall ${drawWall.toPrecision(3)} ms, cpu ${drawCpu.toPrecision(3)} ms\n` +
    `  goal < 100 ms for 9,999 draws at G = 30 (estimate + drawing): wall ${wcrWall.toPrecision(3)} ms ` +
    `${wcrWall < 100 ? 'yes' : 'NO'}, cpu ${wcrCpu.toPrecision(3)} ms ${wcrCpu < 100 ? 'yes' : 'NO'}`,
);
const w = wcr.oursValue.coefficients.find((c) => c.term === 'AIT')!;
console.log(agreement('wild p', w.p_value_wild!, wcr.rValue.p as number, 1e-12));
console.log(agreement('wild CI lower', w.ci_wild_lower!, wcr.rValue.lower as number, 1e-9));
console.log(agreement('wild CI upper', w.ci_wild_upper!, wcr.rValue.upper as number, 1e-9));
// Our own draws under the same seed are exactly these: the spec alone gives the same numbers.
const own = estimate(provPanel, wcrSpec).coefficients.find((c) => c.term === 'AIT')!;
console.log(agreement('wild p (own draws)', own.p_value_wild!, w.p_value_wild!, 0));

const enumd = await pair(
  'WCR of AIT, Rademacher enumerated (2^8 = 256), FE Central 8 provinces',
  () => estimate(provPanel, centralSpec),
  r,
  'wcr8',
  rounds,
);
console.log(`\n${report(enumd)}`);
const e = enumd.oursValue.coefficients.find((c) => c.term === 'AIT')!;
console.log(
  `  enumerated: ours ${enumd.oursValue.statistics.wild_enumerated === 1 ? 'yes' : 'NO'}, B = ${enumd.oursValue.statistics.wild_reps} (R ${enumd.rValue.reps as number})`,
);
console.log(agreement('wild p', e.p_value_wild!, enumd.rValue.p as number, 1e-12));
console.log(agreement('wild CI lower', e.ci_wild_lower!, enumd.rValue.lower as number, 1e-9));
console.log(agreement('wild CI upper', e.ci_wild_upper!, enumd.rValue.upper as number, 1e-9));
await r.close();
