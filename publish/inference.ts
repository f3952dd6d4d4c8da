/**
 * A table's inference as the published layout shows it: which p-value makes the stars (the study's
 * `stars` choice, `wild` or a vce; absent = each column's own vce), the notes saying so, a warning when
 * a column has fewer than 20 clusters, and the FE-2SLS identification and weak-instrument-robust tests.
 */
import type { CoefficientRow, EstimationResult } from '../econometrics/result';
import { vceField } from '../econometrics/table';
import type { StudyColumn, StudyTable } from '../study';

/** Below this many clusters a table note warns that cluster-robust t-tests over-reject. */
export const FEW_CLUSTERS = 20;

const VCE_LABELS: Record<string, string> = {
  conventional: 'conventional (homoskedastic) t',
  robust: 'heteroskedasticity-robust (HC1) t',
  cluster: 'cluster-robust t(G − 1)',
  cr2: 'CR2 (Bell–McCaffrey) t with Satterthwaite df',
  cr3: 'cluster-jackknife (CRV3) t(G − 1)',
  'driscoll-kraay': 'Driscoll–Kraay t(T − 1)',
};

export const vceLabel = (vce: string) => VCE_LABELS[vce] ?? vce;

/** The p-value that makes this row's stars under the table's choice; undefined = the row's own. */
export function chosenPValue(
  table: Pick<StudyTable, 'stars'>,
  column: StudyColumn,
  row: CoefficientRow,
): number | undefined {
  const s = table.stars;
  if (!s) return undefined;
  if (s === 'wild') return row.p_value_wild;
  if (column.spec.vce === s) return row.p_value;
  return row[`p_value_${vceField(s)}`];
}

const list = (ids: string[]) => (ids.length === 1 ? `column ${ids[0]}` : `columns ${ids.join(', ')}`);

/** Notes on the table's inference: where the stars come from, and few clusters. */
export function inferenceNotes(table: StudyTable, results: (EstimationResult | undefined)[]): string[] {
  const notes: string[] = [];
  const cols = table.columns;
  const withRows = cols
    .map((c, i) => ({ c, r: results[i] }))
    .filter((x): x is { c: StudyColumn; r: EstimationResult } => !!x.r && x.r.coefficients.length > 0);
  if (table.stars && withRows.length) {
    const own = [...new Set(withRows.map((x) => x.c.spec.vce))].map(vceLabel).join(' / ');
    if (table.stars === 'wild') {
      const settings = [
        ...new Set(
          withRows.flatMap(({ r }) => {
            const s = r.statistics;
            if (s.wild_reps === undefined) return [];
            const weights = s.wild_webb === 1 ? 'Webb' : 'Rademacher';
            const reps =
              s.wild_enumerated === 1
                ? `all ${s.wild_reps} sign vectors`
                : `${fmtInt(s.wild_reps)} replications`;
            return [`${weights} weights, ${reps}`];
          }),
        ),
      ].join('; ');
      // WCR for OLS/FE columns, WRE (restricted efficient, Davidson–MacKinnon) for FE-2SLS ones.
      const wre = withRows.filter(({ r }) => r.statistics.wild_wre === 1).length;
      const method =
        wre === 0
          ? 'wild cluster restricted bootstrap p-values (WCR'
          : wre === withRows.filter(({ r }) => r.statistics.wild_reps !== undefined).length
            ? 'wild restricted efficient bootstrap p-values (WRE'
            : 'wild cluster bootstrap p-values (WCR; WRE for FE-2SLS columns';
      notes.push(
        `Stars from ${method}, H0: β = 0${settings ? `, ${settings}` : ''}); ` +
          `coefficients not bootstrapped keep the ${own} stars. Under each standard error: ` +
          `[${own} p-value; wild bootstrap p-value].`,
      );
    } else {
      notes.push(
        `Stars from ${vceLabel(table.stars)} p-values. Under each standard error: ` +
          `[${own} p-value; ${vceLabel(table.stars)} p-value].`,
      );
    }
  }
  // Few clusters: one note per cluster count, with the range of the effective number G*.
  const few = new Map<number, { ids: string[]; gStar: number[] }>();
  for (const { c, r } of withRows) {
    const G = r.statistics.n_clusters;
    if (!(G < FEW_CLUSTERS)) continue;
    const entry = few.get(G) ?? { ids: [], gStar: [] };
    entry.ids.push(c.id);
    if (Number.isFinite(r.statistics.effective_clusters)) entry.gStar.push(r.statistics.effective_clusters);
    few.set(G, entry);
  }
  for (const [G, { ids, gStar }] of few) {
    const where =
      ids.length === withRows.length
        ? 'Every column has'
        : `${cap(list(ids))} ${ids.length > 1 ? 'have' : 'has'}`;
    const lo = Math.min(...gStar);
    const hi = Math.max(...gStar);
    const eff = gStar.length
      ? `, an effective number G* of ${lo === hi ? lo.toFixed(1) : `${lo.toFixed(1)}–${hi.toFixed(1)}`} (Carter, Schnepel & Steigerwald)`
      : '';
    notes.push(
      `${where} only ${G} clusters${eff}: cluster-robust t-tests over-reject with fewer than ${FEW_CLUSTERS} clusters` +
        (table.stars ? '.' : '; a wild cluster bootstrap or CR2 inference is safer.'),
    );
  }
  return notes;
}

const fmtInt = (n: number) => n.toLocaleString('en-US');
const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const fmtP = (p: number) => (!Number.isFinite(p) ? 'n/a' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** One note per FE-2SLS column: ivreg2's identification, weak-instrument-robust and endogeneity tests. */
export function ivNotes(table: StudyTable, results: (EstimationResult | undefined)[]): string[] {
  const notes: string[] = [];
  table.columns.forEach((c, i) => {
    const s = results[i]?.statistics;
    if (c.spec.estimator !== 'iv' || !s) return;
    const parts: string[] = [];
    if (s.kp_rk_lm !== undefined)
      parts.push(
        `Kleibergen–Paap rk LM χ²(${s.kp_rk_lm_df}) = ${fmt(s.kp_rk_lm, 2)} (${fmtP(s.kp_rk_lm_p)})`,
      );
    if (s.anderson_lm !== undefined)
      parts.push(`Anderson LM χ²(${s.anderson_lm_df}) = ${fmt(s.anderson_lm, 2)} (${fmtP(s.anderson_lm_p)})`);
    if (s.kp_rk_wald_f !== undefined) parts.push(`KP rk Wald F = ${fmt(s.kp_rk_wald_f, 2)}`);
    if (s.cragg_donald_f !== undefined) parts.push(`Cragg–Donald F = ${fmt(s.cragg_donald_f, 2)}`);
    if (s.ar_stat !== undefined) {
      let ar = `Anderson–Rubin F(${s.ar_df1}, ${s.ar_df2}) = ${fmt(s.ar_stat, 2)} (${fmtP(s.ar_p)})`;
      if (s.ar_ci_bounded === 1) ar += `, 95% AR set [${fmt(s.ar_ci_lower)}, ${fmt(s.ar_ci_upper)}]`;
      else if (s.ar_ci_bounded === 0) ar += ', 95% AR set: the whole line (unbounded)';
      else if (s.ar_ci_bounded === -1)
        ar += `, 95% AR set (−∞, ${fmt(s.ar_ci_lower)}] ∪ [${fmt(s.ar_ci_upper)}, ∞)`;
      parts.push(ar);
    }
    if (s.hansen !== undefined)
      parts.push(`Hansen J χ²(${s.hansen_df}) = ${fmt(s.hansen, 2)} (${fmtP(s.hansen_p)})`);
    if (s.sargan !== undefined && s.sargan_df !== undefined && s.hansen === undefined)
      parts.push(`Sargan χ²(${s.sargan_df}) = ${fmt(s.sargan, 2)} (${fmtP(s.sargan_p)})`);
    if (s.endog_c !== undefined)
      parts.push(`endogeneity C χ²(${s.endog_c_df}) = ${fmt(s.endog_c, 2)} (${fmtP(s.endog_c_p)})`);
    if (parts.length) notes.push(`Column ${c.id} (FE-2SLS): ${parts.join('; ')}.`);
  });
  return notes;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A difference-in-Hansen statistic J − J_excluding is negative when the model without the subset fits
 * its remaining moments worse than the full model does, which two-step GMM allows in finite samples
 * (each J has its own weighting matrix). xtabond2 reports the difference as computed and warns that
 * "Difference-in-Sargan statistics may be negative" (Roodman 2009, "How to do xtabond2", Stata Journal
 * 9(1), §4 output), its Prob > chi2 then being 1; we store the statistic and that p, and the tables print
 * the statistic with this note instead of a bare p of 1.
 */
export const NEGATIVE_DIFF_HANSEN =
  'negative difference: the Hansen J excluding the subset exceeds the full one; test not informative';

/** The statistic behind a difference-in-Hansen p key (`diff_hansen_levels_p`, `diff_hansen_p:CI`). */
export function diffHansenStatistic(pKey: string): string | undefined {
  const m = /^diff_hansen(_levels)?_p(:.*)?$/.exec(pKey);
  return m ? `diff_hansen${m[1] ?? ''}${m[2] ?? ''}` : undefined;
}

/** One note per GMM column: Hansen's J and the difference-in-Hansen tests it computed. */
export function gmmNotes(table: StudyTable, results: (EstimationResult | undefined)[]): string[] {
  const notes: string[] = [];
  table.columns.forEach((c, i) => {
    const s = results[i]?.statistics;
    if (!['sysgmm', 'diffgmm'].includes(c.spec.estimator) || !s) return;
    const tests: string[] = [];
    const test = (label: string, key: string) => {
      if (s[key] === undefined) return;
      const df = s[key.replace(/^diff_hansen(_levels)?/, 'diff_hansen$1_df')];
      const p = s[key.replace(/^diff_hansen(_levels)?/, 'diff_hansen$1_p')];
      const excluding = s[key.replace(/^diff_hansen/, 'hansen_excluding')];
      tests.push(
        s[key] < 0
          ? `${label} χ²(${df}) = ${fmt(s[key], 2)} (${NEGATIVE_DIFF_HANSEN}; J excluding it ${fmt(excluding, 2)}, full J ${fmt(s.hansen, 2)})`
          : `${label} χ²(${df}) = ${fmt(s[key], 2)} (${fmtP(p)})`,
      );
    };
    test('levels-equation GMM instruments', 'diff_hansen_levels');
    for (const key of Object.keys(s).filter((k) => k.startsWith('diff_hansen:')))
      test(key === 'diff_hansen:iv' ? 'IV-style instruments' : `GMM instruments of ${key.slice(12)}`, key);
    if (!tests.length) return;
    notes.push(
      `Column ${c.id} (${c.spec.estimator === 'sysgmm' ? 'system' : 'difference'} GMM, ${s.instruments} instruments, ${s.groups} groups): ` +
        `Hansen J χ²(${s.hansen_df}) = ${fmt(s.hansen, 2)} (${fmtP(s.hansen_p)}); difference-in-Hansen tests of exogeneity: ${tests.join('; ')}.`,
    );
  });
  return notes;
}

/** How a Moran table's permutation p-values were computed (the rule is a choice: spec.spatial.permutationP). */
export function moranNotes(table: StudyTable, results: (EstimationResult | undefined)[]): string[] {
  const used = table.columns.filter((c, i) => results[i]?.moran?.some((m) => m.p_permutation !== undefined));
  if (!used.length) return [];
  const describe = (c: StudyColumn) => {
    const sp = c.spec.spatial ?? {};
    const nsim = sp.permutations ?? 999;
    const rule =
      (sp.permutationP ?? 'spdep') === 'spdep'
        ? "spdep's moran.mc rule, max(#{I* > I}, 1)/(nsim + 1)"
        : "Phipson & Smyth's (#{I* ≥ I} + 1)/(nsim + 1)";
    return `${fmtInt(nsim)} random permutations, ${rule}, alternative ${sp.alternative ?? 'greater'}`;
  };
  const kinds = [...new Set(used.map(describe))];
  return [`Stars from the analytical p-values; perm. p: permutation p-values (${kinds.join('; ')}).`];
}
