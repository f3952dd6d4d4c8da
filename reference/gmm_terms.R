# Golden values for GMM on terms of the spec language (econometrics/gmm/ through panel/terms.ts), written
# to reference/golden/gmm_terms.json: the difference GMM of the plm documentation (?pgmm) with the logs
# taken inside the formula, log(emp) etc., on plm's EmplUK in levels (tests/fixtures/emplUK_levels.csv,
# written here and read back so TypeScript and R see the same numbers). The spec says y: "ln(emp)".
#
# Run: Rscript reference/gmm_terms.R   (from the repository root; npm run reference runs every script)
suppressPackageStartupMessages({
  library(plm)
  library(jsonlite)
})

data("EmplUK", package = "plm")
e <- data.frame(firm = EmplUK$firm, year = EmplUK$year, emp = EmplUK$emp, wage = EmplUK$wage,
                capital = EmplUK$capital, output = EmplUK$output)
dir.create("tests/fixtures", showWarnings = FALSE, recursive = TRUE)
write.csv(e, "tests/fixtures/emplUK_levels.csv", row.names = FALSE)
e <- read.csv("tests/fixtures/emplUK_levels.csv")
pe <- pdata.frame(e, index = c("firm", "year"))

golden <- function(m) {
  co <- m$coefficients[[2]]
  vr <- vcovHC(m)
  ar2 <- mtest(m, order = 2, vcov = vr)
  h <- sargan(m)
  list(names = names(co), coefficients = unname(co), se = unname(sqrt(diag(vcov(m)))),
       robust_se = unname(sqrt(diag(vr))), ar2_z = unname(ar2$statistic), hansen = unname(h$statistic),
       instruments = ncol(m$W[[1]]), groups = length(m$W))
}

diff_log <- pgmm(log(emp) ~ lag(log(emp), 1:2) + lag(log(wage), 0:1) + log(capital) + lag(log(output), 0:1) |
                   lag(log(emp), 2:99),
                 data = pe, effect = "twoways", model = "twosteps")
sys_log <- pgmm(log(emp) ~ lag(log(emp), 1) + lag(log(wage), 0:1) + lag(log(capital), 0:1) |
                  lag(log(emp), 2:99) + lag(log(wage), 2:99) + lag(log(capital), 2:99),
                data = pe, effect = "twoways", model = "twosteps", transformation = "ld")

out <- list(diff_log = golden(diff_log), sys_log = golden(sys_log))
dir.create("reference/golden", showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE), "reference/golden/gmm_terms.json")
cat("wrote reference/golden/gmm_terms.json\n")
