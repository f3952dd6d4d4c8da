/**
 * The estimator registry: what each estimator accepts and produces, declared once (in the spirit of
 * linearmodels' covariance registry). Everything that must know an estimator's abilities derives
 * from here: the spec schema (the estimator name is an enum, an option an estimator cannot honour is
 * rejected naming its key), study validation (weights), the CLI's pre-flight check, the table layout
 * (fixed-effect rows, notes) and the estimator table of docs/estimate-spec.md (`contractTable`).
 *
 * The fits themselves are paired with these names in estimate.ts (a Record over EstimatorName, so an
 * estimator without a contract, or a contract without a fit, does not compile).
 */

/** Every covariance estimator a spec may name (covariance.ts); each contract lists those it honours. */
export const VCE_NAMES = ['conventional', 'robust', 'cluster', 'cr2', 'cr3', 'driscoll-kraay'] as const;
export type VceName = (typeof VCE_NAMES)[number];

export const EFFECTS_NAMES = ['none', 'entity', 'time', 'twoways'] as const;
export type EffectsName = (typeof EFFECTS_NAMES)[number];

/** Spec keys only some estimators read; a spec naming one its estimator does not read is rejected. */
export const OPTION_KEYS = [
  'endogenous',
  'instruments',
  'mediator',
  'moderator',
  'center',
  'quantiles',
  'bootstrap',
  'gmm',
  'spatial',
  'convention',
] as const;
export type OptionKey = (typeof OPTION_KEYS)[number];

/**
 * The panel terms each option key names (the early cut-off keys an estimation on the columns these
 * read: econometrics/reads.ts). A Record over OptionKey, so a new option key does not compile until it
 * says which of its values are variables.
 */
export const OPTION_VARIABLES: Record<OptionKey, (value: unknown) => string[]> = {
  endogenous: (v) => strings(v),
  instruments: (v) => strings(v),
  mediator: (v) => strings(v),
  moderator: (v) => strings(v),
  center: () => [],
  quantiles: () => [],
  bootstrap: () => [],
  // GMM-style instrument variables, IV-style instruments, the x whose lags are taken (x names too).
  gmm: (v) => {
    const g = (v ?? {}) as { instruments?: { variable: string }[]; iv?: string[]; xlags?: object };
    return [...(g.instruments ?? []).map((i) => i.variable), ...(g.iv ?? []), ...Object.keys(g.xlags ?? {})];
  },
  spatial: () => [],
  convention: () => [],
};

const strings = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

/** The keys of `spec.spatial` and who reads them. */
export const SPATIAL_MODEL_KEYS = ['simulations', 'seed', 'leeYu', 'lmTests'] as const;
/** The dynamic spatial panel (sar, sdm): `spatial.dynamic` and `spatial.biasCorrection`. */
export const DYNAMIC_KEYS = ['dynamic', 'biasCorrection'] as const;
export const LAG_KEYS = [...SPATIAL_MODEL_KEYS, ...DYNAMIC_KEYS] as const;
export const DURBIN_KEYS = [...SPATIAL_MODEL_KEYS, 'lrTests', ...DYNAMIC_KEYS] as const;
export const MORAN_KEYS = [
  'permutations',
  'permutationP',
  'seed',
  'alternative',
  'randomisation',
  'pooled',
  'lisaPermutations',
  'lisaLabels',
  'lisaAlpha',
] as const;

/** What a result carries besides N and the named statistics (docs; the layout picks its body). */
export type ResultSection = 'coefficients' | 'effects' | 'entityEffects' | 'moran' | 'lisa';

export interface EstimatorContract {
  /** One line for the docs table. */
  summary: string;
  /** Covariance estimators honoured; the first is the default. */
  vce: readonly VceName[];
  /** `cluster: [a, b]` (two-way clustering, with vce cluster). */
  twoWay: boolean;
  /** `inference.wild` (the wild cluster restricted bootstrap). */
  wild: boolean;
  /** `inference.vce` (the SEs and p-values of further covariance estimators on the rows). */
  alternatives: boolean;
  /** `spec.cluster` naming a variable: false when the clustered SEs cluster by the entity only (GMM). */
  clusterVariable: boolean;
  /** Why the rest of the inference is not supported, said in the error. */
  why?: string;
  /** Absorbed-effects choices honoured; the first is the default. */
  effects: readonly EffectsName[];
  /** 'required': the column must name a weight matrix (CLI: --weights); 'none': it must not. */
  weights: 'required' | 'none';
  /** What it needs of the panel (docs; checked where the data is read). */
  panel: string;
  /** Regressors: the least number of x, or 'none' when x must be empty. */
  x: number | 'none';
  /** Option keys it reads, and those of them it cannot run without. */
  options: readonly OptionKey[];
  required: readonly OptionKey[];
  /** Keys of `spec.spatial` it reads. */
  spatialKeys?: readonly string[];
  /**
   * The fixed effects the fit absorbs for a spec's `effects` (the table's "Province FE"/"Year FE" rows):
   * 'effects' = as `effects` says; 'none' = none, whatever the transformation (GMM differences them
   * out: the table says so in a note, not as an FE row).
   */
  absorbs: 'effects' | 'none';
  /** A note the table prints under a column of this estimator, if any. */
  note?: string;
  sections: readonly ResultSection[];
  /** Cross-key checks of its own options (e.g. IV identification), all decidable without data. */
  check?: (spec: ContractedSpec) => ContractIssue[];
}

const notIn = (list: readonly string[] | undefined, v: string) => !(list ?? []).includes(v);

function ivCheck(s: ContractedSpec): ContractIssue[] {
  const x = s.x ?? [];
  const endo = (s.endogenous as string[] | undefined) ?? [];
  const inst = (s.instruments as string[] | undefined) ?? [];
  const issues: ContractIssue[] = [];
  if (s.endogenous !== undefined && endo.length === 0)
    issues.push({ path: ['endogenous'], message: 'at least one endogenous regressor is needed' });
  endo.forEach((e, i) => {
    if (notIn(x, e))
      issues.push({
        path: ['endogenous', i],
        message: `'${e}' is not among the regressors x (${x.join(', ')})`,
      });
  });
  inst.forEach((z, i) => {
    if (!notIn(x, z) || z === s.y)
      issues.push({
        path: ['instruments', i],
        message: `'${z}' is a regressor or the outcome, not an excluded instrument`,
      });
  });
  const wild = s.inference?.wild as { terms?: string[] } | undefined;
  if (wild && endo.length > 1)
    issues.push({
      path: ['inference', 'wild'],
      message: `the wild restricted efficient bootstrap (WRE) of FE-2SLS takes one endogenous regressor, not ${endo.length}`,
    });
  else if (wild)
    (wild.terms ?? []).forEach((t, i) => {
      if (!endo.includes(t))
        issues.push({
          path: ['inference', 'wild', 'terms', i],
          message: `'${t}' is exogenous; the WRE bootstrap of FE-2SLS tests the endogenous regressor (${endo.join(', ')})`,
        });
    });
  if (s.instruments !== undefined && inst.length < endo.length)
    issues.push({
      path: ['instruments'],
      message: `${inst.length} excluded instrument(s) for ${endo.length} endogenous regressor(s); the model is not identified`,
    });
  return issues;
}

function mediationCheck(s: ContractedSpec): ContractIssue[] {
  const m = s.mediator as string | undefined;
  const issues: ContractIssue[] = [];
  if (m !== undefined && (m === s.y || !notIn(s.x, m)))
    issues.push({ path: ['mediator'], message: `'${m}' must differ from y and from every x` });
  const boot = s.bootstrap as { reps?: number } | undefined;
  if (boot && (boot.reps ?? 1000) > 0 && (s.effects ?? 'entity') !== 'entity')
    issues.push({
      path: ['bootstrap'],
      message: "the cluster bootstrap is implemented for entity fixed effects (effects 'entity')",
    });
  return issues;
}

function moderationCheck(s: ContractedSpec): ContractIssue[] {
  const m = s.moderator as string | undefined;
  return m !== undefined && (m === s.y || !notIn(s.x, m))
    ? [{ path: ['moderator'], message: `'${m}' must differ from y and from every x` }]
    : [];
}

function gmmCheck(s: ContractedSpec): ContractIssue[] {
  const g = s.gmm as { xlags?: Record<string, unknown>; iv?: string[] } | undefined;
  const issues: ContractIssue[] = [];
  for (const name of Object.keys(g?.xlags ?? {}))
    if (notIn(s.x, name))
      issues.push({ path: ['gmm', 'xlags', name], message: `'${name}' is not among spec.x` });
  return issues;
}

/** The dynamic spatial panel's keys against the static model's (sar, sdm). */
function dynamicCheck(s: ContractedSpec): ContractIssue[] {
  const sp = s.spatial ?? {};
  const dyn = sp.dynamic as { ylag?: boolean; wylag?: boolean } | undefined;
  const issues: ContractIssue[] = [];
  if (dyn === undefined) {
    if (sp.biasCorrection !== undefined)
      issues.push({
        path: ['spatial', 'biasCorrection'],
        message: 'is read with spatial.dynamic only (the bias correction of the dynamic model)',
      });
    return issues;
  }
  if (dyn.ylag === false && dyn.wylag === false)
    issues.push({
      path: ['spatial', 'dynamic'],
      message: 'ylag and wylag are both false: that is the static model (leave out spatial.dynamic)',
    });
  for (const key of ['leeYu', 'lmTests', 'lrTests'])
    if (sp[key] !== undefined)
      issues.push({
        path: ['spatial', key],
        message: `is a key of the static model; the dynamic model (spatial.dynamic) does not read it`,
      });
  return issues;
}

const LINEAR_VCE = ['conventional', 'robust', 'cluster', 'cr2', 'cr3', 'driscoll-kraay'] as const;
const ONE_WAY_VCE = ['conventional', 'robust', 'cluster'] as const;
const LINEAR_INFERENCE = {
  vce: LINEAR_VCE,
  twoWay: true,
  wild: true,
  alternatives: true,
  clusterVariable: true,
} as const;
const GMM_INFERENCE = {
  vce: ONE_WAY_VCE,
  twoWay: false,
  wild: false,
  alternatives: false,
  clusterVariable: false,
  why: 'GMM reports plm’s plain or Windmeijer-corrected (robust = cluster by entity) SEs',
} as const;
const SPATIAL_INFERENCE = {
  vce: ['conventional'],
  twoWay: false,
  wild: false,
  alternatives: false,
  clusterVariable: false,
  why: 'spatial models report maximum-likelihood (information matrix or observed Hessian) SEs',
} as const;
const GMM_NOTE =
  'GMM columns: individual effects are removed by first differences (diffgmm) or instrumented in the levels equation (sysgmm), not absorbed as dummies.';

export const ESTIMATORS = {
  ols: {
    summary: 'pooled OLS with `_cons`',
    ...LINEAR_INFERENCE,
    effects: ['none'],
    weights: 'none',
    panel: 'rows (entity and time only for clustering)',
    x: 0,
    options: ['convention'],
    required: [],
    absorbs: 'effects',
    sections: ['coefficients'],
  },
  fe: {
    summary: 'within estimator (entity, time or two-way effects)',
    ...LINEAR_INFERENCE,
    effects: ['entity', 'none', 'time', 'twoways'],
    weights: 'none',
    panel: 'entity × time, unbalanced allowed',
    x: 1,
    options: ['convention'],
    required: [],
    absorbs: 'effects',
    sections: ['coefficients'],
  },
  iv: {
    summary: 'FE-2SLS (`effects: none` = pooled 2SLS)',
    ...LINEAR_INFERENCE,
    effects: ['entity', 'none', 'time', 'twoways'],
    weights: 'none',
    panel: 'entity × time, unbalanced allowed; lags by time value',
    x: 1,
    options: ['endogenous', 'instruments', 'convention'],
    required: ['endogenous', 'instruments'],
    absorbs: 'effects',
    sections: ['coefficients'],
    check: ivCheck,
  },
  vif: {
    summary: 'variance inflation of each x (pooled with constant, as `car::vif`)',
    vce: ['conventional'],
    twoWay: false,
    wild: false,
    alternatives: false,
    clusterVariable: false,
    why: 'VIFs have no standard errors',
    effects: ['none'],
    weights: 'none',
    panel: 'rows',
    x: 2,
    options: [],
    required: [],
    absorbs: 'none',
    sections: [],
  },
  mediation: {
    summary: "Wen Zhonglin's steps, each a within fit on one common sample",
    vce: ONE_WAY_VCE,
    twoWay: false,
    wild: false,
    alternatives: false,
    clusterVariable: true,
    why: 'the Sobel test and the cluster bootstrap of a·b use one-way standard errors',
    effects: ['entity', 'none', 'time', 'twoways'],
    weights: 'none',
    panel: 'entity × time, unbalanced allowed',
    x: 1,
    options: ['mediator', 'bootstrap', 'convention'],
    required: ['mediator'],
    absorbs: 'effects',
    sections: ['coefficients'],
    check: mediationCheck,
  },
  moderation: {
    summary: 'within fit of y on x, M, x:M and controls (centred by default)',
    vce: ONE_WAY_VCE,
    twoWay: false,
    wild: false,
    alternatives: false,
    clusterVariable: true,
    why: 'the marginal effects are t-tested with one df',
    effects: ['entity', 'none', 'time', 'twoways'],
    weights: 'none',
    panel: 'entity × time, unbalanced allowed',
    x: 1,
    options: ['moderator', 'center', 'quantiles', 'convention'],
    required: ['moderator'],
    absorbs: 'effects',
    sections: ['coefficients'],
    check: moderationCheck,
  },
  diffgmm: {
    summary: 'Arellano–Bond difference GMM (plm `pgmm`, transformation "d")',
    ...GMM_INFERENCE,
    effects: ['none'],
    weights: 'none',
    panel: 'entity × time, internal gaps allowed',
    x: 0,
    options: ['gmm'],
    required: ['gmm'],
    absorbs: 'none',
    note: GMM_NOTE,
    sections: ['coefficients'],
    check: gmmCheck,
  },
  sysgmm: {
    summary: 'Blundell–Bond system GMM (plm `pgmm`, transformation "ld")',
    ...GMM_INFERENCE,
    effects: ['none'],
    weights: 'none',
    panel: 'entity × time, internal gaps allowed',
    x: 0,
    options: ['gmm'],
    required: ['gmm'],
    absorbs: 'none',
    note: GMM_NOTE,
    sections: ['coefficients'],
    check: gmmCheck,
  },
  sar: {
    summary:
      'spatial lag model, ML with fixed effects (spatialreg `lagsarlm` on demeaned data); dynamic (τ, ψ) by bias-corrected QML',
    ...SPATIAL_INFERENCE,
    effects: ['entity', 'twoways'],
    weights: 'required',
    panel: 'balanced entity × time over the weights ids (dynamic: consecutive periods)',
    x: 1,
    options: ['spatial'],
    required: [],
    spatialKeys: LAG_KEYS,
    absorbs: 'effects',
    sections: ['coefficients', 'effects'],
    check: dynamicCheck,
  },
  sem: {
    summary: 'spatial error model, ML with fixed effects (spatialreg `errorsarlm`)',
    ...SPATIAL_INFERENCE,
    effects: ['entity', 'twoways'],
    weights: 'required',
    panel: 'balanced entity × time over the weights ids',
    x: 1,
    options: ['spatial'],
    required: [],
    spatialKeys: SPATIAL_MODEL_KEYS,
    absorbs: 'effects',
    sections: ['coefficients'],
  },
  sdm: {
    summary:
      'spatial Durbin model, ML with fixed effects (lag model with W·x); dynamic (τ, ψ) by bias-corrected QML',
    ...SPATIAL_INFERENCE,
    effects: ['entity', 'twoways'],
    weights: 'required',
    panel: 'balanced entity × time over the weights ids (dynamic: consecutive periods)',
    x: 1,
    options: ['spatial'],
    required: [],
    spatialKeys: DURBIN_KEYS,
    absorbs: 'effects',
    sections: ['coefficients', 'effects', 'entityEffects'],
    check: dynamicCheck,
  },
  moran: {
    summary: "global Moran's I of y per period and pooled (spdep `moran.test`)",
    ...SPATIAL_INFERENCE,
    effects: ['none'],
    weights: 'required',
    panel: 'entity × time over the weights ids',
    x: 'none',
    options: ['spatial'],
    required: [],
    spatialKeys: MORAN_KEYS,
    absorbs: 'none',
    sections: ['moran', 'lisa'],
  },
} as const satisfies Record<string, EstimatorContract>;

export type EstimatorName = keyof typeof ESTIMATORS;
export const ESTIMATOR_NAMES = Object.keys(ESTIMATORS) as [EstimatorName, ...EstimatorName[]];

export function contractOf(name: EstimatorName): EstimatorContract {
  return ESTIMATORS[name];
}

export const needsWeights = (name: EstimatorName) => contractOf(name).weights === 'required';

/** The fixed effects a column absorbs, for the table's Province FE / Year FE rows. */
export function absorbedEffects(spec: { estimator: EstimatorName; effects: EffectsName }): {
  entity: boolean;
  time: boolean;
} {
  if (contractOf(spec.estimator).absorbs === 'none') return { entity: false, time: false };
  return {
    entity: spec.effects === 'entity' || spec.effects === 'twoways',
    time: spec.effects === 'time' || spec.effects === 'twoways',
  };
}

/** A problem with a spec against its estimator's contract: the path in the spec and what is wrong. */
export interface ContractIssue {
  path: (string | number)[];
  message: string;
}

/** The subset of a (raw, already shape-checked) spec the contract reads. */
export interface ContractedSpec {
  estimator: EstimatorName;
  x?: readonly string[];
  vce?: VceName;
  effects?: EffectsName;
  cluster?: string | readonly string[];
  inference?: { wild?: unknown; vce?: readonly VceName[] };
  spatial?: Record<string, unknown>;
  [key: string]: unknown;
}

const quoteList = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');
/** The vce values that read `spec.cluster`. */
const CLUSTERED: readonly VceName[] = ['cluster', 'cr2', 'cr3'];

/**
 * Every way a spec asks for what its estimator cannot honour, each naming the key; run before any
 * work (by the spec schema, so study validation and the CLI see the same issues).
 */
export function contractIssues(spec: ContractedSpec): ContractIssue[] {
  const name = spec.estimator;
  const c = contractOf(name);
  const issues: ContractIssue[] = [];
  const est = `estimator "${name}"`;
  const why = c.why ? `; ${c.why}` : '';
  if (spec.vce !== undefined && !c.vce.includes(spec.vce))
    issues.push({
      path: ['vce'],
      message: `${est} does not support vce "${spec.vce}" (supported: ${c.vce.join(', ')})${why}`,
    });
  const vce = spec.vce ?? c.vce[0];
  if (spec.inference?.vce && !c.alternatives)
    issues.push({
      path: ['inference', 'vce'],
      message: `${est} does not report alternative covariance estimators${why}`,
    });
  else
    (spec.inference?.vce ?? []).forEach((v, i) => {
      if (!c.vce.includes(v))
        issues.push({
          path: ['inference', 'vce', i],
          message: `${est} does not support vce "${v}" (supported: ${c.vce.join(', ')})${why}`,
        });
    });
  const clusteredAlternative = (spec.inference?.vce ?? []).some((v) => CLUSTERED.includes(v));
  if (
    typeof spec.cluster === 'string' &&
    !CLUSTERED.includes(vce) &&
    !spec.inference?.wild &&
    !clusteredAlternative
  )
    issues.push({
      path: ['cluster'],
      message: `is read only with vce ${CLUSTERED.join(', ')}, not "${vce}"`,
    });
  if (Array.isArray(spec.cluster) && !c.twoWay)
    issues.push({ path: ['cluster'], message: `${est} does not cluster two ways${why}` });
  if (typeof spec.cluster === 'string' && !c.clusterVariable && CLUSTERED.includes(vce))
    issues.push({
      path: ['cluster'],
      message: `${est} clusters by the entity only; leave spec.cluster out${why}`,
    });
  if (spec.inference?.wild && !c.wild)
    issues.push({
      path: ['inference', 'wild'],
      message: `${est} does not support the wild cluster bootstrap${why}`,
    });
  if (spec.effects !== undefined && !c.effects.includes(spec.effects))
    issues.push({
      path: ['effects'],
      message: `${est} does not support effects "${spec.effects}" (supported: ${c.effects.join(', ')})`,
    });
  const nx = spec.x?.length ?? 0;
  if (c.x === 'none' && nx > 0)
    issues.push({ path: ['x'], message: `${est} takes no regressors (it describes y alone)` });
  else if (typeof c.x === 'number' && nx < c.x)
    issues.push({ path: ['x'], message: `${est} needs at least ${c.x} regressor${c.x > 1 ? 's' : ''}` });
  for (const key of OPTION_KEYS) {
    const given = spec[key] !== undefined;
    if (given && !c.options.includes(key)) {
      const readers = ESTIMATOR_NAMES.filter((n) =>
        (ESTIMATORS[n].options as readonly string[]).includes(key),
      );
      issues.push({ path: [key], message: `${est} does not read it (read by ${readers.join(', ')})` });
    } else if (!given && c.required.includes(key)) {
      issues.push({ path: [key], message: `required by ${est}` });
    }
  }
  if (issues.length === 0 && c.check) issues.push(...c.check(spec));
  if (spec.spatial && c.spatialKeys) {
    for (const key of Object.keys(spec.spatial))
      if (!c.spatialKeys.includes(key))
        issues.push({
          path: ['spatial', key],
          message: `${est} does not read it (it reads ${quoteList(c.spatialKeys)})`,
        });
  }
  return issues;
}

/** The estimator table of docs/estimate-spec.md, generated from the contracts (a test keeps it true). */
export function contractTable(): string {
  const code = (xs: readonly string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : '—');
  const lines = [
    '| estimator | what | `vce` (default first) | two-way `cluster` | `inference.wild` | `inference.vce` | `effects` (default first) | weights | panel | options (required in bold) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const name of ESTIMATOR_NAMES) {
    const c: EstimatorContract = ESTIMATORS[name];
    const options = c.options.map((k) => (c.required.includes(k) ? `**\`${k}\`**` : `\`${k}\``));
    const spatial = c.spatialKeys ? ` (\`spatial\`: ${c.spatialKeys.join(', ')})` : '';
    lines.push(
      `| \`${name}\` | ${c.summary} | ${code(c.vce)} | ${c.twoWay ? 'yes' : 'no'} | ${c.wild ? 'yes' : 'no'} | ${c.alternatives ? 'yes' : 'no'} | ${code(c.effects)} | ${c.weights} | ${c.panel} | ${options.join(', ') || '—'}${spatial} |`,
    );
  }
  return lines.join('\n');
}
