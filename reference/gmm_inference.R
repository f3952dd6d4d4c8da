# Golden values for the difference-in-Hansen tests and GMM-style predetermined regressors
# (econometrics/gmm/pgmm.ts, spec.gmm.diffHansen, spec.gmm.instruments[].type), written to
# reference/golden/gmm_inference.json.
#
# "Hansen test excluding group" is J of the same model re-estimated without a subset of instrument
# columns (two-step, weights from its own one-step residuals), and the difference-in-Hansen statistic is
# J(full) - J(excluding), chi-square with as many df as columns dropped (xtabond2's tests).
#   - Excluding one GMM-style variable's instruments (difference and level equations): refitted with
#     plm (pgmm without that variable's lags, the IV-style list fixed by the formula's third part).
#   - Excluding the levels equations' GMM-style instruments, or the IV-style ones (no pgmm formula
#     expresses these subsets): explicit two-step GMM on plm's own instrument matrices (m$W) with those
#     columns removed; the same code on all columns reproduces sargan(m) and, dropping one variable's
#     columns, the plm refits above, so the column layout is checked against plm.
# Predetermined: a regressor whose levels from lag 1 instrument the difference equations (pgmm's
# lag(x, 1:k)).
#
# Data: tests/fixtures/emplUK.csv (gmm.R), tests/fixtures/provinces30.csv (linear.R).
# Run: Rscript reference/gmm_inference.R   (from the repository root; npm run reference runs every script)
suppressPackageStartupMessages({
  library(plm)
  library(jsonlite)
})

check <- function(a, b, what, tol = 1e-8) {
  if (!isTRUE(all.equal(unname(a), unname(b), tolerance = tol)))
    stop(sprintf("cross-check failed: %s (%s vs %s)", what, paste(a, collapse = ","), paste(b, collapse = ",")))
}

# plm's one-step weight block: G tridiagonal (2, -1) for the difference rows; for the system, FD blocks
# and the identity for the level rows.
h_block <- function(nd, nl) {
  H <- matrix(0, nd + nl, nd + nl)
  for (r in seq_len(nd)) {
    H[r, r] <- 2
    if (r < nd) H[r, r + 1] <- H[r + 1, r] <- -1
  }
  if (nl > 0) {
    for (r in seq_len(nd)) {
      H[r, nd + r] <- H[nd + r, r] <- -1
      H[r, nd + r + 1] <- H[nd + r + 1, r] <- 1
    }
    for (q in seq_len(nl)) H[nd + q, nd + q] <- 1
  }
  H
}
# Two-step J on plm's matrices with instrument columns `keep`.
j_on_columns <- function(m, keep, nd, nl) {
  W <- lapply(m$W, function(w) w[, keep, drop = FALSE])
  y <- lapply(m$model, function(x) x[, 1])
  X <- lapply(m$model, function(x) x[, -1, drop = FALSE])
  H <- h_block(nd, nl)
  N <- length(W)
  sum_ <- function(f) Reduce(`+`, Map(f, W, X, y))
  A1 <- solve(sum_(function(w, x, yy) t(w) %*% H %*% w))
  WX <- sum_(function(w, x, yy) t(w) %*% x)
  Wy <- sum_(function(w, x, yy) t(w) %*% yy)
  fit <- function(A) solve(t(WX) %*% A %*% WX, t(WX) %*% A %*% Wy)
  b1 <- fit(A1)
  A2 <- solve(sum_(function(w, x, yy) {
    g <- t(w) %*% (yy - x %*% b1)
    g %*% t(g)
  }))
  two <- m$args$model == "twosteps"
  b <- if (two) fit(A2) else b1
  z <- sum_(function(w, x, yy) t(w) %*% (yy - x %*% b))
  drop(t(z) %*% A2 %*% z)
}
sargan_of <- function(m) unname(sargan(m)$statistic)
coefs_of <- function(m) if (m$args$model == "twosteps") m$coefficients[[2]] else m$coefficients

# Column layout of a collapsed system GMM (checked below against plm): per GMM variable its collapsed
# difference columns, then per variable one level column, the level time dummies, then the IV-style
# difference and level columns.
layout <- function(gmm_counts, nl, n_iv, system = TRUE, time_dummies = TRUE) {
  w1 <- sum(gmm_counts)
  diff_cols <- split(seq_len(w1), rep(seq_along(gmm_counts), gmm_counts))
  k <- length(gmm_counts)
  level_cols <- if (system) w1 + seq_len(k) else integer(0)
  w2 <- if (system) k + (if (time_dummies) nl else 0) else 0
  iv_cols <- w1 + w2 + seq_len(if (system) 2 * n_iv else n_iv)
  list(groups = lapply(seq_len(k), function(g) c(diff_cols[[g]], if (system) level_cols[g])),
       levels = level_cols, iv = iv_cols, L = w1 + w2 + length(iv_cols))
}

stats_for <- function(m, lay, nd, nl, names) {
  J <- sargan_of(m)
  L <- lay$L
  K <- length(coefs_of(m))
  check(ncol(m$W[[1]]), L, "instrument count vs layout")
  check(j_on_columns(m, seq_len(L), nd, nl), J, "explicit J on all columns vs sargan()")
  out <- list(hansen = J)
  add <- function(key, drop) {
    keep <- setdiff(seq_len(L), drop)
    if (length(keep) < K) return(invisible())
    ex <- j_on_columns(m, keep, nd, nl)
    nm <- function(stat) if (key == "levels") sub("^(diff_hansen|hansen_excluding)", "\\1_levels", stat) else paste0(stat, ":", key)
    out[[nm("hansen_excluding")]] <<- ex
    out[[nm("hansen_excluding_df")]] <<- length(keep) - K
    out[[nm("diff_hansen")]] <<- J - ex
    out[[nm("diff_hansen_df")]] <<- length(drop)
    out[[nm("diff_hansen_p")]] <<- pchisq(J - ex, length(drop), lower.tail = FALSE)
  }
  if (length(lay$levels)) add("levels", lay$levels)
  for (g in seq_along(lay$groups)) add(names[g], lay$groups[[g]])
  if (length(lay$iv)) add("iv", lay$iv)
  out
}

e <- read.csv("tests/fixtures/emplUK.csv")
pe <- pdata.frame(e, index = c("firm", "year"))
cases <- list()
spec_gmm <- function(estimator, instruments, iv, y = "lemp", x = c("lwage", "lcap", "lout"))
  list(estimator = estimator, y = y, x = I(x), effects = "none", vce = "robust",
       gmm = list(ylags = I(1), instruments = instruments, iv = I(iv), twoStep = TRUE, diffHansen = TRUE))
inst <- function(v, lags, type = NULL) c(list(variable = v, lags = I(lags), collapse = TRUE), if (!is.null(type)) list(type = type))

# EmplUK, 1976-1984 (T = 9): system GMM with lemp lags 2-4 and lwage lags 2-3 (both collapsed).
m <- pgmm(lemp ~ lag(lemp, 1) + lwage + lcap + lout | lag(lemp, 2:4) + lag(lwage, 2:3) | lcap + lout,
          data = pe, effect = "twoways", model = "twosteps", transformation = "ld", collapse = TRUE)
nd <- 7; nl <- 8
lay <- layout(c(3, 2), nl, 2)
st <- stats_for(m, lay, nd, nl, c("lemp", "lwage"))
# The GMM-variable subsets by refitting with plm.
m_no_lwage <- pgmm(lemp ~ lag(lemp, 1) + lwage + lcap + lout | lag(lemp, 2:4) | lcap + lout,
                   data = pe, effect = "twoways", model = "twosteps", transformation = "ld", collapse = TRUE)
check(sargan_of(m_no_lwage), st[["hansen_excluding:lwage"]], "excluding lwage: plm refit")
m_no_lemp <- pgmm(lemp ~ lag(lemp, 1) + lwage + lcap + lout | lag(lwage, 2:3) | lcap + lout,
                  data = pe, effect = "twoways", model = "twosteps", transformation = "ld", collapse = TRUE)
check(sargan_of(m_no_lemp), st[["hansen_excluding:lemp"]], "excluding lemp: plm refit")
cases$sys_two_groups <- list(spec = spec_gmm("sysgmm", list(inst("lemp", c(2, 4)), inst("lwage", c(2, 3))), c("lcap", "lout")),
                             names = names(coefs_of(m)), coefficients = unname(coefs_of(m)), statistics = st)

# Difference GMM, same instruments: no levels subset.
md <- pgmm(lemp ~ lag(lemp, 1) + lwage + lcap + lout | lag(lemp, 2:4) + lag(lwage, 2:3) | lcap + lout,
           data = pe, effect = "twoways", model = "twosteps", transformation = "d", collapse = TRUE)
# Difference GMM layout: GMM columns, the differenced time dummies (nd), then the IV-style columns.
layd <- list(groups = list(1:3, 4:5), levels = integer(0), iv = 5 + nd + 1:2, L = 5 + nd + 2)
std <- stats_for(md, layd, nd, 0, c("lemp", "lwage"))
md_no_lwage <- pgmm(lemp ~ lag(lemp, 1) + lwage + lcap + lout | lag(lemp, 2:4) | lcap + lout,
                    data = pe, effect = "twoways", model = "twosteps", transformation = "d", collapse = TRUE)
check(sargan_of(md_no_lwage), std[["hansen_excluding:lwage"]], "difference GMM excluding lwage: plm refit")
cases$diff_two_groups <- list(spec = spec_gmm("diffgmm", list(inst("lemp", c(2, 4)), inst("lwage", c(2, 3))), c("lcap", "lout")),
                              names = names(coefs_of(md)), coefficients = unname(coefs_of(md)), statistics = std)

# lwage predetermined: its levels from lag 1 (lags 1-2); TL1 = 2, TL2 = 1 as before.
mp <- pgmm(lemp ~ lag(lemp, 1) + lwage + lcap + lout | lag(lemp, 2:4) + lag(lwage, 1:2) | lcap + lout,
           data = pe, effect = "twoways", model = "twosteps", transformation = "ld", collapse = TRUE)
stp <- stats_for(mp, layout(c(3, 2), nl, 2), nd, nl, c("lemp", "lwage"))
cases$sys_predetermined <- list(
  spec = spec_gmm("sysgmm", list(inst("lemp", c(2, 4)), inst("lwage", c(1, 2), "predetermined")), c("lcap", "lout")),
  names = names(coefs_of(mp)), coefficients = unname(coefs_of(mp)), statistics = stp)

# The study's Table 4 (4) on the province fixture: CI ~ L.CI + AIT + controls, CI lags 2-4 collapsed,
# the regressors as IV-style instruments, time dummies. Dropping CI's instruments would leave too few
# for a plm refit; the explicit subsets are the reference.
pv <- read.csv("tests/fixtures/provinces30.csv")
pp <- pdata.frame(pv, index = c("province", "year"))
C <- c("ED", "ER", "ECS", "WF", "OPEN")
fp <- as.formula(paste("CI ~ lag(CI, 1) + AIT +", paste(C, collapse = "+"), "| lag(CI, 2:4) |", paste(c("AIT", C), collapse = "+")))
mv <- pgmm(fp, data = pp, effect = "twoways", model = "twosteps", transformation = "ld", collapse = TRUE)
Tn <- length(unique(pv$year))
ndv <- Tn - 2; nlv <- Tn - 1
stv <- stats_for(mv, layout(3, nlv, 6), ndv, nlv, "CI")
cases$provinces_table4 <- list(
  spec = spec_gmm("sysgmm", list(inst("CI", c(2, 4))), c("AIT", C), y = "CI", x = c("AIT", C)),
  names = names(coefs_of(mv)), coefficients = unname(coefs_of(mv)), statistics = stv)

dir.create("reference/golden", showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(cases, digits = I(17), auto_unbox = TRUE, pretty = TRUE), "reference/golden/gmm_inference.json")
cat("wrote reference/golden/gmm_inference.json\n")
