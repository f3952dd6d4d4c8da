/**
 * The ingestion identity check: what ingestion gives for generated files at a size where speed-ups
 * show (a 200,000-record patent export of the benchmark's shape, another of every record kind the
 * layout distinguishes, a tidy panel and a grid CSV), for bad files (their error messages) and for
 * every bundled input (data/sample), as a digest per file of its observations in order, its notes or
 * its error. Run it before and after a change to ingestion: the digests must be equal.
 *
 *   npx tsx bench/ingest-identity.ts --save before.json [--records 200000] [--dump dir]
 *   npx tsx bench/ingest-identity.ts --compare before.json
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFile, ingestManifest, parseLayoutDeclarations, type IngestedFile } from '../ingest';
import { gridLines, patentLines, patentVarietyLines, tidyLines, writeLines } from './ingest-files';

const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const records = Number(flag('--records') ?? 200_000);
const dump = flag('--dump');

const TIDY_OPTIONS = {
  province: 'province',
  year: 'year',
  columns: { v1: { variable: 'gdp', unit: '亿元' }, v7: { variable: 'population', unit: '万人' } },
};

type Outcome = { observations: number; notes: string[]; digest: string } | { error: string };

function outcome(name: string, r: Pick<IngestedFile, 'observations' | 'notes'>): Outcome {
  const lines = r.observations.map((o) => JSON.stringify(o)).join('\n');
  if (dump) {
    mkdirSync(dump, { recursive: true });
    writeFileSync(join(dump, `${name.replace(/[^\w.-]+/g, '_')}.jsonl`), lines);
  }
  return {
    observations: r.observations.length,
    notes: r.notes,
    digest: createHash('sha256').update(lines).digest('hex'),
  };
}

async function attempt(name: string, run: () => Promise<Pick<IngestedFile, 'observations' | 'notes'>>) {
  try {
    return outcome(name, await run());
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

const results: Record<string, Outcome> = {};
const dir = await mkdtemp(join(tmpdir(), 'ingest-identity-'));
try {
  const grid = parseLayoutDeclarations(
    JSON.parse(
      readFileSync(new URL('../data/sample/layouts/owid-country-year.json', import.meta.url), 'utf8'),
    ),
    'owid-country-year.json',
  );
  const files: [string, Iterable<string>, (path: string) => Promise<IngestedFile>][] = [
    [
      'patents.csv',
      patentLines(records),
      (p) => ingestFile(p, 'patent-export', { options: { years: [2011, 2021] } }),
    ],
    ['patent-variety.csv', patentVarietyLines(records), (p) => ingestFile(p, 'patent-export')],
    ['tidy.csv', tidyLines(20e6), (p) => ingestFile(p, 'tidy-csv', { options: TIDY_OPTIONS })],
    ['grid.csv', gridLines(20e6), (p) => ingestFile(p, 'owid-robot-installations', { declarations: grid })],
  ];
  for (const [name, lines, ingest] of files) {
    const path = join(dir, name);
    await writeLines(path, lines);
    results[name] = await attempt(name, () => ingest(path));
    process.stderr.write(`${name}: ${JSON.stringify(results[name]).slice(0, 160)}\n`);
  }
  // Bad files: the message (file, line, what was expected) must not change either.
  const header = '公开(公告)号,申请号,申请日,IPC主分类,IPC分类号,标题,摘要,申请人,申请人地址,申请人省份\n';
  const bad: [string, string | Buffer][] = [
    [
      'year-clash.csv',
      `${header}A1,CN201110000001.1,2011-01-01,G06N3/08,,t,,x,,北京\nA2,CN201110000001.1,2012-01-01,G06N3/08,,t,,x,,北京\n`,
    ],
    ['bad-date.csv', `${header}A1,CN201110000001.1,2011-13-45,G06N3/08,,t,,x,,北京\n`],
    ['empty-number.csv', `${header}A1,,2011-01-01,G06N3/08,,t,,x,,北京\n`],
    [
      'invalid-utf8.csv',
      Buffer.concat([
        Buffer.from(`${header}A1,CN1,2011-01-01,G06N3/08,,`),
        Buffer.from([0xb1, 0xb1, 0xbe, 0xa9]),
        Buffer.from(',,x,,北京\n'),
      ]),
    ],
    [
      'unclosed-quote.csv',
      `${header}A1,CN1,2011-01-01,"G06N3/08,,t,,x,,北京\nA2,CN2,2011-01-01,G06N3/08,,t,,x,,北京\n`,
    ],
  ];
  for (const [name, content] of bad) {
    const path = join(dir, name);
    await writeFile(path, content);
    results[name] = await attempt(name, () => ingestFile(path, 'patent-export'));
  }
  for (const f of await ingestManifest(new URL('../data/sample', import.meta.url).pathname))
    results[`sample/${f.name}`] = outcome(`sample/${f.name}`, f);
} finally {
  await rm(dir, { recursive: true, force: true });
}

const save = flag('--save');
const compare = flag('--compare');
if (save) writeFileSync(save, `${JSON.stringify(results, null, 1)}\n`);
for (const [name, r] of Object.entries(results))
  console.log(
    `${name}: ${'error' in r ? `error ${r.error}` : `${r.observations} observations ${r.digest.slice(0, 16)}`}`,
  );
if (compare) {
  const before = JSON.parse(readFileSync(compare, 'utf8')) as Record<string, Outcome>;
  const names = new Set([...Object.keys(before), ...Object.keys(results)]);
  const differ = [...names].filter((n) => JSON.stringify(before[n]) !== JSON.stringify(results[n]));
  if (differ.length) {
    for (const n of differ)
      console.log(
        `DIFFERS ${n}\n  before ${JSON.stringify(before[n])}\n  now    ${JSON.stringify(results[n])}`,
      );
    process.exitCode = 1;
  } else console.log(`identical: all ${names.size} files give the same observations, notes and errors`);
}
