# Set-up for the R side of npm run bench:gmm (sourced by bench/r-session.R): reads args[1] (the GMM
# panel written by bench/gmm.ts) into a pdata.frame before any timing. Jobs:
#   pgmm    two-step system GMM (transformation "ld", time effects), the fit alone;
#   robust  the same fit and summary(robust = TRUE): Windmeijer-corrected SEs, Arellano-Bond AR(1) and
#           AR(2) tests, Sargan/Hansen and Wald tests - what aicarbon's systemGmm returns.
suppressPackageStartupMessages(library(plm))
gmm_data <- pdata.frame(read.csv(args[1]), index = c("id", "time"))
fit_gmm <- function() pgmm(y ~ lag(y, 1) + x | lag(y, 2:99), data = gmm_data, effect = "twoways",
                           model = "twosteps", transformation = "ld")
jobs$pgmm <- function() list(b = unname(coef(fit_gmm())[1:2]))
jobs$robust <- function() {
  s <- summary(fit_gmm(), robust = TRUE)
  list(b = unname(s$coefficients[1:2, 1]), se = unname(s$coefficients[1:2, 2]),
       ar2 = as.numeric(s$m2$statistic), sargan = as.numeric(s$sargan$statistic))
}
