/**
 * Generated (synthetic) benchmark inputs shared by the bench:* scripts: spatial weights built directly in
 * sparse form (queen grids, k nearest neighbours of random points), SDM and dynamic panels, and the
 * files through which R's side of a pairing reads exactly the same data. Deterministic (Park–Miller).
 */
import { writeFileSync } from 'node:fs';
import type { WeightsMatrix } from '../econometrics/spatial/weights';
import { Panel } from '../panel';

export class Random {
  constructor(private seed = 12345) {}
  uniform(): number {
    this.seed = (this.seed * 16807) % 2147483647;
    return this.seed / 2147483647;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }
}

/** Row-standardised W from binary links (lists of neighbours per entity). */
function fromLinks(links: number[][], label: string, symmetric: boolean): WeightsMatrix {
  const n = links.length;
  const rowPtr = new Int32Array(n + 1);
  links.forEach((l, i) => (rowPtr[i + 1] = rowPtr[i] + l.length));
  const colIdx = new Int32Array(rowPtr[n]);
  const values = new Float64Array(rowPtr[n]);
  links.forEach((l, i) => {
    const sorted = [...l].sort((a, b) => a - b);
    sorted.forEach((j, k) => {
      colIdx[rowPtr[i] + k] = j;
      values[rowPtr[i] + k] = 1 / l.length;
    });
  });
  return {
    ids: links.map((_, i) => `c${i + 1}`),
    n,
    rowPtr,
    colIdx,
    values,
    rowStandardised: true,
    symmetricBaseRowSums: symmetric ? Float64Array.from(links, (l) => l.length) : undefined,
    label,
  };
}

/** Queen contiguity on an r × c grid, cells numbered row by row. */
export function queenGrid(r: number, c: number): WeightsMatrix {
  const links: number[][] = [];
  for (let a = 0; a < r; a++) {
    for (let b = 0; b < c; b++) {
      const l: number[] = [];
      for (let da = -1; da <= 1; da++)
        for (let db = -1; db <= 1; db++) {
          const x = a + da;
          const y = b + db;
          if ((da || db) && x >= 0 && x < r && y >= 0 && y < c) l.push(x * c + y);
        }
      links.push(l);
    }
  }
  return fromLinks(links, `queen grid ${r}x${c}`, true);
}

/** k nearest neighbours (Euclidean) of n uniform random points in the unit square (asymmetric). */
export function knnRandom(n: number, k: number, seed = 777): WeightsMatrix {
  const rng = new Random(seed);
  const x = Float64Array.from({ length: n }, () => rng.uniform());
  const y = Float64Array.from({ length: n }, () => rng.uniform());
  const links: number[][] = [];
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) d[j] = j === i ? Infinity : (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2;
    const best: number[] = [];
    for (let j = 0; j < n; j++) {
      if (best.length < k || d[j] < d[best[best.length - 1]]) {
        let p = best.length < k ? best.length : k - 1;
        best[p] = j;
        while (p > 0 && d[best[p - 1]] > d[best[p]]) {
          [best[p - 1], best[p]] = [best[p], best[p - 1]];
          p--;
        }
      }
    }
    links.push(best);
  }
  return fromLinks(links, `${k} nearest neighbours of ${n} random points`, false);
}

/** (I_T ⊗ W)v for a time-major stack. */
function lag(w: WeightsMatrix, v: Float64Array, off: number, out: Float64Array): void {
  for (let i = 0; i < w.n; i++) {
    let s = 0;
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) s += w.values[k] * v[off + w.colIdx[k]];
    out[off + i] = s;
  }
}

export interface SdmData {
  panel: Panel;
  /** Time-major columns in weights order, as written for R. */
  y: Float64Array;
  x1: Float64Array;
  x2: Float64Array;
  T: number;
}

/**
 * y = ρWy + x1 − 0.5 x2 + W(0.3 x1 + 0.2 x2) + μ + ε, ρ = 0.4, solved by fixed-point iteration
 * (0.4^60 is far below rounding).
 */
export function sdmPanel(w: WeightsMatrix, T: number, seed = 4242): SdmData {
  const rng = new Random(seed);
  const N = w.n;
  const mu = Float64Array.from({ length: N }, () => rng.normal());
  const x1 = Float64Array.from({ length: N * T }, () => rng.normal());
  const x2 = Float64Array.from({ length: N * T }, () => rng.normal());
  const wx1 = new Float64Array(N * T);
  const wx2 = new Float64Array(N * T);
  const rhs = new Float64Array(N * T);
  for (let t = 0; t < T; t++) {
    lag(w, x1, t * N, wx1);
    lag(w, x2, t * N, wx2);
  }
  for (let r = 0; r < N * T; r++)
    rhs[r] = x1[r] - 0.5 * x2[r] + 0.3 * wx1[r] + 0.2 * wx2[r] + mu[r % N] + 0.5 * rng.normal();
  let y = Float64Array.from(rhs);
  const wy = new Float64Array(N * T);
  for (let it = 0; it < 60; it++) {
    for (let t = 0; t < T; t++) lag(w, y, t * N, wy);
    y = rhs.map((v, r) => v + 0.4 * wy[r]);
  }
  const rows = Array.from({ length: N * T }, (_, r) => ({
    id: w.ids[r % N],
    time: 2010 + Math.floor(r / N),
    y: y[r],
    x1: x1[r],
    x2: x2[r],
  }));
  return { panel: Panel.fromRows(rows, { entity: 'id', time: 'time' }), y, x1, x2, T };
}

/**
 * A dynamic SDM panel with entity effects, P periods time-major (the first supplies y_{t−1}):
 *   y_t = 0.4 y_{t−1} + 0.1 W y_{t−1} + 0.3 W y_t + x1 − 0.5 x2 + W(0.3 x1 + 0.2 x2) + μ + ε,
 * y_0 drawn around μ; each period solved by fixed-point iteration (0.3^60 is far below rounding).
 * τ + ψ + ρ = 0.8: stationary, with a long-run multiplier of 5.
 */
export function dynamicSdmPanel(w: WeightsMatrix, P: number, seed = 5151): SdmData {
  const rng = new Random(seed);
  const N = w.n;
  const mu = Float64Array.from({ length: N }, () => rng.normal());
  const x1 = Float64Array.from({ length: N * P }, () => rng.normal());
  const x2 = Float64Array.from({ length: N * P }, () => rng.normal());
  const y = new Float64Array(N * P);
  for (let i = 0; i < N; i++) y[i] = 2 * mu[i] + rng.normal();
  const wx1 = new Float64Array(N * P);
  const wx2 = new Float64Array(N * P);
  const wy = new Float64Array(N * P);
  for (let t = 0; t < P; t++) {
    lag(w, x1, t * N, wx1);
    lag(w, x2, t * N, wx2);
  }
  lag(w, y, 0, wy);
  for (let t = 1; t < P; t++) {
    const o = t * N;
    const rhs = Float64Array.from(
      { length: N },
      (_, i) =>
        0.4 * y[o - N + i] +
        0.1 * wy[o - N + i] +
        x1[o + i] -
        0.5 * x2[o + i] +
        0.3 * wx1[o + i] +
        0.2 * wx2[o + i] +
        mu[i] +
        0.5 * rng.normal(),
    );
    y.set(rhs, o);
    for (let it = 0; it < 60; it++) {
      lag(w, y, o, wy);
      for (let i = 0; i < N; i++) y[o + i] = rhs[i] + 0.3 * wy[o + i];
    }
    lag(w, y, o, wy);
  }
  const rows = Array.from({ length: N * P }, (_, r) => ({
    id: w.ids[r % N],
    time: 2010 + Math.floor(r / N),
    y: y[r],
    x1: x1[r],
    x2: x2[r],
  }));
  return { panel: Panel.fromRows(rows, { entity: 'id', time: 'time' }), y, x1, x2, T: P };
}

/** The binary links of W as `i j` lines (1-based), for R's sparseMatrix. */
export function writeLinks(path: string, w: WeightsMatrix): void {
  const out: string[] = ['i j'];
  for (let i = 0; i < w.n; i++)
    for (let k = w.rowPtr[i]; k < w.rowPtr[i + 1]; k++) out.push(`${i + 1} ${w.colIdx[k] + 1}`);
  writeFileSync(path, out.join('\n'));
}

/** Columns as CSV with full precision. */
export function writeColumns(path: string, cols: Record<string, ArrayLike<number | string>>): void {
  const names = Object.keys(cols);
  const n = cols[names[0]].length;
  const lines = [names.join(',')];
  for (let r = 0; r < n; r++) lines.push(names.map((c) => String(cols[c][r])).join(','));
  writeFileSync(path, lines.join('\n'));
}

/** A copy that shares no cache with the original (each timed call starts from the matrix alone). */
export function freshCopy(w: WeightsMatrix): WeightsMatrix {
  return { ...w };
}

/** A deterministic panel: y = u_i + Σ 0.1·k·x_k + e, regressors correlated with u_i (Park–Miller LCG). */
export function fePanelRows(units: number, years: number, k: number): Record<string, number | string>[] {
  let seed = 12345;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  const rows: Record<string, number | string>[] = [];
  for (let i = 0; i < units; i++) {
    const u = rnd();
    for (let t = 0; t < years; t++) {
      const row: Record<string, number | string> = { id: `u${i}`, year: 2011 + t };
      let y = u;
      for (let j = 1; j <= k; j++) {
        const x = rnd() + u;
        row[`x${j}`] = x;
        y += 0.1 * j * x;
      }
      row.y = y + rnd();
      rows.push(row);
    }
  }
  return rows;
}

/** y = 0.5 y₋₁ + 0.3 x + μ + ε, x = 0.5 x₋₁ + 0.3 μ + ε: a dynamic panel for system GMM, as columns. */
export function gmmColumns(units: number, T: number, seed = 2024) {
  const rng = new Random(seed);
  const cols = { id: [] as string[], time: [] as number[], y: [] as number[], x: [] as number[] };
  for (let i = 0; i < units; i++) {
    const mu = rng.normal();
    let y = mu + rng.normal();
    let x = 0.5 * mu + rng.normal();
    for (let t = 0; t < T; t++) {
      x = 0.5 * x + 0.3 * mu + rng.normal();
      y = 0.5 * y + 0.3 * x + mu + rng.normal();
      cols.id.push(`u${i + 1}`);
      cols.time.push(2010 + t);
      cols.y.push(y);
      cols.x.push(x);
    }
  }
  const panel = Panel.fromRows(
    cols.id.map((id, r) => ({ id, time: cols.time[r], y: cols.y[r], x: cols.x[r] })),
    { entity: 'id', time: 'time' },
  );
  return { cols, panel };
}
