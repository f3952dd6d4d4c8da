/**
 * CSV size limits: a field over `CSV_LIMITS.field` and a row over `CSV_LIMITS.row` (an unclosed quote
 * swallowing the lines after it) are refused with the file and line, after buffering at most the row
 * limit — not the rest of the file. Memory flat in file size is measured by `npm run bench:ingest`.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest';
import { CSV_LIMITS, csvRecords } from '../../ingest/csv-file';

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
