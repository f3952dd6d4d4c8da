/**
 * Sparse A = L D U without pivoting for matrices with a symmetric pattern — here A = I − ρW (or the
 * symmetric I − ρS) in a fill-reducing order — and the selected inverse Z = A⁻¹ on the pattern of L + U.
 *
 * Symbolic analysis (once per pattern): the elimination tree and the pattern of each column of L,
 *   struct(L_j) = {i > j : a_ij ≠ 0} ∪ ⋃_{c : parent(c) = j} struct(L_c) \ {j}; U's pattern is L's
 * transpose, so L and Uᵀ share one index structure. Numeric factorisation (per ρ): left-looking, with a
 * linked list of the columns k whose next row is j (George & Liu):
 *   d_j = a_jj − Σ_k l_jk d_k u_kj,  l_ij = (a_ij − Σ_k l_ik d_k u_kj)/d_j,  u_ji likewise by rows.
 * No pivoting is exact here because I − ρW is strictly diagonally dominant by rows for a row-standardised
 * W and |ρ| < 1 (and I − ρS positive definite); elimination keeps that property, so every d_j > 0 and
 * log|A| = Σ log d_j.
 * Selected inversion (Takahashi, Fagan & Chen 1973; Erisman & Tinney 1975), from Z = D⁻¹L⁻¹ + (I − U)Z and
 * Z = U⁻¹D⁻¹ + Z(I − L), for j = n−1 … 0 over s = struct(L_j):
 *   z_ij = −Σ_{k∈s} z_ik l_kj,  z_ji = −Σ_{k∈s} u_jk z_ki (i ∈ s),  z_jj = 1/d_j − Σ_{k∈s} u_jk z_kj,
 * which needs only entries of Z on the pattern (s is a clique of the filled graph). Cost of either is
 * Σ_j |struct(L_j)|² flops.
 * Hand-written because no maintained TypeScript package provides sparse LU/Cholesky factorisation or a
 * selected inverse (mathjs's `slu` is a port of CSparse's pivoting LU over generic scalars, without
 * a selected inverse).
 */

export interface SparseEntry {
  row: number;
  col: number;
}

/** The pattern of L (strictly lower), column-compressed with sorted rows. */
export interface LduPattern {
  n: number;
  colPtr: Int32Array;
  rowIdx: Int32Array;
  parent: Int32Array;
}

/**
 * Symbolic factorisation of a symmetric pattern (CSR of neighbours, any order within rows, no
 * diagonal), already permuted to the elimination order.
 */
export function symbolicLdu(n: number, ptr: Int32Array, idx: Int32Array): LduPattern {
  const parent = new Int32Array(n).fill(-1);
  const childHead = new Int32Array(n).fill(-1);
  const childNext = new Int32Array(n).fill(-1);
  const mark = new Int32Array(n).fill(-1);
  const cols: Int32Array[] = new Array(n);
  let nnz = 0;
  const buf: number[] = [];
  for (let j = 0; j < n; j++) {
    buf.length = 0;
    mark[j] = j;
    for (let k = ptr[j]; k < ptr[j + 1]; k++) {
      const i = idx[k];
      if (i > j && mark[i] !== j) {
        mark[i] = j;
        buf.push(i);
      }
    }
    for (let c = childHead[j]; c >= 0; c = childNext[c]) {
      const s = cols[c];
      for (let q = 0; q < s.length; q++) {
        const i = s[q];
        if (i > j && mark[i] !== j) {
          mark[i] = j;
          buf.push(i);
        }
      }
    }
    const col = Int32Array.from(buf).sort();
    cols[j] = col;
    nnz += col.length;
    if (col.length > 0) {
      const p = col[0];
      parent[j] = p;
      childNext[j] = childHead[p];
      childHead[p] = j;
    }
  }
  const colPtr = new Int32Array(n + 1);
  const rowIdx = new Int32Array(nnz);
  for (let j = 0; j < n; j++) {
    rowIdx.set(cols[j], colPtr[j]);
    colPtr[j + 1] = colPtr[j] + cols[j].length;
  }
  return { n, colPtr, rowIdx, parent };
}

/** Position of (row, col), row > col, in the pattern; −1 if absent. */
export function patternPosition(p: LduPattern, row: number, col: number): number {
  let lo = p.colPtr[col];
  let hi = p.colPtr[col + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = p.rowIdx[mid];
    if (r === row) return mid;
    if (r < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Numeric L D U of a matrix with unit diagonal on the pattern: off-diagonal entries given per column
 * j of the lower triangle as (aRow, aLower = a_ij, aUpper = a_ji), i > j, in CSC arrays `aPtr`.
 * Results overwrite `Lx`, `Ux` (u_ji stored at the position of l_ij) and `d`. When `symmetric`, Ux is
 * not touched (U = Lᵀ). Returns Σ log d_j, or −∞ as soon as a pivot is not positive.
 */
export class LduFactor {
  readonly Lx: Float64Array;
  readonly Ux: Float64Array;
  readonly d: Float64Array;
  readonly Zl: Float64Array;
  readonly Zu: Float64Array;
  readonly Zd: Float64Array;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly head: Int32Array;
  private readonly link: Int32Array;
  private readonly next: Int32Array;
  private readonly mark: Int32Array;
  private readonly zl: Float64Array;
  private readonly zu: Float64Array;

  constructor(
    readonly pattern: LduPattern,
    readonly aPtr: Int32Array,
    readonly aRow: Int32Array,
    readonly aLower: Float64Array,
    readonly aUpper: Float64Array,
    readonly symmetric: boolean,
  ) {
    const { n } = pattern;
    const nnz = pattern.rowIdx.length;
    this.Lx = new Float64Array(nnz);
    this.Ux = symmetric ? this.Lx : new Float64Array(nnz);
    this.d = new Float64Array(n);
    this.Zl = new Float64Array(nnz);
    this.Zu = symmetric ? this.Zl : new Float64Array(nnz);
    this.Zd = new Float64Array(n);
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.head = new Int32Array(n);
    this.link = new Int32Array(n);
    this.next = new Int32Array(n);
    this.mark = new Int32Array(n).fill(-1);
    let widest = 0;
    for (let j = 0; j < n; j++) widest = Math.max(widest, pattern.colPtr[j + 1] - pattern.colPtr[j]);
    this.zl = new Float64Array(widest);
    this.zu = new Float64Array(widest);
  }

  /** Factorises I + scale·(off-diagonal entries); returns log|A| or −∞ (a pivot ≤ 0). */
  factor(scale: number): number {
    return this.symmetric ? this.factorSymmetric(scale) : this.factorGeneral(scale);
  }

  private factorGeneral(scale: number): number {
    const { n, colPtr, rowIdx } = this.pattern;
    const { Lx, Ux, d, x, y, head, link, next, aPtr, aRow, aLower, aUpper } = this;
    head.fill(-1);
    let logdet = 0;
    for (let j = 0; j < n; j++) {
      for (let q = aPtr[j]; q < aPtr[j + 1]; q++) {
        const i = aRow[q];
        x[i] = scale * aLower[q];
        y[i] = scale * aUpper[q];
      }
      let dj = 1;
      let k = head[j];
      while (k >= 0) {
        const kn = link[k];
        const p = next[k];
        const dk = d[k];
        const a = Lx[p] * dk; // l_jk d_k
        const b = Ux[p] * dk; // d_k u_kj
        dj -= a * Ux[p];
        const end = colPtr[k + 1];
        for (let q = p + 1; q < end; q++) {
          const i = rowIdx[q];
          x[i] -= Lx[q] * b;
          y[i] -= Ux[q] * a;
        }
        if (p + 1 < end) {
          next[k] = p + 1;
          const r = rowIdx[p + 1];
          link[k] = head[r];
          head[r] = k;
        }
        k = kn;
      }
      if (!(dj > 0)) return -Infinity;
      d[j] = dj;
      logdet += Math.log(dj);
      const start = colPtr[j];
      const end = colPtr[j + 1];
      for (let q = start; q < end; q++) {
        const i = rowIdx[q];
        Lx[q] = x[i] / dj;
        Ux[q] = y[i] / dj;
        x[i] = 0;
        y[i] = 0;
      }
      if (start < end) {
        next[j] = start;
        const r = rowIdx[start];
        link[j] = head[r];
        head[r] = j;
      }
    }
    return logdet;
  }

  private factorSymmetric(scale: number): number {
    const { n, colPtr, rowIdx } = this.pattern;
    const { Lx, d, x, head, link, next, aPtr, aRow, aLower } = this;
    head.fill(-1);
    let logdet = 0;
    for (let j = 0; j < n; j++) {
      for (let q = aPtr[j]; q < aPtr[j + 1]; q++) x[aRow[q]] = scale * aLower[q];
      let dj = 1;
      let k = head[j];
      while (k >= 0) {
        const kn = link[k];
        const p = next[k];
        const ljk = Lx[p];
        const a = ljk * d[k];
        dj -= a * ljk;
        const end = colPtr[k + 1];
        for (let q = p + 1; q < end; q++) x[rowIdx[q]] -= Lx[q] * a;
        if (p + 1 < end) {
          next[k] = p + 1;
          const r = rowIdx[p + 1];
          link[k] = head[r];
          head[r] = k;
        }
        k = kn;
      }
      if (!(dj > 0)) return -Infinity;
      d[j] = dj;
      logdet += Math.log(dj);
      const start = colPtr[j];
      const end = colPtr[j + 1];
      for (let q = start; q < end; q++) {
        const i = rowIdx[q];
        Lx[q] = x[i] / dj;
        x[i] = 0;
      }
      if (start < end) {
        next[j] = start;
        const r = rowIdx[start];
        link[j] = head[r];
        head[r] = j;
      }
    }
    return logdet;
  }

  /**
   * The selected inverse of the last factorisation: Zd (diagonal), Zl[q] = z_ij and Zu[q] = z_ji at the
   * position q of (i, j), i > j.
   */
  selectedInverse(): void {
    const { n, colPtr, rowIdx } = this.pattern;
    const { Lx, Ux, d, Zl, Zu, Zd, mark, zl, zu } = this;
    const symmetric = this.symmetric;
    for (let j = n - 1; j >= 0; j--) {
      const q0 = colPtr[j];
      const q1 = colPtr[j + 1];
      const m = q1 - q0;
      for (let t = 0; t < m; t++) {
        mark[rowIdx[q0 + t]] = t;
        zl[t] = 0;
        zu[t] = 0;
      }
      for (let tc = 0; tc < m; tc++) {
        const c = rowIdx[q0 + tc];
        const lcj = Lx[q0 + tc];
        const ujc = Ux[q0 + tc];
        const zcc = Zd[c];
        zl[tc] -= zcc * lcj;
        if (!symmetric) zu[tc] -= ujc * zcc;
        const end = colPtr[c + 1];
        for (let qq = colPtr[c]; qq < end; qq++) {
          const t = mark[rowIdx[qq]];
          if (t < 0) continue;
          // The pair (r, c), r > c, both in struct(L_j): z_rc and z_cr.
          const zrc = Zl[qq];
          if (symmetric) {
            zl[t] -= zrc * lcj;
            zl[tc] -= zrc * Lx[q0 + t];
          } else {
            const zcr = Zu[qq];
            zl[t] -= zrc * lcj;
            zl[tc] -= zcr * Lx[q0 + t];
            zu[t] -= ujc * zcr;
            zu[tc] -= Ux[q0 + t] * zrc;
          }
        }
      }
      let zjj = 1 / d[j];
      for (let t = 0; t < m; t++) {
        zjj -= Ux[q0 + t] * zl[t];
        Zl[q0 + t] = zl[t];
        if (!symmetric) Zu[q0 + t] = zu[t];
        mark[rowIdx[q0 + t]] = -1;
      }
      Zd[j] = zjj;
    }
  }
}
