# Set-up for the R side of npm run bench:spatial (sourced by bench/r-session.R). Reads, before any timing,
# each dataset written by bench/spatial.ts into args[1]: DS.links (binary links, 1-based) and DS.csv (the
# SDM panel, time-major in the weights' order), builds the N x N and NT x NT weights and demeans the
# panel; Moran's cross-section from moran.csv. Jobs (each returns numbers for the agreement check):
#   fit:DS:METHOD   lagsarlm type "Durbin" on the demeaned panel with I_T (x) W (the NT x NT listw built
#                   from the symmetric binary matrix, so "Matrix"/"spam" can use the similar symmetric W);
#   full:DS:METHOD  the same fit, then exact traces of the powers of W (trW type "mult", of the N x N W,
#                   times T: the traces of I_T (x) W) and impacts with R = 1000 simulations;
#   moran           moran.mc with 9,999 permutations;
#   dyn:DS          the dynamic SDM by the explicit-matrix reference of the tests (reference/lib/
#                   dynamic_qml.R: bias-corrected QML, covariance, short- and long-run effects with 1,000
#                   draws) on the dataset's 12 periods, with the dense row-standardised W.
suppressPackageStartupMessages({ library(spdep); library(spatialreg); library(Matrix) })
source("reference/lib/dynamic_qml.R")
dir <- args[1]
datasets <- readLines(file.path(dir, "datasets.txt"))
sym_methods <- c("Matrix", "Matrix_J", "spam")
asym_methods <- c("LU", "LU_prepermutate")
prep <- list()
for (ds in datasets) {
  l <- read.table(file.path(dir, paste0(ds, ".links")), header = TRUE)
  d <- read.csv(file.path(dir, paste0(ds, ".csv")))
  n <- max(l$i)
  B <- sparseMatrix(i = l$i, j = l$j, x = 1, dims = c(n, n))
  Tn <- nrow(d) / n
  symmetric <- isSymmetric(B)
  W <- B / rowSums(B)
  lwNT <- mat2listw(kronecker(Diagonal(Tn), B), style = "W")
  for (v in c("y", "x1", "x2")) d[[v]] <- d[[v]] - ave(d[[v]], rep(seq_len(n), Tn))
  prep[[ds]] <- list(d = d, W = W, lwNT = lwNT, Tn = Tn, symmetric = symmetric)
  for (m in if (symmetric) sym_methods else asym_methods) {
    local({
      p <- prep[[ds]]
      method <- m
      fit_once <- function() lagsarlm(y ~ x1 + x2 - 1, data = p$d, listw = p$lwNT, type = "Durbin",
                                      method = method)
      jobs[[paste("fit", ds, method, sep = ":")]] <<- function() {
        f <- fit_once()
        list(rho = unname(f$rho), loglik = as.numeric(logLik(f)))
      }
      jobs[[paste("full", ds, method, sep = ":")]] <<- function() {
        f <- fit_once()
        trs <- trW(p$W, type = "mult") * p$Tn
        im <- impacts(f, tr = trs, R = 1000)
        list(rho = unname(f$rho), loglik = as.numeric(logLik(f)), direct = unname(im$res$direct))
      }
    })
  }
}
if (file.exists(file.path(dir, "moran.csv"))) {
  mx <- read.csv(file.path(dir, "moran.csv"))$x
  mW <- prep[[readLines(file.path(dir, "moran.txt"))]]$W
  mlw <- mat2listw(as(mW, "CsparseMatrix"), style = "W")
  jobs$moran <- function() list(I = unname(moran.mc(mx, mlw, nsim = 9999)$statistic))
}
dynamic_sets <- if (file.exists(file.path(dir, "dynamic.txt"))) readLines(file.path(dir, "dynamic.txt")) else character()
for (ds in dynamic_sets) {
  local({
    l <- read.table(file.path(dir, paste0(ds, ".links")), header = TRUE)
    d <- read.csv(file.path(dir, paste0(ds, ".csv")), stringsAsFactors = FALSE)
    n <- max(l$i)
    B <- matrix(0, n, n)
    B[cbind(l$i, l$j)] <- 1
    W <- B / rowSums(B)
    ids <- d$id[seq_len(n)]
    jobs[[paste0("dyn:", ds)]] <<- function() {
      f <- dynamic_qml(d, W, ids, simulations = 1000, seed = 1)
      at <- function(t) match(t, f$terms)
      list(tau = f$estimate[at("L.y")], psi = f$estimate[at("W*L.y")], rho = f$estimate[at("rho")],
           tau_se = f$std_error[at("L.y")], psi_se = f$std_error[at("W*L.y")],
           rho_se = f$std_error[at("rho")], long_total = f$effects_long$total)
    }
  })
}
