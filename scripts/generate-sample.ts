/**
 * Generates the SYNTHETIC part of the bundled sample inputs (data/sample/synthetic/), for the variables
 * no public province-year data was found for: AI patent applications and industrial pollution-control
 * investment. Seeded, so the files are reproducible byte for byte:
 *
 *   npx tsx scripts/generate-sample.ts [--seed 20111231]
 *
 * Data-generating process, on the real provinces and their real GDP and industrial value added:
 * - AI patents: a national total growing from 8,000 (2011) through the CNIPA anchor of 46,284 (2017)
 *   to 150,000 (2021), shared out in proportion to GDP^1.4 (innovation concentrates more than output)
 *   with a persistent province effect and yearly log-normal noise; layers are binomial thinnings
 *   (foundation 45 %, technology 30 %, application 55 % of records; a record may be in several).
 * - Pollution-control investment: a national total of about 4.4 million (10k CNY) in 2011 falling to
 *   3.3 million in 2021, shared in proportion to industrial value added with log-normal noise.
 * - The AI patent export (synthetic/ai_patents_export.csv, a PatSnap-style CSV read by the
 *   patent-export layout): the same national path scaled to a few MB, one record per application with
 *   IPC codes and a title of its sub-technology, about 8 % records matching no AI branch, 3 % second
 *   publications of an application (A and B) and 2 % foreign applicants; the province is in the
 *   province column or, for a third of the records, only in the applicant's address.
 * - Yearbook-style workbooks (CSY layouts, years across): tertiary value added = GDP − secondary −
 *   primary, the primary share falling with income; employment = population × a province employment
 *   rate (0.48–0.66) with noise; GFCF = GDP × an investment rate (0.35–0.80, drifting down 1 % a year);
 *   the fixed-asset investment price index = a national cycle plus province noise (sd 0.8).
 * - Robot exposure: a national stock growing from 75,000 (2011) to 1.2 million (2021) per 10k workers,
 *   weighted by the province's industrial share of GDP, with noise.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import normalFactory from '@stdlib/random-base-normal';
import mt19937 from '@stdlib/random-base-mt19937';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { loadTaxonomy } from '../ingest/taxonomy';
import { PROJECT_ROOT } from '../common/config';
import { ingestFile, readManifest } from '../ingest';
import { provinceByCode, provinces } from '../regions/provinces';

const YEARS = Array.from({ length: 11 }, (_, i) => 2011 + i);
const seedArg = process.argv.indexOf('--seed');
const seed = seedArg > 0 ? Number(process.argv[seedArg + 1]) : 20111231;

const sampleDir = join(PROJECT_ROOT, 'data', 'sample');
const uniform = mt19937.factory({ seed });
const normal = normalFactory.factory({ seed: seed + 1 });
const u01 = () => uniform() / 4294967296;

/** Poisson draw (inverse transform for small means, normal approximation for large ones). */
function poisson(mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(0, 1)));
  let k = 0;
  let p = Math.exp(-mean);
  let s = p;
  const u = u01();
  while (u > s) {
    k += 1;
    p *= mean / k;
    s += p;
  }
  return k;
}

function binomial(n: number, p: number): number {
  if (n > 200) return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normal(0, 1))));
  let k = 0;
  for (let i = 0; i < n; i++) if (u01() < p) k += 1;
  return k;
}

async function realSeries(path: string, variable: string): Promise<Map<string, number>> {
  const manifest = await readManifest(sampleDir);
  const entry = manifest.files.find((f) => f.path === path)!;
  const file = await ingestFile(join(sampleDir, path), entry.layout, { name: path, options: entry.options });
  return new Map(
    file.observations.filter((o) => o.variable === variable).map((o) => [`${o.province}/${o.year}`, o.value]),
  );
}

const gdp = await realSeries('real/nbs/gdp_5th_census_gbk.csv', 'gdp');
const industry = await realSeries('real/panels/GTMP.csv', 'industrial_va');
const secondary = await realSeries('real/nbs/secondary_va_gbk.csv', 'secondary_va');
const population = await realSeries('real/panels/pop.csv', 'population');
const codes = provinces().map((p) => p.code);

const nationalPatents = (year: number) => 8000 * Math.pow(150000 / 8000, (year - 2011) / 10);
const nationalInvestment = (year: number) => 4.4e6 - ((4.4e6 - 3.3e6) * (year - 2011)) / 10;
const provinceEffect = new Map(codes.map((c) => [c, normal(0, 0.35)]));

const patentRows: (string | number)[][] = [];
const investmentRows: (string | number)[][] = [];
for (const year of YEARS) {
  const weights = codes.map(
    (c) => Math.pow(gdp.get(`${c}/${year}`)!, 1.4) * Math.exp(provinceEffect.get(c)!),
  );
  const wsum = weights.reduce((a, b) => a + b, 0);
  const iva = codes.map((c) => industry.get(`${c}/${year}`)!);
  const isum = iva.reduce((a, b) => a + b, 0);
  for (const [i, code] of codes.entries()) {
    const total = poisson((nationalPatents(year) * weights[i] * Math.exp(normal(0, 0.15))) / wsum);
    patentRows.push([code, year, total, binomial(total, 0.45), binomial(total, 0.3), binomial(total, 0.55)]);
    const investment = ((nationalInvestment(year) * iva[i]) / isum) * Math.exp(normal(0, 0.3));
    investmentRows.push([code, year, Math.round(investment)]);
  }
}

const banner = (what: string) =>
  `# SYNTHETIC DATA, not observations: ${what}. Generated by scripts/generate-sample.ts --seed ${seed}.\n`;
// The tidy patent counts drawn above (patentRows) were the first sample's patent file; the export
// below replaces it. They are still drawn so that every later draw, and so every other file, stays the
// same for a given seed.
writeFileSync(
  join(sampleDir, 'synthetic', 'pollution_investment.csv'),
  banner('industrial pollution-control investment completed, 10k CNY') +
    stringify(investmentRows, { header: true, columns: ['province', 'year', 'pollution_investment'] }),
);
// ---- PatSnap-style AI patent export --------------------------------------------------------------
const taxonomy = loadTaxonomy();
const techs = taxonomy.layers.flatMap((l) => l.technologies.map((t) => ({ ...t, layer: l.id })));
/** One IPC that makes the record match its technology, and a keyword for the ipc-and-keyword rule. */
const TITLE_TAIL = ['方法', '系统', '装置', '方法及装置', '设备'];
const pick = <T>(xs: readonly T[]) => xs[Math.floor(u01() * xs.length)];
const exportRows: string[][] = [];
let serial = 0;
const EXPORT_SCALE = 0.03; // a few MB: the counts are a scaled copy of the national path above
for (const year of YEARS) {
  const weights = codes.map(
    (c) => Math.pow(gdp.get(`${c}/${year}`)!, 1.4) * Math.exp(provinceEffect.get(c)!),
  );
  const wsum = weights.reduce((a, b) => a + b, 0);
  for (const [i, code] of codes.entries()) {
    const p = provinceByCode(code)!;
    const n = poisson((nationalPatents(year) * EXPORT_SCALE * weights[i] * Math.exp(normal(0, 0.15))) / wsum);
    for (let k = 0; k < n; k++) {
      serial += 1;
      const appNo = `CN${year}1${String(serial).padStart(7, '0')}.${serial % 10}`;
      const date = `${year}-${String(1 + Math.floor(u01() * 12)).padStart(2, '0')}-${String(1 + Math.floor(u01() * 28)).padStart(2, '0')}`;
      const chosen = [pick(techs), ...(u01() < 0.2 ? [pick(techs)] : [])];
      const notAi = u01() < 0.08;
      const ipc = notAi ? ['A47J27/00'] : chosen.map((t) => t.ipc[0]);
      const title = notAi
        ? `一种厨房用具${pick(TITLE_TAIL)}`
        : `一种基于${chosen.map((t) => t.keywords[0]).join('和')}的${pick(TITLE_TAIL)}`;
      const byAddress = u01() < 0.33;
      const foreign = u01() < 0.02;
      const row = [
        `CN${110000000 + serial}A`,
        appNo,
        date,
        ipc[0],
        ipc.join('; '),
        title,
        'SYNTHETIC',
        foreign ? 'Example Inc.' : `${p.nameZh}示例科技有限公司`,
        foreign ? 'California, USA' : `${p.nameZh}示例路${1 + (serial % 99)}号`,
        foreign ? '美国' : byAddress ? '' : p.nameZh,
      ];
      exportRows.push(row);
      // A second publication (grant, B) of the same application: counted once.
      if (u01() < 0.03) exportRows.push([row[0].replace(/A$/, 'B'), ...row.slice(1)]);
    }
  }
}
writeFileSync(
  join(sampleDir, 'synthetic', 'ai_patents_export.csv'),
  banner('an AI patent export in the layout of a commercial portal (PatSnap-style headers)') +
    stringify(exportRows, {
      header: true,
      columns: [
        '公开(公告)号',
        '申请号',
        '申请日',
        'IPC主分类',
        'IPC分类号',
        '标题',
        '摘要',
        '申请人',
        '申请人地址',
        '申请人省份',
      ],
    }),
);

// ---- Yearbook-style workbooks (CSY layout: title, unit line, 地区 + years, spaced names, footnote) -----
async function yearbook(
  file: string,
  title: string,
  unit: string,
  value: (code: string, year: number) => number,
) {
  const wb = new ExcelJS.Workbook();
  wb.title = `SYNTHETIC DATA: ${title}`;
  wb.description = `Generated by scripts/generate-sample.ts --seed ${seed}; not observations.`;
  // Fixed dates so that the same seed writes the same bytes.
  wb.created = wb.modified = new Date(Date.UTC(2026, 0, 1));
  const ws = wb.addWorksheet('SYNTHETIC');
  ws.addRow([`${title}（SYNTHETIC DATA, not observations: scripts/generate-sample.ts --seed ${seed}）`]);
  ws.addRow([`单位：${unit}`]);
  ws.addRow(['地  区', ...YEARS]);
  for (const code of codes) {
    const name = provinceByCode(code)!.nameZh;
    ws.addRow([name.length === 2 ? `${name[0]}  ${name[1]}` : name, ...YEARS.map((y) => value(code, y))]);
  }
  ws.addRow([
    '注：SYNTHETIC DATA generated from a data-generating process on the real provinces; see data/sample/README.md.',
  ]);
  await wb.xlsx.writeFile(join(sampleDir, 'synthetic', file));
}
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const perCapita = (c: string, y: number) => gdp.get(`${c}/${y}`)! / population.get(`${c}/${y}`)!;
const primaryShare = new Map(
  codes.map((c) => [c, Math.min(0.25, Math.max(0.003, 0.6 / perCapita(c, 2011) ** 0.9))]),
);
await yearbook('csy_tertiary_va.xlsx', '第三产业增加值', '亿元', (c, y) => {
  const g = gdp.get(`${c}/${y}`)!;
  const primary = g * primaryShare.get(c)! * Math.pow(0.97, y - 2011) * Math.exp(normal(0, 0.03));
  return round(Math.max(g - secondary.get(`${c}/${y}`)! - primary, 0.2 * g));
});
const employmentRate = new Map(codes.map((c) => [c, 0.48 + 0.18 * u01()]));
await yearbook('csy_employment.xlsx', '就业人员', '万人', (c, y) =>
  round(population.get(`${c}/${y}`)! * employmentRate.get(c)! * Math.exp(normal(0, 0.02)), 1),
);
const investmentRate = new Map(codes.map((c) => [c, 0.35 + 0.45 * u01()]));
await yearbook('csy_gfcf.xlsx', '固定资本形成总额', '亿元', (c, y) =>
  round(
    gdp.get(`${c}/${y}`)! * investmentRate.get(c)! * Math.pow(0.99, y - 2011) * Math.exp(normal(0, 0.05)),
  ),
);
const FAI_CYCLE = [106.6, 101.1, 100.3, 100.5, 98.2, 99.4, 105.8, 105.4, 102.6, 100.1, 104.9];
await yearbook('csy_fai_price_index.xlsx', '固定资产投资价格指数(上年=100)', '上年=100', (c, y) =>
  round(FAI_CYCLE[y - 2011] + normal(0, 0.8), 1),
);

// ---- Robot exposure ---------------------------------------------------------------------------------
const nationalRobots = (year: number) => 75000 * Math.pow(1.2e6 / 75000, (year - 2011) / 10);
const robotRows: (string | number)[][] = [];
for (const year of YEARS)
  for (const c of codes) {
    const industrialShare = industry.get(`${c}/${year}`)! / gdp.get(`${c}/${year}`)!;
    // national robots per 10k of ~770 million workers, scaled by the province's industrial share
    const exposure = ((nationalRobots(year) / 77000) * industrialShare) / 0.33;
    robotRows.push([c, year, round(exposure * Math.exp(normal(0, 0.1)), 3)]);
  }
writeFileSync(
  join(sampleDir, 'synthetic', 'robot_exposure.csv'),
  banner('industrial robot exposure, robots per 10k workers') +
    stringify(robotRows, { header: true, columns: ['province', 'year', 'robot_exposure'] }),
);

console.error(
  `wrote ${exportRows.length} export records (${patentRows.length} province-years) and ${investmentRows.length} investment rows (seed ${seed})`,
);
