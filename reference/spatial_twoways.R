# Golden values for the spatial panel models with two-way fixed effects (econometrics/spatial/models.ts,
# effects = "twoways"), written to reference/golden/spatial_twoways.json. spatial.R covers entity
# effects; this script demeans by entity and by period (x - mean_i - mean_t + mean) and fits the same
# spatialreg models (method "eigen") on the panel stacked time-major with I_T (x) W, plus the LM tests
# on the two-way demeaned OLS.
#
# Data: tests/fixtures/spatial_provinces.csv (30 provinces, T = 11, queen contiguity with the
# Hainan-Guangdong link) and tests/fixtures/spatial_grid.csv (7 x 7 rook grid, T = 6), both written by
# spatial.R. Run: Rscript reference/spatial_twoways.R (from the repository root).
suppressPackageStartupMessages({
  library(spdep)
  library(spatialreg)
  library(jsonlite)
})

prov <- read.csv("data/reference/provinces.csv", stringsAsFactors = FALSE)
adj <- read.csv("data/reference/adjacency.csv", stringsAsFactors = FALSE)
codes <- prov$code
C <- matrix(0, length(codes), length(codes), dimnames = list(codes, codes))
for (k in seq_len(nrow(adj))) for (nb in strsplit(adj$neighbours[k], " ")[[1]]) C[adj$code[k], nb] <- 1
W_cont <- C / rowSums(C)
W_grid <- nb2mat(cell2nb(7, 7, type = "rook"), style = "W")
grid_ids <- sprintf("g%02d", 1:49)

twoway <- function(d, idcol, tcol, ids, vars) {
  d <- d[order(d[[tcol]], match(d[[idcol]], ids)), ]
  for (v in vars) d[[v]] <- d[[v]] - ave(d[[v]], d[[idcol]]) - ave(d[[v]], d[[tcol]]) + mean(d[[v]])
  d
}

fit <- function(d, idcol, tcol, W, ids) {
  Tn <- length(unique(d[[tcol]]))
  lwNT <- mat2listw(kronecker(diag(Tn), W), style = "W")
  dd <- twoway(d, idcol, tcol, ids, c("y", "x1", "x2"))
  sdm <- lagsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, type = "Durbin", method = "eigen")
  sar <- lagsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, type = "lag", method = "eigen")
  sem <- errorsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, method = "eigen")
  model <- function(f, rhoname) {
    V <- vcov(f)
    V <- V[rownames(V) != "sigma2", colnames(V) != "sigma2", drop = FALSE]
    list(coefficients = as.list(coef(f)), rho = unname(f[[rhoname]]), sigma2 = f$s2,
         loglik = as.numeric(logLik(f)), vcov = unname(V), vcov_names = rownames(V))
  }
  set.seed(1)
  imp <- impacts(sdm, listw = lwNT, R = 1000)
  s <- imp$sres
  lm_tests <- suppressWarnings(lm.LMtests(lm(y ~ x1 + x2 - 1, data = dd), lwNT,
                                          test = c("LMerr", "LMlag", "RLMerr", "RLMlag")))
  list(sdm = model(sdm, "rho"), sar = model(sar, "rho"), sem = model(sem, "lambda"),
       impacts_sdm = list(term = attr(imp, "bnames"), direct = imp$res$direct, indirect = imp$res$indirect,
                          total = imp$res$total, direct_se = apply(s$direct, 2, sd),
                          indirect_se = apply(s$indirect, 2, sd), total_se = apply(s$total, 2, sd)),
       lm = lapply(lm_tests, function(t) list(statistic = unname(t$statistic), p_value = unname(t$p.value))),
       lr_sdm_sar = 2 * (as.numeric(logLik(sdm)) - as.numeric(logLik(sar))),
       lr_sdm_sem = 2 * (as.numeric(logLik(sdm)) - as.numeric(logLik(sem))))
}

out <- list(
  provinces_cont = fit(read.csv("tests/fixtures/spatial_provinces.csv", stringsAsFactors = FALSE),
                       "province", "year", W_cont, codes),
  grid = fit(read.csv("tests/fixtures/spatial_grid.csv", stringsAsFactors = FALSE), "id", "time", W_grid, grid_ids)
)
dir.create("reference/golden", showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE), "reference/golden/spatial_twoways.json")
cat("wrote reference/golden/spatial_twoways.json\n")
