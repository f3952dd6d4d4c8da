/**
 * The generated inputs of bench:ingest and of the ingestion identity check (bench/ingest-identity.ts):
 * a wide tidy panel, a PatSnap-style patent export, an Our World in Data grid CSV, and a patent export
 * of every kind of record the layout treats differently (for checking results, not for timing).
 * Each generator is seeded, so the same arguments give the same bytes.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadTaxonomy } from '../ingest/taxonomy';
import { provinces } from '../regions/provinces';

export async function writeLines(path: string, lines: Iterable<string>) {
  const out = createWriteStream(path);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** A linear congruential generator in [0, 1): the same seed, the same file. */
const seeded = (seed: number) => () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;

export function* tidyLines(targetBytes: number) {
  // Wide enough that ~9,000 distinct years reach 1 GB (a year is four digits, the layout checks).
  const columns = 360;
  const header = `province,year,${Array.from({ length: columns }, (_, i) => `v${i + 1}`).join(',')}\n`;
  yield header;
  let bytes = Buffer.byteLength(header);
  const ps = provinces();
  const rand = seeded(7);
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

export function* patentLines(records: number) {
  const techs = loadTaxonomy().layers.flatMap((l) => l.technologies);
  const ps = provinces();
  const rand = seeded(12345);
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
export function* gridLines(targetBytes: number) {
  yield 'Entity,Code,Year,Annual industrial robots installed\n';
  const years = Array.from({ length: 200 }, (_, i) => 1900 + i);
  const entities = Math.ceil(targetBytes / (years.length * 36));
  for (let e = 0; e < entities; e++) {
    const name = e === Math.floor(entities / 2) ? 'China' : `Entity ${String(e).padStart(6, '0')}`;
    for (const y of years) yield `${name},E${e},${y},${(e * 7919 + y) % 100000}\n`;
  }
}

const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * A patent export with every case the layout distinguishes, mixed at random: IPC codes spelt with
 * spaces, leading zeros, lower case, full-width forms and every separator; codes of no AI branch;
 * keywords in the title or the abstract, in any case, spanning the two, or in full-width letters and
 * Unicode case traps (the Kelvin sign folds to `k`); quoted fields with commas and line breaks; the
 * province field empty, a code, an English name, a unit outside the study or abroad, with the address
 * (postal code first, English, 陕西/Shaanxi) deciding; application numbers with spaces, dots, `cn`,
 * a check character X, not CNIPA-shaped; dates in every accepted format; repeated applications.
 */
export function* patentVarietyLines(records: number) {
  const taxonomy = loadTaxonomy();
  const techs = taxonomy.layers.flatMap((l) => l.technologies);
  const prefixes = techs.flatMap((t) => t.ipc);
  const keywords = techs.flatMap((t) => t.keywords);
  const ps = provinces();
  const rand = seeded(20261202);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const otherIpc = [
    'A47J27/00',
    'H04W4/00',
    'G06F3/0488',
    'B60W30/00',
    'G01N33/00',
    'C07D',
    'X99Z1/00',
    '12345',
  ];
  const spell = (code: string) => {
    const r = rand();
    if (r < 0.15) return code.replace(/^([A-H]\d{2}[A-Z])(\d)/, '$1 0$2');
    if (r < 0.25) return code.toLowerCase();
    if (r < 0.3) return code.replace(/[A-Z0-9/]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    if (r < 0.35) return ` ${code} `;
    return code;
  };
  const ipcField = () => {
    const n = Math.floor(rand() * 4);
    const codes = Array.from({ length: n }, () =>
      spell(rand() < 0.6 ? pick(prefixes) + '00' : pick(otherIpc)),
    );
    return codes.join(pick(['; ', ';', ',', '，', '；', '|', '\n', ' ; ']));
  };
  const caseOf = (k: string) => {
    const r = rand();
    if (r < 0.2) return k.toUpperCase();
    if (r < 0.3) return k.replace(/k/g, '\u212a'); // the Kelvin sign lower-cases to k
    if (r < 0.35) return k.replace(/i/g, '\u0130'); // İ lower-cases to i + a combining dot
    if (r < 0.4) return k.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    return k;
  };
  const texts = [
    '一种厨房用具',
    '一种车辆座椅',
    'A method of brewing',
    'SYNTHETIC',
    '',
    'Ünïcödé ΑΒΓ Straße',
  ];
  const provinceField = (p: (typeof ps)[number]) =>
    pick([
      '',
      p.nameZh,
      p.nameZh,
      `${p.nameZh}省`,
      p.nameEn,
      p.nameEn.toUpperCase(),
      p.code,
      ` ${p.nameZh} `,
      '香港',
      '美国',
      '西藏',
      'Tibet',
    ]);
  const address = (p: (typeof ps)[number]) =>
    pick([
      `${p.nameZh}某区某路1号`,
      `518000 ${p.nameZh}某市`,
      `${p.nameEn}, Some District`,
      `  ${p.nameEn.toUpperCase()} CITY`,
      '陕西省西安市',
      'Shaanxi, Xi’an',
      'California, USA',
      '香港九龙',
      '',
    ]);
  const date = (year: number) =>
    pick([
      `${year}-06-15`,
      `${year}.6.1`,
      `${year}/12/31`,
      `${year}0228`,
      `${year}年3月5日`,
      `${year}-07`,
      `${year}-01-02 10:20:30`,
    ]);
  yield '公开(公告)号,申请号,申请日,IPC主分类,IPC分类号,标题,摘要,申请人,申请人地址,申请人省份\n';
  let last = { app: '', year: 2011, p: ps[0] };
  for (let i = 0; i < records; i++) {
    const dup = i > 0 && rand() < 0.04;
    const p = dup ? last.p : pick(ps);
    const year = dup ? last.year : 2011 + Math.floor(rand() * 11);
    let app = last.app;
    if (!dup) {
      const r = rand();
      const digits = `${year}1${String(i).padStart(7, '0')}`;
      app =
        r < 0.1
          ? `cn ${digits}.${i % 10}`
          : r < 0.15
            ? `${digits}X`
            : r < 0.2
              ? `PCT/CN${year}/${i}`
              : r < 0.22
                ? `ZL${digits}`
                : `CN${digits}.${i % 10}`;
    }
    last = { app, year, p };
    const k1 = caseOf(pick(keywords));
    const k2 = caseOf(pick(keywords));
    const r = rand();
    let title = pick(texts);
    let abstract = pick(texts);
    if (r < 0.3) title = `一种基于${k1}的方法`;
    else if (r < 0.5) abstract = `本发明公开了${k1}, 以及 "${k2}"\n相关的装置`;
    else if (r < 0.55 && k1.includes(' ')) {
      // a keyword split between the title and the abstract (joined by a space when classifying)
      const at = k1.indexOf(' ');
      title = `一种${k1.slice(0, at)}`;
      abstract = `${k1.slice(at + 1)}装置`;
    }
    const cells = [
      `CN${100000000 + i}${dup ? 'B' : 'A'}`,
      app,
      date(year),
      ipcField(),
      ipcField(),
      title,
      abstract,
      `${p.nameZh}某科技有限公司`,
      address(p),
      provinceField(p),
    ];
    yield `${cells.map(quote).join(',')}\n`;
  }
}
