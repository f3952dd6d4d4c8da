# The wild cluster restricted bootstrap (WCR) by explicit R code, shared by reference/inference.R (the
# goldens) and bench/econ.R (the benchmark's R side): every bootstrap sample refitted by QR (all draws at
# once), no closed forms.
#
#   y* = fitted(restricted) + v_g * u(restricted); CRV1 t without its factor (it cancels);
#   p = share of |t*| > |t| (ties within 1e-9 relative do not count).
#
# The bootstrap quantities are affine in r (H0: beta_k = r), so two refits of all draws give t*(r) for
# every r, and the interval {r : p(r) > 1 - level} is found by stepping out from beta-hat in steps of the
# CRV1 half-width, doubling until rejected, then bisection to 1e-12 relative.
#
#   Z, ys   the estimator's design and y as regressed on it
#   cl      cluster of each row; k the coefficient's column; V the weights, G x B (row g: cluster g in
#           order of first appearance in cl)
#   verify  also refit the draws directly at r = 0 and stop if the affine shortcut disagrees
wcr_fit <- function(Z, ys, cl, k, V, level = 0.95, verify = TRUE) {
  cl <- as.integer(factor(cl, levels = unique(cl)))
  q <- qr(Z)
  A <- chol2inv(qr.R(q))
  za <- drop(Z %*% A[, k])
  b <- qr.coef(q, ys)
  seh <- sqrt(sum(rowsum(za * qr.resid(q, ys), cl)^2))
  qr_r <- qr(Z[, -k, drop = FALSE])
  # Restricted pieces at r: y - r z_k = fit + u.
  u0 <- qr.resid(qr_r, ys)
  u1 <- -qr.resid(qr_r, Z[, k])
  f0 <- ys - u0
  f1 <- -u1 # the restricted fit y - u(r) = f0 + r f1
  W <- V[cl, , drop = FALSE]
  Y0 <- f0 + u0 * W
  Y1 <- f1 + u1 * W
  B0 <- qr.coef(q, Y0)
  B1 <- qr.coef(q, Y1)
  S0 <- rowsum(za * qr.resid(q, Y0), cl)
  S1 <- rowsum(za * qr.resid(q, Y1), cl)
  pr <- function(r) {
    th <- abs((b[k] - r) / seh)
    ts <- abs(B0[k, ] + r * B1[k, ] - r) / sqrt(colSums((S0 + r * S1)^2))
    mean(ts > th + 1e-9 * max(th, 1e-12))
  }
  a <- 1 - level
  step <- qt(1 - a / 2, length(unique(cl)) - 1) * seh
  bound <- function(dir) {
    lo <- b[k]
    hi <- b[k] + dir * step
    i <- 0
    while (pr(hi) > a && i < 60) {
      lo <- hi
      hi <- b[k] + 2 * (hi - b[k])
      i <- i + 1
    }
    for (i in 1:200) {
      mid <- (lo + hi) / 2
      if (pr(mid) > a) lo <- mid else hi <- mid
      if (abs(hi - lo) <= 1e-12 * max(abs(lo), abs(hi), seh)) break
    }
    unname((lo + hi) / 2)
  }
  if (verify) {
    # The affine shortcut against a direct refit at r = 0.
    Ys <- f0 + u0 * W
    Bs <- qr.coef(q, Ys)
    ts <- abs(Bs[k, ]) / sqrt(colSums(rowsum(za * qr.resid(q, Ys), cl)^2))
    th <- abs(b[k] / seh)
    direct <- mean(ts > th + 1e-9 * th)
    if (!isTRUE(all.equal(direct, pr(0), tolerance = 1e-8)))
      stop(sprintf("WCR affine pieces vs direct refit: %s vs %s", direct, pr(0)))
  }
  list(p = pr(0), lower = bound(-1), upper = bound(1), reps = ncol(V))
}

# All 2^G Rademacher sign vectors (G x 2^G; column b has cluster g's sign from bit g of b).
enumerate_signs <- function(G) {
  B <- 2^G
  sapply(0:(B - 1), function(b) ifelse(bitwAnd(b, bitwShiftL(1L, 0:(G - 1))) > 0, 1, -1))
}
webb_points <- c(-sqrt(1.5), -1, -sqrt(0.5), sqrt(0.5), 1, sqrt(1.5))
