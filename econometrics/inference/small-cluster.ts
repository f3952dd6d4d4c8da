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
import { wildClusterRestricted, wildDraws, type WildDraws, type WildWeights } from './wild-bootstrap';
import { WorkingDesign, type Absorbed } from './working-design';

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

/** Adds the wild bootstrap and cluster diagnostics to `result` in place. */
export function attachSmallClusterInference(result: EstimationResult, input: SmallClusterInput): void {
  if (!input.clustered && !input.wild) return;
  const fit = {
    design: input.design,
    bread: input.bread,
    residuals: input.residuals,
    clusters: input.clusters.codes,
    absorbed: input.absorbed,
  };
  const core = input.names.indexOf(input.x[0]);
  if (core >= 0) {
    const d = clusterDiagnostics(fit, core, input.coef, input.clusters.keys);
    result.clusters = d.rows;
    Object.assign(result.statistics, d.statistics);
  }
  const wild = input.wild;
  if (!wild) return;
  if (!new WorkingDesign(fit).nested) {
    throw new InputError(
      'spec.inference.wild: the wild cluster bootstrap needs clusters that nest the absorbed fixed effects ' +
        '(cluster by the entity, or by a grouping of entities, with entity effects)',
      'spec.inference.wild',
    );
  }
  const G = new Set(input.clusters.codes).size;
  const draws = input.draws ? suppliedDraws(input.draws, input.clusters.keys) : wildDraws(G, { ...wild });
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
  Object.assign(result.statistics, {
    wild_reps: draws.reps,
    wild_enumerated: draws.enumerated ? 1 : 0,
    wild_webb: wild.weights === 'webb' ? 1 : 0,
    wild_seed: wild.seed,
    wild_level: wild.level,
    wild_clusters: G,
  });
}
