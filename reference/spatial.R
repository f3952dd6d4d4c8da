# Golden values for the spatial econometrics (econometrics/spatial/), written to
# reference/golden/spatial.json.
#
# Weights: queen contiguity of the 30 provinces (data/reference/adjacency.csv, Hainan linked to
# Guangdong) and inverse great-circle distance between capitals (haversine, Earth radius 6371.0088 km,
# power 1, row-standardised). Data: a spatial Durbin panel on the 30 provinces (T = 11) and on a 7 x 7
# rook grid (T = 6), both generated below with fixed seeds and written to tests/fixtures/.
# Panel models: spatialreg's lagsarlm / errorsarlm (method "eigen") on the within-demeaned panel,
# stacked time-major (year, then entity in weights order) with I_T (x) W; impacts with R = 1000
# simulations; spdep's moran.test / moran.mc / localmoran; lm.LMtests on the demeaned OLS.
#
# Run: Rscript reference/spatial.R   (from the repository root; npm run reference runs every script)
suppressPackageStartupMessages({
  library(spdep)
  library(spatialreg)
  library(jsonlite)
})

fixtures <- "tests/fixtures"
dir.create(fixtures, showWarnings = FALSE, recursive = TRUE)
dir.create("reference/golden", showWarnings = FALSE, recursive = TRUE)

# ---------------------------------------------------------------- weights
prov <- read.csv("data/reference/provinces.csv", stringsAsFactors = FALSE)
adj <- read.csv("data/reference/adjacency.csv", stringsAsFactors = FALSE)
codes <- prov$code
N <- length(codes)
C <- matrix(0, N, N, dimnames = list(codes, codes))
for (k in seq_len(nrow(adj))) {
  for (nb in strsplit(adj$neighbours[k], " ")[[1]]) C[adj$code[k], nb] <- 1
}
stopifnot(isSymmetric(C), sum(C) == 130)
W_cont <- C / rowSums(C)

haversine <- function(lat1, lon1, lat2, lon2) {
  r <- pi / 180
  h <- sin((lat2 - lat1) * r / 2)^2 + cos(lat1 * r) * cos(lat2 * r) * sin((lon2 - lon1) * r / 2)^2
  2 * 6371.0088 * asin(pmin(1, sqrt(h)))
}
D <- outer(seq_len(N), seq_len(N), function(i, j) haversine(prov$lat[i], prov$lon[i], prov$lat[j], prov$lon[j]))
Dinv <- ifelse(D > 0, 1 / D, 0)
W_dist <- Dinv / rowSums(Dinv)

# ---------------------------------------------------------------- data
sdm_panel <- function(W, ids, Tn, seed, rho, beta, theta) {
  set.seed(seed)
  n <- nrow(W)
  mu <- rnorm(n, 0, 1)
  A <- solve(diag(n) - rho * W)
  rows <- list()
  for (t in seq_len(Tn)) {
    x1 <- rnorm(n)
    x2 <- rnorm(n) + 0.5 * mu
    X <- cbind(x1, x2)
    y <- A %*% (X %*% beta + W %*% X %*% theta + mu + rnorm(n, 0, 0.5))
    rows[[t]] <- data.frame(id = ids, time = 2010 + t, y = as.vector(y), x1 = x1, x2 = x2)
  }
  do.call(rbind, rows)
}
prov_panel <- sdm_panel(W_cont, codes, 11, 20260101, 0.35, c(1, -0.5), c(0.4, 0.3))
names(prov_panel)[1:2] <- c("province", "year")
write.csv(prov_panel, file.path(fixtures, "spatial_provinces.csv"), row.names = FALSE)

g <- 7
nbg <- cell2nb(g, g, type = "rook")
W_grid <- nb2mat(nbg, style = "W")
grid_ids <- sprintf("g%02d", seq_len(g * g))
grid_panel <- sdm_panel(W_grid, grid_ids, 6, 20260202, 0.5, c(0.8, 1.2), c(-0.3, 0.5))
write.csv(grid_panel, file.path(fixtures, "spatial_grid.csv"), row.names = FALSE)

# ---------------------------------------------------------------- helpers
moran_row <- function(x, lw, randomisation = TRUE) {
  m <- moran.test(x, lw, randomisation = randomisation, alternative = "greater", zero.policy = TRUE)
  list(I = unname(m$estimate[1]), expected = unname(m$estimate[2]), variance = unname(m$estimate[3]),
       z = unname(m$statistic), p_value = m$p.value)
}

# Within-demeaned panel, stacked time-major with ids in weights order.
demeaned <- function(d, idcol, ids, vars) {
  d <- d[order(d[[2]], match(d[[idcol]], ids)), ]
  for (v in vars) d[[v]] <- d[[v]] - ave(d[[v]], d[[idcol]])
  d
}

fit_all <- function(d, W, ids, Tn) {
  lwNT <- mat2listw(kronecker(diag(Tn), W), style = "W")
  dd <- demeaned(d, 1, ids, c("y", "x1", "x2"))
  sdm <- lagsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, type = "Durbin", method = "eigen")
  sar <- lagsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, type = "lag", method = "eigen")
  sem <- errorsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, method = "eigen")
  set.seed(1)
  imp_sdm <- impacts(sdm, listw = lwNT, R = 1000)
  set.seed(1)
  imp_sar <- impacts(sar, listw = lwNT, R = 1000)
  effects <- function(imp) {
    s <- imp$sres
    list(term = attr(imp, "bnames"), direct = imp$res$direct, indirect = imp$res$indirect, total = imp$res$total,
         direct_se = apply(s$direct, 2, sd), indirect_se = apply(s$indirect, 2, sd), total_se = apply(s$total, 2, sd))
  }
  ols <- lm(y ~ x1 + x2 - 1, data = dd)
  lm_tests <- suppressWarnings(lm.LMtests(ols, lwNT, test = c("LMerr", "LMlag", "RLMerr", "RLMlag")))
  lmt <- lapply(lm_tests, function(t) list(statistic = unname(t$statistic), p_value = unname(t$p.value)))
  model <- function(f, rhoname) {
    # Sparse-method fits keep their numerical-Hessian covariance in fdHess (σ² row dropped).
    V <- if (is.matrix(f$fdHess)) f$fdHess else vcov(f)
    V <- V[rownames(V) != "sigma2", colnames(V) != "sigma2", drop = FALSE]
    list(coefficients = as.list(coef(f)), rho = unname(f[[rhoname]]), sigma2 = f$s2,
         loglik = as.numeric(logLik(f)), vcov = unname(V), vcov_names = rownames(V))
  }
  # Wald tests from lagsarlm's estimates and covariance: theta = 0 and the common factor theta = -rho beta
  # (delta method).
  cf <- coef(sdm)
  Vs <- vcov(sdm)
  th <- cf[c("lag.x1", "lag.x2")]
  wald_sar <- as.numeric(t(th) %*% solve(Vs[c("lag.x1", "lag.x2"), c("lag.x1", "lag.x2")]) %*% th)
  b <- cf[c("x1", "x2")]
  g <- th + cf[["rho"]] * b
  J <- cbind(b, cf[["rho"]] * diag(2), diag(2))
  wald_sem <- as.numeric(t(g) %*% solve(J %*% Vs[c("rho", "x1", "x2", "lag.x1", "lag.x2"),
                                                 c("rho", "x1", "x2", "lag.x1", "lag.x2")] %*% t(J)) %*% g)
  lr_sar <- 2 * (as.numeric(logLik(sdm)) - as.numeric(logLik(sar)))
  lr_sem <- 2 * (as.numeric(logLik(sdm)) - as.numeric(logLik(sem)))
  # Sparse method (LU log-determinant) with the numerical-Hessian covariance spatialreg uses above
  # n = 1500 (small_asy = FALSE forces it here), for the large-N path.
  sdm_lu <- lagsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, type = "Durbin", method = "LU",
                     control = list(small_asy = FALSE))
  sem_lu <- errorsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, method = "LU",
                       control = list(small_asy = FALSE))
  list(sdm = model(sdm, "rho"), sar = model(sar, "rho"), sem = model(sem, "lambda"),
       sdm_lu = model(sdm_lu, "rho"), sem_lu = model(sem_lu, "lambda"),
       impacts_sdm = effects(imp_sdm), impacts_sar = effects(imp_sar), lm = lmt,
       lr_sdm_sar = lr_sar, lr_sdm_sem = lr_sem, wald_sdm_sar = wald_sar, wald_sdm_sem = wald_sem, interval = unname(sdm$interval))
}

# ---------------------------------------------------------------- golden
lw_cont <- mat2listw(W_cont, style = "W")
lw_dist <- mat2listw(W_dist, style = "W")
years <- sort(unique(prov_panel$year))
Tn <- length(years)
byyear <- function(v) lapply(years, function(t) {
  s <- prov_panel[prov_panel$year == t, ]
  s[[v]][match(codes, s$province)]
})
stacked_y <- unlist(byyear("y"))
lwNT_cont <- mat2listw(kronecker(diag(Tn), W_cont), style = "W")

moran_cont <- lapply(byyear("y"), function(x) moran_row(x, lw_cont))
moran_cont_norm <- lapply(byyear("y"), function(x) moran_row(x, lw_cont, FALSE))
moran_dist <- lapply(byyear("y"), function(x) moran_row(x, lw_dist))
set.seed(7)
mc <- moran.mc(byyear("y")[[1]], lw_cont, nsim = 9999, alternative = "greater")
lisa <- localmoran(byyear("y")[[1]], lw_cont)
lisa_total <- localmoran(byyear("y")[[1]], lw_cont, conditional = FALSE)

# Two-way effects: x - mean_i - mean_t + mean, then the same stacked SDM.
dd2 <- demeaned(prov_panel, 1, codes, character(0))
for (v in c("y", "x1", "x2")) dd2[[v]] <- dd2[[v]] - ave(dd2[[v]], dd2$province) - ave(dd2[[v]], dd2$year) + mean(dd2[[v]])
sdm_tw <- lagsarlm(y ~ x1 + x2 - 1, data = dd2, listw = lwNT_cont, type = "Durbin", method = "eigen")
sdm_twoways <- list(coefficients = as.list(coef(sdm_tw)), rho = unname(sdm_tw$rho), sigma2 = sdm_tw$s2,
                    loglik = as.numeric(logLik(sdm_tw)), vcov = unname(vcov(sdm_tw)),
                    vcov_names = rownames(vcov(sdm_tw)))

ev_cont <- eigenw(lw_cont)
out <- list(
  ids = codes,
  W_dist = unname(W_dist),
  eigen_cont_range = range(Re(ev_cont)),
  years = years,
  moran_cont = moran_cont,
  moran_cont_normality = moran_cont_norm,
  moran_dist = moran_dist,
  moran_pooled = moran_row(stacked_y, lwNT_cont),
  moran_mc_first_year = list(statistic = unname(mc$statistic), p_value = mc$p.value, nsim = 9999),
  lisa_first_year = list(Ii = unname(lisa[, 1]), expected = unname(lisa[, 2]), variance = unname(lisa[, 3]),
                         z = unname(lisa[, 4]), p_value = unname(lisa[, 5])),
  lisa_first_year_total = list(Ii = unname(lisa_total[, 1]), expected = unname(lisa_total[, 2]),
                               variance = unname(lisa_total[, 3]), z = unname(lisa_total[, 4])),
  provinces_cont = fit_all(prov_panel, W_cont, codes, Tn),
  provinces_cont_sdm_twoways = sdm_twoways,
  provinces_dist = fit_all(prov_panel, W_dist, codes, Tn),
  grid = fit_all(grid_panel, W_grid, grid_ids, 6)
)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE), "reference/golden/spatial.json")
cat("wrote reference/golden/spatial.json\n")
