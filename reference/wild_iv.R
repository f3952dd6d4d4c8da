# Golden values for the wild restricted efficient bootstrap of FE-2SLS (econometrics/inference/wild-iv.ts),
# written to reference/golden/wild_iv.json, by the explicit refitting code of reference/lib/wild.R
# (wre_fit: every bootstrap sample re-estimated by 2SLS; the first draws of each case also refitted by
# AER::ivreg with sandwich::vcovCL as a cross-check).
#
#   saved draws    Webb weights for the 30 provinces (399 draws), stored as digits 0-5 (the six points in
#                  ascending order): entity FE, two-way FE, pooled 2SLS, over-identified (L.AIT, L2.AIT)
#   enumerated     the 8 Central provinces with all 2^8 Rademacher sign vectors (deterministic)
#
# Data: tests/fixtures/provinces30.csv (as reference/inference.R). Run: Rscript reference/wild_iv.R
suppressPackageStartupMessages({
  library(AER)
  library(sandwich)
  library(jsonlite)
})
source("reference/lib/wild.R")

prov <- read.csv("tests/fixtures/provinces30.csv", stringsAsFactors = FALSE)
C <- c("ED", "ER", "ECS", "WF", "OPEN")
lag_of <- function(df, v, k) {
  key <- paste(df$province, df$year)
  df[[v]][match(paste(df$province, df$year - k), key)]
}
prov$L.AIT <- lag_of(prov, "AIT", 1)
prov$L2.AIT <- lag_of(prov, "AIT", 2)

# The estimator's design (Stata convention, as econometrics/iv.ts): entity within deviations plus grand
# means and a constant (pooled: the raw columns and a constant); two-way: time dummies in X and W.
iv_design <- function(df, effects, inst) {
  g <- factor(df$province, levels = unique(df$province))
  tr <- if (effects == "none") identity else function(v) v - ave(v, g) + mean(v)
  X <- as.matrix(df[, c("AIT", C)])
  W <- as.matrix(df[, c(inst, C), drop = FALSE])
  if (effects == "twoways") {
    D <- model.matrix(~ factor(df$year))[, -1, drop = FALSE]
    X <- cbind(X, D)
    W <- cbind(W, D)
  }
  list(X = cbind(apply(X, 2, tr), `_cons` = 1), W = cbind(apply(W, 2, tr), `_cons` = 1), y = tr(df$CI))
}
spec_of <- function(effects, inst, wild, subset = NULL) {
  s <- list(estimator = "iv", y = "CI", x = I(c("AIT", C)), endogenous = I("AIT"), instruments = I(inst),
            effects = effects, vce = "cluster", inference = list(wild = wild))
  if (!is.null(subset)) s$subset <- subset
  s
}
# An unbounded side is written "Infinity" / "-Infinity" (JSON has no infinities).
bound_of <- function(v) if (is.finite(v)) v else if (v > 0) "Infinity" else "-Infinity"
row_of <- function(r) list(term = "AIT", estimate = r$estimate, p_value_wild = r$p,
                           ci_wild_lower = bound_of(r$lower), ci_wild_upper = bound_of(r$upper))

cases <- list()
set.seed(20261202)
B <- 399
for (cfg in list(list(name = "entity", effects = "entity", inst = "L.AIT"),
                 list(name = "twoways", effects = "twoways", inst = "L.AIT"),
                 list(name = "pooled", effects = "none", inst = "L.AIT"),
                 list(name = "overidentified", effects = "entity", inst = c("L.AIT", "L2.AIT")))) {
  df <- prov[complete.cases(prov[, c("CI", "AIT", C, cfg$inst)]), ]
  d <- iv_design(df, cfg$effects, cfg$inst)
  G <- length(unique(df$province))
  idx <- matrix(sample.int(6, G * B, replace = TRUE), G, B)
  r <- wre_fit(d$X, d$W, d$y, 1, df$province, matrix(webb_points[idx], G), crosscheck = 3)
  cases[[length(cases) + 1]] <- list(
    name = sprintf("provinces iv %s wre webb saved draws", cfg$name), data = "provinces30",
    spec = spec_of(cfg$effects, cfg$inst, list(reps = B, weights = "webb")),
    clusters = I(unique(df$province)),
    draws = I(apply(idx - 1, 2, paste, collapse = "")),
    coefficients = list(row_of(r))
  )
  cat(sprintf("%s: b = %.6f, p = %.4f, CI [%.6f, %.6f]\n", cfg$name, r$estimate, r$p, r$lower, r$upper))
}
central <- prov[prov$region == "Central" & complete.cases(prov[, c("CI", "AIT", C, "L.AIT")]), ]
d <- iv_design(central, "entity", "L.AIT")
G <- length(unique(central$province))
r <- wre_fit(d$X, d$W, d$y, 1, central$province, enumerate_signs(G), crosscheck = 3)
cases[[length(cases) + 1]] <- list(
  name = "provinces iv Central wre rademacher enumerated", data = "provinces30",
  spec = spec_of("entity", "L.AIT", list(reps = 9999, weights = "rademacher"),
                 list(by = "region", values = I("Central"))),
  reps = 2^G,
  coefficients = list(row_of(r))
)
cat(sprintf("Central: b = %.6f, p = %.4f, CI [%.6f, %.6f]\n", r$estimate, r$p, r$lower, r$upper))

writeLines(toJSON(list(
  generated_by = "reference/wild_iv.R",
  r_version = R.version.string,
  packages = list(AER = as.character(packageVersion("AER")), sandwich = as.character(packageVersion("sandwich"))),
  cases = cases
), auto_unbox = TRUE, digits = I(17), pretty = TRUE), "reference/golden/wild_iv.json")
cat(sprintf("wrote reference/golden/wild_iv.json (%d cases)\n", length(cases)))
