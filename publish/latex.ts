/**
 * LaTeX tables for papers: booktabs rules, stars as superscripts, one `.tex` file per table that
 * pdflatex compiles unchanged (`\usepackage{booktabs}`): the caption without the number LaTeX adds,
 * inequalities and symbols in math mode, every other character escaped.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cellText, type LayoutCell, type TableLayout } from './layout';

// What pdflatex's default set-up (OT1/T1, utf8) cannot print as typed. `<`, `>` and `|` are math: in
// OT1 text they print as ¡, ¿ and an em dash.
const SYMBOLS: Record<string, string> = {
  '<': '$<$',
  '>': '$>$',
  '|': '$|$',
  '²': '$^2$',
  '³': '$^3$',
  α: '$\\alpha$',
  β: '$\\beta$',
  γ: '$\\gamma$',
  δ: '$\\delta$',
  Δ: '$\\Delta$',
  ε: '$\\varepsilon$',
  θ: '$\\theta$',
  λ: '$\\lambda$',
  μ: '$\\mu$',
  ρ: '$\\rho$',
  σ: '$\\sigma$',
  Σ: '$\\Sigma$',
  τ: '$\\tau$',
  φ: '$\\phi$',
  χ: '$\\chi$',
  ω: '$\\omega$',
  '·': '$\\cdot$',
  '×': '$\\times$',
  '–': '--',
  '—': '---',
  '‘': '`',
  '’': "'",
  '“': '``',
  '”': "''",
  '′': "$'$",
  '…': '\\ldots{}',
  '≤': '$\\le$',
  '≥': '$\\ge$',
  '≠': '$\\neq$',
  '−': '$-$',
  '±': '$\\pm$',
  '∪': '$\\cup$',
  '∈': '$\\in$',
  '∞': '$\\infty$',
  '≈': '$\\approx$',
  '→': '$\\to$',
  '†': '\\textdagger{}',
  '‡': '\\textdaggerdbl{}',
  '°': '$^\\circ$',
  '\\': '\\textbackslash{}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

/** Text as LaTeX: specials escaped, symbols and inequalities in math mode. */
export function latexEscape(text: string): string {
  return [...text]
    .map((ch) => {
      if (Object.hasOwn(SYMBOLS, ch)) return SYMBOLS[ch];
      if ('&%$#_{}'.includes(ch)) return `\\${ch}`;
      if (ch.charCodeAt(0) < 128) return ch;
      // An accented letter as its base letter; a character pdflatex has no glyph for is dropped rather
      // than stopping the compile.
      return ch.normalize('NFKD').replace(/[^\x20-\x7e]/g, '');
    })
    .join('');
}

/** A caption says what the table is; LaTeX numbers it (`Table 3. Baseline…` → `Baseline…`). */
export const captionText = (title: string) => title.replace(/^Table\s+[0-9A-Za-z]+[.:]\s*/, '');

// A negative number's sign is a minus, not a hyphen; a lone '-' (term not in the model) stays a dash.
const minus = (text: string) => text.replace(/(^|[[(; ])-(?=\d)/g, '$1$-$');

const cell = (c: LayoutCell) => {
  if (c.kind === 'coef' && c.value !== null && c.stars) return `${minus(c.value.toFixed(3))}$^{${c.stars}}$`;
  return minus(latexEscape(cellText(c)));
};

/**
 * A header row: equal neighbours as `\multicolumn` groups, each group of more than one column with a
 * `\cmidrule` under it (booktabs' way of showing what a spanning label spans).
 */
function headerRow(stub: string, labels: string[], merge: boolean): string[] {
  const parts: string[] = [];
  const rules: string[] = [];
  for (let i = 0; i < labels.length;) {
    let j = i + 1;
    while (merge && j < labels.length && labels[j] === labels[i]) j++;
    const text = latexEscape(labels[i]);
    parts.push(j - i > 1 ? `\\multicolumn{${j - i}}{c}{${text}}` : text);
    if (j - i > 1 && labels[i]) rules.push(`\\cmidrule(lr){${i + 2}-${j + 1}}`);
    i = j;
  }
  return [`${latexEscape(stub)} & ${parts.join(' & ')} \\\\`, ...(rules.length ? [rules.join(' ')] : [])];
}

export function latexTable(t: TableLayout): string {
  const n = t.headers[0]?.length ?? 0;
  const lines = [
    '\\begin{table}[htbp]',
    '\\centering',
    `\\caption{${latexEscape(captionText(t.title))}}`,
    `\\label{tab:${t.id.replace(/[^A-Za-z0-9-]/g, '')}}`,
    `\\begin{tabular}{l${'c'.repeat(n)}}`,
    '\\toprule',
    ...t.headers.flatMap((h, i) => headerRow(t.stubs[i] ?? '', h, i < t.headers.length - 1)),
    '\\midrule',
    ...t.rows.map((r) => `${latexEscape(r.label)} & ${r.cells.map(cell).join(' & ')} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
    ...(t.notes.length
      ? [
          '\\par\\smallskip',
          `\\begin{minipage}{\\linewidth}\\footnotesize ${t.notes.map(latexEscape).join(' ')}\\end{minipage}`,
        ]
      : []),
    '\\end{table}',
    '',
  ];
  return lines.join('\n');
}

/**
 * One `<table id>.tex` per table (needs `\usepackage{booktabs}`; `latexTable`, or the texts given in
 * the tables' order); returns the paths written.
 */
export async function writeLatexTables(
  dir: string,
  tables: TableLayout[],
  texts: string[] = tables.map(latexTable),
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths = tables.map((t) => join(dir, `${t.id}.tex`));
  await Promise.all(paths.map((path, i) => writeFile(path, texts[i])));
  return paths;
}
