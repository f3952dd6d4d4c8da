/**
 * The estimation spec: the JSON object `aicarbon estimate --spec` reads and the study definition uses
 * for each table column. Documented in docs/estimate-spec.md. Unknown keys are errors (a typo must not
 * silently change a table); estimators that need more keys add them here.
 */
import { z } from 'zod';
import { InputError } from '../common/errors';

const term = z.string().trim().min(1, 'expected a non-empty term');

export const winsorizeSchema = z.strictObject({
  /** Columns to winsorize (default: the dependent variable). */
  vars: z.array(term).optional(),
  lower: z.number().min(0).max(100),
  upper: z.number().min(0).max(100),
  by: z.string().optional(),
  definition: z.enum(['stata', 'type7']).default('stata'),
});

export const specSchema = z.strictObject({
  estimator: z.string().min(1),
  y: term,
  x: z.array(term).default([]),
  entity: z.string().optional(),
  time: z.string().optional(),
  effects: z.enum(['none', 'entity', 'time', 'twoways']).default('entity'),
  vce: z.enum(['conventional', 'robust', 'cluster', 'cr2', 'cr3', 'driscoll-kraay']).default('conventional'),
  /**
   * Cluster variable for vce cluster, cr2, cr3 and the wild bootstrap; default the entity. Two names
   * (`["province", "year"]`) cluster two ways (vce cluster only).
   */
  cluster: z.union([z.string().min(1), z.tuple([z.string().min(1), z.string().min(1)])]).optional(),
  /** Driscoll–Kraay: Bartlett lag length; default ⌊T^{1/4}⌋ (plm's vcovSCC). */
  maxlag: z.number().int().min(0).optional(),
  /** Inference beyond the vce: the wild cluster restricted bootstrap of single coefficients. */
  inference: z
    .strictObject({
      wild: z.strictObject({
        reps: z.number().int().min(99).default(9999),
        weights: z.enum(['webb', 'rademacher']).default('webb'),
        seed: z.number().int().min(0).default(1),
        /** Coefficients to test (default: the core regressor x[0]). */
        terms: z.array(term).min(1).optional(),
        level: z.number().gt(0).lt(1).default(0.95),
      }),
    })
    .optional(),
  convention: z.enum(['stata', 'plm']).default('stata'),
  endogenous: z.array(term).optional(),
  instruments: z.array(term).optional(),
  winsorize: z.union([winsorizeSchema, z.array(winsorizeSchema)]).optional(),
  /** Estimate on a subset of rows: those whose column `by` takes one of `values` (e.g. region East). */
  subset: z
    .strictObject({ by: z.string(), values: z.array(z.union([z.string(), z.number()])).min(1) })
    .optional(),
  /** Mediation: the mediator M (y ~ x + C, M ~ x + C, y ~ x + M + C). */
  mediator: term.optional(),
  /** Moderation: the moderator M (y ~ x + M + x·M + C); x[0] is the core regressor. */
  moderator: term.optional(),
  /** Moderation: centre x and M at their sample means before forming the product (default true). */
  center: z.boolean().default(true),
  /** Moderation: moderator percentiles at which marginal effects are reported. */
  quantiles: z.array(z.number().min(0).max(100)).default([10, 25, 50, 75, 90]),
  bootstrap: z
    .strictObject({
      reps: z.number().int().min(0).default(1000),
      seed: z.number().int().min(0).default(20240101),
      level: z.number().gt(0).lt(1).default(0.95),
    })
    .optional(),
  /**
   * Dynamic panel GMM (diffgmm, sysgmm): y's lags as regressors (named L.y, L2.y), lags of each x (default
   * [0]), GMM-style instruments with lag limits and optional collapse, IV-style instruments (default:
   * the x without GMM instruments), time dummies, one- or two-step. SEs follow spec.vce: 'robust' or
   * 'cluster' give Windmeijer (two-step) / robust (one-step) SEs, 'conventional' plm's plain ones.
   */
  gmm: z
    .strictObject({
      ylags: z.array(z.number().int().min(1)).min(1).default([1]),
      xlags: z.record(z.string(), z.array(z.number().int().min(0)).min(1)).default({}),
      instruments: z
        .array(
          z.strictObject({
            variable: term,
            lags: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
            collapse: z.boolean().default(false),
          }),
        )
        .min(1),
      iv: z.array(term).optional(),
      timeDummies: z.boolean().default(true),
      twoStep: z.boolean().default(true),
    })
    .optional(),
  /** Spatial estimators (sar, sem, sdm, moran): simulation and permutation settings. */
  spatial: z
    .strictObject({
      /** Draws for the simulated SEs of direct/indirect/total effects. */
      simulations: z.number().int().min(2).default(1000),
      seed: z.number().int().min(0).default(20240101),
      /** Report Lee and Yu's bias-corrected σ² = σ²·T/(T−1) as `sigma2`. */
      leeYu: z.boolean().default(false),
      /** Moran: permutations for p_permutation (0: none) and the alternative hypothesis. */
      permutations: z.number().int().min(0).default(999),
      alternative: z.enum(['greater', 'less', 'two.sided']).default('greater'),
      /** Moran: variance under randomisation (default) or normality. */
      randomisation: z.boolean().default(true),
      /** Moran: also a row for the pooled panel (all periods stacked, I_T ⊗ W); off unless asked for. */
      pooled: z.boolean().default(false),
      /** sdm: also fit SAR and SEM for the LR tests against them (lr_sar, lr_sem); off unless asked for. */
      lrTests: z.boolean().default(false),
      /** sar, sem, sdm: LM tests of the non-spatial FE model (lm_lag, lm_error, robust forms). */
      lmTests: z.boolean().default(false),
    })
    .optional(),
});

/** The parsed spec, with cross-key checks zod's object shape cannot express. */
const checkedSpec = specSchema.superRefine((s, ctx) => {
  for (const issue of specIssues(s)) ctx.addIssue({ code: 'custom', ...issue });
});

/** Cross-key checks of one spec (paths relative to the spec), shared with study validation. */
export function specIssues(s: Spec): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  s.x.forEach((t, i) => {
    if (t === s.y) out.push({ path: ['x', i], message: `'${t}' is also the dependent variable y` });
    else if (s.x.indexOf(t) !== i) out.push({ path: ['x', i], message: `'${t}' is listed twice` });
  });
  if (Array.isArray(s.cluster) && s.vce !== 'cluster')
    out.push({ path: ['cluster'], message: `two cluster variables need vce "cluster", not "${s.vce}"` });
  if (Array.isArray(s.cluster) && s.cluster[0] === s.cluster[1])
    out.push({ path: ['cluster', 1], message: `'${s.cluster[1]}' is listed twice` });
  if (s.maxlag !== undefined && s.vce !== 'driscoll-kraay')
    out.push({ path: ['maxlag'], message: `maxlag is used by vce "driscoll-kraay" only, not "${s.vce}"` });
  const wild = s.inference?.wild;
  if (wild) {
    if (Array.isArray(s.cluster))
      out.push({ path: ['inference', 'wild'], message: 'the wild cluster bootstrap clusters one way only' });
    (wild.terms ?? []).forEach((t, i) => {
      if (!s.x.includes(t))
        out.push({
          path: ['inference', 'wild', 'terms', i],
          message: `'${t}' is not among the regressors x`,
        });
    });
  }
  return out;
}

export type Spec = z.infer<typeof specSchema>;
export type SpecInput = z.input<typeof specSchema>;

/** Validates a spec; the error names the key (e.g. `spec.x[1]`) and says what was expected. */
export function parseSpec(input: unknown, source = 'spec'): Spec {
  const r = checkedSpec.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${String(p)}`),
    source,
  );
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw new InputError(`${path}: ${issue.message}${keys}`, path);
}
