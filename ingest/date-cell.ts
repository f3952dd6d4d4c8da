/**
 * Strict dates: a source cell or field read as a calendar date, or refused naming the cell. Accepted:
 * a workbook date, an Excel serial day number (1900 date system), and text (NFKC-folded) as
 * `YYYY-MM-DD`, `YYYY.MM.DD`, `YYYY/MM/DD` (optionally followed by a time), `YYYYMMDD`,
 * `YYYY年M月D日`, or a year and month alone (`YYYY-MM`, `YYYY年M月`). The month must be 1–12 and the day
 * must exist in that month (leap years counted): `2011-13-45` and `2019-02-30` are refused, never
 * rolled over into another date. Years 1900–2099.
 */
import { InputError } from '../common/errors';

export interface CalendarDate {
  year: number;
  month: number;
  /** Undefined for a year-and-month date. */
  day?: number;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (year: number, month: number) =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : MONTH_DAYS[month - 1];

/** The digit at `i` of `s`, or NaN. */
const digitAt = (s: string, i: number) => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};

/**
 * `YYYY-MM-DD` (or with `.` or `/`), the shape nearly every export writes, read without normalising or
 * a regular expression when it is a valid date; anything else takes the general path (which refuses).
 */
function plainDate(s: string): CalendarDate | undefined {
  if (s.length !== 10) return undefined;
  const sep = s.charCodeAt(4);
  if ((sep !== 45 && sep !== 46 && sep !== 47) || s.charCodeAt(7) !== sep) return undefined;
  const year = digitAt(s, 0) * 1000 + digitAt(s, 1) * 100 + digitAt(s, 2) * 10 + digitAt(s, 3);
  const month = digitAt(s, 5) * 10 + digitAt(s, 6);
  const day = digitAt(s, 8) * 10 + digitAt(s, 9);
  if (!(year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1)) return undefined;
  return day <= daysIn(year, month) ? { year, month, day } : undefined;
}

const FORMATS = [
  /^(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/,
  /^(\d{4})()(\d{2})(\d{2})$/,
  /^(\d{4})(年)(\d{1,2})月(\d{1,2})日$/,
  /^(\d{4})([-./])(\d{1,2})()$/,
  /^(\d{4})(年)(\d{1,2})月()$/,
];

export function calendarDate(v: unknown, where: string): CalendarDate {
  if (v instanceof Date) {
    if (!Number.isFinite(v.getTime())) throw new InputError(`${where}: an invalid date`, where);
    return { year: v.getUTCFullYear(), month: v.getUTCMonth() + 1, day: v.getUTCDate() };
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1 || v > 73050)
      throw new InputError(`${where}: ${v} is not an Excel date (a whole day number, 1 to 73050)`, where);
    const d = new Date(EXCEL_EPOCH_MS + v * 86400000);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  if (typeof v === 'string') {
    const plain = plainDate(v);
    if (plain) return plain;
  }
  const text = String(v ?? '')
    .normalize('NFKC')
    .trim();
  for (const format of FORMATS) {
    const m = format.exec(text);
    if (!m) continue;
    const [year, month] = [Number(m[1]), Number(m[3])];
    const day = m[4] ? Number(m[4]) : undefined;
    const refuse = (why: string) => {
      throw new InputError(`${where}: "${text}" is not a date (${why})`, where);
    };
    if (year < 1900 || year > 2099) refuse(`year ${year} is outside 1900–2099`);
    if (month < 1 || month > 12) refuse(`there is no month ${month}`);
    if (day !== undefined && (day < 1 || day > daysIn(year, month)))
      refuse(`${MONTHS[month - 1]} ${year} has ${daysIn(year, month)} days`);
    return { year, month, ...(day !== undefined ? { day } : {}) };
  }
  throw new InputError(
    `${where}: "${text}" is not a date (expected e.g. 2019-03-05, 2019.03.05, 20190305 or 2019年3月5日)`,
    where,
  );
}
