/**
 * The bundled sample inputs (data/sample/): the one reproducible source of every file in it.
 *
 *   npx tsx scripts/generate-sample.ts [--seed 20111231] [--real-from DIR]
 *
 * 1. Real files (`--real-from` the folder of the project's shared real data, whose layout and
 *    PROVENANCE files the table REAL below follows): copied byte for byte into data/sample/real/ and
 *    checked against the SHA-256 each PROVENANCE records. Without `--real-from`, the copies already in
 *    data/sample/ are checked against the same hashes.
 * 2. Synthetic files (data/sample/synthetic/), only for what no public province-year series exists for:
 *    AI patent applications (the export behind AIT) and industrial pollution-control investment (ER).
 *    Seeded, so the files are reproducible byte for byte.
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
 *
 * Earlier samples also drew tertiary value added, employment, GFCF, the FAI price index and robot
 * exposure; real series (or, for employment, the real urban-unit proxy) replace them now. Their draws
 * came after the two files above, so dropping them leaves these files' bytes unchanged for a seed.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import normalFactory from '@stdlib/random-base-normal';
import mt19937 from '@stdlib/random-base-mt19937';
import { stringify } from 'csv-stringify/sync';
import { loadTaxonomy } from '../ingest/taxonomy';
import { PROJECT_ROOT } from '../common/config';
import { ingestManifest } from '../ingest';
import { provinceByCode, provinces } from '../regions/provinces';

const YEARS = Array.from({ length: 11 }, (_, i) => 2011 + i);
const seedArg = process.argv.indexOf('--seed');
const seed = seedArg > 0 ? Number(process.argv[seedArg + 1]) : 20111231;

const sampleDir = join(PROJECT_ROOT, 'data', 'sample');
const realArg = process.argv.indexOf('--real-from');
const realFrom = realArg > 0 ? process.argv[realArg + 1] : undefined;

/** Every real file of the sample: its path here, its path in the shared data folder, its SHA-256. */
const REAL: [string, string, string][] = [
  ...(
    [
      [2011, 'f643f994051397c4dc35c50eea96c1df915127a6667706f36b07de0c66cf04bf'],
      [2012, '3b34f85eb82fb7169ac48dc86ceeae9aba91d1e210532febdbc518fffd0eb338'],
      [2013, '722ef5fbfdbd41af7837b19994d55a110be731bfce3703da60f333fb11c05c5d'],
      [2014, 'fa91bcbff5c06db5eb75341a46e4361d2fe57a5015761937424e39d41b7d9230'],
      [2015, '0bcf34929d09d1cb4211302169f6bffc487214ed67196220b13f520970511f3f'],
      [2016, 'dc8209ac08708cd77133b23a5eb782b9d1d8238c22beeab6ae300778bf66db03'],
      [2017, 'c69579634a2663fccc6a9258cd576f9f5c6729d6cad9f2a348848efdd3b5faf5'],
      [2018, 'ba2c0a6c642cb7355dd046091f90c96c56c488bfad06775ae520c2e935c38eee'],
      [2019, '22843c4e376b990245f551227d829f0e819fbfa7736c2d4cbc19394f15cb89bc'],
    ] as const
  ).map(([y, h]): [string, string, string] => [
    `real/ceads/Emission_Inventories_for_30_Provinces_${y}.xlsx`,
    `ceads/provinces/Emission_Inventories_for_30_Provinces_${y}.xlsx`,
    h,
  ]),
  [
    'real/nbs/gdp_5th_census_gbk.csv',
    'panel_renjiyi/分省年度数据.csv',
    '7c6e194ca727c9660022bd9942c779e43132f00fc9e6c71dcb4023b85d4a90c1',
  ],
  [
    'real/nbs/employment_urban_units_gbk.csv',
    'panel_renjiyi/分省年度数据_(3).csv',
    '40c59cd2dca0717e7d6129771e30c41944c7b5a586d14df43bfd9d5e8eb762b2',
  ],
  [
    'real/nbs/secondary_va_gbk.csv',
    'panel_yumanlou/分省年度数据.csv',
    'a63e7436c4f0f180944daba22ab37c9d5d7de8b57f1212ad11cc594c80e412ff',
  ],
  [
    'real/nbs/tertiary_va_5th_census.csv',
    'nbs_tertiary_va_reconstructed/nbs_tertiary_value_added_100m_cny.csv',
    'b482979607dddf836d046ddf5ef8c0a8d298cb28efc89e7678e6ab19b7d7af90',
  ],
  [
    'real/nbs/invention_applications.csv',
    'nbs_patents_province/分省年度数据_7.csv',
    '846659237acaf324525568b6b52f12d3d116308f28bfee399f571813d56eadd0',
  ],
  [
    'real/panels/panel_stata_ready_v2.csv',
    'panel_renjiyi/panel_stata_ready_v2.csv',
    '3121d6112b8db02b783ec7a1e2ab7b001d2b86ad811b2171b96f5638fd08e9bc',
  ],
  [
    'real/panels/GTMP.csv',
    'panel_yumanlou/GTMP.csv',
    'c3c5e4dc97ce695df1d082bb818d4290a15a9e50cb12e488f70ebac808289846',
  ],
  [
    'real/panels/pop.csv',
    'panel_yumanlou/pop.csv',
    '760ec3a8e1a74a4c0ea0f34e35fb97474fc2bab6b2201382bd7a14403e9b5fab',
  ],
  [
    'real/panels/mkt.csv',
    'panel_yumanlou/mkt.csv',
    '92ddcad5db078b594934e4d218976ec24c60a19f65c0b30310d781494ec81fcd',
  ],
  [
    'real/panels/energystruct.csv',
    'panel_yumanlou/energystruct.csv',
    'd7b2d57b3b7219a7a2c7bb2e890e70a35c97a5f2f118c400887b92fb78e7fe2e',
  ],
  [
    'real/panels/co2.csv',
    'panel_yumanlou/co2.csv',
    'b503589723214faee506e93f36fb6e13f1c9e04e3b7e8d9243109a947843f857',
  ],
  [
    'real/capital/gfcf_wind.xlsx',
    'capital_chncapitalstock/固定资本形成总额2018.xlsx',
    '620bebbd1ff3e2dc421a805efd5d1023fda8c7b4793d5e038823e68239bf2e15',
  ],
  [
    'real/capital/fai_growth_wind.xlsx',
    'capital_chncapitalstock/2023分省固定资产投资完成额同比.xlsx',
    '967e7289191b3d796cd6fd59983bbe5e5eb99ceda2ec7c973e83dc202900270f',
  ],
  [
    'real/capital/fai_price_index_wind.xlsx',
    'capital_chncapitalstock/固定资产投资价格指数2019.xlsx',
    'cd32fdbceef13f5e30f3ae1ba0d670ba0f0f7d3b982ca43305797a507fa8087e',
  ],
  [
    'real/capital/retail_price_index_wind.xlsx',
    'capital_chncapitalstock/2022RPI.xlsx',
    '0d445248b41fbdf29348aee4e425a8d7cc61ab64c75cfb098fbba648f2ef8b0b',
  ],
  [
    'real/ifr/robot_installations.csv',
    'ifr_national_installations_owid/annual-industrial-robots-installed.csv',
    '0088fd09444a73fffd3949a84519876e32b734c0a8cb1bfa45290e85773df022',
  ],
];

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
for (const [here, there, expected] of REAL) {
  const target = join(sampleDir, here);
  if (realFrom) {
    const source = join(realFrom, there);
    const got = sha256(source);
    if (got !== expected)
      throw new Error(`${source}: SHA-256 ${got}, expected ${expected} (see its PROVENANCE)`);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
  } else if (sha256(target) !== expected)
    throw new Error(`${here}: not the real file (SHA-256 differs); copy it again with --real-from`);
}
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

// The real series the synthetic files are drawn on, read by their manifest entries.
const realObservations = (
  await ingestManifest(sampleDir, (f) =>
    ['real/nbs/gdp_5th_census_gbk.csv', 'real/panels/GTMP.csv'].includes(f.path),
  )
).flatMap((f) => f.observations);
const realSeries = (variable: string) =>
  new Map(
    realObservations.filter((o) => o.variable === variable).map((o) => [`${o.province}/${o.year}`, o.value]),
  );
const gdp = realSeries('gdp');
const industry = realSeries('industrial_va');
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

console.error(
  `${realFrom ? 'copied' : 'checked'} ${REAL.length} real files; wrote ${exportRows.length} export records ` +
    `(${patentRows.length} province-years) and ${investmentRows.length} investment rows (seed ${seed})`,
);
