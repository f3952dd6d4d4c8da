/**
 * The estimation spec: the JSON object `aicarbon estimate --spec` reads and the study definition uses
 * for each table column. Documented in docs/estimate-spec.md. Unknown keys are errors (a typo must not
 * silently change a table), and so is a key or value the named estimator cannot honour: the registry
 * (registry.ts) says what each estimator reads, and its defaults for `effects` and `vce` fill the
 * parsed spec.
 */
import { z } from 'zod';
import { parseOrThrow } from '../common/errors';
import { contractIssues, contractOf, EFFECTS_NAMES, ESTIMATOR_NAMES, VCE_NAMES } from './registry';

const term = z.string().trim().min(1, 'expected a non-empty term');

export const winsorizeSchema = z.strictObject({
  /** Columns to winsorize (default: the dependent variable). */
  vars: z.array(term).optional(),
  lower: z.number().min(0).max(100),
  upper: z.number().min(0).max(100),
  by: z.string().optional(),
  definition: z.enum(['stata', 'type7']).default('stata'),
});

const shape = z.strictObject({
  estimator: z.enum(ESTIMATOR_NAMES, {
    error: (issue) => `unknown estimator '${String(issue.input)}' (known: ${ESTIMATOR_NAMES.join(', ')})`,
  }),
  y: term,
  x: z.array(term).default([]),
  entity: z.string().optional(),
  time: z.string().optional(),
  /** Absorbed effects; default: the estimator's first (registry). */
  effects: z.enum(EFFECTS_NAMES).optional(),
  /** Covariance estimator; default: the estimator's first (registry). */
  vce: z.enum(VCE_NAMES).optional(),
  /**
   * Cluster variable for vce cluster, cr2, cr3 and the wild bootstrap; default the entity. Two names
   * (`["province", "year"]`) cluster two ways (vce cluster only).
   */
  cluster: z.union([z.string().min(1), z.tuple([z.string().min(1), z.string().min(1)])]).optional(),
  /** Driscoll–Kraay: Bartlett lag length; default ⌊T^{1/4}⌋ (plm's vcovSCC). */
  maxlag: z.number().int().min(0).optional(),
  /** Inference beyond the vce: alternative covariance estimators, the wild cluster restricted bootstrap. */
  inference: z
    .strictObject({
      /** Further covariance estimators whose SEs and p-values the rows carry (`std_error_cr2`, …). */
      vce: z.array(z.enum(VCE_NAMES)).min(1).optional(),
      wild: z
        .strictObject({
          reps: z.number().int().min(99).default(9999),
          weights: z.enum(['webb', 'rademacher']).default('webb'),
          seed: z.number().int().min(0).default(1),
          /** Coefficients to test (default: the core regressor x[0]). */
          terms: z.array(term).min(1).optional(),
          level: z.number().gt(0).lt(1).default(0.95),
        })
        .optional(),
    })
    .optional(),
  /** Where Stata and plm differ (linear estimators); default 'stata'. */
  convention: z.enum(['stata', 'plm']).optional(),
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
  center: z.boolean().optional(),
  /** Moderation: moderator percentiles at which marginal effects are reported (default 10 25 50 75 90). */
  quantiles: z.array(z.number().min(0).max(100)).optional(),
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
            /**
             * How the variable relates to the errors: `endogenous` (its levels from lag 2 are valid
             * instruments, the default) or `predetermined` (from lag 1). Sets the default lags.
             */
            type: z.enum(['endogenous', 'predetermined']).default('endogenous'),
            /** Lag range of the levels used; default [2, 99] endogenous, [1, 99] predetermined. */
            lags: z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional(),
            collapse: z.boolean().default(false),
          }),
        )
        .min(1),
      iv: z.array(term).optional(),
      timeDummies: z.boolean().default(true),
      twoStep: z.boolean().default(true),
      /**
       * Difference-in-Hansen tests (xtabond2's): of the levels-equation GMM instruments (system GMM)
       * and of each instrument group, by re-estimating without them. Default false.
       */
      diffHansen: z.boolean().default(false),
    })
    .optional(),
  /**
   * Spatial estimators: sar/sem/sdm read simulations (draws for the simulated SEs of the impacts,
   * default 1000), seed (default 20240101) and leeYu (report Lee and Yu's σ²·T/(T−1) as `sigma2`,
   * default false); moran reads permutations (for p_permutation, 0: none; default 999), seed,
   * alternative (default 'greater') and randomisation (variance under randomisation, default true).
   * Work beyond the model only when asked (default false): lmTests (sar, sem, sdm: LM tests of the
   * non-spatial FE model), lrTests (sdm: also fit SAR and SEM for the LR tests against them), pooled
   * (moran: a row for the stacked panel, I_T ⊗ W). sar and sdm also read dynamic and biasCorrection
   * (the dynamic spatial panel, below).
   */
  spatial: z
    .strictObject({
      simulations: z.number().int().min(2).optional(),
      seed: z.number().int().min(0).optional(),
      leeYu: z.boolean().optional(),
      permutations: z.number().int().min(0).optional(),
      /** moran: the permutation p-value's rule, spdep's moran.mc (default) or Phipson & Smyth's. */
      permutationP: z.enum(['spdep', 'phipson-smyth']).optional(),
      /** moran's LISA: conditional permutations per entity (default 999; 0: analytical p only). */
      lisaPermutations: z.number().int().min(0).optional(),
      /** moran's LISA: the p-value behind the cluster labels (default permutation-bh, analytical without permutations). */
      lisaLabels: z.enum(['permutation-bh', 'permutation', 'analytical']).optional(),
      /** moran's LISA: the labels' significance level (default 0.05). */
      lisaAlpha: z.number().gt(0).lt(1).optional(),
      alternative: z.enum(['greater', 'less', 'two.sided']).optional(),
      randomisation: z.boolean().optional(),
      pooled: z.boolean().optional(),
      lrTests: z.boolean().optional(),
      lmTests: z.boolean().optional(),
      /**
       * sar, sdm: the dynamic spatial panel y_t = τ y_{t−1} + ψ W y_{t−1} + ρ W y_t + X_t β (+ W X_t θ) +
       * μ (+ α_t) + ε_t by (bias-corrected) QML (econometrics/spatial/dynamic.ts). ylag adds τ (row
       * `L.y`), wylag ψ (row `W*L.y`), both default true; stationarity: leaving the stationary region
       * is a DataError ('error', default) or a warning ('warn').
       */
      dynamic: z
        .strictObject({
          ylag: z.boolean().default(true),
          wylag: z.boolean().default(true),
          stationarity: z.enum(['error', 'warn']).default('error'),
        })
        .optional(),
      /** sar, sdm with `dynamic`: Yu, de Jong & Lee's (2008) bias correction (default) or none. */
      biasCorrection: z.enum(['yu-dejong-lee', 'none']).optional(),
    })
    .optional(),
});

type ShapedSpec = z.output<typeof shape>;

/** Cross-key checks of one spec that hold whatever its estimator (paths relative to the spec). */
function specIssues(s: ShapedSpec): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const vce = s.vce ?? contractOf(s.estimator).vce[0];
  s.x.forEach((t, i) => {
    if (t === s.y) out.push({ path: ['x', i], message: `'${t}' is also the dependent variable y` });
    else if (s.x.indexOf(t) !== i) out.push({ path: ['x', i], message: `'${t}' is listed twice` });
  });
  if (Array.isArray(s.cluster) && vce !== 'cluster')
    out.push({ path: ['cluster'], message: `two cluster variables need vce "cluster", not "${vce}"` });
  if (Array.isArray(s.cluster) && s.cluster[0] === s.cluster[1])
    out.push({ path: ['cluster', 1], message: `'${s.cluster[1]}' is listed twice` });
  if (s.maxlag !== undefined && vce !== 'driscoll-kraay')
    out.push({ path: ['maxlag'], message: `maxlag is used by vce "driscoll-kraay" only, not "${vce}"` });
  (s.inference?.vce ?? []).forEach((v, i) => {
    if (Array.isArray(s.cluster) && v !== 'cluster')
      out.push({ path: ['inference', 'vce', i], message: `'${v}' cannot use the two cluster variables` });
    else if (v === vce)
      out.push({ path: ['inference', 'vce', i], message: `'${v}' is already the spec's vce` });
  });
  s.gmm?.instruments.forEach((g, i) => {
    if (g.type === 'endogenous' && g.lags && g.lags[0] < 2)
      out.push({
        path: ['gmm', 'instruments', i, 'lags'],
        message: `an endogenous variable's levels are valid instruments from lag 2, not ${g.lags[0]} (declare it "predetermined" for lag 1)`,
      });
    if (g.lags && g.lags[1] < g.lags[0])
      out.push({ path: ['gmm', 'instruments', i, 'lags'], message: `expected [min, max] with min ≤ max` });
  });
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

/**
 * The spec schema: the shape, the cross-key checks zod's object shape cannot express, the estimator's
 * contract (registry.ts: vce, inference, effects, options it reads), then the contract's defaults.
 * Nested in the study schema, its issues carry the path in the study file
 * (`tables[2].columns[1].spec.vce`), so a study fails validation before any work.
 */
export const specSchema = shape
  .superRefine((s, ctx) => {
    for (const issue of [...specIssues(s), ...contractIssues(s)]) ctx.addIssue({ code: 'custom', ...issue });
  })
  .transform((s) => {
    const c = contractOf(s.estimator);
    return {
      ...s,
      effects: s.effects ?? c.effects[0],
      vce: s.vce ?? c.vce[0],
    };
  });

export type Spec = z.output<typeof specSchema>;
export type SpecInput = z.input<typeof specSchema>;

/** Validates a spec; the error names the key (e.g. `spec.x[1]`) and says what was expected. */
export function parseSpec(input: unknown, source = 'spec'): Spec {
  return parseOrThrow(specSchema, input, { prefix: source });
}
