/**
 * Strict values, each case with its message: hexadecimal literals, thousands separators, footnote
 * marks, full-width digits, formula and hyperlink cells are parsed by the documented rule
 * (ingest/number-cell.ts) or refused naming the cell; impossible dates are refused
 * (ingest/date-cell.ts); repeated application numbers and repeated manifest entries are reported and
 * read once.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { ingestFile, readManifest } from '../../ingest';
import { calendarDate } from '../../ingest/date-cell';
import { parseNumberText, valueNumber } from '../../ingest/number-cell';
import { planRefresh } from '../../activities/plan';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strict-'));
});

const tidyOptions = {
  province: 'province',
  year: 'year',
  columns: { gdp: { variable: 'gdp', unit: '亿元' } },
};

/** A one-value tidy CSV through the layout: the value read for 北京 2011, or the error. */
async function tidyValue(raw: string): Promise<number | undefined> {
  const path = join(dir, 'v.csv');
  await writeFile(path, `province,year,gdp\n北京,2011,"${raw}"\n天津,2011,1\n`);
  const r = await ingestFile(path, 'tidy-csv', { options: tidyOptions });
  return r.observations.find((o) => o.province === 'BJ')?.value;
}

describe('numbers in text: parsed by the rule or refused naming the cell', () => {
  it('hexadecimal, octal and binary literals are refused', async () => {
    await expect(tidyValue('0x13378')).rejects.toThrow(
      'v.csv line 2, column "gdp": "0x13378" is a hexadecimal, octal or binary literal, not a decimal number',
    );
    expect(() => parseNumberText('0b101', 'c')).toThrow('"0b101" is a hexadecimal, octal or binary literal');
  });

  it('thousands separators group three digits; anything else is refused', async () => {
    expect(await tidyValue('1,234,567.5')).toBe(1234567.5);
    await expect(tidyValue('1,2345')).rejects.toThrow(
      'v.csv line 2, column "gdp": "1,2345" has commas that do not group thousands (a decimal comma? expected e.g. 1,234.5)',
    );
    expect(() => parseNumberText('12,34', 'c')).toThrow('has commas that do not group thousands');
    expect(() => parseNumberText('1 234', 'c')).toThrow('"1 234" is not a number (expected e.g. 1234.5');
  });

  it('footnote marks at the end are dropped; a superscript is never a digit', async () => {
    expect(await tidyValue('16251.9*')).toBe(16251.9);
    expect(parseNumberText('56①', 'c')).toBe(56);
    expect(parseNumberText('78†‡', 'c')).toBe(78);
    expect(parseNumberText('12³', 'c')).toBe(12);
    expect(parseNumberText('3,000¹', 'c')).toBe(3000);
  });

  it('full-width digits, separators and minus signs are folded', async () => {
    expect(await tidyValue('１２，３４５．６')).toBe(12345.6);
    expect(parseNumberText('－５', 'c')).toBe(-5);
    expect(parseNumberText('−2.5', 'c')).toBe(-2.5);
    expect(parseNumberText('1.5e3', 'c')).toBe(1500);
  });

  it('percentages, parentheses, formulas and words are refused with the reason', () => {
    expect(() => parseNumberText('12%', 'c')).toThrow(
      'c: "12%" is a percentage: declare the unit "%" for this column and give the number alone',
    );
    expect(() => parseNumberText('(12)', 'c')).toThrow(
      '"(12)" is a number in parentheses (an accounting negative?)',
    );
    expect(() => parseNumberText('=SUM(A1:A3)', 'c')).toThrow('is a formula, not a value');
    expect(() => parseNumberText('Infinity', 'c')).toThrow('"Infinity" is not a number');
    expect(parseNumberText('…', 'c')).toBeUndefined();
    expect(parseNumberText(' NA ', 'c')).toBeUndefined();
  });
});

describe('workbook cells', () => {
  it('formula results and hyperlink texts are read; formulas without a result and errors are refused', () => {
    expect(valueNumber({ formula: 'B2*2', result: 42 }, 'b.xlsx!S!C3')).toBe(42);
    expect(valueNumber({ sharedFormula: 'C3', result: '1,500' }, 'x')).toBe(1500);
    expect(valueNumber({ text: '2,020.5', hyperlink: 'https://data.stats.gov.cn' }, 'x')).toBe(2020.5);
    expect(valueNumber({ richText: [{ text: '3' }, { text: '4.5' }] }, 'x')).toBe(34.5);
    expect(() => valueNumber({ formula: 'B2*2' }, 'b.xlsx!S!C3')).toThrow(
      'b.xlsx!S!C3: "=B2*2" is a formula without a stored result: open and save the workbook in Excel or LibreOffice',
    );
    expect(() => valueNumber({ formula: 'B2/0', result: { error: '#DIV/0!' } }, 'b.xlsx!S!C4')).toThrow(
      'b.xlsx!S!C4: "=B2/0" is a formula whose result is the error #DIV/0!',
    );
    expect(() => valueNumber({ error: '#N/A' }, 'b.xlsx!S!C5')).toThrow(
      'b.xlsx!S!C5: "#N/A" is an error value where a value belongs',
    );
    expect(() => valueNumber(new Date(Date.UTC(2019, 0, 1)), 'b.xlsx!S!C6')).toThrow(
      'b.xlsx!S!C6: "2019-01-01" is a date where a number belongs',
    );
  });

  it('through a yearbook layout: a formula cell is read, one without a result names its cell', async () => {
    const make = async (name: string, c4: ExcelJS.CellValue) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('2-15');
      ws.addRow(['地区生产总值']);
      ws.addRow(['单位：亿元']);
      ws.addRow(['地区', 2019, 2020]);
      ws.addRow(['北京', 35445.1, 36102.6]);
      ws.addRow(['天津', 14104.3, 14007.99]);
      ws.getCell('C4').value = c4;
      ws.getCell('B5').value = { text: '14,104.3', hyperlink: 'https://data.stats.gov.cn' };
      const path = join(dir, name);
      await wb.xlsx.writeFile(path);
      return path;
    };
    const ok = await ingestFile(await make('f.xlsx', { formula: 'B4+1', result: 35446.1 }), 'csy-gdp');
    const value = (p: string, y: number) =>
      ok.observations.find((o) => o.province === p && o.year === y)?.value;
    expect(value('BJ', 2020)).toBe(35446.1);
    expect(value('TJ', 2019)).toBe(14104.3);
    await expect(
      ingestFile(await make('g.xlsx', { formula: 'B4+1' } as ExcelJS.CellValue), 'csy-gdp'),
    ).rejects.toThrow('g.xlsx!2-15!C4: "=B4+1" is a formula without a stored result');
  });
});

describe('dates', () => {
  it('impossible dates are refused, never rolled over', () => {
    expect(() => calendarDate('2011-13-45', 'e.csv line 2, column "申请日"')).toThrow(
      'e.csv line 2, column "申请日": "2011-13-45" is not a date (there is no month 13)',
    );
    expect(() => calendarDate('2019-02-30', 'x')).toThrow(
      '"2019-02-30" is not a date (February 2019 has 28 days)',
    );
    expect(() => calendarDate('20191301', 'x')).toThrow('(there is no month 13)');
    expect(() => calendarDate('2019年4月31日', 'x')).toThrow('(April 2019 has 30 days)');
    expect(() => calendarDate(2.5, 'x')).toThrow('2.5 is not an Excel date');
    expect(calendarDate('2020-02-29', 'x')).toEqual({ year: 2020, month: 2, day: 29 });
    // The plain YYYY-MM-DD shape (read without the general path) keeps the same rule.
    expect(calendarDate('2000-02-29', 'x')).toEqual({ year: 2000, month: 2, day: 29 });
    expect(calendarDate('2011/12/31', 'x')).toEqual({ year: 2011, month: 12, day: 31 });
    expect(() => calendarDate('1900-02-29', 'x')).toThrow('(February 1900 has 28 days)');
    expect(() => calendarDate('2100-01-01', 'x')).toThrow('(year 2100 is outside 1900–2099)');
    expect(() => calendarDate('2011-06/15', 'x')).toThrow('"2011-06/15" is not a date (expected e.g.');
    expect(() => calendarDate('2011-00-10', 'x')).toThrow('(there is no month 0)');
    expect(calendarDate('２０１９．０３．０５ 10:30', 'x')).toEqual({ year: 2019, month: 3, day: 5 });
    // Excel day 43466 is 2019-01-01; + 31 (January) + 28 (February) + 10 = 43535 is 11 March.
    expect(calendarDate(43535, 'x')).toEqual({ year: 2019, month: 3, day: 11 });
  });

  it('a patent export with an impossible application date is refused naming the cell', async () => {
    const path = join(dir, 'dates.csv');
    await writeFile(
      path,
      '申请号,申请日,IPC分类号,标题,申请人省份\nCN201910000001.1,2019-03-05,G06N3/08,一种深度学习方法,北京\n' +
        'CN201910000002.X,2011-13-45,G06N3/08,一种深度学习方法,北京\n',
    );
    await expect(ingestFile(path, 'patent-export')).rejects.toThrow(
      'dates.csv line 3, column "申请日": "2011-13-45" is not a date (there is no month 13)',
    );
  });
});

describe('repeats', () => {
  it('repeated application numbers are counted once and reported; another filing year is refused', async () => {
    const header = '申请号,申请日,IPC分类号,标题,申请人省份\n';
    const path = join(dir, 'repeats.csv');
    await writeFile(
      path,
      header +
        'CN201910000001.1,2019-03-05,G06N3/08,一种深度学习方法,北京\n' +
        'CN 201910000001.1,2019-03-05,G06N3/08,一种深度学习方法,北京\n' + // its B publication
        'CN201910000001.1,2019-03-05,G06N3/08,一种深度学习方法,天津\n' + // rights transferred
        'CN201910000002.X,2019-04-01,G06N3/08,一种深度学习方法,北京\n',
    );
    const r = await ingestFile(path, 'patent-export', { options: { years: [2019, 2019] } });
    const bj = r.observations.find((o) => o.province === 'BJ' && o.variable === 'patents_ai');
    const tj = r.observations.find((o) => o.province === 'TJ' && o.variable === 'patents_ai');
    expect([bj?.value, tj?.value]).toEqual([2, 0]);
    expect(r.notes).toEqual([
      'repeats.csv: 2 of 4 records repeat an application number already read (another publication of the ' +
        'same application): each application is counted once, by its first record; 1 of the repeats name ' +
        'another province than the first record, which decides',
    ]);
    const clash = join(dir, 'clash.csv');
    await writeFile(
      clash,
      header +
        'CN201910000001.1,2019-03-05,G06N3/08,一种深度学习方法,北京\n' +
        'CN201910000001.1,2020-03-05,G06N3/08,一种深度学习方法,北京\n',
    );
    await expect(ingestFile(clash, 'patent-export')).rejects.toThrow(
      'clash.csv line 3, column "申请日": application 2019100000011 again, with application year 2020, but its ' +
        'first record (line 2) gives 2019: one application has one filing date',
    );
  });

  it('a manifest entry listed twice is read once and reported', async () => {
    const inputs = await mkdtemp(join(tmpdir(), 'strict-manifest-'));
    await writeFile(join(inputs, 'a.csv'), 'province,year,gdp\n北京,2011,1\n');
    const entry = { path: 'a.csv', layout: 'tidy-csv', real: false, source: 's', options: tidyOptions };
    const other = { ...entry, options: { ...tidyOptions, years: [2011, 2011] } };
    await writeFile(
      join(inputs, 'manifest.json'),
      JSON.stringify({ vintage: 'v', files: [entry, other, { ...entry, path: './a.csv' }] }),
    );
    const manifest = await readManifest(inputs);
    expect(manifest.files.map((f) => f.index)).toEqual([0, 1]);
    expect(manifest.notes).toEqual([
      'manifest.json files[2] "./a.csv" repeats manifest.json files[0] "a.csv" (same file, layout and options): read once, as files[0]',
    ]);
    // The run id does not depend on a repeat either.
    await writeFile(
      join(inputs, 'manifest.json'),
      JSON.stringify({ vintage: 'v', files: [entry, other, { ...entry, path: './a.csv' }, entry] }),
    );
    const studyPath = join(PROJECT_ROOT, 'study', 'default-study.json');
    const before = await planRefresh({ studyPath, inputsDir: inputs });
    await writeFile(join(inputs, 'manifest.json'), JSON.stringify({ vintage: 'v', files: [entry, other] }));
    expect((await planRefresh({ studyPath, inputsDir: inputs })).runId).toBe(before.runId);
  });
});
