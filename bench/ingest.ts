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
 *
 * Each measurement runs in a fresh process, so its peak resident memory (getrusage maxrss) is its own.
 * The bare pass streams the file through csv-parse and counts records, nothing else.
 * Goals: peak RSS under 500 MiB whatever the file size; time within 2× the bare pass.
 *
 *   npm run bench:ingest [-- --tidy-mb 1000 --records 3000000 --grid-mb 300] [-- --only zip]
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { readFileSync } from 'node:fs';
import { ingestFile, parseLayoutDeclarations } from '../ingest';
import { spacesDeflated, writeZip } from '../tests/helpers/zip';
import { loadTaxonomy } from '../ingest/taxonomy';
import { provinces } from '../regions/provinces';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

interface Measured {
  seconds: number;
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
  const t0 = performance.now();
  let detail: string;
  if (kind === 'bare') {
    let records = 0;
    const parser = createReadStream(path).pipe(parse({ relax_column_count: true, comment: '#' }));
    for await (const _ of parser) records += 1;
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
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ seconds, peakMiB, detail })}\n`);
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

async function writeLines(path: string, lines: Iterable<string>) {
  const out = createWriteStream(path);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

function* tidyLines(targetBytes: number) {
  // Wide enough that ~9,000 distinct years reach 1 GB (a year is four digits, the layout checks).
  const columns = 360;
  const header = `province,year,${Array.from({ length: columns }, (_, i) => `v${i + 1}`).join(',')}\n`;
  yield header;
  let bytes = Buffer.byteLength(header);
  const ps = provinces();
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  // The study's years first (they are kept), then other four-digit years (read and skipped).
  const study = Array.from({ length: 11 }, (_, i) => 2011 + i);
  const others = Array.from({ length: 9000 }, (_, i) => 1000 + i).filter((y) => !study.includes(y));
  for (const year of [...study, ...others]) {
    if (bytes >= targetBytes) return;
    for (const p of ps) {
      const values = Array.from({ length: columns }, () => (rand() * 1e5).toFixed(4));
      const line = `${p.nameZh},${year},${values.join(',')}\n`;
      bytes += Buffer.byteLength(line);
      yield line;
    }
  }
}

function* patentLines(records: number) {
  const techs = loadTaxonomy().layers.flatMap((l) => l.technologies);
  const ps = provinces();
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  yield '公开(公告)号,申请号,申请日,IPC主分类,IPC分类号,标题,摘要,申请人,申请人地址,申请人省份\n';
  let year = 2011;
  let province = ps[0];
  for (let i = 0; i < records; i++) {
    const t = techs[Math.floor(rand() * techs.length)];
    // ~3 % are second publications (B) of the previous application: same number, year and applicant.
    const dup = i > 0 && rand() < 0.03;
    if (!dup) {
      year = 2011 + Math.floor(rand() * 11);
      province = ps[Math.floor(rand() * ps.length)];
    }
    const app = dup ? i - 1 : i;
    yield (
      `CN${100000000 + i}A,CN${year}1${String(app).padStart(7, '0')}.1,${year}-06-15,${t.ipc[0]},${t.ipc.join('; ')},` +
      `一种基于${t.keywords[0]}的方法,本发明公开了一种${t.name_zh}相关的方法、装置和存储介质。,` +
      `${province.nameZh}某科技有限公司,${province.nameZh}某区某路1号,${rand() < 0.5 ? province.nameZh : ''}\n`
    );
  }
}

/** Entity, Code, Year, value rows, China's somewhere in the middle (OWID sorts by entity). */
function* gridLines(targetBytes: number) {
  yield 'Entity,Code,Year,Annual industrial robots installed\n';
  const years = Array.from({ length: 200 }, (_, i) => 1900 + i);
  const entities = Math.ceil(targetBytes / (years.length * 36));
  for (let e = 0; e < entities; e++) {
    const name = e === Math.floor(entities / 2) ? 'China' : `Entity ${String(e).padStart(6, '0')}`;
    for (const y of years) yield `${name},E${e},${y},${(e * 7919 + y) % 100000}\n`;
  }
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

function report(title: string, size: number, bare: Measured, ours: Measured) {
  const ratio = ours.seconds / bare.seconds;
  console.log(
    [
      `${title} (${(size / 1e6).toFixed(0)} MB)`,
      `  bare csv-parse  ${bare.seconds.toFixed(1).padStart(7)} s  ${bare.peakMiB.toFixed(0).padStart(5)} MiB peak  (${bare.detail})`,
      `  aicarbon ingest ${ours.seconds.toFixed(1).padStart(7)} s  ${ours.peakMiB.toFixed(0).padStart(5)} MiB peak  (${ours.detail})`,
      `  time ratio ${ratio.toFixed(2)}× the bare pass (goal ≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'}); ` +
        `peak RSS ${ours.peakMiB.toFixed(0)} MiB (goal < 500 MiB: ${ours.peakMiB < 500 ? 'met' : 'MISSED'})`,
    ].join('\n'),
  );
}

const measureAt = process.argv.indexOf('--measure');
if (measureAt > 0) {
  await measure(process.argv[measureAt + 1], process.argv[measureAt + 2]);
} else {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  try {
    if (only !== 'zip') {
      const tidy = join(dir, 'panel.csv');
      await writeLines(tidy, tidyLines(arg('--tidy-mb', 1000) * 1e6));
      const patents = join(dir, 'export.csv');
      await writeLines(patents, patentLines(arg('--records', 3_000_000)));
      report('tidy CSV', (await stat(tidy)).size, run('bare', tidy), run('tidy', tidy));
      report('patent export', (await stat(patents)).size, run('bare', patents), run('patents', patents));
      const grid = join(dir, 'owid.csv');
      await writeLines(grid, gridLines(arg('--grid-mb', 300) * 1e6));
      report('declared grid CSV', (await stat(grid)).size, run('bare', grid), run('grid', grid));
    }
    await zipBombs(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
