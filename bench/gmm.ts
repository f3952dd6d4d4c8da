/**
 * npm run bench:gmm — two-step system GMM (N = 1,000 firms × 11 years by default, y on L.y and x, GMM
 * instruments y lags 2–99, time effects) against plm's pgmm, paired as bench/harness.ts describes. Two
 * pairings, each in a fresh process so that both sides' first call is a first call (ours: cold JIT; R:
 * the first pgmm call after plm is loaded):
 *   pgmm    ours: systemGmm (fit, Windmeijer SEs, AR and Hansen/Sargan tests) — R: pgmm alone;
 *   robust  the same ours — R: pgmm + summary(robust = TRUE) (Windmeijer SEs, mtest, Sargan).
 * Goals (issue: performance): < 1 × pgmm alone and ≤ 0.5 × pgmm + summary(robust = TRUE), first call
 * included. Flags: --rounds N (default 5), --units N, --pairing pgmm|robust (one pairing, this process).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemGmm, type GmmOptions } from '../econometrics/gmm/pgmm';
import { gmmColumns, writeColumns } from './data';
import { agreement, loadAverage, pair, report, roundsArg, RSession } from './harness';

const rounds = roundsArg(5);
const arg = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const units = Number(arg('--units') ?? 1000);
const which = arg('--pairing');

if (!which) {
  console.log(
    `bench:gmm — N = ${units} × 11, ${rounds} rounds per pairing; load at start ${loadAverage().toFixed(2)}`,
  );
  for (const p of ['pgmm', 'robust']) {
    const child = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--pairing',
        p,
        '--rounds',
        String(rounds),
        '--units',
        String(units),
      ],
      { stdio: 'inherit' },
    );
    if (child.status) process.exitCode = child.status;
  }
} else {
  const { cols, panel } = gmmColumns(units, 11);
  const dir = mkdtempSync(join(tmpdir(), 'aicarbon-bench-gmm-'));
  writeColumns(join(dir, 'gmm.csv'), cols);
  const options: GmmOptions = {
    y: 'y',
    regressors: [
      { variable: 'y', lags: [1] },
      { variable: 'x', lags: [0] },
    ],
    gmmInstruments: [{ variable: 'y', lags: [2, 99] }],
  };
  const r = await RSession.start(fileURLToPath(new URL('gmm.R', import.meta.url)), [join(dir, 'gmm.csv')]);
  const label =
    which === 'pgmm'
      ? `system GMM, N = ${units} x 11: ours (fit, SEs, tests) vs pgmm alone`
      : `system GMM, N = ${units} x 11: ours vs pgmm + summary(robust = TRUE)`;
  const p = await pair(label, () => systemGmm(panel, options), r, which, rounds);
  console.log(`\n${report(p)}`);
  const c = p.oursValue.coefficients;
  console.log(agreement('L.y', c[0].estimate, (p.rValue.b as number[])[0]));
  console.log(agreement('x', c[1].estimate, (p.rValue.b as number[])[1]));
  if (which === 'robust') {
    console.log(agreement('L.y robust SE', c[0].std_error, (p.rValue.se as number[])[0]));
    console.log(agreement('AR(2)', p.oursValue.statistics.ar2_z, p.rValue.ar2 as number));
    console.log(agreement('Sargan (plm: Hansen)', p.oursValue.statistics.hansen, p.rValue.sargan as number));
  }
  await r.close();
}
