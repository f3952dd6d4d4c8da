/**
 * Patent exports: classification by IPC and keyword (each rule by a hand-picked record), province
 * from the field or the address, de-duplication by application number, counting each record once
 * per layer and in the total, in CSV (GBK and UTF-8) and streamed XLSX.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifier, ingestFile, loadTaxonomy, normalizeIpc, splitIpc } from '../../ingest';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-patents-'));
});

describe('the AI patent taxonomy', () => {
  const taxonomy = loadTaxonomy();
  const classify = classifier(taxonomy);

  it('has the three layers and 23 sub-technologies of Table 1, each with its source', () => {
    expect(taxonomy.layers.map((l) => [l.id, l.technologies.length])).toEqual([
      ['foundation', 6],
      ['technology', 4],
      ['application', 13],
    ]);
    for (const t of taxonomy.layers.flatMap((l) => l.technologies))
      expect(t.source.length).toBeGreaterThan(5);
  });

  it('normalises IPC codes and splits export fields', () => {
    expect(normalizeIpc('G06N 03/08')).toBe('G06N3/08');
    expect(splitIpc('G06N 3/08; G06V10/82，b25j 9/16|foo')).toEqual(['G06N3/08', 'G06V10/82', 'B25J9/16']);
  });

  it('applies ipc-or-keyword and ipc-and-keyword rules', () => {
    // G06N3/ is deep learning by IPC alone.
    expect(classify(['G06N3/08'], '一种方法')).toEqual({
      technologies: ['deep_learning'],
      layers: ['foundation'],
    });
    // A keyword alone suffices for an ipc-or-keyword technology (speech recognition → NLP).
    expect(classify(['H04R1/10'], '基于语音识别的耳机').technologies).toEqual([
      'natural_language_processing',
    ]);
    // G08B (alarms) without an AI keyword is not smart security; with one it is.
    expect(classify(['G08B13/196'], '门磁报警器').technologies).toEqual([]);
    expect(classify(['G08B13/196'], '智能监控报警系统').technologies).toEqual(['smart_security']);
    // One record in two layers: G06V (vision, technology) + G05D1/ (autonomous driving, application).
    expect(classify(['G06V20/56', 'G05D1/02'], 'lane detection').layers.sort()).toEqual([
      'application',
      'technology',
    ]);
  });
});

const CN_HEADER = [
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
];
/**
 * Hand-made records. AI, counted: 1 (BJ 2019, DL), 2 (GD 2019 by address, vision + autonomous driving:
 * technology and application), 4 (BJ 2020, NLP by keyword), 6 (SN 2019 by 陕西 address, robots).
 * Not counted: 3 (a second publication of application 2 — duplicate), 5 (G08B without keyword: not AI),
 * 7 (an applicant in the United States), 8 (Hong Kong).
 */
const RECORDS = [
  [
    'CN110001A',
    'CN201910000001.1',
    '2019-03-05',
    'G06N3/08',
    'G06N3/08;G06F17/16',
    '一种神经网络训练方法',
    '',
    '清华大学',
    '北京市海淀区',
    '北京',
  ],
  [
    'CN110002A',
    '201910000002.3',
    '2019.06.01',
    'G06V20/56',
    'G06V20/56; G05D1/02',
    '车道线检测',
    'lane detection',
    '某科技',
    '518000 广东省深圳市南山区',
    '',
  ],
  [
    'CN110002B',
    'CN 201910000002.3',
    '2019-06-01',
    'G06V20/56',
    'G06V20/56',
    '车道线检测',
    '',
    '某科技',
    '广东省深圳市',
    '',
  ],
  [
    'CN110004A',
    'CN202010000004.X',
    '20200110',
    'H04R1/10',
    'H04R1/10',
    '基于语音识别的耳机',
    '',
    '某公司',
    '',
    '北京市',
  ],
  [
    'CN110005A',
    'CN201910000005.0',
    '2019-01-01',
    'G08B13/196',
    'G08B13/196',
    '门磁报警器',
    '',
    '某公司',
    '天津市',
    '',
  ],
  [
    'CN110006A',
    'CN201910000006.2',
    '2019-02-02',
    'B25J9/16',
    'B25J9/16',
    '机械臂控制',
    '',
    '某大学',
    '陕西省西安市',
    '',
  ],
  [
    'US110007A',
    'US16000007',
    '2019-02-02',
    'G06N20/00',
    'G06N20/00',
    'Learning system',
    '',
    'Acme',
    'California, USA',
    '美国',
  ],
  [
    'CN110008A',
    'CN201910000008.1',
    '2019-02-02',
    'G06N20/00',
    'G06N20/00',
    '学习系统',
    '',
    '某港企',
    '香港九龙',
    '香港',
  ],
];

const counts = (
  obs: { province: string; year: number; variable: string; value: number }[],
  p: string,
  y: number,
) =>
  Object.fromEntries(obs.filter((o) => o.province === p && o.year === y).map((o) => [o.variable, o.value]));

describe('a patent export', () => {
  it('CSV in GBK: classified, attributed, de-duplicated and counted once per layer, zeros included', async () => {
    const path = join(dir, 'export.csv');
    const csv = [CN_HEADER, ...RECORDS].map((r) => r.map((c) => `"${c}"`).join(',')).join('\n');
    await writeFile(path, iconv.encode(csv, 'gbk'));
    const r = await ingestFile(path, 'patent-export', { options: { encoding: 'gbk', years: [2019, 2020] } });
    expect(r.observations).toHaveLength(30 * 2 * 4);
    expect(counts(r.observations, 'BJ', 2019)).toEqual({
      patents_ai: 1,
      patents_ai_foundation: 1,
      patents_ai_technology: 0,
      patents_ai_application: 0,
    });
    expect(counts(r.observations, 'GD', 2019)).toEqual({
      patents_ai: 1,
      patents_ai_foundation: 0,
      patents_ai_technology: 1,
      patents_ai_application: 1,
    });
    expect(counts(r.observations, 'BJ', 2020).patents_ai_technology).toBe(1);
    expect(counts(r.observations, 'SN', 2019).patents_ai_application).toBe(1);
    expect(counts(r.observations, 'TJ', 2019).patents_ai).toBe(0);
    const total = r.observations.filter((o) => o.variable === 'patents_ai').reduce((a, o) => a + o.value, 0);
    expect(total).toBe(4);
  });

  it('XLSX with English headers, streamed, with Excel dates', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Export');
    ws.addRow([
      'Publication Number',
      'Application Number',
      'Application Date',
      'IPC',
      'Title',
      'Abstract',
      'Applicant Address',
    ]);
    ws.addRow([
      'CN1A',
      'CN202110000001.1',
      new Date(Date.UTC(2021, 4, 6)),
      'G06V 40/16',
      'Face recognition gate',
      '',
      'Zhejiang, Hangzhou',
    ]);
    ws.addRow([
      'CN2A',
      'CN202110000002.1',
      new Date(Date.UTC(2021, 4, 6)),
      'G08G 1/01',
      'Traffic signal timing',
      '',
      'Hangzhou, Zhejiang Province',
    ]);
    const path = join(dir, 'export.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await ingestFile(path, 'patent-export');
    // Record 2's address does not start with a province name: outside the count, not a guess.
    expect(counts(r.observations, 'ZJ', 2021)).toEqual({
      patents_ai: 1,
      patents_ai_foundation: 0,
      patents_ai_technology: 1,
      patents_ai_application: 0,
    });
    expect(new Set(r.observations.map((o) => o.year))).toEqual(new Set([2021]));
  });

  it('an export with unknown headers names what it expected and what it found', async () => {
    const path = join(dir, 'odd.csv');
    await writeFile(path, 'Patent,Filed,Class,Name,Where\nX,2019-01-01,G06N,Y,Beijing\n');
    await expect(ingestFile(path, 'patent-export')).rejects.toThrow(
      'odd.csv line 1: no column for the application number (expected one of: 申请号, applicationnumber',
    );
  });

  it('a date that is not a date names the line and column', async () => {
    const path = join(dir, 'date.csv');
    await writeFile(path, `${CN_HEADER.join(',')}\nA,CN1,soon,G06N3/08,G06N3/08,t,a,p,北京,北京\n`);
    await expect(ingestFile(path, 'patent-export')).rejects.toThrow(
      'date.csv line 2, column "申请日": "soon" is not a date (expected e.g. 2019-03-05',
    );
  });

  it('a binary file posing as a CSV export and a non-workbook posing as XLSX', async () => {
    const bin = join(dir, 'bin.csv');
    await writeFile(bin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1]));
    await expect(ingestFile(bin, 'patent-export')).rejects.toThrow(
      'bin.csv: binary data where a utf8 text file was expected',
    );
    const fake = join(dir, 'fake.xlsx');
    await writeFile(fake, 'not a workbook');
    await expect(ingestFile(fake, 'patent-export')).rejects.toThrow('fake.xlsx: not an .xlsx workbook');
  });
});
