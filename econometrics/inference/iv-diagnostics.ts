/**
 * Identification and specification tests of a (FE-)2SLS fit, following ivreg2's formulas (Baum,
 * Schaffer & Stillman; the Kleibergen–Paap statistic as its `ranktest`). The fixed effects are
 * partialled out first, as xtivreg2, fe does: y, the endogenous regressors X1 (K1), the exogenous ones
 * X2 (K2; time dummies included, a constant only in pooled 2SLS) and the excluded instruments Z1 (L1)
 * enter within-transformed; Z = [Z1, X2] has L = L1 + K2 columns, N rows, and d = the number of
 * absorbed groups is ivreg2's `dofminus` (0 for pooled 2SLS). M is the number of clusters. ⊥ marks
 * residuals on X2.
 *
 * Canonical correlations: Q_ab = a⊥'b⊥/N, θ = R_zz Π̂ R_yy⁻¹ (R'R = Q, Π̂ = Q_zz⁻¹Q_zy), λ = the
 * squared singular values of θ.
 *   cragg_donald_f  = min λ/(1−λ) · (N − L − d)/L1
 *   anderson_lm     = (N − d) · min λ,  χ²(L1 − K1 + 1)            (conventional vce)
 *   kp_rk_lm        = rk(X1⊥) [cluster: as is; robust: ·(N − d)/N], χ²(L1 − K1 + 1)
 *   kp_rk_wald_f    = rk(X1⊥ − Z1⊥Π̂) · [cluster: (N − L)(M − 1)/((N − 1)M); robust: (N − L − d)/N] / L1
 * where rk(V) = N·λ̂'Ω̂⁻¹λ̂ is the Kleibergen–Paap (2006) statistic for rank K1 − 1 of θ, with the score
 * covariance Σ_i (V_i ⊗ Z1⊥_i)(·)'/N (summed within clusters first when clustered).
 *
 * Anderson–Rubin test of H0: β_X1 = b: the reduced-form Wald test of Z1 in the regression of y − X1·b
 * on Z, with the vce's sandwich without small-sample factor, as an F:
 *   F(b) = W · κ / L1,  κ = cluster (N − L)(M − 1)/((N − 1)M); robust (N − L − d)/N; conventional
 *   σ̂² = e'e/(N − d) with W·(N − L − d)/(N − d);   F(L1, M − 1) clustered, else F(L1, N − L − d).
 * ar_stat, ar_p at b = 0 (ivreg2's test); ar_ci_lower, ar_ci_upper = {b : F(b) ≤ F_{1−α}} for one
 * endogenous regressor and one excluded instrument, where F(b) is a ratio of quadratics in b and the
 * set is solved exactly: an interval (ar_ci_bounded 1), the whole line (0: bounds ±∞, stored as null),
 * or two rays (−1: the set is (−∞, lower] ∪ [upper, ∞)).
 *
 * Over-identification (L > K1 + K2): Sargan (conventional) e'P_Z e / (e'e/(N − d)); Hansen J (robust,
 * cluster) N·ḡ'Ω̂⁻¹ḡ at the two-step efficient GMM estimate, Ω̂ from the 2SLS residuals (cluster
 * Σ_g(Z_g'e_g)(·)'/N, robust Σ e_i² z_i z_i'/(N − d)); χ²(L − K).
 *
 * Endogeneity C test of X1 (difference-in-Sargan/Hansen): J of the model with X1 treated as exogenous
 * (instruments [Z, X1]) minus J of the model as estimated, both with the Ω̂ of the restricted model
 * (its submatrix for the second), so C ≥ 0; χ²(K1).
 *
 * Every solve goes through linalg: the 2SLS on Z and X̂ = P_Z X by Householder QR, whose rank
 * deficiency is a DataError naming the instrument or regressor (the column cannot be estimated); a
 * singular or non-positive-definite matrix of one test (Q_zz, Q_yy, the Kleibergen–Paap blocks, Ω̂ of
 * Hansen's J, the Anderson–Rubin covariance) is a DataError naming the matrix and column, caught per test
 * and reported as a warning, so the estimation keeps its coefficients and the tests that exist.
 *
 * Hand-written: no TypeScript library implements these tests.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { isDataError } from '../../common/errors';
import { chiSquareUpper, fUpper, tQuantileDf } from '../distributions';
import {
  Cholesky,
  fullRankQr,
  qrLeastSquares,
  solveSquare,
  symmetricPower,
  upperTriangularInverse,
  type Columns,
  type HouseholderQr,
} from '../linalg';

export type IvVce = 'conventional' | 'robust' | 'cluster';

export interface IvDiagnosticsInput {
  y: Float64Array;
  endogenous: Columns;
  exogenous: Columns;
  excluded: Columns;
  vce: IvVce;
  clusters?: Int32Array;
  /** ivreg2's dofminus: the number of absorbed groups (0 for pooled 2SLS). */
  dofminus: number;
  /** Confidence level of the Anderson–Rubin set. */
  level?: number;
  /** Names of the columns, for the messages (default: position). */
  names?: { endogenous: readonly string[]; exogenous: readonly string[]; excluded: readonly string[] };
}

const toMatrix = (cols: Columns, n: number) => {
  const m = new Matrix(n, cols.length);
  cols.forEach((c, j) => {
    for (let i = 0; i < n; i++) m.set(i, j, c[i]);
  });
  return m;
};

const residualsOn = (x2: Columns, c: Float64Array) => (x2.length ? qrLeastSquares(x2, c).residuals : c);

/** Σ_g s_g s_g' of the row scores (N × k), summed within clusters when given. */
function scoreMeat(scores: Matrix, clusters?: Int32Array): Matrix {
  const k = scores.columns;
  if (!clusters) return scores.transpose().mmul(scores);
  let G = 0;
  for (const c of clusters) if (c + 1 > G) G = c + 1;
  const sums = new Matrix(G, k);
  for (let i = 0; i < scores.rows; i++)
    for (let j = 0; j < k; j++) sums.set(clusters[i], j, sums.get(clusters[i], j) + scores.get(i, j));
  return sums.transpose().mmul(sums);
}

function symmetric(m: Matrix): Matrix {
  return m.add(m.transpose()).div(2);
}

/** Symmetric square root of a PSD matrix (negative rounding clamped to 0). */
function symSqrt(a: Matrix): Matrix {
  return symmetricPower(a, 0.5, 0);
}

/** An orthonormal L1 × L1 basis whose first columns are U's (thin SVD) columns. */
function completeBasis(u: Matrix): Matrix {
  const L = u.rows;
  const cols: Float64Array[] = [];
  for (let j = 0; j < u.columns; j++) cols.push(Float64Array.from(u.getColumn(j)));
  for (let e = 0; e < L && cols.length < L; e++) {
    const v = new Float64Array(L);
    v[e] = 1;
    for (const c of cols) {
      let d = 0;
      for (let i = 0; i < L; i++) d += c[i] * v[i];
      for (let i = 0; i < L; i++) v[i] -= d * c[i];
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm < 1e-8) continue;
    cols.push(v.map((x) => x / norm));
  }
  const out = new Matrix(L, L);
  cols.forEach((c, j) => c.forEach((x, i) => out.set(i, j, x)));
  return out;
}

interface Canonical {
  theta: Matrix;
  U: Matrix;
  V: Matrix;
  eval: number[];
  pihat: Matrix;
  irQyy: Matrix;
  irQzz: Matrix;
}

function canonical(x1: Matrix, z1: Matrix, n: number, names: Names): Canonical {
  const Qzz = z1.transpose().mmul(z1).div(n);
  const Qzy = z1.transpose().mmul(x1).div(n);
  const Qyy = x1.transpose().mmul(x1).div(n);
  const cz = Cholesky.of(Qzz, 'Q_zz (the excluded instruments on the exogenous regressors)', names.excluded);
  const cy = Cholesky.of(Qyy, 'Q_yy (the endogenous regressors on the exogenous ones)', names.endogenous);
  const Rzz = cz.lower().transpose();
  const Ryy = cy.lower().transpose();
  const irQzz = upperTriangularInverse(Rzz);
  const irQyy = upperTriangularInverse(Ryy);
  const pihat = cz.solve(Qzy);
  const theta = Rzz.mmul(pihat).mmul(irQyy);
  const svd = new SingularValueDecomposition(theta, { autoTranspose: true });
  const K1 = x1.columns;
  const cc = svd.diagonal.slice(0, Math.min(K1, z1.columns));
  return {
    theta,
    U: completeBasis(svd.leftSingularVectors),
    V: svd.rightSingularVectors,
    eval: cc.map((c) => c * c),
    pihat,
    irQyy,
    irQzz,
  };
}

/** The Kleibergen–Paap rk statistic for rank K1 − 1 with score covariance shat0 (ranktest). */
function kpRank(c: Canonical, shat0: Matrix, n: number): { chi2: number; df: number } {
  const L1 = c.theta.rows;
  const K1 = c.theta.columns;
  const kron = c.irQyy.transpose().kroneckerProduct(c.irQzz.transpose());
  const kpvar = symmetric(kron.mmul(shat0).mmul(kron.transpose()));
  const kk = K1 - 1;
  const u22 = c.U.subMatrix(kk, L1 - 1, kk, L1 - 1);
  const v22 = c.V.subMatrix(kk, K1 - 1, kk, K1 - 1);
  const uFull = c.U.subMatrix(0, L1 - 1, kk, L1 - 1);
  const vFull = c.V.subMatrix(0, K1 - 1, kk, K1 - 1);
  const eye = (k: number) => Matrix.eye(k);
  const aq = uFull
    .mmul(solveSquare(u22, eye(u22.rows), "the Kleibergen–Paap test's U₂₂ (left singular vectors of θ)", 1))
    .mmul(symSqrt(u22.mmul(u22.transpose())));
  const bq = symSqrt(v22.mmul(v22.transpose()))
    .mmul(
      solveSquare(
        v22.transpose(),
        eye(v22.rows),
        "the Kleibergen–Paap test's V₂₂ (right singular vectors of θ)",
        1,
      ),
    )
    .mmul(vFull.transpose());
  const vecTheta = Matrix.columnVector(
    Array.from({ length: L1 * K1 }, (_, i) => c.theta.get(i % L1, Math.floor(i / L1))),
  );
  const kba = bq.kroneckerProduct(aq.transpose());
  const lab = kba.mmul(vecTheta);
  const vlab = symmetric(kba.mmul(kpvar).mmul(kba.transpose()));
  const chi2 =
    n *
    lab
      .transpose()
      .mmul(
        Cholesky.ofCovariance(
          vlab,
          "the Kleibergen–Paap test's covariance of λ̂",
          Array.from({ length: vlab.rows }, (_, i) => `λ̂ ${i + 1}`),
        ).solve(lab),
      )
      .get(0, 0);
  return { chi2, df: L1 - kk };
}

/** J = N ḡ'Ω⁻¹ḡ at the two-step GMM estimate with weight Ω⁻¹ (ivreg2's closed form). */
function jWithOmega(
  z: Matrix,
  x: Matrix,
  y: Matrix,
  omega: Matrix,
  n: number,
  names: { z: readonly string[]; x: readonly string[] },
): number {
  const chol = Cholesky.ofCovariance(symmetric(omega), "Hansen's J: the moment covariance Ω̂", names.z);
  const Qxz = x.transpose().mmul(z).div(n);
  const Qzy = z.transpose().mmul(y).div(n);
  const m = symmetric(Qxz.mmul(chol.solve(Qxz.transpose())));
  const b = Cholesky.of(m, "Hansen's J: the GMM normal equations X'ZΩ̂⁻¹Z'X", names.x).solve(
    Qxz.mmul(chol.solve(Qzy)),
  );
  const e = y.clone().sub(x.mmul(b));
  const g = z.transpose().mmul(e).div(n);
  return n * g.transpose().mmul(chol.solve(g)).get(0, 0);
}

/** The instrument-space score covariance Ω̂ of residuals e. */
function omegaOf(
  z: Matrix,
  e: Float64Array,
  vce: IvVce,
  clusters: Int32Array | undefined,
  n: number,
  d: number,
) {
  if (vce === 'conventional') {
    let rss = 0;
    for (const v of e) rss += v * v;
    return z
      .transpose()
      .mmul(z)
      .mul(rss / (n - d) / n);
  }
  const scores = z.clone();
  for (let i = 0; i < n; i++) for (let j = 0; j < z.columns; j++) scores.set(i, j, z.get(i, j) * e[i]);
  const meat = scoreMeat(scores, vce === 'cluster' ? clusters : undefined);
  return symmetric(meat.div(vce === 'cluster' ? n : n - d));
}

interface Names {
  endogenous: readonly string[];
  exogenous: readonly string[];
  excluded: readonly string[];
}

export function ivDiagnostics(input: IvDiagnosticsInput): {
  statistics: Record<string, number>;
  warnings: string[];
} {
  const n = input.y.length;
  const K1 = input.endogenous.length;
  const K2 = input.exogenous.length;
  const L1 = input.excluded.length;
  const L = L1 + K2;
  const K = K1 + K2;
  const d = input.dofminus;
  const clustered = input.vce === 'cluster';
  const clusters = clustered ? input.clusters : undefined;
  let M = 0;
  if (clusters) for (const c of clusters) if (c + 1 > M) M = c + 1;
  const stats: Record<string, number> = {};
  const warnings: string[] = [];
  const names: Names = input.names ?? {
    endogenous: input.endogenous.map((_, j) => `endogenous regressor ${j + 1}`),
    exogenous: input.exogenous.map((_, j) => `exogenous regressor ${j + 1}`),
    excluded: input.excluded.map((_, j) => `excluded instrument ${j + 1}`),
  };
  const zNames = [...names.excluded, ...names.exogenous];
  const xNames = [...names.endogenous, ...names.exogenous];
  /** One test: a DataError of its matrices becomes a warning naming them; anything else is a fault. */
  const attempt = (test: string, run: () => void) => {
    try {
      run();
    } catch (e) {
      if (!isDataError(e)) throw e;
      warnings.push(`${test} not computed: ${e.message}`);
    }
  };

  // 2SLS on the partialled data (all columns within-transformed), by QR of Z and of X̂ = P_Z X: a
  // rank-deficient Z or X̂ means the column cannot be estimated at all (DataError naming the column).
  const zQr = fullRankQr(
    [...input.excluded, ...input.exogenous],
    'IV diagnostics: the instruments Z = [Z1, X2]',
    zNames,
  );
  const xCols = [...input.endogenous, ...input.exogenous];
  const xhat = xCols.map((c) => {
    const r = reducedForm(zQr, c).residuals;
    return c.map((v, i) => v - r[i]);
  });
  const b = fullRankQr(xhat, 'IV diagnostics: the projected regressors X̂ = P_Z X', xNames).coefficients(
    input.y,
  );
  const e = new Float64Array(input.y);
  xCols.forEach((c, j) => {
    for (let i = 0; i < n; i++) e[i] -= b[j] * c[i];
  });
  const X = toMatrix(xCols, n);
  const Z = toMatrix([...input.excluded, ...input.exogenous], n);
  const Y = Matrix.columnVector(Array.from(input.y));
  const B = zQr.bread();

  attempt('identification tests', () => {
    const x1p = toMatrix(
      input.endogenous.map((c) => residualsOn(input.exogenous, c)),
      n,
    );
    const z1p = toMatrix(
      input.excluded.map((c) => residualsOn(input.exogenous, c)),
      n,
    );
    const c = canonical(x1p, z1p, n, names);
    if (!(Math.max(...c.eval) < 1)) {
      warnings.push('identification tests not computed: the instruments are collinear with the regressors');
      return;
    }
    const minEval = Math.min(...c.eval);
    stats.cragg_donald_f = ((minEval / (1 - minEval)) * (n - L - d)) / L1;
    if (input.vce === 'conventional') {
      const df = L1 - K1 + 1;
      stats.anderson_lm = (n - d) * minEval;
      stats.anderson_lm_df = df;
      stats.anderson_lm_p = chiSquareUpper(stats.anderson_lm, df);
      return;
    }
    const omega = (v: Matrix) => {
      const scores = new Matrix(n, K1 * L1);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < K1; j++)
          for (let l = 0; l < L1; l++) scores.set(i, j * L1 + l, v.get(i, j) * z1p.get(i, l));
      return symmetric(scoreMeat(scores, clusters).div(n));
    };
    attempt('the Kleibergen–Paap rk LM statistic', () => {
      const lm = kpRank(c, omega(x1p), n);
      stats.kp_rk_lm = clustered ? lm.chi2 : (lm.chi2 / n) * (n - d);
      stats.kp_rk_lm_df = lm.df;
      stats.kp_rk_lm_p = chiSquareUpper(stats.kp_rk_lm, lm.df);
    });
    attempt('the Kleibergen–Paap rk Wald F', () => {
      const wald = kpRank(c, omega(x1p.clone().sub(z1p.mmul(c.pihat))), n);
      stats.kp_rk_wald_f = clustered
        ? ((wald.chi2 / (n - 1)) * (n - L) * (M - 1)) / M / L1
        : ((wald.chi2 / n) * (n - L - d)) / L1;
    });
  });

  // Anderson–Rubin: reduced forms of y and X1 on Z.
  const kappa = clustered
    ? ((n - L) * (M - 1)) / ((n - 1) * M)
    : input.vce === 'robust'
      ? (n - L - d) / n
      : n - L - d;
  const arDf2 = clustered ? M - 1 : n - L - d;
  /** B Meat B restricted to the excluded rows, for residuals e (conventional: rss·B). */
  const rvr = (res: Float64Array): Matrix => {
    let v: Matrix;
    if (input.vce === 'conventional') {
      let rss = 0;
      for (const x of res) rss += x * x;
      v = B.clone().mul(rss);
    } else {
      const scores = Z.clone();
      for (let i = 0; i < n; i++) for (let j = 0; j < L; j++) scores.set(i, j, Z.get(i, j) * res[i]);
      v = B.mmul(scoreMeat(scores, clusters)).mmul(B);
    }
    return symmetric(v.subMatrix(0, L1 - 1, 0, L1 - 1));
  };
  attempt('Anderson–Rubin test', () => {
    const ry = reducedForm(zQr, input.y);
    const rbY = Matrix.columnVector(Array.from(ry.coef.subarray(0, L1)));
    const V = Cholesky.ofCovariance(
      rvr(ry.residuals),
      "the Anderson–Rubin test: the covariance of the excluded instruments' reduced-form coefficients",
      names.excluded,
    );
    const wald0 = rbY.transpose().mmul(V.solve(rbY)).get(0, 0);
    stats.ar_stat = (wald0 * kappa) / L1;
    stats.ar_df1 = L1;
    stats.ar_df2 = arDf2;
    stats.ar_p = fUpper(stats.ar_stat, L1, arDf2);
    if (K1 === 1 && L1 === 1) {
      Object.assign(stats, arConfidenceSet(input, zQr, ry, kappa, arDf2, rvr));
    } else {
      warnings.push(
        'Anderson–Rubin confidence set computed for one endogenous regressor and one instrument only',
      );
    }
  });

  // Over-identification and endogeneity.
  const overid = L - K;
  if (overid > 0) {
    if (input.vce === 'conventional') {
      // e'P_Z e = e'e − e'M_Z e.
      const r = reducedForm(zQr, e).residuals;
      let ePe = 0;
      let rss = 0;
      for (let i = 0; i < n; i++) {
        ePe += e[i] * (e[i] - r[i]);
        rss += e[i] * e[i];
      }
      stats.sargan = ePe / (rss / (n - d));
      stats.sargan_df = overid;
      stats.sargan_p = chiSquareUpper(stats.sargan, overid);
    } else {
      attempt("Hansen's J", () => {
        const omega = omegaOf(Z, e, input.vce, clusters, n, d);
        stats.hansen = jWithOmega(Z, X, Y, omega, n, { z: zNames, x: xNames });
        stats.hansen_df = overid;
        stats.hansen_p = chiSquareUpper(stats.hansen, overid);
      });
    }
  }
  attempt('the endogeneity (C) test', () => {
    const Zr = toMatrix([...input.excluded, ...input.exogenous, ...input.endogenous], n);
    const zrNames = [...zNames, ...names.endogenous];
    const br = qrLeastSquares(xCols, input.y);
    const omegaR = omegaOf(Zr, br.residuals, input.vce, clusters, n, d);
    const jr = jWithOmega(Zr, X, Y, omegaR, n, { z: zrNames, x: xNames });
    const jf =
      overid > 0 ? jWithOmega(Z, X, Y, omegaR.subMatrix(0, L - 1, 0, L - 1), n, { z: zNames, x: xNames }) : 0;
    stats.endog_c = jr - jf;
    stats.endog_c_df = K1;
    stats.endog_c_p = chiSquareUpper(stats.endog_c, K1);
  });
  return { statistics: stats, warnings };
}

/** The regression of c on Z: coefficients (Z'Z)⁻¹Z'c and residuals M_Z c. */
function reducedForm(zQr: HouseholderQr, c: Float64Array): { coef: Float64Array; residuals: Float64Array } {
  const coef = zQr.coefficients(c);
  return { coef, residuals: zQr.residuals(c, coef) };
}

/** {b : F(b) ≤ F_{1−α}(1, df2)} for one endogenous regressor and one instrument, solved exactly. */
function arConfidenceSet(
  input: IvDiagnosticsInput,
  zQr: HouseholderQr,
  ry: { coef: Float64Array; residuals: Float64Array },
  kappa: number,
  df2: number,
  rvr: (res: Float64Array) => Matrix,
): Record<string, number> {
  const rx = reducedForm(zQr, input.endogenous[0]);
  const eY = ry.residuals;
  const eX = rx.residuals;
  // r(b) = v_yy − 2b v_xy + b² v_xx from the residual e_y − b e_x (quadratic in b).
  const vyy = rvr(eY).get(0, 0);
  const vxx = rvr(eX).get(0, 0);
  const vsum = rvr(eY.map((v, i) => v + eX[i])).get(0, 0);
  const vxy = (vsum - vyy - vxx) / 2;
  const py = ry.coef[0];
  const px = rx.coef[0];
  const level = input.level ?? 0.95;
  const crit = tQuantileDf(1 - (1 - level) / 2, df2) ** 2;
  // κ(py − b px)² − crit(vyy − 2b vxy + b² vxx) ≤ 0  ⇔  a b² + c1 b + c0 ≤ 0.
  const a = kappa * px * px - crit * vxx;
  const c1 = -2 * kappa * py * px + 2 * crit * vxy;
  const c0 = kappa * py * py - crit * vyy;
  const disc = c1 * c1 - 4 * a * c0;
  if (disc < 0) return { ar_ci_lower: -Infinity, ar_ci_upper: Infinity, ar_ci_bounded: 0 };
  const r1 = (-c1 - Math.sqrt(disc)) / (2 * a);
  const r2 = (-c1 + Math.sqrt(disc)) / (2 * a);
  const [lo, hi] = r1 < r2 ? [r1, r2] : [r2, r1];
  return { ar_ci_lower: lo, ar_ci_upper: hi, ar_ci_bounded: a > 0 ? 1 : -1 };
}
