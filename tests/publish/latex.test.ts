/**
 * The LaTeX of every table of the default study compiles with pdflatex unchanged (Debian's
 * texlive-latex-base and texlive-latex-recommended for booktabs; scripts/provision-test-deps.sh installs
 * them), and the PDF reads as written: the caption once numbered, inequalities as inequalities.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { captionText, latexEscape, latexTable, studyLayouts, writeLatexTables } from '../../publish';
import { loadStudy } from '../../study';
import { handMadeRun } from './fixtures';

const study = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));

function compile(dir: string, name: string, body: string): string {
  writeFileSync(
    join(dir, `${name}-doc.tex`),
    `\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage[margin=2cm,landscape]{geometry}\n\\begin{document}\n${body}\n\\end{document}\n`,
  );
  try {
    execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', `${name}-doc.tex`], {
      cwd: dir,
      stdio: 'pipe',
    });
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? String(e);
    throw new Error(`pdflatex failed on ${name}:\n${out.split('\n').slice(-30).join('\n')}`);
  }
  // pdftotext prints a typeset ' as ’.
  return execFileSync('pdftotext', ['-layout', `${name}-doc.pdf`, '-'], { cwd: dir })
    .toString()
    .replace(/’/g, "'");
}

describe('LaTeX tables', () => {
  it('escapes specials and puts inequalities and symbols in math mode', () => {
    expect(latexEscape('* p < 0.1; 50 % & $1_x')).toBe('* p $<$ 0.1; 50 \\% \\& \\$1\\_x');
    expect(latexEscape('R² (within), ρ·W, a ≠ b, c′')).toBe(
      "R$^2$ (within), $\\rho$$\\cdot$W, a $\\neq$ b, c$'$",
    );
    expect(captionText('Table 3. Baseline regressions')).toBe('Baseline regressions');
    expect(captionText('Multicollinearity')).toBe('Multicollinearity');
  });

  it('every table of the study compiles with pdflatex and prints its caption once numbered', async () => {
    const layouts = studyLayouts(study, handMadeRun(study));
    const dir = mkdtempSync(join(tmpdir(), 'latex-'));
    const paths = await writeLatexTables(dir, layouts);
    expect(paths).toHaveLength(study.tables.length);
    for (const t of layouts) {
      const tex = latexTable(t);
      expect(tex).toContain('\\toprule');
      expect(tex).not.toMatch(/\\caption\{Table \d/);
      const text = compile(dir, t.id, `\\input{${t.id}.tex}`);
      // LaTeX numbers the caption; the title's own number is gone.
      expect(text, t.id).toMatch(
        new RegExp(
          `Table 1: ${captionText(t.title)
            .slice(0, 20)
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
        ),
      );
      expect(text, t.id).not.toMatch(/Table 1: Table/);
      expect(text, t.id).not.toContain('¡');
      if (t.notes.some((n) => n.includes('p < 0.1'))) expect(text, t.id).toContain('p < 0.1');
    }
    // All tables in one document, as a paper \input's them.
    const all = compile(dir, 'all', layouts.map((t) => `\\input{${t.id}.tex}`).join('\n\\clearpage\n'));
    expect(all).toContain(`Table ${layouts.length}:`);
  }, 120_000);
});
