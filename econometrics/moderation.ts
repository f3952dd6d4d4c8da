/**
 * Moderation (Table 9): y ~ x + M + x·M + C with fixed effects, x and M centred at their sample means by
 * default (so the x coefficient is the effect at the mean moderator), and the marginal effect of x,
 * ∂y/∂x = b_x + b_xM·(m − m̄), with its SE √(V_xx + (m − m̄)²V_MM' + 2(m − m̄)V_xM') and t p-value at
 * chosen percentiles of the moderator (Stata's percentile definition). Without centring m̄ is 0.
 */
import { DataError, InputError } from '../common/errors';
import type { Panel } from '../panel';
import { percentile } from '../panel/percentile';
import type { VceName } from './covariance';
import type { Convention } from './conventions';
import { tTwoSided } from './distributions';
import { fixedEffectsFit, type Effects } from './fe';
import { modelFrame } from './frame';
import { mean } from './linalg';
import type { EstimationResult } from './result';

export interface ModerationOptions {
  y: string;
  /** x[0] is the core regressor; the rest are controls. */
  x: string[];
  moderator: string;
  center?: boolean;
  quantiles?: number[];
  effects?: Effects;
  vce?: VceName;
  cluster?: string | readonly [string, string];
  convention?: Convention;
}

export function moderation(panel: Panel, options: ModerationOptions): EstimationResult {
  const { y, x, moderator } = options;
  if (x.length === 0) throw new InputError('spec.x: moderation needs the core regressor as x[0]', 'spec.x');
  if (x.includes(moderator))
    throw new InputError(`spec.moderator: '${moderator}' is also in x`, 'spec.moderator');
  const core = x[0];
  const controls = x.slice(1);
  const center = options.center ?? true;
  const frame = modelFrame(panel, [y, core, moderator, ...controls]);
  const xv = frame.columns.get(core)!;
  const mv = frame.columns.get(moderator)!;
  const xbar = center ? mean(xv) : 0;
  const mbar = center ? mean(mv) : 0;
  const product = `${core}:${moderator}`;
  // The frame's columns are replaced by their centred versions and the product formed from them.
  const columns = new Map(frame.columns);
  const xc = xv.map((v) => v - xbar);
  const mc = mv.map((v) => v - mbar);
  columns.set(core, xc);
  columns.set(moderator, mc);
  columns.set(
    product,
    xc.map((v, i) => v * mc[i]),
  );
  const fit = fixedEffectsFit(
    panel,
    { ...frame, columns },
    {
      y,
      x: [core, moderator, product, ...controls],
      effects: options.effects,
      vce: options.vce,
      cluster: options.cluster,
      convention: options.convention,
    },
  );
  const ix = fit.names.indexOf(core);
  const ixm = fit.names.indexOf(product);
  if (ix < 0 || ixm < 0) {
    throw new DataError(
      `moderation: ${core} or ${product} was omitted (${(fit.result.warnings ?? []).join('; ')})`,
      product,
    );
  }
  const V = fit.cov.vcov;
  const sorted = Float64Array.from(mv).sort();
  const statistics = { ...fit.result.statistics };
  for (const q of options.quantiles ?? [10, 25, 50, 75, 90]) {
    const m = percentile(sorted, q);
    const d = m - mbar;
    const me = fit.coef[ix] + fit.coef[ixm] * d;
    const se = Math.sqrt(V.get(ix, ix) + d * d * V.get(ixm, ixm) + 2 * d * V.get(ix, ixm));
    statistics[`moderator_p${q}`] = m;
    statistics[`me_p${q}`] = me;
    statistics[`me_p${q}_se`] = se;
    statistics[`me_p${q}_p`] = tTwoSided(me / se, fit.cov.dfT);
  }
  return { ...fit.result, estimator: 'moderation', statistics };
}
