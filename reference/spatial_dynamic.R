# Golden values for the dynamic spatial panel models (econometrics/spatial/dynamic*.ts), written to
# reference/golden/spatial_dynamic.json, from the explicit-matrix implementation of the bias-corrected
# QML in reference/lib/dynamic_qml.R (Yu, de Jong & Lee 2008; Lee & Yu 2010 for time effects).
#
# Data (SYNTHETIC, generated here with fixed seeds and written to tests/fixtures/): dynamic spatial
# Durbin panels y_t = (I - rho W)^{-1}(tau y_{t-1} + psi W y_{t-1} + X_t beta + W X_t theta + mu +
# alpha_t + v_t), alpha_t ~ N(0, 0.1^2), after 50 burn-in periods, with heavy-tailed errors (scaled t(6), excess kurtosis 3,
# so the fourth-moment term of the covariance matters):
#   spatial_dynamic_provinces.csv  the 30 provinces' queen contiguity W1 (Hainan linked to Guangdong),
#                                  2011-2021, tau = 0.4, psi = 0.15, rho = 0.3;
#   spatial_dynamic_grid.csv       an 8 x 8 queen grid, 9 periods, tau = 0.5, psi = -0.2, rho = 0.4;
#   spatial_dynamic_grid24.csv     a 24 x 24 rook grid (N = 576, the sparse path), 5 periods,
#                                  tau = 0.3, psi = 0.2, rho = 0.35.
# The static special case (no lags, no correction) is checked here against spatialreg's lagsarlm on the
# demeaned panel, and in the tests against reference/golden/spatial.json.
#
# Run: Rscript reference/spatial_dynamic.R   (from the repository root)
suppressPackageStartupMessages({
  library(spdep)
  library(spatialreg)
  library(jsonlite)
})
source("reference/lib/dynamic_qml.R")

fixtures <- "tests/fixtures"

prov <- read.csv("data/reference/provinces.csv", stringsAsFactors = FALSE)
adj <- read.csv("data/reference/adjacency.csv", stringsAsFactors = FALSE)
codes <- prov$code
C <- matrix(0, length(codes), length(codes), dimnames = list(codes, codes))
for (k in seq_len(nrow(adj))) for (nb in strsplit(adj$neighbours[k], " ")[[1]]) C[adj$code[k], nb] <- 1
W_cont <- unname(C / rowSums(C))
W_grid <- nb2mat(cell2nb(8, 8, type = "queen"), style = "W")
grid_ids <- sprintf("g%02d", 1:64)
W_grid24 <- nb2mat(cell2nb(24, 24, type = "rook"), style = "W")
grid24_ids <- sprintf("c%03d", 1:576)

dynamic_panel <- function(W, ids, periods, first, seed, tau, psi, rho, beta, theta, burn = 50) {
  set.seed(seed)
  n <- nrow(W)
  mu <- rnorm(n)
  Sinv <- solve(diag(n) - rho * W)
  y <- rep(0, n)
  rows <- list()
  for (t in seq_len(burn + periods)) {
    x1 <- rnorm(n)
    x2 <- rnorm(n) + 0.5 * mu
    X <- cbind(x1, x2)
    alpha <- rnorm(1, 0, 0.1)
    v <- 0.5 * sqrt(4 / 6) * rt(n, df = 6)
    y <- as.vector(Sinv %*% (tau * y + psi * W %*% y + X %*% beta + W %*% X %*% theta + mu + alpha + v))
    if (t > burn) {
      rows[[t - burn]] <- data.frame(id = ids, time = first + t - burn - 1, y = round(y, 10),
                                     x1 = round(x1, 10), x2 = round(x2, 10))
    }
  }
  do.call(rbind, rows)
}

write_fixture <- function(d, name, idname, tname) {
  out <- d
  names(out)[1:2] <- c(idname, tname)
  path <- file.path(fixtures, name)
  write.csv(out, path, row.names = FALSE)
  back <- read.csv(path, stringsAsFactors = FALSE)
  names(back)[1:2] <- c("id", "time")
  back
}
prov_d <- write_fixture(dynamic_panel(W_cont, codes, 11, 2011, 20261401, 0.4, 0.15, 0.3, c(1, -0.5), c(0.4, 0.3)),
                        "spatial_dynamic_provinces.csv", "province", "year")
grid_d <- write_fixture(dynamic_panel(W_grid, grid_ids, 9, 2001, 20261402, 0.5, -0.2, 0.4, c(0.8, 1.2), c(-0.3, 0.5)),
                        "spatial_dynamic_grid.csv", "id", "time")
grid24_d <- write_fixture(dynamic_panel(W_grid24, grid24_ids, 5, 2001, 20261403, 0.3, 0.2, 0.35, c(1, -0.7), c(0.3, 0.5)),
                          "spatial_dynamic_grid24.csv", "id", "time")

# 20,000 draws, so that the simulated SEs carry little Monte Carlo error of their own.
fit <- function(d, W, ids, ...) dynamic_qml(d, W, ids, simulations = 20000, ...)

# The static special case: no lags, no correction = ML of the static SDM on the within-demeaned panel.
static_check <- function(d, W, ids) {
  ours <- dynamic_qml(d, W, ids, ylag = FALSE, wylag = FALSE, correction = FALSE, simulations = 0)
  d <- d[order(d$time, match(d$id, ids)), ]
  for (v in c("y", "x1", "x2")) d[[v]] <- d[[v]] - ave(d[[v]], d$id)
  lw <- mat2listw(kronecker(diag(length(unique(d$time))), W), style = "W")
  ref <- lagsarlm(y ~ x1 + x2 - 1, data = d, listw = lw, type = "Durbin", method = "eigen")
  cf <- coef(ref)
  stopifnot(isTRUE(all.equal(ours$estimate, unname(cf[c("x1", "x2", "lag.x1", "lag.x2", "rho")]),
                             tolerance = 1e-6)))
  Vr <- vcov(ref)[c("x1", "x2", "lag.x1", "lag.x2", "rho"), c("x1", "x2", "lag.x1", "lag.x2", "rho")]
  stopifnot(isTRUE(all.equal(ours$vcov, unname(Vr), tolerance = 1e-6)))
  stopifnot(isTRUE(all.equal(ours$loglik, as.numeric(logLik(ref)), tolerance = 1e-10)))
  ours
}
invisible(static_check(prov_d, W_cont, codes))
invisible(static_check(read.csv("tests/fixtures/spatial_provinces.csv", stringsAsFactors = FALSE) |>
               setNames(c("id", "time", "y", "x1", "x2")), W_cont, codes))

out <- list(
  provinces_sdm_entity = fit(prov_d, W_cont, codes),
  provinces_sdm_twoways = fit(prov_d, W_cont, codes, effects = "twoways"),
  provinces_sar_entity = fit(prov_d, W_cont, codes, model = "sar"),
  provinces_sdm_entity_none = fit(prov_d, W_cont, codes, correction = FALSE),
  provinces_sdm_entity_ylag = fit(prov_d, W_cont, codes, wylag = FALSE),
  provinces_sar_twoways_wylag = fit(prov_d, W_cont, codes, model = "sar", effects = "twoways", ylag = FALSE),
  provinces_static_corrected = fit(prov_d, W_cont, codes, ylag = FALSE, wylag = FALSE),
  provinces_static_none = fit(prov_d, W_cont, codes, ylag = FALSE, wylag = FALSE, correction = FALSE),
  grid_sdm_entity = fit(grid_d, W_grid, grid_ids),
  grid_sdm_twoways = fit(grid_d, W_grid, grid_ids, effects = "twoways"),
  grid24_sdm_entity = fit(grid24_d, W_grid24, grid24_ids),
  grid24_sdm_twoways = fit(grid24_d, W_grid24, grid24_ids, effects = "twoways")
)
dir.create("reference/golden", showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE, null = "null"),
           "reference/golden/spatial_dynamic.json")
cat("wrote reference/golden/spatial_dynamic.json\n")
