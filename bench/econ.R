# R side of npm run bench:econ: times the same jobs as bench/econ.ts on the same data and prints JSON.
# Args: the generated large panel CSV, the 30-province fixture CSV, the number of bootstrap replicates.
suppressPackageStartupMessages({ library(plm); library(sandwich); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
big <- read.csv(args[1])
prov <- read.csv(args[2])
reps <- as.integer(args[3])
runs <- as.integer(args[4])

elapsed_ms <- function(expr) {
  t <- proc.time()[["elapsed"]]
  force(expr)
  1000 * (proc.time()[["elapsed"]] - t)
}

fe_job <- function() {
  pd <- pdata.frame(big, index = c("id", "year"))
  m <- plm(y ~ x1 + x2 + x3 + x4 + x5, data = pd, model = "within")
  V <- vcovHC(m, method = "arellano", type = "sss", cluster = "group")
  list(b = coef(m), se = sqrt(diag(V)))
}

C <- c("ED", "ER", "ECS", "WF", "OPEN")
boot_job <- function() {
  df <- prov[complete.cases(prov[, c("CI", "EE", "AIT", C)]), ]
  ids <- unique(df$province)
  split_rows <- split(seq_len(nrow(df)), df$province)
  within_coef <- function(dd, y, xs, target) {
    g <- dd$.g
    dm <- function(v) v - ave(v, g)
    X <- sapply(xs, function(v) dm(dd[[v]]))
    qr.coef(qr(X), dm(dd[[y]]))[match(target, xs)]
  }
  set.seed(1)
  out <- numeric(reps)
  for (r in seq_len(reps)) {
    pick <- sample(ids, length(ids), replace = TRUE)
    rows <- unlist(lapply(pick, function(p) split_rows[[p]]))
    dd <- df[rows, ]
    dd$.g <- rep(seq_along(pick), times = sapply(pick, function(p) length(split_rows[[p]])))
    out[r] <- within_coef(dd, "EE", c("AIT", C), "AIT") * within_coef(dd, "CI", c("AIT", "EE", C), "EE")
  }
  quantile(out, c(0.025, 0.975))
}

fe_ms <- sapply(seq_len(runs), function(i) elapsed_ms(fe_job()))
boot_ms <- sapply(seq_len(max(1, runs %/% 2)), function(i) elapsed_ms(boot_job()))
cat(toJSON(list(fe_ms = median(fe_ms), boot_ms = median(boot_ms), fe_coef = unname(fe_job()$b)), digits = NA, auto_unbox = TRUE))
