/**
 * Each wild cluster restricted bootstrap draw's pieces of t*(r) (wild-bootstrap.ts): numerators
 * a⁰'v, a¹'v and denominators Σ_h (K⁰v)_h², Σ_h (K⁰v)_h(K¹v)_h, Σ_h (K¹v)_h², where
 *
 *   K_hg = δ_hg a_h − c_h's_g,   i.e. K = diag(a) − C S' of rank p,   (Kv)_h = a_h v_h − c_h'w,  w = S'v,
 *
 * for the restricted scores s_g (rows of S, G × p) and c_h = A Z_h'Z_h α (rows of C). K v costs G² per
 * draw formed, 2·G·p by the low-rank form (Roodman, MacKinnon, Nielsen & Webb 2019, "Fast and wild",
 * §3); the cheaper one is used: the low-rank form when G > 2p (G = 30, p = 6: twice as fast), K formed
 * otherwise (the regional subsamples' G = 8–11). The two differ in the denominators' last bits only.
 *
 * Hand-written: no TypeScript library implements the wild cluster bootstrap.
 */

export interface DrawPieces {
  N0: Float64Array;
  N1: Float64Array;
  D0: Float64Array;
  D1: Float64Array;
  D2: Float64Array;
}

/** The pieces of the B draws v (draw-major, v[b·G + g]) for restricted scores s⁰, s¹ and rows c_h. */
export function drawPieces(
  v: Float64Array,
  B: number,
  G: number,
  p: number,
  a0: Float64Array,
  a1: Float64Array,
  S0: Float64Array,
  S1: Float64Array,
  C: Float64Array,
): DrawPieces {
  if (G > 2 * p) return lowRankPieces(v, B, G, p, a0, a1, S0, S1, C);
  const K0 = new Float64Array(G * G);
  const K1 = new Float64Array(G * G);
  for (let h = 0; h < G; h++) {
    for (let g = 0; g < G; g++) {
      let x0 = 0;
      let x1 = 0;
      for (let c = 0; c < p; c++) {
        x0 += C[h * p + c] * S0[g * p + c];
        x1 += C[h * p + c] * S1[g * p + c];
      }
      K0[h * G + g] = (h === g ? a0[h] : 0) - x0;
      K1[h * G + g] = (h === g ? a1[h] : 0) - x1;
    }
  }
  return densePieces(v, B, G, a0, a1, K0, K1);
}

/**
 * The pieces by K formed (row-major, G × G): (Kv)_h = Σ_g K_hg v_g. Four draws at a time, so each
 * element of K is loaded once for four draws (about 2.5× faster than one at a time); every sum runs
 * over g, then h, in the same order as for a single draw, so the pieces are bit-identical to the
 * one-draw loop (the remainder's).
 */
function densePieces(
  v: Float64Array,
  B: number,
  G: number,
  a0: Float64Array,
  a1: Float64Array,
  K0: Float64Array,
  K1: Float64Array,
): DrawPieces {
  const N0 = new Float64Array(B);
  const N1 = new Float64Array(B);
  const D0 = new Float64Array(B);
  const D1 = new Float64Array(B);
  const D2 = new Float64Array(B);
  let b = 0;
  for (; b + 3 < B; b += 4) {
    const o0 = b * G;
    const o1 = o0 + G;
    const o2 = o1 + G;
    const o3 = o2 + G;
    let n00 = 0,
      n10 = 0,
      n01 = 0,
      n11 = 0,
      n02 = 0,
      n12 = 0,
      n03 = 0,
      n13 = 0;
    for (let g = 0; g < G; g++) {
      const x = a0[g];
      const y = a1[g];
      const w0 = v[o0 + g];
      const w1 = v[o1 + g];
      const w2 = v[o2 + g];
      const w3 = v[o3 + g];
      n00 += x * w0;
      n10 += y * w0;
      n01 += x * w1;
      n11 += y * w1;
      n02 += x * w2;
      n12 += y * w2;
      n03 += x * w3;
      n13 += y * w3;
    }
    let d00 = 0,
      d10 = 0,
      d20 = 0,
      d01 = 0,
      d11 = 0,
      d21 = 0;
    let d02 = 0,
      d12 = 0,
      d22 = 0,
      d03 = 0,
      d13 = 0,
      d23 = 0;
    for (let h = 0; h < G; h++) {
      let k00 = 0,
        k10 = 0,
        k01 = 0,
        k11 = 0,
        k02 = 0,
        k12 = 0,
        k03 = 0,
        k13 = 0;
      const row = h * G;
      for (let g = 0; g < G; g++) {
        const c0 = K0[row + g];
        const c1 = K1[row + g];
        const w0 = v[o0 + g];
        const w1 = v[o1 + g];
        const w2 = v[o2 + g];
        const w3 = v[o3 + g];
        k00 += c0 * w0;
        k10 += c1 * w0;
        k01 += c0 * w1;
        k11 += c1 * w1;
        k02 += c0 * w2;
        k12 += c1 * w2;
        k03 += c0 * w3;
        k13 += c1 * w3;
      }
      d00 += k00 * k00;
      d10 += k00 * k10;
      d20 += k10 * k10;
      d01 += k01 * k01;
      d11 += k01 * k11;
      d21 += k11 * k11;
      d02 += k02 * k02;
      d12 += k02 * k12;
      d22 += k12 * k12;
      d03 += k03 * k03;
      d13 += k03 * k13;
      d23 += k13 * k13;
    }
    N0[b] = n00;
    N1[b] = n10;
    D0[b] = d00;
    D1[b] = d10;
    D2[b] = d20;
    N0[b + 1] = n01;
    N1[b + 1] = n11;
    D0[b + 1] = d01;
    D1[b + 1] = d11;
    D2[b + 1] = d21;
    N0[b + 2] = n02;
    N1[b + 2] = n12;
    D0[b + 2] = d02;
    D1[b + 2] = d12;
    D2[b + 2] = d22;
    N0[b + 3] = n03;
    N1[b + 3] = n13;
    D0[b + 3] = d03;
    D1[b + 3] = d13;
    D2[b + 3] = d23;
  }
  for (; b < B; b++) {
    const off = b * G;
    let n0 = 0;
    let n1 = 0;
    for (let g = 0; g < G; g++) {
      n0 += a0[g] * v[off + g];
      n1 += a1[g] * v[off + g];
    }
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    for (let h = 0; h < G; h++) {
      let k0 = 0;
      let k1 = 0;
      const row = h * G;
      for (let g = 0; g < G; g++) {
        const w = v[off + g];
        k0 += K0[row + g] * w;
        k1 += K1[row + g] * w;
      }
      d0 += k0 * k0;
      d1 += k0 * k1;
      d2 += k1 * k1;
    }
    N0[b] = n0;
    N1[b] = n1;
    D0[b] = d0;
    D1[b] = d1;
    D2[b] = d2;
  }
  return { N0, N1, D0, D1, D2 };
}

/**
 * The pieces by the low-rank form (Kv)_h = a_h v_h − c_h'w, w = S'v: O(G·p) per draw. Four draws at
 * a time as in densePieces; the numerators are the same sums in the same order (bit-identical).
 */
function lowRankPieces(
  v: Float64Array,
  B: number,
  G: number,
  p: number,
  a0: Float64Array,
  a1: Float64Array,
  S0: Float64Array,
  S1: Float64Array,
  C: Float64Array,
): DrawPieces {
  const N0 = new Float64Array(B);
  const N1 = new Float64Array(B);
  const D0 = new Float64Array(B);
  const D1 = new Float64Array(B);
  const D2 = new Float64Array(B);
  // S' (p × G), so each w_c is one contiguous dot product with the draw.
  const T0 = new Float64Array(p * G);
  const T1 = new Float64Array(p * G);
  for (let g = 0; g < G; g++)
    for (let c = 0; c < p; c++) {
      T0[c * G + g] = S0[g * p + c];
      T1[c * G + g] = S1[g * p + c];
    }
  // w for four draws at a time (w0[j·p + c], draw b + j), so each element of S' and C is loaded once
  // for four draws; the remainder runs with the same code on fewer lanes.
  const w0 = new Float64Array(4 * p);
  const w1 = new Float64Array(4 * p);
  for (let b = 0; b < B; b += 4) {
    const lanes = Math.min(4, B - b);
    const o0 = b * G;
    // Lanes past the end read the last draw again; their results are not stored.
    const o1 = (lanes > 1 ? b + 1 : b) * G;
    const o2 = (lanes > 2 ? b + 2 : b) * G;
    const o3 = (lanes > 3 ? b + 3 : b) * G;
    let n00 = 0,
      n10 = 0,
      n01 = 0,
      n11 = 0,
      n02 = 0,
      n12 = 0,
      n03 = 0,
      n13 = 0;
    for (let g = 0; g < G; g++) {
      const x = a0[g];
      const y = a1[g];
      const u0 = v[o0 + g];
      const u1 = v[o1 + g];
      const u2 = v[o2 + g];
      const u3 = v[o3 + g];
      n00 += x * u0;
      n10 += y * u0;
      n01 += x * u1;
      n11 += y * u1;
      n02 += x * u2;
      n12 += y * u2;
      n03 += x * u3;
      n13 += y * u3;
    }
    for (let c = 0; c < p; c++) {
      let x00 = 0,
        x10 = 0,
        x01 = 0,
        x11 = 0,
        x02 = 0,
        x12 = 0,
        x03 = 0,
        x13 = 0;
      const row = c * G;
      for (let g = 0; g < G; g++) {
        const t0 = T0[row + g];
        const t1 = T1[row + g];
        const u0 = v[o0 + g];
        const u1 = v[o1 + g];
        const u2 = v[o2 + g];
        const u3 = v[o3 + g];
        x00 += t0 * u0;
        x10 += t1 * u0;
        x01 += t0 * u1;
        x11 += t1 * u1;
        x02 += t0 * u2;
        x12 += t1 * u2;
        x03 += t0 * u3;
        x13 += t1 * u3;
      }
      w0[c] = x00;
      w1[c] = x10;
      w0[p + c] = x01;
      w1[p + c] = x11;
      w0[2 * p + c] = x02;
      w1[2 * p + c] = x12;
      w0[3 * p + c] = x03;
      w1[3 * p + c] = x13;
    }
    let d00 = 0,
      d10 = 0,
      d20 = 0,
      d01 = 0,
      d11 = 0,
      d21 = 0,
      d02 = 0,
      d12 = 0,
      d22 = 0,
      d03 = 0,
      d13 = 0,
      d23 = 0;
    for (let h = 0; h < G; h++) {
      const x = a0[h];
      const y = a1[h];
      const u0 = v[o0 + h];
      const u1 = v[o1 + h];
      const u2 = v[o2 + h];
      const u3 = v[o3 + h];
      let k00 = x * u0,
        k10 = y * u0,
        k01 = x * u1,
        k11 = y * u1,
        k02 = x * u2,
        k12 = y * u2,
        k03 = x * u3,
        k13 = y * u3;
      const row = h * p;
      for (let c = 0; c < p; c++) {
        const e = C[row + c];
        k00 -= e * w0[c];
        k10 -= e * w1[c];
        k01 -= e * w0[p + c];
        k11 -= e * w1[p + c];
        k02 -= e * w0[2 * p + c];
        k12 -= e * w1[2 * p + c];
        k03 -= e * w0[3 * p + c];
        k13 -= e * w1[3 * p + c];
      }
      d00 += k00 * k00;
      d10 += k00 * k10;
      d20 += k10 * k10;
      d01 += k01 * k01;
      d11 += k01 * k11;
      d21 += k11 * k11;
      d02 += k02 * k02;
      d12 += k02 * k12;
      d22 += k12 * k12;
      d03 += k03 * k03;
      d13 += k03 * k13;
      d23 += k13 * k13;
    }
    N0[b] = n00;
    N1[b] = n10;
    D0[b] = d00;
    D1[b] = d10;
    D2[b] = d20;
    if (lanes < 2) continue;
    N0[b + 1] = n01;
    N1[b + 1] = n11;
    D0[b + 1] = d01;
    D1[b + 1] = d11;
    D2[b + 1] = d21;
    if (lanes < 3) continue;
    N0[b + 2] = n02;
    N1[b + 2] = n12;
    D0[b + 2] = d02;
    D1[b + 2] = d12;
    D2[b + 2] = d22;
    if (lanes < 4) continue;
    N0[b + 3] = n03;
    N1[b + 3] = n13;
    D0[b + 3] = d03;
    D1[b + 3] = d13;
    D2[b + 3] = d23;
  }
  return { N0, N1, D0, D1, D2 };
}
