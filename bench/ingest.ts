/**
 * npm run bench:ingest — ingestion at size, against a bare csv-parse pass over the same file measured
 * in the same run:
 *
 * - a generated 1 GB tidy CSV (a wide long panel: 30 provinces × ~8,800 "years" × 360 columns, of
 *   which three are mapped and the study's years kept), read by the tidy-csv layout;
 * - a generated 3,000,000-record patent export (CSV, PatSnap-style headers, ~3 % repeated application
 *   numbers), parsed, classified, attributed, de-duplicated and counted by the patent-export layout;
 * - a generated 300 MB Our World in Data grapher CSV (Entity, Code, Year, value: ~40,000 entities × 200
 *   years) read by a declared grid layout keeping one entity's rows (data/sample's owid-country-year);
 * - zip bombs posing as workbooks: a 3.7 MB `.xlsx` declaring 3.9 GB (honest headers) and a 1.5 MB one
 *   declaring 1 MB that would inflate to 1.5 GB (lying headers), read by a yearbook layout and by the
 *   streamed patent export: refused, with the time and peak memory it took to refuse them.
 * (bench/ingest-files.ts generates the files, seeded.)
 *
 * The bare pass is csv-parse's stream over the file's bytes, counting records in its 'data' events
 * and doing nothing else: the cheapest ordinary use of the library. Each measurement runs in a fresh
 * process (its peak resident memory, getrusage maxrss, is its own; the process start is not timed),
 * in interleaved rounds — bare, ours, bare, ours, … — so drifting machine load hits both alike; each
 * side's figure is the median over rounds of wall time and of CPU time (user + system, the steadier
 * figure on a busy machine), the ratio is ours / bare of the medians, with the range of the per-round
 * ratios; the 1-minute load average is printed before and after each file.
 * Goals: peak RSS under 500 MiB whatever the file size; time within 2× the bare pass.
 *
 *   npm run bench:ingest [-- --tidy-mb 1000 --records 3000000 --grid-mb 300 --rounds 3]
 *                        [-- --size 0.1] (every file at a tenth of its size) [-- --only tidy|patents|grid|zip]
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { ingestFile, parseLayoutDeclarations } from '../ingest';
import { spacesDeflated, writeZip } from '../tests/helpers/zip';
import { loadAverage, median } from './harness';
import { gridLines, patentLines, tidyLines, writeLines } from './ingest-files';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

interface Measured {
  seconds: number;
  cpuSeconds: number;
  peakMiB: number;
  detail: string;
}

const TIDY_OPTIONS = {
  province: 'province',
  year: 'year',
  columns: {
    v1: { variable: 'gdp', unit: '亿元' },
    v2: { variable: 'population', unit: '万人' },
    v3: { variable: 'energy_total', unit: '万吨标准煤' },
  },
  years: [2011, 2021],
};

/** One measurement, in this (child) process: prints a JSON line. */
async function measure(kind: string, path: string) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let detail: string;
  if (kind === 'bare') {
    let records = 0;
    const parser = createReadStream(path).pipe(parse({ relax_column_count: true, comment: '#' }));
    parser.on('data', () => (records += 1));
    await new Promise((resolve, reject) => parser.on('end', resolve).on('error', reject));
    detail = `${records.toLocaleString('en')} records`;
  } else if (kind === 'tidy') {
    const r = await ingestFile(path, 'tidy-csv', { options: TIDY_OPTIONS });
    detail = `${r.observations.length.toLocaleString('en')} observations`;
  } else if (kind.startsWith('bomb:')) {
    const layout = kind.slice('bomb:'.length);
    const error = await ingestFile(path, layout, {
      options: layout === 'patent-export' ? { years: [2011, 2021] } : {},
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    if (!error || error.name !== 'InputError')
      throw new Error(`${path} was not refused as bad input: ${error?.message}`);
    detail = `refused: ${error.message}`;
  } else if (kind === 'grid') {
    const file = new URL('../data/sample/layouts/owid-country-year.json', import.meta.url);
    const declarations = parseLayoutDeclarations(JSON.parse(readFileSync(file, 'utf8')), file.pathname);
    const r = await ingestFile(path, 'owid-robot-installations', { declarations });
    detail = `${r.observations.length.toLocaleString('en')} observations (the China rows)`;
  } else {
    const r = await ingestFile(path, 'patent-export', { options: { years: [2011, 2021] } });
    const total = r.observations.filter((o) => o.variable === 'patents_ai').reduce((a, o) => a + o.value, 0);
    detail = `${total.toLocaleString('en')} AI patents counted; ${r.notes.join(' ')}`;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `${JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakMiB, detail })}\n`,
  );
}

function run(kind: string, path: string): Measured {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure', kind, path],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  if (r.status !== 0) throw new Error(`${kind} on ${path} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function reportBomb(title: string, size: number, m: Measured) {
  console.log(
    `${title} (${(size / 1e6).toFixed(1)} MB file)\n` +
      `  ${m.seconds.toFixed(2)} s, ${m.peakMiB.toFixed(0)} MiB peak: ${m.detail}`,
  );
}

async function zipBombs(dir: string) {
  const sheet = 'xl/worksheets/sheet1.xml';
  const honest = join(dir, 'honest.xlsx');
  const big = spacesDeflated(3700);
  const honestSize = await writeZip(honest, [{ name: sheet, data: big.data, uncompressed: big.size }]);
  const lying = join(dir, 'lying.xlsx');
  const hidden = spacesDeflated(1500);
  const lyingSize = await writeZip(lying, [{ name: sheet, data: hidden.data, uncompressed: 1_000_000 }]);
  for (const layout of ['csy-gdp', 'patent-export']) {
    reportBomb(`zip bomb, honest headers, as ${layout}`, honestSize, run(`bomb:${layout}`, honest));
    reportBomb(`zip bomb, lying headers, as ${layout}`, lyingSize, run(`bomb:${layout}`, lying));
  }
}

/** Interleaved rounds of the bare pass and ours over one file, reported as medians and ratios. */
function pairing(title: string, kind: string, path: string, size: number, rounds: number) {
  const loadBefore = loadAverage();
  const bare: Measured[] = [];
  const ours: Measured[] = [];
  for (let i = 0; i < rounds; i++) {
    bare.push(run('bare', path));
    ours.push(run(kind, path));
    process.stderr.write(
      `  ${title}, round ${i + 1}/${rounds}: bare ${bare[i].seconds.toFixed(1)} s, ours ${ours[i].seconds.toFixed(1)} s\n`,
    );
  }
  const loadAfter = loadAverage();
  const med = (ms: Measured[], f: (m: Measured) => number) => median(ms.map(f));
  const wall = (m: Measured) => m.seconds;
  const cpu = (m: Measured) => m.cpuSeconds;
  const range = (f: (m: Measured) => number) => {
    const rs = ours.map((o, i) => f(o) / f(bare[i]));
    return `${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)}`;
  };
  const wallRatio = med(ours, wall) / med(bare, wall);
  const cpuRatio = med(ours, cpu) / med(bare, cpu);
  const peak = Math.max(...ours.map((m) => m.peakMiB));
  const line = (name: string, ms: Measured[]) =>
    `  ${name} ${med(ms, wall).toFixed(1).padStart(7)} s wall ${med(ms, cpu).toFixed(1).padStart(7)} s CPU ` +
    `${Math.max(...ms.map((m) => m.peakMiB))
      .toFixed(0)
      .padStart(5)} MiB peak  (${ms[0].detail})`;
  console.log(
    [
      `${title} (${(size / 1e6).toFixed(0)} MB; ${rounds} interleaved round${rounds > 1 ? 's' : ''}, medians; ` +
        `load ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${availableCores} cores)`,
      line('bare csv-parse ', bare),
      line('aicarbon ingest', ours),
      `  CPU ratio ${cpuRatio.toFixed(2)}× (rounds ${range(cpu)}), wall ratio ${wallRatio.toFixed(2)}× ` +
        `(rounds ${range(wall)}) the bare pass (goal ≤ 2×: ${Math.max(cpuRatio, wallRatio) <= 2 ? 'met' : cpuRatio <= 2 ? 'met on CPU' : 'MISSED'}); ` +
        `peak RSS ${peak.toFixed(0)} MiB (goal < 500 MiB: ${peak < 500 ? 'met' : 'MISSED'})`,
    ].join('\n'),
  );
}

const availableCores = availableParallelism();
const measureAt = process.argv.indexOf('--measure');
if (measureAt > 0) {
  await measure(process.argv[measureAt + 1], process.argv[measureAt + 2]);
} else {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const rounds = arg('--rounds', 3);
  const size = arg('--size', 1);
  const wanted = (what: string) => only === undefined || only === what;
  try {
    if (wanted('tidy')) {
      const tidy = join(dir, 'panel.csv');
      await writeLines(tidy, tidyLines(arg('--tidy-mb', 1000 * size) * 1e6));
      pairing('tidy CSV (tidy-csv layout)', 'tidy', tidy, (await stat(tidy)).size, rounds);
      await rm(tidy);
    }
    if (wanted('patents')) {
      const patents = join(dir, 'export.csv');
      const records = arg('--records', Math.round(3_000_000 * size));
      await writeLines(patents, patentLines(records));
      const title = `patent export, ${records.toLocaleString('en')} records (patent-export layout)`;
      pairing(title, 'patents', patents, (await stat(patents)).size, rounds);
      await rm(patents);
    }
    if (wanted('grid')) {
      const grid = join(dir, 'owid.csv');
      await writeLines(grid, gridLines(arg('--grid-mb', 300 * size) * 1e6));
      pairing('declared grid CSV (owid-country-year layout)', 'grid', grid, (await stat(grid)).size, rounds);
      await rm(grid);
    }
    if (wanted('zip')) await zipBombs(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
