/**
 * The CSV reader (ingest/csv-file.ts): records in batches, one per chunk, with the same records and
 * line numbers csv-parse gives for the whole text; UTF-8 checked as bytes across chunk boundaries,
 * an invalid byte named by file and line after the records before it were read.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest';
import { csvBatches, csvRecords } from '../../ingest/csv-file';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-encoding-'));
});

const CHUNK = 1 << 16; // the reader's chunk: the cases below straddle it
const options = { province: 'province', year: 'year', columns: { gdp: { variable: 'gdp', unit: '亿元' } } };

async function file(name: string, content: string | Buffer) {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string, name: string) {
  const seen: { line: number; record: string[] }[] = [];
  let batches = 0;
  for await (const b of csvBatches({ path, name }, { comment: '#' })) {
    batches += 1;
    b.records.forEach((record, i) => seen.push({ line: b.lines[i], record }));
  }
  return { seen, batches };
}

describe('records in batches', () => {
  it('are the records and lines csv-parse gives for the whole text, over many chunks', async () => {
    // Quoted fields with line breaks, commas and quotes, comments, empty lines and a BOM.
    const rows = Array.from({ length: 9000 }, (_, i) =>
      i % 97 === 0
        ? `${i},"第${i}行\n续行, 含逗号","say ""hi"""\n`
        : i % 101 === 0
          ? `# a comment\n\n${i},北京市海淀区,${i * 1.5}\n`
          : `${i},北京市海淀区,${i * 1.5}\n`,
    );
    const text = `\uFEFFid,name,value\n${rows.join('')}`;
    const path = await file('many.csv', text);
    const { seen, batches } = await readAll(path, 'many.csv');
    const expected = (
      parse(text, {
        bom: true,
        relax_column_count: true,
        skip_empty_lines: true,
        comment: '#',
        comment_no_infix: true,
        info: true,
      }) as unknown as { record: string[]; info: { lines: number } }[]
    ).map((r) => ({ line: r.info.lines, record: r.record }));
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * CHUNK);
    expect(batches).toBeGreaterThan(3);
    expect(seen).toEqual(expected);
  });

  it('a character split across two chunks is read whole', async () => {
    // '北' (3 bytes) is placed so that its bytes fall on both sides of the first chunk's end.
    const header = 'province,year,gdp\n';
    const filler = `# ${'x'.repeat(CHUNK - header.length - 4)}\n`;
    const text = `${header}${filler}北京,2011,1\n天津,2011,2\n`;
    expect(
      Buffer.from(text)
        .subarray(CHUNK - 1, CHUNK + 2)
        .toString(),
    ).toBe('北');
    const path = await file('split.csv', text);
    const r = await ingestFile(path, 'tidy-csv', { options });
    expect(r.observations.map((o) => [o.province, o.value, o.source.cell])).toEqual([
      ['BJ', 1, 'line 3, column 3'],
      ['TJ', 2, 'line 4, column 3'],
    ]);
  });
});

describe('invalid UTF-8', () => {
  it('is refused naming the file, line and byte, after the records before it were read', async () => {
    const good = Array.from({ length: 5000 }, (_, i) => `${i},北京,${i}\n`).join('');
    const gbk = iconv.encode('北京', 'gbk'); // 0xB1 0xB1 0xBE 0xA9: not UTF-8
    const content = Buffer.concat([
      Buffer.from(`id,name,value\n${good}5000,`),
      gbk,
      Buffer.from(',1\n5001,a,b\n'),
    ]);
    expect(content.length).toBeGreaterThan(CHUNK);
    const path = await file('gbk-inside.csv', content);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const r of csvRecords({ path, name: 'gbk-inside.csv' })) seen.push(r.line);
      })(),
    ).rejects.toThrow(
      `gbk-inside.csv line 5002: not valid utf8 (byte 0xB1 at offset ${content.indexOf(gbk).toLocaleString('en')}; ` +
        'is it a GBK export? set options.encoding to "gbk")',
    );
    expect(seen).toEqual(Array.from({ length: 5001 }, (_, i) => i + 1));
  });

  it('an earlier error in the file is reported first', async () => {
    const content = Buffer.concat([
      Buffer.from('province,year,gdp\n北京,2011,1\nBeijing,2011,2\n天津,2011,'),
      Buffer.from([0xff]),
      Buffer.from('\n'),
    ]);
    const path = await file('dup-then-bad.csv', content);
    await expect(ingestFile(path, 'tidy-csv', { options })).rejects.toThrow(
      'dup-then-bad.csv line 3: BJ 2011 appears twice',
    );
  });

  it('a file that ends inside a character names its last line', async () => {
    const content = Buffer.concat([
      Buffer.from('province,year,gdp\n北京,2011,1\n天'),
      Buffer.from('津').subarray(0, 2),
    ]);
    const path = await file('truncated.csv', content);
    await expect(ingestFile(path, 'tidy-csv', { options })).rejects.toThrow(
      'truncated.csv line 3: not valid utf8 (the file ends inside a character',
    );
  });

  it('a GBK file is read when its encoding is declared, and refused naming its first bad line when not', async () => {
    const text = 'province,year,gdp\nBeijing,2011,1\n天津,2011,2\n';
    const path = await file('gbk.csv', iconv.encode(text, 'gbk'));
    const r = await ingestFile(path, 'tidy-csv', { options: { ...options, encoding: 'gbk' } });
    expect(r.observations.map((o) => o.province)).toEqual(['BJ', 'TJ']);
    await expect(ingestFile(path, 'tidy-csv', { options })).rejects.toThrow(
      'gbk.csv line 3: not valid utf8 (byte 0xCC at offset 33;',
    );
  });
});
