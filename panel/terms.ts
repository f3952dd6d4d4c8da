/**
 * The term language of specs, one grammar for every estimator (linear, GMM, spatial, Moran):
 *
 *   term   := product
 *   product:= unary (':' unary | '*' unary)*      a:b or a*b — the element-wise product (Stata's c.a#c.b;
 *                                                not R's a*b = a + b + a:b expansion)
 *   unary  := ('L' | 'F' | 'D') k? '.' unary      lag / lead / difference over k periods (D2 = D.D)
 *           | ('ln' | 'ln1p') '(' term ')'        ln(x) (missing when x ≤ 0), ln(1 + x) (missing when x ≤ −1)
 *           | column
 *
 * Lags are by time value within the entity: a missing year gives a missing lag, never the previous row.
 * Terms compose: `L.ln1p(patents)`, `AIT:IS`, `ln(AIT)*IS`.
 */
import type { Panel } from './panel';

/** The value of a term on every row of the panel (NaN where it is missing). */
export function evaluateTerm(panel: Panel, expr: string): Float64Array {
  const t = expr.trim();
  const factors = splitTopLevel(t, [':', '*']);
  if (factors.length > 1) {
    const parts = factors.map((p) => evaluateTerm(panel, p));
    return parts.reduce((acc, p) => acc.map((v, i) => v * p[i]));
  }
  const fn = /^(ln|ln1p)\((.+)\)$/.exec(t);
  if (fn) {
    const inner = evaluateTerm(panel, fn[2]);
    return fn[1] === 'ln'
      ? inner.map((v) => (v > 0 ? Math.log(v) : NaN))
      : inner.map((v) => (v > -1 ? Math.log1p(v) : NaN));
  }
  const op = /^([LFD])(\d*)\.(.+)$/.exec(t);
  if (op) {
    const k = op[2] === '' ? 1 : Number(op[2]);
    const inner = op[3];
    const base = panel.has(inner) ? panel : panel.withColumn('__term', evaluateTerm(panel, inner));
    const name = panel.has(inner) ? inner : '__term';
    if (op[1] === 'L') return base.lag(name, k);
    if (op[1] === 'F') return base.lag(name, -k);
    // Stata's D2.x is the second difference D.(D.x), not x − L2.x.
    let d = base.diff(name, 1);
    for (let j = 1; j < k; j++) d = base.withColumn('__diff', d).diff('__diff', 1);
    return d;
  }
  return panel.column(t);
}

/** The columns a term reads (`L.ln(x):z` → x, z), for checking a spec against the data's columns. */
export function termColumns(expr: string): string[] {
  const t = expr.trim();
  const factors = splitTopLevel(t, [':', '*']);
  if (factors.length > 1) return [...new Set(factors.flatMap(termColumns))];
  const fn = /^(ln|ln1p)\((.+)\)$/.exec(t);
  if (fn) return termColumns(fn[2]);
  const op = /^([LFD])(\d*)\.(.+)$/.exec(t);
  if (op) return termColumns(op[3]);
  return [t];
}

/** A cell a term reads: `variable` at the row's year minus `lag` (a lead reads a negative lag). */
export interface TermCell {
  variable: string;
  lag: number;
}

/**
 * The cells a term reads at a row, by variable and lag (`L.AIT` → AIT at t − 1; `D.x` → x at t and
 * t − 1; `AIT:ER` → AIT and ER at t), sorted by variable, then lag: what `explain` follows from a
 * coefficient to the source cells. `×` is read as a product, as tables print it; `lag` shifts every
 * cell (the term read `lag` periods back).
 */
export function termCells(expr: string, lag = 0): TermCell[] {
  const t = expr.trim();
  const factors = splitTopLevel(t, [':', '*', '×']);
  if (factors.length > 1) return mergeCells(factors.flatMap((f) => termCells(f, lag)));
  const fn = /^(ln|ln1p)\((.+)\)$/.exec(t);
  if (fn) return termCells(fn[2], lag);
  const op = /^([LFD])(\d*)\.(.+)$/.exec(t);
  if (op) {
    const k = op[2] === '' ? 1 : Number(op[2]);
    if (op[1] === 'L') return termCells(op[3], lag + k);
    if (op[1] === 'F') return termCells(op[3], lag - k);
    // Dk.x = D.(D(k−1).x) reads x at t, …, t − k.
    return mergeCells(Array.from({ length: k + 1 }, (_, j) => termCells(op[3], lag + j)).flat());
  }
  return [{ variable: t, lag }];
}

/** Cells without repeats, sorted by variable, then lag. */
export function mergeCells(cells: readonly TermCell[]): TermCell[] {
  const seen = new Map(cells.map((c) => [`${c.variable}\u0000${c.lag}`, c]));
  return [...seen.values()].sort((a, b) =>
    a.variable === b.variable ? a.lag - b.lag : a.variable < b.variable ? -1 : 1,
  );
}

/**
 * The panel with each term that is not already a column added as a column named by the term, so an
 * estimator that reads columns by name (GMM's lag grid, the spatial stacks) accepts terms too.
 */
export function withTerms(panel: Panel, terms: readonly string[]): Panel {
  let p = panel;
  for (const t of new Set(terms)) if (!p.has(t)) p = p.withColumn(t, evaluateTerm(p, t));
  return p;
}

function splitTopLevel(s: string, seps: readonly string[]): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (seps.includes(s[i]) && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}
