/**
 * CSV size limits: a field over `CSV_LIMITS.field` and a row over `CSV_LIMITS.row` (an unclosed quote
 * swallowing the lines after it) are refused with the file and line, after buffering at most the row
 * limit — not the rest of the file. Memory flat in file size is measured by `npm run bench:ingest`.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, parseLayoutDeclarations } from '../../ingest';
import { CSV_LIMITS, csvRecords } from '../../ingest/csv-file';
import { CSV_HEAD_ROWS } from '../../ingest/grid';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-limits-'));
});

const options = { province: 'province', year: 'year', columns: { gdp: { variable: 'gdp', unit: '亿元' } } };

describe('CSV size limits', () => {
  it('a field over the field limit names its line and column', async () => {
    const path = join(dir, 'field.csv');
    const long = 'x'.repeat(CSV_LIMITS.field + 1);
    await writeFile(path, `province,year,gdp,note\n北京,2011,1,ok\n天津,2011,2,"${long}"\n`);
    await expect(ingestFile(path, 'tidy-csv', { options })).rejects.toThrow(
      'field.csv line 3, column 4: a field over 1 MiB (the limit; an unclosed quote or a wrong delimiter?)',
    );
  });

  it('an unclosed quote swallowing the rest of the file stops at the row limit, naming where it began', async () => {
    const path = join(dir, 'quote.csv');
    const rest = '河北,2011,3\n'.repeat(Math.ceil((2 * CSV_LIMITS.row) / 12));
    await writeFile(path, `province,year,gdp\n北京,2011,1\n天津,2011,"2\n${rest}`);
    await expect(ingestFile(path, 'tidy-csv', { options })).rejects.toThrow(
      'quote.csv, the row after line 2: over 4 MiB (the limit; a field over 1 MiB, an unclosed quote or a wrong delimiter?)',
    );
    // Records before it were read one at a time; the limit is what a record may buffer.
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const r of csvRecords({ path, name: 'quote.csv' })) seen.push(r.line);
      })(),
    ).rejects.toThrow('the row after line 2: over 4 MiB');
    expect(seen).toEqual([1, 2]);
  });

  it('messages carry true line numbers (comment and empty lines counted)', async () => {
    const path = join(dir, 'lines.csv');
    await writeFile(path, '# synthetic\nprovince,year,gdp\n\n北京,2011,1\n\n天津,2011,0x2\n');
    await expect(ingestFile(path, 'tidy-csv', { options })).rejects.toThrow(
      'lines.csv line 6, column "gdp": "0x2" is a hexadecimal',
    );
  });
});

describe('declared CSV layouts stream too', () => {
  // A long table: provinces down, years across, a title and a unit line above the header, a footer.
  const [declaration] = parseLayoutDeclarations(
    [
      {
        id: 'long-grid',
        description: 'a province × year grid as a CSV',
        format: 'csv',
        province: { in: 'rows', column: { header: '^地区$' } },
        year: { in: 'columns' },
        variable: 'gdp',
        footer: ['^注'],
        skip: ['^其他'],
      },
    ],
    'test',
  );
  const declarations = [declaration];
  const provinces = ['北京', '天津', '河北', '山西', '内蒙古', '辽宁', '吉林', '黑龙江', '上海', '江苏'];

  it('reads rows far past the head, one at a time, with true line numbers; a footer ends the table', async () => {
    const path = join(dir, 'grid.csv');
    // The national row, then rows outside the study ("其他…", skipped): the provinces come past the head.
    const filler = Array.from({ length: 3 * CSV_HEAD_ROWS }, (_, i) => `其他${i},1,2`);
    const body = provinces.map((p, i) => `${p},${i + 1},${i + 100}`);
    await writeFile(
      path,
      [
        '地区生产总值',
        '单位：亿元',
        '',
        '地区,2019,2020',
        '全国,55,1055',
        ...filler,
        ...body,
        '注：测试',
        '北京,0x1,0x2',
      ].join('\n'),
    );
    const r = await ingestFile(path, 'long-grid', { name: 'grid.csv', declarations });
    expect(r.observations).toHaveLength(20);
    const sh = r.observations.find((o) => o.province === 'SH' && o.year === 2020)!;
    expect(sh.value).toBe(108);
    // Line 5 (全国) + filler + 9th province: the empty line is counted.
    expect(sh.source.cell).toBe(`line ${5 + 3 * CSV_HEAD_ROWS + 9}, column 3`);
  });

  it('a field over the limit is refused naming its line, as in every CSV layout', async () => {
    const path = join(dir, 'grid-field.csv');
    await writeFile(path, `地区,2019\n北京,1\n天津,"${'9'.repeat(CSV_LIMITS.field + 1)}"\n`);
    await expect(ingestFile(path, 'long-grid', { name: 'grid-field.csv', declarations })).rejects.toThrow(
      'grid-field.csv line 3, column 2: a field over 1 MiB',
    );
  });

  it('a file that is not text is refused before a row is read', async () => {
    const path = join(dir, 'grid-binary.csv');
    await writeFile(path, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0]));
    await expect(ingestFile(path, 'long-grid', { name: 'grid-binary.csv', declarations })).rejects.toThrow(
      'grid-binary.csv: binary data where a utf8 text file was expected',
    );
  });
});
