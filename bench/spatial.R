# R side of npm run bench:spatial: times the same jobs as bench/spatial.ts on the same data and prints
# JSON (milliseconds). Args: SDM panel CSVs for the 30 x 30 and 50 x 50 grids, the Moran cross-section,
# the GMM panel.
suppressPackageStartupMessages({ library(spdep); library(spatialreg); library(plm); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)

elapsed_ms <- function(f) {
  t <- proc.time()[["elapsed"]]
  f()
  1000 * (proc.time()[["elapsed"]] - t)
}

# Queen contiguity on a g x g grid numbered row by row, as bench/spatial.ts builds it.
queen <- function(g) {
  i <- seq_len(g * g) - 1
  nb2listw(dnearneigh(cbind(i %/% g, i %% g), 0, 1.5), style = "W")
}

sdm_job <- function(path, g) {
  d <- read.csv(path)
  lw <- queen(g)
  ids <- paste0("c", seq_len(g * g))
  # Data preparation (demeaning, the I_T (x) W listw) is outside the timed part.
  dd <- d[order(d$time, match(d$id, ids)), ]
  for (v in c("y", "x1", "x2")) dd[[v]] <- dd[[v]] - ave(dd[[v]], dd$id)
  Tn <- length(unique(dd$time))
  W <- as(lw, "CsparseMatrix")
  lwNT <- mat2listw(kronecker(Matrix::Diagonal(Tn), W), style = "W")
  function() {
    fit <- lagsarlm(y ~ x1 + x2 - 1, data = dd, listw = lwNT, type = "Durbin", method = "LU")
    trs <- trW(W, type = "mult")
    impacts(fit, tr = trs, R = 1000)
    rho[[as.character(g)]] <<- fit$rho
  }
}

moran_job <- function(path) {
  d <- read.csv(path)
  lw <- queen(50)
  function() moran_I <<- moran.mc(d$x, lw, nsim = 9999)$statistic
}

gmm_job <- function(path) {
  d <- pdata.frame(read.csv(path), index = c("id", "time"))
  function() gmm_ly <<- coef(pgmm(y ~ lag(y, 1) + x | lag(y, 2:99), data = d, effect = "twoways",
                                  model = "twosteps", transformation = "ld"))[1]
}

rho <- list()
moran_I <- NA
gmm_ly <- NA
out <- list(
  sdm30_ms = elapsed_ms(sdm_job(args[1], 30)),
  sdm50_ms = elapsed_ms(sdm_job(args[2], 50)),
  moran_ms = elapsed_ms(moran_job(args[3])),
  gmm_ms = elapsed_ms(gmm_job(args[4]))
)
out$rho30 <- rho[["30"]]
out$rho50 <- rho[["50"]]
out$moran_I <- unname(moran_I)
out$gmm_ly <- unname(gmm_ly)
cat(toJSON(out, auto_unbox = TRUE, digits = I(17)))
