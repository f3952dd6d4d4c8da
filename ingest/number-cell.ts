/**
 * Strict values: the one rule by which a source cell or CSV field becomes a number, or is refused with
 * an InputError naming the cell and saying why. Every layout reads numbers through `valueNumber`.
 *
 * Text is read as a decimal number after these steps, and only these:
 * - surrounding spaces are dropped; a missing mark (`MISSING_MARKS`: empty, `…`, `...`, `-`, `—`, `–`,
 *   `NA`, `N/A`, `.`) is a gap, not a number;
 * - footnote marks at the end (`*`, `†`, `‡`, `§`, `#`, `※`, circled ①–⑳, superscript digits) are
 *   dropped — they refer to a note under the table (superscripts are removed before the next step, so
 *   `12³` is 12, never 123);
 * - Unicode compatibility forms are folded (NFKC): full-width digits, `，` and `．`; `−` and `－` are minus;
 * - thousands separators are commas between groups of exactly three digits (`1,234,567.8`);
 * - an exponent is allowed (`1.5e3`).
 * Refused, with the reason: hexadecimal, octal and binary literals (`0x13378`), commas that do not
 * group thousands (`1,2345`, a decimal comma?), a percent sign (declare the unit `%` instead),
 * parentheses (an accounting negative?), spaces or `_` inside, `Infinity`/`NaN`, a formula's text
 * (`=SUM(…)`), anything else that is not a number.
 *
 * Workbook cells: a number is taken as it is; a formula's cached result is used when it is a number
 * (or text, read as above); a formula without a cached result, or whose result is an error (`#DIV/0!`),
 * is refused; a hyperlink's displayed text and rich text are read as text; error values (`#N/A`),
 * dates and booleans where a number belongs are refused.
 */
import { InputError } from '../common/errors';

export const MISSING_MARKS = new Set(['', '…', '...', '-', '—', '–', 'NA', 'N/A', '.']);

const FOOTNOTE_MARKS = /[*†‡§#※\u2460-\u2473\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+$/u;
const DECIMAL = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function refuse(where: string, raw: string, why: string): never {
  throw new InputError(`${where}: "${raw}" ${why}`, where);
}

/** A number from text by the rule above; undefined for a missing mark. */
export function parseNumberText(raw: string, where: string): number | undefined {
  const trimmed = raw.trim();
  if (MISSING_MARKS.has(trimmed)) return undefined;
  const text = trimmed
    .replace(FOOTNOTE_MARKS, '')
    .trim()
    .normalize('NFKC')
    .replace(/^[\u2212\uff0d]/, '-');
  if (/^[+-]?0[xob]/i.test(text))
    refuse(where, trimmed, 'is a hexadecimal, octal or binary literal, not a decimal number');
  if (text.startsWith('=')) refuse(where, trimmed, 'is a formula, not a value (export values, not formulas)');
  if (text.endsWith('%'))
    refuse(where, trimmed, 'is a percentage: declare the unit "%" for this column and give the number alone');
  if (/^\(.*\)$/.test(text)) refuse(where, trimmed, 'is a number in parentheses (an accounting negative?)');
  if (/\d/.test(text) && DECIMAL.test(text)) {
    const n = Number(text.replace(/,/g, ''));
    if (Number.isFinite(n)) return n;
  }
  if (/^[+-]?[\d,]+(\.\d+)?$/.test(text))
    refuse(where, trimmed, 'has commas that do not group thousands (a decimal comma? expected e.g. 1,234.5)');
  refuse(where, trimmed, 'is not a number (expected e.g. 1234.5 or 1,234.5; … or - for missing)');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * A workbook cell's value without exceljs's wrappers: a formula's stored result (refused when it has
 * none or it is an error), a hyperlink's displayed text, rich text joined; error values refused.
 */
export function cellScalar(v: unknown, where: string): string | number | boolean | Date | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (isObject(v)) {
    if ('formula' in v || 'sharedFormula' in v) {
      const formula = `=${String(v.formula ?? v.sharedFormula)}`;
      const result = v.result;
      if (result === undefined || result === null)
        refuse(
          where,
          formula,
          'is a formula without a stored result: open and save the workbook in Excel or LibreOffice so ' +
            'it keeps the computed values',
        );
      if (isObject(result) && 'error' in result)
        refuse(where, formula, `is a formula whose result is the error ${String(result.error)}`);
      return cellScalar(result, where);
    }
    if ('error' in v) refuse(where, String(v.error), 'is an error value where a value belongs');
    if ('richText' in v && Array.isArray(v.richText))
      return (v.richText as { text: string }[]).map((t) => t.text).join('');
    if ('hyperlink' in v && 'text' in v) return cellScalar(v.text, where);
  }
  refuse(where, JSON.stringify(v) ?? String(v), 'is not a value that can be read');
}

/** The number a workbook cell's value (or a CSV field) holds; undefined when empty or a missing mark. */
export function valueNumber(v: unknown, where: string): number | undefined {
  const x = cellScalar(v, where);
  if (x === null) return undefined;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) refuse(where, String(x), 'is not a finite number');
    return x;
  }
  if (typeof x === 'string') return parseNumberText(x, where);
  if (typeof x === 'boolean') refuse(where, String(x), 'is a true/false cell where a number belongs');
  refuse(where, x.toISOString().slice(0, 10), 'is a date where a number belongs');
}
