/**
 * The small-cluster inference a clustered linear fit (ols, fe) carries next to its vce: the wild
 * cluster restricted bootstrap of the coefficients `spec.inference.wild.terms` (p_value_wild,
 * ci_wild_lower, ci_wild_upper on their rows; wild_* statistics) and the cluster diagnostics of the core
 * coefficient x[0] (the result's `clusters` rows and their summary statistics).
 */
import type { Matrix } from 'ml-matrix';
import { InputError } from '../../common/errors';
import type { Columns } from '../linalg';
import type { CoefficientRow, EstimationResult } from '../result';
import { clusterDiagnostics } from './cluster-diagnostics';
import {
  countClusters,
  wildClusterRestricted,
  wildDraws,
  type WildDraws,
  type WildWeights,
} from './wild-bootstrap';
import { nestedIn, type Absorbed, type WithinDesign } from './working-design';

export interface WildSpec {
  reps: number;
  weights: WildWeights;
  seed: number;
  terms?: string[];
  level: number;
}

export interface SmallClusterInput {
  /** The design, y as regressed on it, (Z'Z)⁻¹, coefficients, residuals and coefficient names. */
  design: Columns;
  y: Float64Array;
  bread: Matrix;
  coef: ArrayLike<number>;
  residuals: Float64Array;
  names: readonly string[];
  /** The regressors of the spec; x[0] is the core one. */
  x: readonly string[];
  clusters: { codes: Int32Array; keys: readonly string[] };
  absorbed?: Absorbed;
  /** The fit's absorbed design and (X̃'X̃)⁻¹, when it has them. */
  within?: WithinDesign;
  /** Whether the vce clusters one way (cluster, cr2, cr3): then the diagnostics are attached. */
  clustered: boolean;
  wild?: WildSpec;
  /** Supplied weights instead of drawing them. */
  draws?: SuppliedDraws;
}

/** Bootstrap weights from elsewhere: B·G values draw after draw, clusters in the order of `clusters`. */
export interface SuppliedDraws {
  clusters: string[];
  weights: Float64Array;
}

/** Reorders supplied weights to the fit's cluster codes. */
export function suppliedDraws(s: SuppliedDraws, keys: readonly string[]): WildDraws {
  const G = keys.length;
  if (s.clusters.length !== G || s.weights.length % G !== 0)
    throw new InputError(
      `wild bootstrap weights: ${s.clusters.length} clusters given, the fit has ${G}`,
      'wildDraws',
    );
  const pos = keys.map((k) => {
    const i = s.clusters.indexOf(k);
    if (i < 0) throw new InputError(`wild bootstrap weights: no weights for cluster '${k}'`, 'wildDraws');
    return i;
  });
  const B = s.weights.length / G;
  const v = new Float64Array(B * G);
  for (let b = 0; b < B; b++) for (let g = 0; g < G; g++) v[b * G + g] = s.weights[b * G + pos[g]];
  return { v, reps: B, enumerated: false };
}

/**
 * The last few sets of drawn weights, by G, reps, weights and seed: a study's bootstrapped columns
 * mostly share them (the sample study's 16 columns: three), and drawing 9,999 × 30 MT19937 weights
 * costs more than a column's bootstrap of one term. Shared, so read-only (no consumer writes to v);
 * only sets of at most 2^20 weights (8 MB) are kept, four at most, so a process holds ≤ 32 MB.
 */
const recentDraws = new Map<string, WildDraws>();
const RECENT_DRAWS = 4;
const KEPT_WEIGHTS = 2 ** 20;

function drawnOnce(G: number, wild: WildSpec): WildDraws {
  if (wild.reps * G > KEPT_WEIGHTS) return wildDraws(G, { ...wild });
  const key = `${G} ${wild.reps} ${wild.weights} ${wild.seed}`;
  const d = recentDraws.get(key) ?? wildDraws(G, { ...wild });
  // Most recently used last, so the first key is the one to let go.
  recentDraws.delete(key);
  recentDraws.set(key, d);
  if (recentDraws.size > RECENT_DRAWS) recentDraws.delete(recentDraws.keys().next().value!);
  return d;
}

/**
 * The weights of a wild cluster bootstrap (supplied, or drawn under the spec's seed), after checking that
 * the clusters nest the absorbed fixed effects: the within transformation must not tie clusters together.
 */
export function wildBootstrapDraws(
  wild: WildSpec,
  clusters: { codes: Int32Array; keys: readonly string[] },
  absorbed: Absorbed | undefined,
  supplied: SuppliedDraws | undefined,
): { draws: WildDraws; G: number } {
  if (absorbed && !nestedIn(absorbed.codes, clusters.codes)) {
    throw new InputError(
      'spec.inference.wild: the wild cluster bootstrap needs clusters that nest the absorbed fixed effects ' +
        '(cluster by the entity, or by a grouping of entities, with entity effects)',
      'spec.inference.wild',
    );
  }
  const G = countClusters(clusters.codes);
  const draws = supplied ? suppliedDraws(supplied, clusters.keys) : drawnOnce(G, wild);
  return { draws, G };
}

/** The wild_* statistics a bootstrapped fit reports. */
export function wildStatistics(wild: WildSpec, draws: WildDraws, G: number): Record<string, number> {
  return {
    wild_reps: draws.reps,
    wild_enumerated: draws.enumerated ? 1 : 0,
    wild_webb: wild.weights === 'webb' ? 1 : 0,
    wild_seed: wild.seed,
    wild_level: wild.level,
    wild_clusters: G,
  };
}

/** Adds the wild bootstrap and cluster diagnostics to `result` in place. */
export function attachSmallClusterInference(result: EstimationResult, input: SmallClusterInput): void {
  if (!input.clustered && !input.wild) return;
  const fit = {
    design: input.design,
    bread: input.bread,
    residuals: input.residuals,
    clusters: input.clusters.codes,
    absorbed: input.absorbed,
    within: input.within,
  };
  const core = input.names.indexOf(input.x[0]);
  if (core >= 0) {
    const d = clusterDiagnostics(fit, core, input.coef, input.clusters.keys);
    result.clusters = d.rows;
    Object.assign(result.statistics, d.statistics);
  }
  const wild = input.wild;
  if (!wild) return;
  const { draws, G } = wildBootstrapDraws(wild, input.clusters, input.absorbed, input.draws);
  const rows = new Map<string, CoefficientRow>(result.coefficients.map((r) => [r.term, r]));
  for (const term of wild.terms ?? [input.x[0]]) {
    const k = input.names.indexOf(term);
    const row = rows.get(term);
    if (k < 0 || !row) {
      result.warnings = [...(result.warnings ?? []), `inference.wild: ${term} was omitted; not bootstrapped`];
      continue;
    }
    const t = wildClusterRestricted({ ...fit, y: input.y, coef: input.coef }, k, wild, draws);
    row.p_value_wild = t.p_value;
    row.ci_wild_lower = t.ci_lower;
    row.ci_wild_upper = t.ci_upper;
  }
  Object.assign(result.statistics, wildStatistics(wild, draws, G));
}
