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

# The wild restricted efficient bootstrap (WRE; Davidson & MacKinnon 2010) of 2SLS, H0: beta_k = r for
# the one endogenous regressor X[, k], by explicit R code: every bootstrap sample refitted by 2SLS.
#
#   restricted structural fit   y - r x_k = X_o gamma + u          (OLS on the other regressors X_o)
#   efficient reduced form      x_k on W and u; v = x_k - W pi      (pi: the coefficients on W)
#   bootstrap sample            x* = W pi + v_g v,  y* = r x* + X_o gamma + v_g u
#   statistic                   t* = (b*_k - r) / CRV1 se without its factor (it cancels)
#
# p(r) = share of |t*| > |t-hat(r)| (ties within 1e-9 relative do not count); each r re-runs the draws
# (u and v depend on r), the interval is searched as wcr_fit's, to 1e-10 of the standard error; not
# rejected 2^20 steps out in a direction (weak instruments), the bound is +-Inf.
#   X, W, y    regressors (actual), instruments (W contains X_o), outcome, on the estimator's design
#   cl, V      cluster of each row, weights G x B (row g: cluster g in order of first appearance)
#   crosscheck this many draws at r = 0 also refitted by AER::ivreg with sandwich::vcovCL (HC0, no
#              cluster adjustment), stopping if their t differs
wre_fit <- function(X, W, y, k, cl, V, level = 0.95, crosscheck = 0) {
  cl <- as.integer(factor(cl, levels = unique(cl)))
  qW <- qr(W)
  Xo <- X[, -k, drop = FALSE]
  xk <- X[, k]
  # 2SLS of yv on [xv, X_o] with instruments W: the estimate of xv's coefficient and its CRV1 se.
  tsls <- function(yv, xv) {
    Xv <- cbind(xv, Xo)
    Xh <- qr.fitted(qW, Xv)
    qh <- qr(Xh)
    b <- qr.coef(qh, yv)
    e <- yv - drop(Xv %*% b)
    A <- chol2inv(qr.R(qh))
    infl <- drop(Xh %*% A[, 1])
    c(b = b[[1]], se = sqrt(sum(rowsum(infl * e, cl)^2)))
  }
  est <- tsls(y, xk)
  stats_at <- function(r) {
    yr <- y - r * xk
    if (ncol(Xo) > 0) {
      qo <- qr(Xo)
      ut <- qr.resid(qo, yr)
      fity <- qr.fitted(qo, yr)
    } else {
      ut <- yr
      fity <- 0 * yr
    }
    pi <- qr.coef(qr(cbind(W, ut)), xk)[seq_len(ncol(W))]
    fitx <- drop(W %*% pi)
    vt <- xk - fitx
    ts <- apply(V, 2, function(v) {
      w <- v[cl]
      xs <- fitx + w * vt
      s <- tsls(r * xs + fity + w * ut, xs)
      (s[["b"]] - r) / s[["se"]]
    })
    list(t_hat = (est[["b"]] - r) / est[["se"]], ts = ts, fitx = fitx, vt = vt, fity = fity, ut = ut)
  }
  pr <- function(r) {
    s <- stats_at(r)
    th <- abs(s$t_hat)
    mean(abs(s$ts) > th + 1e-9 * max(th, 1e-12))
  }
  if (crosscheck > 0) {
    s <- stats_at(0)
    for (b in seq_len(crosscheck)) {
      w <- V[cl, b]
      xs <- s$fitx + w * s$vt
      ys <- s$fity + w * s$ut
      fit <- AER::ivreg(ys ~ 0 + xs + Xo | 0 + W)
      t_aer <- coef(fit)[[1]] / sqrt(sandwich::vcovCL(fit, cluster = cl, type = "HC0", cadjust = FALSE)[1, 1])
      if (!isTRUE(all.equal(unname(t_aer), unname(s$ts[b]), tolerance = 1e-8)))
        stop(sprintf("WRE draw %d: explicit t* %s vs AER::ivreg + vcovCL %s", b, s$ts[b], t_aer))
    }
  }
  seh <- est[["se"]]
  bk <- est[["b"]]
  a <- 1 - level
  step <- qt(1 - a / 2, length(unique(cl)) - 1) * seh
  bound <- function(dir) {
    lo <- bk
    hi <- bk + dir * step
    i <- 0
    while (pr(hi) > a && i < 20) {
      lo <- hi
      hi <- bk + 2 * (hi - bk)
      i <- i + 1
    }
    if (pr(hi) > a) return(dir * Inf)
    for (i in 1:200) {
      mid <- (lo + hi) / 2
      if (pr(mid) > a) lo <- mid else hi <- mid
      if (abs(hi - lo) <= 1e-10 * seh) break
    }
    unname((lo + hi) / 2)
  }
  list(estimate = bk, p = pr(0), lower = bound(-1), upper = bound(1), reps = ncol(V))
}
