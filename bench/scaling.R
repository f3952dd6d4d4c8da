# Set-up for the R side of npm run bench:scaling (sourced by bench/r-session.R). Reads every dataset that
# bench/scaling.ts wrote into args[1] (names in datasets.txt) before any timing:
#   fe_N.csv            FE panel (N units x 11): job fe_N = plm within + vcovHC arellano;
#   gmm_N.csv           GMM panel: job gmm_N = pgmm two-step system GMM + summary(robust = TRUE);
#   sdm_KIND_N.links/.csv  SDM panel and links: job sdm_KIND_N = lagsarlm Durbin with I_T (x) W, method
#                       "Matrix" (grid: R's fastest exact in bench:spatial) or "LU_prepermutate" (kNN).
suppressPackageStartupMessages({ library(plm); library(sandwich); library(spdep); library(spatialreg)
  library(Matrix) })
dir <- args[1]
for (ds in readLines(file.path(dir, "datasets.txt"))) {
  local({
    name <- ds
    if (startsWith(name, "fe_")) {
      pd <- pdata.frame(read.csv(file.path(dir, paste0(name, ".csv"))), index = c("id", "year"))
      jobs[[name]] <<- function() {
        m <- plm(y ~ x1 + x2 + x3 + x4 + x5, data = pd, model = "within")
        V <- vcovHC(m, method = "arellano", type = "sss", cluster = "group")
        list(b = unname(coef(m)[1]))
      }
    } else if (startsWith(name, "gmm_")) {
      pd <- pdata.frame(read.csv(file.path(dir, paste0(name, ".csv"))), index = c("id", "time"))
      jobs[[name]] <<- function() {
        s <- summary(pgmm(y ~ lag(y, 1) + x | lag(y, 2:99), data = pd, effect = "twoways",
                          model = "twosteps", transformation = "ld"), robust = TRUE)
        list(b = unname(s$coefficients[1, 1]))
      }
    } else {
      l <- read.table(file.path(dir, paste0(name, ".links")), header = TRUE)
      d <- read.csv(file.path(dir, paste0(name, ".csv")))
      n <- max(l$i)
      B <- sparseMatrix(i = l$i, j = l$j, x = 1, dims = c(n, n))
      Tn <- nrow(d) / n
      lwNT <- mat2listw(kronecker(Diagonal(Tn), B), style = "W")
      for (v in c("y", "x1", "x2")) d[[v]] <- d[[v]] - ave(d[[v]], rep(seq_len(n), Tn))
      method <- if (isSymmetric(B)) "Matrix" else "LU_prepermutate"
      jobs[[name]] <<- function() {
        f <- lagsarlm(y ~ x1 + x2 - 1, data = d, listw = lwNT, type = "Durbin", method = method)
        list(rho = unname(f$rho))
      }
    }
  })
}
