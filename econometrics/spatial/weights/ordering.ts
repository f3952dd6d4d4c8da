/**
 * Orderings of W's entities for factorising I − ρW. The fill-reducing elimination order: approximate
 * minimum degree (Amestoy, Davis & Duff 1996, the ordering CHOLMOD and CSparse use, and so R's Matrix
 * package under spatialreg's sparse methods) on the quotient graph of the symmetrised pattern of W.
 *
 * Each step eliminates a variable p of least approximate external degree; p becomes an element whose
 * variable list L_p is p's variable neighbours plus the variables of the elements it touched, which are
 * absorbed. For every i in L_p the degree is bounded as in AMD:
 *   d_i ≤ min(n − k, d_i + |L_p \ i|, |A_i \ i| + |L_p \ i| + Σ_{e ∈ E_i, e ≠ p} |L_e \ L_p|),
 * A_i the variables and E_i the elements adjacent to i. Elements with L_e ⊂ L_p are absorbed (aggressive
 * absorption). Supervariable detection, AMD's other speed-up, is omitted: spatial weights have few
 * indistinguishable nodes, and the order is computed once per matrix.
 *
 * A banding order (`bandOrder`): reverse Cuthill–McKee of the same pattern, kept when it narrows the
 * band, for the banded inverse of aI − bW (spatial-inverse.ts), where a band sweep beats fill-reduction.
 * Hand-written because no maintained TypeScript package offers a fill-reducing ordering.
 */
import type { WeightsMatrix } from './matrix';

/** A symmetric sparsity pattern without diagonal, as CSR (neighbours of i at idx[ptr[i] .. ptr[i+1])). */
export interface SymmetricPattern {
  n: number;
  ptr: Int32Array;
  idx: Int32Array;
}

/** Neighbour lists of the symmetrised pattern of a CSR matrix (i ~ j when a_ij ≠ 0 or a_ji ≠ 0). */
export function symmetrisedPattern(n: number, rowPtr: Int32Array, colIdx: Int32Array): SymmetricPattern {
  const count = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      const j = colIdx[k];
      if (j === i) continue;
      count[i + 1]++;
      count[j + 1]++;
    }
  }
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const fill = count.slice(0, n);
  const both = new Int32Array(count[n]);
  for (let i = 0; i < n; i++) {
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      const j = colIdx[k];
      if (j === i) continue;
      both[fill[i]++] = j;
      both[fill[j]++] = i;
    }
  }
  // Remove duplicates (a symmetric link appears from both rows).
  const mark = new Int32Array(n).fill(-1);
  const ptr = new Int32Array(n + 1);
  const idx = new Int32Array(both.length);
  let m = 0;
  for (let i = 0; i < n; i++) {
    for (let k = count[i]; k < count[i + 1]; k++) {
      const j = both[k];
      if (mark[j] === i) continue;
      mark[j] = i;
      idx[m++] = j;
    }
    ptr[i + 1] = m;
  }
  return { n, ptr, idx: idx.slice(0, m) };
}

/** `order[k]` is the node eliminated k-th. Deterministic (ties by the bucket's last insertion). */
export function approximateMinimumDegree(pattern: SymmetricPattern): Int32Array {
  const { n, ptr, idx } = pattern;
  const VARIABLE = 0;
  const ELEMENT = 1;
  const ABSORBED = 2;
  const status = new Uint8Array(n);
  const adjVars: number[][] = [];
  const adjElems: number[][] = [];
  const elemVars: number[][] = new Array(n);
  const degree = new Int32Array(n);
  // Degree buckets: doubly linked lists.
  const head = new Int32Array(n + 1).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  const insert = (i: number, d: number) => {
    degree[i] = d;
    prev[i] = -1;
    next[i] = head[d];
    if (head[d] >= 0) prev[head[d]] = i;
    head[d] = i;
  };
  const remove = (i: number) => {
    if (prev[i] >= 0) next[prev[i]] = next[i];
    else head[degree[i]] = next[i];
    if (next[i] >= 0) prev[next[i]] = prev[i];
  };
  for (let i = 0; i < n; i++) {
    adjVars.push(Array.from(idx.subarray(ptr[i], ptr[i + 1])));
    adjElems.push([]);
    insert(i, ptr[i + 1] - ptr[i]);
  }
  const mark = new Int32Array(n).fill(-1); // membership of L_p (stamp p)
  const wStamp = new Int32Array(n).fill(-1);
  const w = new Int32Array(n); // |L_e \ L_p| for elements adjacent to L_p
  const order = new Int32Array(n);
  let minDeg = 0;
  for (let k = 0; k < n; k++) {
    while (head[minDeg] < 0) minDeg++;
    const p = head[minDeg];
    remove(p);
    order[k] = p;
    // L_p: variable neighbours plus the variables of adjacent elements (absorbed).
    const Lp: number[] = [];
    mark[p] = p;
    for (const v of adjVars[p]) {
      if (status[v] === VARIABLE && mark[v] !== p) {
        mark[v] = p;
        Lp.push(v);
      }
    }
    for (const e of adjElems[p]) {
      if (status[e] !== ELEMENT) continue;
      for (const v of elemVars[e]) {
        if (status[v] === VARIABLE && mark[v] !== p) {
          mark[v] = p;
          Lp.push(v);
        }
      }
      status[e] = ABSORBED;
      elemVars[e] = [];
    }
    status[p] = ELEMENT;
    elemVars[p] = Lp;
    adjVars[p] = [];
    adjElems[p] = [];
    // |L_e \ L_p| for the other elements adjacent to members of L_p.
    for (const i of Lp) {
      for (const e of adjElems[i]) {
        if (status[e] !== ELEMENT) continue;
        if (wStamp[e] !== p) {
          wStamp[e] = p;
          w[e] = elemVars[e].length;
        }
        w[e]--;
      }
    }
    const remaining = n - k - 1;
    for (const i of Lp) {
      remove(i);
      // Elements: drop absorbed ones and those inside L_p (aggressive absorption), add p.
      const elems: number[] = [];
      let external = 0;
      for (const e of adjElems[i]) {
        if (status[e] !== ELEMENT) continue;
        if (w[e] === 0) {
          status[e] = ABSORBED;
          elemVars[e] = [];
          continue;
        }
        elems.push(e);
        external += w[e];
      }
      elems.push(p);
      adjElems[i] = elems;
      // Variables now covered by element p leave A_i.
      const vars: number[] = [];
      for (const v of adjVars[i]) if (status[v] === VARIABLE && mark[v] !== p) vars.push(v);
      adjVars[i] = vars;
      const d = Math.min(remaining, degree[i] + Lp.length - 1, vars.length + Lp.length - 1 + external);
      insert(i, Math.max(0, d));
      if (d < minDeg) minDeg = Math.max(0, d);
    }
  }
  return order;
}

/** Reverse Cuthill–McKee order, component by component, from a vertex of lowest degree. */
export function reverseCuthillMcKee(g: SymmetricPattern): Int32Array {
  const n = g.n;
  const degree = (v: number) => g.ptr[v + 1] - g.ptr[v];
  const seen = new Uint8Array(n);
  const order: number[] = [];
  const byDegree = Array.from({ length: n }, (_, i) => i).sort((a, b) => degree(a) - degree(b) || a - b);
  for (const start of byDegree) {
    if (seen[start]) continue;
    seen[start] = 1;
    const queue = [start];
    for (let h = 0; h < queue.length; h++) {
      const v = queue[h];
      order.push(v);
      const next: number[] = [];
      for (let k = g.ptr[v]; k < g.ptr[v + 1]; k++) if (!seen[g.idx[k]]) next.push(g.idx[k]);
      next.sort((a, b) => degree(a) - degree(b) || a - b);
      for (const u of next) seen[u] = 1;
      queue.push(...next);
    }
  }
  return Int32Array.from(order.reverse());
}

/** The narrower of the input order and RCM: position of each entity in the band, and the bandwidth. */
export function bandOrder(w: WeightsMatrix): { pos: Int32Array; bw: number } {
  const n = w.n;
  const g = symmetrisedPattern(n, w.rowPtr, w.colIdx);
  const bandwidthOf = (pos: Int32Array) => {
    let bw = 0;
    for (let i = 0; i < n; i++)
      for (let k = g.ptr[i]; k < g.ptr[i + 1]; k++) bw = Math.max(bw, Math.abs(pos[i] - pos[g.idx[k]]));
    return bw;
  };
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const rcm = new Int32Array(n);
  reverseCuthillMcKee(g).forEach((v, i) => (rcm[v] = i));
  const pos = bandwidthOf(identity) <= bandwidthOf(rcm) ? identity : rcm;
  return { pos, bw: bandwidthOf(pos) };
}
