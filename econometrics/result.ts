/**
 * The tidy result every estimator returns (the shape of R's broom): coefficient rows plus named
 * statistics. Field names are snake_case because this object is the JSON that `aicarbon estimate`
 * prints and the rows the store keeps.
 */
export interface CoefficientRow {
  term: string;
  estimate: number;
  std_error: number;
  statistic: number;
  p_value: number;
  /** t degrees of freedom of this row when they vary by coefficient (vce `cr2`: Satterthwaite). */
  df?: number;
  /** Wild cluster restricted bootstrap (spec.inference.wild): p-value of β = 0 and the inverted CI. */
  p_value_wild?: number;
  ci_wild_lower?: number;
  ci_wild_upper?: number;
  /**
   * Alternative covariance estimators (spec.inference.vce): `std_error_cr2`, `p_value_cr2`, `df_cr2`, …
   * (the vce name with `-` written `_`, e.g. `p_value_driscoll_kraay`).
   */
  [alternative: `${'std_error' | 'p_value' | 'df'}_${string}`]: number | undefined;
}

/** One cluster of a clustered fit, as summclust reports it, for the core coefficient (x[0]). */
export interface ClusterDiagnosticRow {
  cluster: string;
  nobs: number;
  /** tr(H_gg) on the absorbed design. */
  leverage: number;
  /** The cluster's share of the core regressor's partialled-out variation. */
  partial_leverage: number;
  /** The core coefficient with this cluster left out. */
  beta_jackknife: number;
}

/**
 * LeSage–Pace impacts of a spatial model, one row per regressor (and horizon, for dynamic models:
 * `short` = (I − ρW)⁻¹(βI + θW), `long` = ((1 − τ)I − (ρ + ψ)W)⁻¹(βI + θW); absent for static models).
 */
export interface EffectRow {
  term: string;
  horizon?: 'short' | 'long';
  direct: number;
  direct_se: number;
  indirect: number;
  indirect_se: number;
  total: number;
  total_se: number;
}

/** Global Moran's I for one cross-section (`time`) or the pooled panel (`time` = 'pooled'). */
export interface MoranRow {
  time: number | 'pooled';
  I: number;
  expected: number;
  variance: number;
  z: number;
  p_value: number;
  p_permutation?: number;
}

/**
 * Local Moran's I of one entity in one period (spdep's localmoran, conditional moments) with its LISA
 * cluster at 5 %: what the report's LISA maps draw, stored with the Moran estimation.
 */
export interface LocalMoranRow {
  time: number;
  /** The entity (province code). */
  id: string;
  /** Standardised value and its spatial lag: the Moran scatter-plot coordinates. */
  z: number;
  lag: number;
  Ii: number;
  expected: number;
  variance: number;
  zScore: number;
  p_value: number;
  /** Conditional-permutation pseudo p-value (spec.spatial.lisaPermutations > 0). */
  p_permutation?: number;
  /** Benjamini–Hochberg adjusted p-value over the entities (of p_permutation, else of p_value). */
  p_bh: number;
  /** From the p-value spec.spatial.lisaLabels chooses, at spec.spatial.lisaAlpha. */
  cluster: 'High-High' | 'Low-Low' | 'High-Low' | 'Low-High' | 'Not significant';
}

/**
 * One entity's impacts of a unit rise of regressor `term` under a spatial Durbin model,
 * S = (I − ρW)⁻¹(βI + θW): direct S_ii, received Σ_{j≠i} S_ij, emitted Σ_{i≠j} S_ij (its x on the others).
 */
export interface EntityEffectRow {
  term: string;
  id: string;
  direct: number;
  received: number;
  emitted: number;
}

/**
 * One row of the panel an estimator was given (Stata's e(sample) and the rows it left out): the entity
 * (province) and time (year), whether the fit used it, and why not when it did not.
 */
export interface SampleRow {
  entity: string;
  time: number;
  used: boolean;
  /** Why an unused row was left out: `missing L.AIT (no 2010 row)`, `outside the weights matrix`, … */
  reason?: string;
}

export interface EstimationResult {
  estimator: string;
  nobs: number;
  ngroups?: number;
  coefficients: CoefficientRow[];
  /** Named numbers: r2_within, f_stat, df_resid, ar2_p, loglik, … */
  statistics: Record<string, number>;
  effects?: EffectRow[];
  moran?: MoranRow[];
  /** Moran: local Moran's I per entity and complete period (LISA). */
  lisa?: LocalMoranRow[];
  /** SDM: each entity's direct, received and emitted impacts of each regressor. */
  entityEffects?: EntityEffectRow[];
  /** Cluster diagnostics of a clustered fit (leverage and influence on the core coefficient). */
  clusters?: ClusterDiagnosticRow[];
  /**
   * The estimation's sample (econometrics/sample.ts): every row of the panel it was given, the used ones
   * numbering `nobs`. Absent only on results stored before samples were (migration 014).
   */
  sample?: SampleRow[];
  /** Human-readable warnings (e.g. instruments outnumber groups), never silently dropped. */
  warnings?: string[];
}
