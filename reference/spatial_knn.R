# Golden values for the large-N path with an asymmetric W (econometrics/spatial/logdet-lu.ts): k = 4
# nearest neighbours of 576 jittered grid points (planar, fixed seed; the neighbour lists are written
# to the golden file so TypeScript builds the same W), an SDM and a SEM with entity FE on
# tests/fixtures/spatial_grid24.csv by spatialreg method "LU" with the numerical-Hessian covariance
# (small_asy = FALSE), on the within-demeaned panel stacked with I_T (x) W; exact impacts.
# Written to reference/golden/spatial_knn.json. Run: Rscript reference/spatial_knn.R (repository root).
suppressPackageStartupMessages({
  library(spdep)
  library(spatialreg)
  library(jsonlite)
})

g <- 24
n <- g * g
ids <- sprintf("c%03d", seq_len(n))
set.seed(42)
xy <- cbind(rep(seq_len(g), each = g) + runif(n, -0.3, 0.3), rep(seq_len(g), g) + runif(n, -0.3, 0.3))
nb <- knn2nb(knearneigh(xy, k = 4))
W <- nb2mat(nb, style = "W")
stopifnot(!isSymmetric(unname(W)))

d <- read.csv("tests/fixtures/spatial_grid24.csv", stringsAsFactors = FALSE)
Tn <- length(unique(d$time))
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
  neighbours = lapply(nb, function(v) v - 1L),
  sdm = model(sdm, "rho"),
  sem = model(sem, "lambda"),
  impacts_sdm = list(term = attr(imp, "bnames"), direct = imp$direct, indirect = imp$indirect, total = imp$total)
)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE), "reference/golden/spatial_knn.json")
cat("wrote reference/golden/spatial_knn.json\n")
