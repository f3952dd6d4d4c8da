/**
 * The design of the dynamic spatial panel model, stacked time-major (T blocks of N in the weights'
 * entity order, the layout of I_T ⊗ W) and transformed to remove the fixed effects:
 *   columns, for t = 1..T (the data's first period only supplies y_0 when a lag is asked for):
 *     L.y = y_{t−1}, W*L.y = W y_{t−1}, x_t…, W*x_t… (Durbin), and y_t, W y_t;
 *   entity effects: the within transformation over the T periods, v − v̄_i (Yu, de Jong & Lee 2008);
 *   time and entity effects: also the cross-section demeaning J_n = I − ll'/n of every period, so
 *     v − v̄_i − v̄_t + v̄. Lee & Yu (2010) transform by F' (the n − 1 orthonormal eigenvectors of J_n
 *     for eigenvalue 1); every quadratic form in F'v equals the one in J_n v, because F F' = J_n, so the
 *     columns stay in the original coordinates and the likelihood counts n − 1 units (`nEff`).
 * W y_t, W y_{t−1} and W x_t are formed from the untransformed data and then transformed, which in the
 * F' coordinates is W* = F'WF applied to the transformed data (F'W = F'WJ_n when W is row-standardised).
 * Every unit must be observed in every period; the DataError (the data cannot support the column) lists
 * the missing unit-periods. A unit outside W is an InputError (the input is wrong; Panel refuses a
 * repeated unit-period).
 */
import { DataError, InputError } from '../../common/errors';
import { evaluateTerm, type Panel } from '../../panel';
import { panelSpatialLag, type WeightsMatrix } from './weights';

export interface DynamicTerms {
  /** τ: y_{t−1} among the regressors (row `L.<y>`). */
  ylag: boolean;
  /** ψ: W y_{t−1} among the regressors (row `W*L.<y>`). */
  wylag: boolean;
}

export interface DynamicDataOptions extends DynamicTerms {
  y: string;
  x: readonly string[];
  weights: WeightsMatrix;
  effects: 'entity' | 'twoways';
  /** SDM: W x_t among the regressors. */
  durbin: boolean;
}

export interface DynamicData {
  /** Transformed y_t and W y_t, stacked time-major. */
  y: Float64Array;
  Wy: Float64Array;
  /** Transformed regressors and their row names: L.y, W*L.y, x…, W*x…. */
  Z: Float64Array[];
  names: string[];
  /** Periods in the likelihood (the data's periods less the first when a lag is used). */
  T: number;
  times: number[];
  /** Units in the likelihood: N, or N − 1 with time effects (Lee–Yu transformation). */
  nEff: number;
  n: number;
}

const MAX_LISTED = 40;

/**
 * Wide T0 × N arrays (period-major) of each variable in the weights' order, after checking that every
 * unit of W has a finite value in every period; errors list the missing unit-periods.
 */
function balancedStack(
  panel: Panel,
  w: WeightsMatrix,
  variables: readonly string[],
): { times: number[]; values: Map<string, Float64Array> } {
  const pos = new Map(w.ids.map((id, i) => [id, i]));
  const times = [...new Set(Array.from(panel.times))].sort((a, b) => a - b);
  const tpos = new Map(times.map((t, i) => [t, i]));
  const what = `${panel.index.entity}-${panel.index.time}`;
  for (let r = 0; r < panel.nrows; r++) {
    if (!pos.has(panel.entityKeys[r]))
      throw new InputError(
        `dynamic spatial model: ${panel.index.entity} ${panel.entityKeys[r]} is not in the weights matrix (${w.label})`,
      );
  }
  for (let k = 1; k < times.length; k++) {
    if (times[k] - times[k - 1] !== 1)
      throw new DataError(
        `dynamic spatial model: no ${panel.index.time} between ${times[k - 1]} and ${times[k]}; y_{t−1} needs consecutive periods`,
        panel.index.time,
      );
  }
  const values = new Map<string, Float64Array>();
  const missing = new Uint8Array(times.length * w.n);
  const incomplete = new Set<string>();
  for (const name of variables) {
    const col = panel.has(name) ? panel.column(name) : evaluateTerm(panel, name);
    const out = new Float64Array(times.length * w.n).fill(NaN);
    for (let r = 0; r < panel.nrows; r++)
      out[tpos.get(panel.times[r])! * w.n + pos.get(panel.entityKeys[r])!] = col[r];
    out.forEach((v, c) => {
      if (!Number.isFinite(v)) {
        missing[c] = 1;
        incomplete.add(name);
      }
    });
    values.set(name, out);
  }
  if (incomplete.size) {
    const listed: string[] = [];
    let count = 0;
    for (let i = 0; i < w.n; i++) {
      const gaps = times.filter((_, t) => missing[t * w.n + i]);
      if (gaps.length) listed.push(`${w.ids[i]} ${gaps.join(', ')}`);
      count += gaps.length;
    }
    const shown = listed.slice(0, MAX_LISTED).join('; ') + (listed.length > MAX_LISTED ? '; …' : '');
    throw new DataError(
      `dynamic spatial model: the panel is not balanced: ${count} ${what}${count === 1 ? '' : 's'} missing (${[...incomplete].join(', ')}) over ${times[0]}–${times[times.length - 1]}, and every unit of ${w.label} is needed in every period: ${shown}`,
      [...incomplete].join(', '),
    );
  }
  return { times, values };
}

export function dynamicPanelData(panel: Panel, options: DynamicDataOptions): DynamicData {
  const { weights: w, y, x } = options;
  const n = w.n;
  const twoways = options.effects === 'twoways';
  if (twoways && !w.rowStandardised)
    throw new InputError(
      `dynamic spatial model: time effects by the Lee–Yu transformation need a row-standardised W (${w.label})`,
    );
  const { times, values } = balancedStack(panel, w, [y, ...x]);
  const dynamic = options.ylag || options.wylag;
  const first = dynamic ? 1 : 0;
  const T = times.length - first;
  if (T < 2)
    throw new DataError(
      `dynamic spatial model: ${times.length} period(s); ${dynamic ? 'the lag and ' : ''}fixed effects need at least ${first + 2}`,
      'nobs',
    );
  const block = (v: Float64Array, shift: number) => v.subarray((first - shift) * n, (first - shift + T) * n);
  const transform = (v: Float64Array): Float64Array => {
    const mi = new Float64Array(n);
    const mt = new Float64Array(T);
    let m = 0;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < n; i++) {
        const a = v[t * n + i];
        mi[i] += a / T;
        mt[t] += a / n;
        m += a / (n * T);
      }
    }
    return v.map((a, r) => {
      const i = r % n;
      return twoways ? a - mi[i] - mt[(r - i) / n] + m : a - mi[i];
    });
  };
  const Yall = values.get(y)!;
  const Z: Float64Array[] = [];
  const names: string[] = [];
  if (options.ylag) {
    Z.push(transform(block(Yall, 1)));
    names.push(`L.${y}`);
  }
  if (options.wylag) {
    Z.push(transform(panelSpatialLag(w, block(Yall, 1))));
    names.push(`W*L.${y}`);
  }
  const X = x.map((name) => block(values.get(name)!, 0));
  X.forEach((c, k) => {
    Z.push(transform(c));
    names.push(x[k]);
  });
  if (options.durbin) {
    X.forEach((c, k) => {
      Z.push(transform(panelSpatialLag(w, c)));
      names.push(`W*${x[k]}`);
    });
  }
  const yt = block(Yall, 0);
  return {
    y: transform(yt),
    Wy: transform(panelSpatialLag(w, yt)),
    Z,
    names,
    T,
    times: times.slice(first),
    nEff: twoways ? n - 1 : n,
    n,
  };
}
