# The dynamic spatial panel model by bias-corrected quasi-maximum likelihood, written out in matrix code
# from the published formulas: Yu, de Jong & Lee (2008, J. Econometrics 146) for entity effects; Lee & Yu
# (2010, Econometric Theory 26) for time and entity effects, by the orthogonal transformation F' across
# units. This is the reference the TypeScript (econometrics/spatial/dynamic*.ts) is tested against; it
# shares no code with it and follows the papers' literal construction where the TypeScript takes
# shortcuts (here: the transformed data F'y, W* = F'WF and explicit traces; there: identities in the
# original coordinates). Sourced by reference/spatial_dynamic.R and bench/spatial.R.
#
# Model, t = 1..T (the data's first period supplies y_0):
#   y_t = tau y_{t-1} + psi W y_{t-1} + rho W y_t + X_t beta + W X_t theta + mu + (alpha_t) + v_t
# Concentrated log-likelihood on the transformed panel (n* = n, or n - 1 with time effects):
#   l(rho) = -(n*T/2)(log 2 pi + 1 + log(SSE(rho)/(n*T))) + T log|I - rho W*|
# Bias correction (T -> infinity, n/T -> c): theta1 = thetahat + Sigma^{-1} a / T with
#   a_tau = tr(B)/n*, a_psi = tr(W* B)/n*, a_rho = (tau tr(G B) + psi tr(G W* B) + tr(G))/n*,
#   a_beta = 0, a_sigma2 = 1/(2 sigma2); B = (I - A)^{-1} S^{-1}, A = S^{-1}(tau I + psi W*), G = W* S^{-1}.
# Sigma (per observation): Z'Z/s2, Z'(GZd)/s2, (GZd)'(GZd)/s2 + T tr(G'G + GG), T tr(G)/s2,
#   n*T/(2 s2^2), all divided by n*T. Omega (fourth moment, kappa = mu4/sigma^4 - 3 estimated by the
#   sample excess kurtosis of the residuals): kappa * [sum_i M_ii^2 / n*, sum_i M_ii J_ii / (2 s2 n*),
#   sum_i J_ii^2 / (4 s2^2 n*)] in the (rho, sigma2) block, M = F G* F' and J = F F' in the original
#   coordinates (M = G, J = I with entity effects only). Covariance Sigma^{-1}(Sigma + Omega)Sigma^{-1}/(n*T)
#   when the model is dynamic or bias-corrected, the ML information inverse Sigma^{-1}/(n*T) otherwise
#   (the static special case, as spatialreg). Everything is evaluated at the reported (corrected) estimates.
suppressPackageStartupMessages(library(Matrix))

# Wide n x P matrix of column `v`, rows in `ids` order, columns the sorted periods.
wide <- function(d, v, ids, idcol, tcol) {
  times <- sort(unique(d[[tcol]]))
  m <- matrix(NA_real_, length(ids), length(times))
  m[cbind(match(d[[idcol]], ids), match(d[[tcol]], times))] <- d[[v]]
  stopifnot(!anyNA(m))
  m
}

dynamic_qml <- function(d, W, ids, y = "y", x = c("x1", "x2"), model = "sdm", effects = "entity",
                        ylag = TRUE, wylag = TRUE, correction = TRUE, simulations = 1000, seed = 1,
                        idcol = "id", tcol = "time", tol = 1e-12) {
  n <- length(ids)
  Y <- wide(d, y, ids, idcol, tcol)
  P0 <- ncol(Y)
  dynamic <- ylag || wylag
  keep <- if (dynamic) 2:P0 else 1:P0
  Tn <- length(keep)
  # Regressors as n x T matrices (period t in column t), named as the TypeScript names its rows.
  cols <- list()
  if (ylag) cols[[paste0("L.", y)]] <- Y[, keep - 1, drop = FALSE]
  if (wylag) cols[[paste0("W*L.", y)]] <- W %*% Y[, keep - 1, drop = FALSE]
  for (v in x) cols[[v]] <- wide(d, v, ids, idcol, tcol)[, keep, drop = FALSE]
  if (model == "sdm") for (v in x) cols[[paste0("W*", v)]] <- W %*% cols[[v]]
  Yk <- Y[, keep, drop = FALSE]

  # Transformation: within over time (J_T on the right); with time effects also F' (n-1 x n, the
  # orthonormal eigenvectors of J_n for eigenvalue 1) on the left, and W* = F'WF.
  JT <- diag(Tn) - matrix(1 / Tn, Tn, Tn)
  if (effects == "twoways") {
    Jn <- diag(n) - matrix(1 / n, n, n)
    F <- eigen(Jn, symmetric = TRUE)$vectors[, 1:(n - 1)]
    tf <- function(M) t(F) %*% M %*% JT
    Ws <- t(F) %*% W %*% F
    ns <- n - 1
  } else {
    tf <- function(M) M %*% JT
    Ws <- W
    ns <- n
  }
  ys <- as.vector(tf(Yk))
  Z <- sapply(cols, function(M) as.vector(tf(M)))
  Wys <- as.vector(Ws %*% matrix(ys, ns, Tn))
  N <- ns * Tn
  k <- ncol(Z)
  pos_tau <- if (ylag) 1 else NA
  pos_psi <- if (wylag) (if (ylag) 2 else 1) else NA

  logdet <- function(r) {
    if (effects == "twoways") as.numeric(determinant(diag(ns) - r * Ws, logarithm = TRUE)$modulus)
    else as.numeric(Matrix::determinant(Matrix(diag(n) - r * W, sparse = TRUE), logarithm = TRUE)$modulus)
  }
  ZZi <- solve(crossprod(Z))
  sse <- function(r) {
    u <- ys - r * Wys
    e <- u - Z %*% (ZZi %*% crossprod(Z, u))
    sum(e^2)
  }
  conc <- function(r) -N / 2 * (log(2 * pi) + 1 + log(sse(r) / N)) + Tn * logdet(r)
  ev <- eigen(W, only.values = TRUE)$values
  interval <- c(1 / min(Re(ev)), 1 / max(Re(ev)))
  opt <- optimize(conc, interval, maximum = TRUE, tol = tol)
  rho <- opt$maximum
  delta <- as.vector(ZZi %*% crossprod(Z, ys - rho * Wys))
  s2 <- sse(rho) / N
  qml <- list(delta = delta, rho = rho, sigma2 = s2, loglik = opt$objective)

  parts <- function(delta, r) {
    Si <- solve(diag(ns) - r * Ws)
    G <- Ws %*% Si
    list(Si = Si, G = G, GZd = as.vector(G %*% matrix(Z %*% delta, ns, Tn)))
  }
  Sigma <- function(delta, r, s2, p) {
    M <- matrix(0, k + 2, k + 2)
    M[1:k, 1:k] <- crossprod(Z) / s2
    M[1:k, k + 1] <- M[k + 1, 1:k] <- crossprod(Z, p$GZd) / s2
    M[k + 1, k + 1] <- sum(p$GZd^2) / s2 + Tn * (sum(p$G * p$G) + sum(p$G * t(p$G)))
    M[k + 1, k + 2] <- M[k + 2, k + 1] <- Tn * sum(diag(p$G)) / s2
    M[k + 2, k + 2] <- N / (2 * s2^2)
    M / N
  }
  tau_of <- function(delta) if (ylag) delta[pos_tau] else 0
  psi_of <- function(delta) if (wylag) delta[pos_psi] else 0
  bias_a <- function(delta, r, s2, p) {
    tau <- tau_of(delta)
    psi <- psi_of(delta)
    A <- p$Si %*% (tau * diag(ns) + psi * Ws)
    B <- solve(diag(ns) - A) %*% p$Si
    a <- numeric(k + 2)
    if (ylag) a[pos_tau] <- sum(diag(B)) / ns
    if (wylag) a[pos_psi] <- sum(diag(Ws %*% B)) / ns
    a[k + 1] <- (tau * sum(p$G * t(B)) + psi * sum((p$G %*% Ws) * t(B)) + sum(diag(p$G))) / ns
    a[k + 2] <- 1 / (2 * s2)
    a
  }
  Omega <- function(s2, p, v) {
    # The excess kurtosis of the errors from the residuals in the original n units (F v* = J_n v with
    # time effects): the moments of the rotated residuals F'v depend on the arbitrary basis F.
    vo <- if (effects == "twoways") as.vector(F %*% matrix(v, ns, Tn)) else v
    kappa <- mean(vo^4) / mean(vo^2)^2 - 3
    if (effects == "twoways") {
      Md <- rowSums((F %*% p$G) * F)
      Jd <- rowSums(F * F)
    } else {
      Md <- diag(p$G)
      Jd <- rep(1, n)
    }
    O <- matrix(0, k + 2, k + 2)
    O[k + 1, k + 1] <- sum(Md^2) / ns
    O[k + 1, k + 2] <- O[k + 2, k + 1] <- sum(Md * Jd) / (2 * s2 * ns)
    O[k + 2, k + 2] <- sum(Jd^2) / (4 * s2^2 * ns)
    list(Omega = kappa * O, kappa = kappa)
  }

  p0 <- parts(delta, rho)
  Sig0 <- Sigma(delta, rho, s2, p0)
  if (correction) {
    a <- bias_a(delta, rho, s2, p0)
    th1 <- c(delta, rho, s2) + solve(Sig0, a) / Tn
    delta1 <- th1[1:k]
    rho1 <- th1[k + 1]
    s21 <- th1[k + 2]
    p1 <- parts(delta1, rho1)
    Sig1 <- Sigma(delta1, rho1, s21, p1)
  } else {
    a <- rep(NA_real_, k + 2)
    delta1 <- delta
    rho1 <- rho
    s21 <- s2
    p1 <- p0
    Sig1 <- Sig0
  }
  v <- ys - rho1 * Wys - as.vector(Z %*% delta1)
  om <- Omega(s21, p1, v)
  Si1 <- solve(Sig1)
  V <- if (dynamic || correction) Si1 %*% (Sig1 + om$Omega) %*% Si1 / N else Si1 / N
  names_all <- c(colnames(Z), "rho", "sigma2")
  dimnames(V) <- list(names_all, names_all)

  # Stability: the spectral radius of A* = S*^{-1}(tau I + psi W*) at the reported estimates.
  tau <- tau_of(delta1)
  psi <- psi_of(delta1)
  A1 <- solve(diag(ns) - rho1 * Ws) %*% (tau * diag(ns) + psi * Ws)
  stability <- max(Mod(eigen(A1, only.values = TRUE)$values))

  # Effects in the original n units: short run (I - rho W)^{-1}(b I + t W), long run
  # ((1 - tau) I - (rho + psi) W)^{-1}(b I + t W); direct = mean diagonal, total = mean row sum.
  Ss <- as.matrix(solve(Matrix(diag(n) - rho1 * W, sparse = TRUE)))
  Ls <- as.matrix(solve(Matrix((1 - tau) * diag(n) - (rho1 + psi) * W, sparse = TRUE)))
  impact <- function(Minv, b, t) {
    direct <- (b * sum(diag(Minv)) + t * sum(Minv * t(W))) / n
    total <- (b * sum(Minv) + t * sum(colSums(Minv) * rowSums(W))) / n
    c(direct = direct, indirect = total - direct, total = total)
  }
  coef_of <- function(par, v) {
    b <- par[[v]]
    t <- if (model == "sdm") par[[paste0("W*", v)]] else 0
    c(b, t)
  }
  par1 <- setNames(c(delta1, rho1), c(colnames(Z), "rho"))
  point <- function(Minv) t(sapply(x, function(v) {
    bt <- coef_of(par1, v)
    impact(Minv, bt[1], bt[2])
  }))
  short <- point(Ss)
  long <- if (dynamic) point(Ls) else NULL

  # Simulated standard errors: draws of (delta, rho) from N(estimate, V), impacts by the eigenvalues of
  # W (tr f(W) = sum f(omega)), standard deviations over the draws.
  sim <- NULL
  if (simulations > 0) {
    om_w <- ev
    keepv <- names_all[names_all != "sigma2"]
    set.seed(seed)
    draws <- MASS::mvrnorm(simulations, par1[keepv], V[keepv, keepv])
    s01 <- function(r) c(s0 = Re(sum(1 / (1 - r * om_w))), s1 = Re(sum(om_w / (1 - r * om_w))))
    one <- function(dr) {
      r <- dr[["rho"]]
      ta <- if (ylag) dr[[paste0("L.", y)]] else 0
      ps <- if (wylag) dr[[paste0("W*L.", y)]] else 0
      ss <- s01(r)
      rl <- (r + ps) / (1 - ta)
      ll <- s01(rl) / (1 - ta)
      unlist(lapply(x, function(v) {
        bt <- coef_of(dr, v)
        ds <- (bt[1] * ss[["s0"]] + bt[2] * ss[["s1"]]) / n
        ts <- (bt[1] + bt[2]) / (1 - r)
        dl <- (bt[1] * ll[["s0"]] + bt[2] * ll[["s1"]]) / n
        tl <- (bt[1] + bt[2]) / (1 - ta - r - ps)
        # A draw outside tau + psi + rho < 1 (or tau >= 1) has no long-run equilibrium: left out there.
        if (ta + ps + r >= 1 || ta >= 1) dl <- tl <- NA
        c(ds, ts - ds, ts, dl, tl - dl, tl)
      }))
    }
    S <- t(apply(draws, 1, function(r) one(as.list(r))))
    sds <- matrix(apply(S, 2, sd, na.rm = TRUE), nrow = 6)
    sim <- list(short = t(sds[1:3, , drop = FALSE]), long = t(sds[4:6, , drop = FALSE]),
                excluded = sum(is.na(S[, 4])))
  }

  effects_list <- function(pt, se) {
    if (is.null(pt)) return(NULL)
    out <- list(term = x, direct = unname(pt[, "direct"]), indirect = unname(pt[, "indirect"]),
                total = unname(pt[, "total"]))
    if (!is.null(se)) {
      out$direct_se <- unname(se[, 1])
      out$indirect_se <- unname(se[, 2])
      out$total_se <- unname(se[, 3])
    }
    out
  }
  list(
    terms = c(colnames(Z), "rho"),
    estimate = unname(par1),
    std_error = unname(sqrt(diag(V))[1:(k + 1)]),
    vcov = unname(V[1:(k + 1), 1:(k + 1)]),
    sigma2 = s21,
    sigma2_qml = s2,
    loglik = qml$loglik,
    qml_estimate = c(qml$delta, qml$rho),
    bias_score = a,
    kurtosis = om$kappa,
    stability = stability,
    periods = Tn,
    nobs = n * Tn,
    effects_short = effects_list(short, sim$short),
    effects_long = effects_list(long, sim$long),
    long_draws_excluded = if (is.null(sim)) NA else sim$excluded
  )
}
