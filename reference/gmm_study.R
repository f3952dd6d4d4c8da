# Golden values for the GMM construction the study's Table 4 uses (econometrics/gmm/), written to
# reference/golden/gmm_study.json: system GMM, two-step, with a lag-limited GMM instrument for the
# lagged dependent variable (lags 2-4), optionally collapsed, and the exogenous regressors as IV-style
# instruments (plm's default when the formula has no third part), with and without time dummies.
# gmm.R covers the plm documentation's EmplUK examples (unlimited lags); this covers the study's case
# and an explicit IV-style instrument list (spec.gmm.iv).
#
# Data: tests/fixtures/emplUK.csv (written by gmm.R from plm's EmplUK).
# Run: Rscript reference/gmm_study.R   (from the repository root; npm run reference runs every script)
suppressPackageStartupMessages({
  library(plm)
  library(jsonlite)
})

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

f <- lemp ~ lag(lemp, 1) + lwage + lcap + lout | lag(lemp, 2:4)
# Internal gaps: year 1980 removed for firms 1-20 (lags and differences across the gap are missing).
pg <- pdata.frame(e[!(e$firm <= 20 & e$year == 1980), ], index = c("firm", "year"))
out <- list(
  sys_gaps = golden(pgmm(f, data = pg, effect = "twoways", model = "twosteps", transformation = "ld",
                         collapse = TRUE)),
  diff_gaps = golden(pgmm(f, data = pg, effect = "twoways", model = "twosteps", collapse = TRUE)),
  sys_collapse_twoways = golden(pgmm(f, data = pe, effect = "twoways", model = "twosteps",
                                     transformation = "ld", collapse = TRUE)),
  sys_collapse_individual = golden(pgmm(f, data = pe, effect = "individual", model = "twosteps",
                                        transformation = "ld", collapse = TRUE)),
  sys_limited_twoways = golden(pgmm(f, data = pe, effect = "twoways", model = "twosteps",
                                    transformation = "ld")),
  diff_collapse_twoways = golden(pgmm(f, data = pe, effect = "twoways", model = "twosteps",
                                      collapse = TRUE)),
  # An explicit IV-style instrument list (the formula's third part): lout is a regressor but not an
  # instrument.
  sys_explicit_iv = golden(pgmm(lemp ~ lag(lemp, 1) + lwage + lcap + lout | lag(lemp, 2:4) | lwage + lcap,
                                data = pe, effect = "twoways", model = "twosteps", transformation = "ld",
                                collapse = TRUE)),
  diff_explicit_iv = golden(pgmm(lemp ~ lag(lemp, 1) + lwage + lcap + lout | lag(lemp, 2:4) | lwage + lcap,
                                 data = pe, effect = "twoways", model = "twosteps", collapse = TRUE))
)
dir.create("reference/golden", showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE), "reference/golden/gmm_study.json")
cat("wrote reference/golden/gmm_study.json\n")
