/**
 * Checking a cron expression before it reaches Temporal, with a message that says which field is
 * wrong and what it allows. The accepted language is the one Temporal Schedules read: five fields
 * (minute hour day-of-month month day-of-week; `*`, lists `a,b`, ranges `a-b`, steps `x/n`, month and
 * weekday names) or one of @yearly, @annually, @monthly, @weekly, @daily, @hourly.
 */
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'];

/** Why `expr` is not a cron expression, or undefined when it is one. */
export function cronProblem(expr: string): string | undefined {
  const text = expr.trim();
  if (text.startsWith('@'))
    return DESCRIPTORS.includes(text.toLowerCase())
      ? undefined
      : `unknown descriptor ${text} (allowed: ${DESCRIPTORS.join(', ')})`;
  const parts = text.split(/\s+/).filter(Boolean);
  if (parts.length !== 5)
    return `expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`;
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i];
    const value = (v: string): number | undefined => {
      const named = 'names' in field ? field.names.indexOf(v.toUpperCase() as never) : -1;
      if (named >= 0) return named + (field.name === 'month' ? 1 : 0);
      return /^\d+$/.test(v) ? Number(v) : undefined;
    };
    for (const item of part.split(',')) {
      const [range, step, extra] = item.split('/');
      const bad = () =>
        `${field.name} field "${part}": "${item}" is not *, a number ${field.min}–${field.max}` +
        `${'names' in field ? ` or a name (${field.names.join(', ')})` : ''}, a range a-b or a step x/n`;
      if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return bad();
      if (range === '*') continue;
      const ends = range.split('-');
      if (ends.length > 2) return bad();
      const nums = ends.map(value);
      if (nums.some((n) => n === undefined || n < field.min || n > field.max)) return bad();
      if (nums.length === 2 && nums[0]! > nums[1]!) return bad();
    }
  }
  return undefined;
}

const MONTH_NAMES = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];
const DAY_NAMES = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

interface CalendarRange<T> {
  start: T;
  end: T;
  step: number;
}

export interface Calendar {
  minute: CalendarRange<number>[];
  hour: CalendarRange<number>[];
  dayOfMonth: CalendarRange<number>[];
  month: CalendarRange<string>[];
  dayOfWeek: CalendarRange<string>[];
}

/**
 * A schedule's calendar as the cron it came from: Temporal keeps a cron as structured calendars, so
 * `schedule --describe` writes it back in the language it was given in.
 */
export function calendarAsCron(c: Calendar): string {
  const field = (ranges: CalendarRange<number>[], min: number, max: number) => {
    if (!ranges.length) return '*';
    return ranges
      .map(({ start, end, step }) => {
        const s = step > 1 ? `/${step}` : '';
        if (start === min && end === max) return `*${s}`;
        return `${start === end ? start : `${start}-${end}`}${s}`;
      })
      .join(',');
  };
  const named = (ranges: CalendarRange<string>[], names: string[], offset: number) =>
    ranges.map((r) => ({
      start: names.indexOf(r.start) + offset,
      end: names.indexOf(r.end) + offset,
      step: r.step,
    }));
  return [
    field(c.minute, 0, 59),
    field(c.hour, 0, 23),
    field(c.dayOfMonth, 1, 31),
    field(named(c.month, MONTH_NAMES, 1), 1, 12),
    field(named(c.dayOfWeek, DAY_NAMES, 0), 0, 6),
  ].join(' ');
}
