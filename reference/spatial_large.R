# Golden values for the large-N path of the spatial models (banded Cholesky log-determinant, chosen
# automatically above N = 400): an SDM panel on a 24 x 24 rook grid (N = 576, T = 3) generated here with
# a fixed seed and written to tests/fixtures/spatial_grid24.csv; spatialreg's lagsarlm (Durbin) and
# errorsarlm with method "LU" and the numerical-Hessian covariance (small_asy = FALSE) on the
# within-demeaned panel stacked with I_T (x) W; exact impacts (point values) and Moran's I per period.
# Written to reference/golden/spatial_large.json.
# Run: Rscript reference/spatial_large.R (from the repository root).
suppressPackageStartupMessages({
  library(spdep)
  library(spatialreg)
  library(jsonlite)
})

g <- 24
n <- g * g
Tn <- 3
nb <- cell2nb(g, g, type = "rook")
W <- nb2mat(nb, style = "W")
ids <- sprintf("c%03d", seq_len(n))
set.seed(20261129)
mu <- rnorm(n)
A <- solve(diag(n) - 0.45 * W)
rows <- list()
for (t in seq_len(Tn)) {
  x1 <- rnorm(n)
  x2 <- rnorm(n) + 0.5 * mu
  X <- cbind(x1, x2)
  y <- A %*% (X %*% c(1, -0.7) + W %*% X %*% c(0.3, 0.5) + mu + rnorm(n, 0, 0.6))
  rows[[t]] <- data.frame(id = ids, time = 2000 + t, y = round(as.vector(y), 10), x1 = round(x1, 10),
                          x2 = round(x2, 10))
}
d <- do.call(rbind, rows)
write.csv(d, "tests/fixtures/spatial_grid24.csv", row.names = FALSE)
d <- read.csv("tests/fixtures/spatial_grid24.csv", stringsAsFactors = FALSE)

lw <- nb2listw(nb, style = "W")
moran <- lapply(sort(unique(d$time)), function(t) {
  m <- moran.test(d$y[d$time == t], lw, randomisation = TRUE, alternative = "greater")
  list(I = unname(m$estimate[1]), expected = unname(m$estimate[2]), variance = unname(m$estimate[3]),
       z = unname(m$statistic), p_value = m$p.value)
})

dd <- d[order(d$time, match(d$id, ids)), ]
for (v in c("y", "x1", "x2")) dd[[v]] <- dd[[v]] - ave(dd[[v]], dd$id)
lwNT <- mat2listw(kronecker(diag(Tn), W), style = "W")
ctl <- list(small_asy = FALSE)
sdm <- lagsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, type = "Durbin", method = "LU", control = ctl)
sem <- errorsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, method = "LU", control = ctl)
model <- function(f, rhoname) {
  V <- f$fdHess
  V <- V[rownames(V) != "sigma2", colnames(V) != "sigma2", drop = FALSE]
  list(coefficients = as.list(coef(f)), rho = unname(f[[rhoname]]), sigma2 = f$s2,
       loglik = as.numeric(logLik(f)), vcov = unname(V), vcov_names = rownames(V))
}
imp <- impacts(sdm, listw = lwNT)
out <- list(
  moran = moran,
  sdm = model(sdm, "rho"),
  sem = model(sem, "lambda"),
  impacts_sdm = list(term = attr(imp, "bnames"), direct = imp$direct, indirect = imp$indirect, total = imp$total)
)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE), "reference/golden/spatial_large.json")
cat("wrote reference/golden/spatial_large.json\n")
