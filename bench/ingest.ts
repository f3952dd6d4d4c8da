/**
 * npm run bench:ingest — a generated 1,000,000-record patent export (CSV, PatSnap-style headers)
 * parsed, classified, attributed, de-duplicated and counted by the patent-export layout.
 * Goal: under 60 s and under 1 GB peak resident memory. `--records N` to change the size.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { ingestFile } from '../ingest';
import { loadTaxonomy } from '../ingest/taxonomy';
import { provinces } from '../regions/provinces';

const arg = process.argv.indexOf('--records');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;

const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
const path = join(dir, 'export.csv');
const techs = loadTaxonomy().layers.flatMap((l) => l.technologies);
const ps = provinces();
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;

let year = 2011;
const t0 = performance.now();
const out = createWriteStream(path);
out.write('公开(公告)号,申请号,申请日,IPC主分类,IPC分类号,标题,摘要,申请人,申请人地址,申请人省份\n');
for (let i = 0; i < N; i++) {
  const t = techs[Math.floor(rand() * techs.length)];
  const p = ps[Math.floor(rand() * ps.length)];
  // ~3 % are second publications (B) of the previous application: same number and year.
  const dup = i > 0 && rand() < 0.03;
  if (!dup) year = 2011 + Math.floor(rand() * 11);
  const app = dup ? i - 1 : i;
  const line =
    `CN${100000000 + i}A,CN${year}1${String(app).padStart(7, '0')}.1,${year}-06-15,${t.ipc[0]},${t.ipc.join('; ')},` +
    `一种基于${t.keywords[0]}的方法,本发明公开了一种${t.name_zh}相关的方法、装置和存储介质。,` +
    `${p.nameZh}某科技有限公司,${p.nameZh}某区某路1号,${rand() < 0.5 ? p.nameZh : ''}\n`;
  if (!out.write(line)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
const generated = performance.now() - t0;
const { size } = await stat(path);

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const t1 = performance.now();
const r = await ingestFile(path, 'patent-export', { options: { years: [2011, 2021] } });
const seconds = (performance.now() - t1) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const total = r.observations.filter((o) => o.variable === 'patents_ai').reduce((a, o) => a + o.value, 0);
await rm(dir, { recursive: true });

console.log(
  [
    `records          ${N.toLocaleString('en')} (${(size / 1e6).toFixed(0)} MB CSV, generated in ${(generated / 1000).toFixed(1)} s)`,
    `AI patents counted ${total.toLocaleString('en')} (after de-duplication)`,
    `parse+count time ${seconds.toFixed(1)} s   (goal < 60 s: ${seconds < 60 ? 'met' : 'MISSED'})`,
    `peak RSS         ${(peak / 2 ** 20).toFixed(0)} MiB (goal < 1024 MiB: ${peak < 2 ** 30 ? 'met' : 'MISSED'})`,
  ].join('\n'),
);
