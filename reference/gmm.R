# Golden values for dynamic panel GMM (econometrics/gmm/), written to reference/golden/gmm.json.
#
# Data: plm's EmplUK (unbalanced, 140 firms, 1976-1984) with logs taken here and written to
# tests/fixtures/emplUK.csv; the models are fitted on the CSV as read back, so TypeScript and R see the
# same numbers. Specifications: the difference and system GMM examples of the plm documentation
# (?pgmm), plus two-step system GMM and a collapsed-instrument variant.
# Reported: coefficients, the non-robust and Windmeijer-robust (vcovHC) covariances, Arellano-Bond
# mtest of order 1 and 2 with the robust covariance matrix (as summary(robust = TRUE); passing the
# function vcovHC to mtest gives slightly different numbers), sargan() with two-step weights (Hansen J) and
# with one-step weights (plm's Sargan), the instrument count.
#
# Run: Rscript reference/gmm.R   (from the repository root; npm run reference runs every script)
suppressPackageStartupMessages({
  library(plm)
  library(jsonlite)
})

data("EmplUK", package = "plm")
e <- data.frame(firm = EmplUK$firm, year = EmplUK$year, lemp = log(EmplUK$emp), lwage = log(EmplUK$wage),
                lcap = log(EmplUK$capital), lout = log(EmplUK$output))
dir.create("tests/fixtures", showWarnings = FALSE, recursive = TRUE)
write.csv(e, "tests/fixtures/emplUK.csv", row.names = FALSE)
e <- read.csv("tests/fixtures/emplUK.csv")
pe <- pdata.frame(e, index = c("firm", "year"))

golden <- function(m) {
  two <- m$args$model == "twosteps"
  co <- if (two) m$coefficients[[2]] else m$coefficients
  vr <- vcovHC(m)
  ar1 <- mtest(m, order = 1, vcov = vr)
  ar2 <- mtest(m, order = 2, vcov = vr)
  h <- sargan(m)
  s <- sargan(m, weights = "onestep")
  list(names = names(co), coefficients = unname(co), se = unname(sqrt(diag(vcov(m)))),
       robust_se = unname(sqrt(diag(vr))), ar1_z = unname(ar1$statistic), ar1_p = ar1$p.value,
       ar2_z = unname(ar2$statistic), ar2_p = ar2$p.value, hansen = unname(h$statistic),
       hansen_df = unname(h$parameter), hansen_p = h$p.value, sargan = unname(s$statistic),
       instruments = ncol(m$W[[1]]), groups = length(m$W))
}

diff2 <- pgmm(lemp ~ lag(lemp, 1:2) + lag(lwage, 0:1) + lcap + lag(lout, 0:1) | lag(lemp, 2:99),
              data = pe, effect = "twoways", model = "twosteps")
diff2c <- pgmm(lemp ~ lag(lemp, 1:2) + lag(lwage, 0:1) + lcap + lag(lout, 0:1) | lag(lemp, 2:99),
               data = pe, effect = "twoways", model = "twosteps", collapse = TRUE)
diff1i <- pgmm(lemp ~ lag(lemp, 1) + lwage + lcap | lag(lemp, 2:4),
               data = pe, effect = "individual", model = "onestep")
sys1 <- pgmm(lemp ~ lag(lemp, 1) + lag(lwage, 0:1) + lag(lcap, 0:1) |
               lag(lemp, 2:99) + lag(lwage, 2:99) + lag(lcap, 2:99),
             data = pe, effect = "twoways", model = "onestep", transformation = "ld")
sys2 <- pgmm(lemp ~ lag(lemp, 1) + lag(lwage, 0:1) + lag(lcap, 0:1) |
               lag(lemp, 2:99) + lag(lwage, 2:99) + lag(lcap, 2:99),
             data = pe, effect = "twoways", model = "twosteps", transformation = "ld")

out <- list(diff_twostep = golden(diff2), diff_twostep_collapse = golden(diff2c),
            diff_onestep_individual = golden(diff1i), sys_onestep = golden(sys1), sys_twostep = golden(sys2))
dir.create("reference/golden", showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE), "reference/golden/gmm.json")
cat("wrote reference/golden/gmm.json\n")
