/** LaTeX tables for papers: booktabs, stars as superscripts, one `.tex` file per table. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cellText, type LayoutCell, type TableLayout } from './layout';

const SYMBOLS: Record<string, string> = {
  '²': '$^2$',
  ρ: '$\\rho$',
  λ: '$\\lambda$',
  '·': '$\\cdot$',
  '×': '$\\times$',
  '–': '--',
  '—': '---',
  '’': "'",
  '≤': '$\\le$',
  '≥': '$\\ge$',
  Σ: '$\\Sigma$',
  β: '$\\beta$',
  χ: '$\\chi$',
  '−': '$-$',
  '∪': '$\\cup$',
  '∞': '$\\infty$',
  '≈': '$\\approx$',
};

export function latexEscape(text: string): string {
  return text.replace(/[\\&%$#_{}~^]|[²ρλ·×–—’≤≥Σβχ−∪∞≈]/g, (ch) => {
    if (Object.hasOwn(SYMBOLS, ch)) return SYMBOLS[ch];
    if (ch === '\\') return '\\textbackslash{}';
    if (ch === '~') return '\\textasciitilde{}';
    if (ch === '^') return '\\textasciicircum{}';
    return `\\${ch}`;
  });
}

const cell = (c: LayoutCell) => {
  if (c.kind === 'coef' && c.value !== null && c.stars) return `${c.value.toFixed(3)}$^{${c.stars}}$`;
  return latexEscape(cellText(c));
};

/** Equal neighbours of a header row as `\multicolumn` groups. */
function headerRow(labels: string[], merge: boolean): string {
  const parts: string[] = [];
  for (let i = 0; i < labels.length;) {
    let j = i + 1;
    while (merge && j < labels.length && labels[j] === labels[i]) j++;
    const text = latexEscape(labels[i]);
    parts.push(j - i > 1 ? `\\multicolumn{${j - i}}{c}{${text}}` : text);
    i = j;
  }
  return ` & ${parts.join(' & ')} \\\\`;
}

export function latexTable(t: TableLayout): string {
  const n = t.headers[0]?.length ?? 0;
  const lines = [
    '\\begin{table}[htbp]',
    '\\centering',
    `\\caption{${latexEscape(t.title)}}`,
    `\\label{tab:${t.id.replace(/[^A-Za-z0-9-]/g, '')}}`,
    `\\begin{tabular}{l${'c'.repeat(n)}}`,
    '\\toprule',
    ...t.headers.map((h, i) => headerRow(h, i < t.headers.length - 1)),
    '\\midrule',
    ...t.rows.map((r) => `${latexEscape(r.label)} & ${r.cells.map(cell).join(' & ')} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
    `\\par\\footnotesize ${t.notes.map(latexEscape).join(' ')}`,
    '\\end{table}',
    '',
  ];
  return lines.join('\n');
}

/** One `<table id>.tex` per table (needs `\usepackage{booktabs}`); returns the paths written. */
export async function writeLatexTables(dir: string, tables: TableLayout[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const t of tables) {
    const path = join(dir, `${t.id}.tex`);
    await writeFile(path, latexTable(t));
    paths.push(path);
  }
  return paths;
}
