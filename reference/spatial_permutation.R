# Golden values for permutation inference on Moran's I (econometrics/spatial/moran.ts), written to
# reference/golden/spatial_permutation.json:
#   - global Moran's I permutation p-values of spdep's moran.mc, for each alternative, on permutations
#     saved here: moran.mc draws sample(x) nsim times, so the same seed gives the same permutations as
#     sample.int(n) drawn first (checked); and Phipson & Smyth's (b + 1)/(nsim + 1) on the same ones;
#   - LISA conditional-permutation p-values by explicit code (z_i fixed, |N_i| of the other n - 1
#     values drawn without replacement for its neighbours; folded p = (min(b, nsim - b) + 1)/(nsim + 1),
#     b = #{I_i* >= I_i}), on saved draws; Benjamini-Hochberg adjusted p-values (p.adjust) and the
#     cluster labels from them, spdep localmoran's I_i and "pysal" quadrants. spdep 1.2's
#     localmoran_perm draws the neighbours' values with replacement, so it is not the reference here.
# Data: tests/fixtures/spatial_provinces.csv under province queen contiguity (data/reference).
# Run: Rscript reference/spatial_permutation.R   (from the repository root)
suppressPackageStartupMessages({
  library(spdep)
  library(jsonlite)
})

check <- function(a, b, what, tol = 1e-12) {
  if (!isTRUE(all.equal(unname(a), unname(b), tolerance = tol)))
    stop(sprintf("cross-check failed: %s (%s vs %s)", what, paste(a, collapse = ","), paste(b, collapse = ",")))
}
prov <- read.csv("data/reference/provinces.csv", stringsAsFactors = FALSE)
adj <- read.csv("data/reference/adjacency.csv", stringsAsFactors = FALSE)
codes <- prov$code
n <- length(codes)
Cm <- matrix(0, n, n, dimnames = list(codes, codes))
for (k in seq_len(nrow(adj))) for (nb in strsplit(adj$neighbours[k], " ")[[1]]) Cm[adj$code[k], nb] <- 1
lw <- mat2listw(Cm, style = "W")
d <- read.csv("tests/fixtures/spatial_provinces.csv", stringsAsFactors = FALSE)
value_in <- function(year) d$y[d$year == year][match(codes, d$province[d$year == year])]
nsim <- 199

global <- lapply(c(2011, 2021), function(year) {
  x <- value_in(year)
  seed <- year
  set.seed(seed)
  perms <- lapply(seq_len(nsim), function(i) sample.int(n))
  S0 <- Szero(lw)
  I <- moran(x, lw, n, S0)$I
  sims <- sapply(perms, function(p) moran(x[p], lw, n, S0)$I)
  out <- list(year = year, permutations = I(lapply(perms, function(p) p - 1)), I = I)
  for (alt in c("greater", "less", "two.sided")) {
    set.seed(seed)
    mc <- moran.mc(x, lw, nsim, alternative = alt)
    check(mc$res[seq_len(nsim)], sims, "moran.mc's permutations are the saved ones")
    out[[paste0("spdep_", alt)]] <- mc$p.value
    pg <- (sum(sims >= I) + 1) / (nsim + 1)
    pl <- (sum(sims <= I) + 1) / (nsim + 1)
    out[[paste0("phipson_smyth_", alt)]] <- switch(alt, greater = pg, less = pl, two.sided = min(1, 2 * min(pg, pl)))
  }
  out
})

# LISA, 2021.
x <- value_in(2021)
z <- x - mean(x)
s2 <- sum(z^2) / n
lm <- localmoran(x, lw)
Ii <- (z / s2) * lag.listw(lw, z)
check(lm[, 1], Ii, "I_i vs spdep localmoran", 1e-10)
set.seed(20240611)
draws <- lapply(seq_len(n), function(i) {
  others <- setdiff(seq_len(n), i)
  crd <- length(lw$neighbours[[i]])
  lapply(seq_len(nsim), function(s) others[sample.int(n - 1, crd)])
})
p_perm <- sapply(seq_len(n), function(i) {
  w <- lw$weights[[i]]
  sims <- sapply(draws[[i]], function(idx) (z[i] / s2) * sum(w * z[idx]))
  b <- sum(sims >= Ii[i] - 1e-12 * abs(Ii[i]))
  (min(b, nsim - b) + 1) / (nsim + 1)
})
p_bh <- p.adjust(p_perm, "BH")
quadrant <- as.character(attr(lm, "quadr")$pysal)
lisa <- list(
  ids = I(codes), nsim = nsim,
  draws = lapply(draws, function(di) lapply(di, function(idx) I(idx - 1))),
  Ii = unname(Ii), p_value = unname(lm[, 5]), p_permutation = p_perm, p_bh = p_bh,
  cluster_bh = ifelse(p_bh < 0.05, quadrant, "Not significant"),
  cluster_permutation = ifelse(p_perm < 0.05, quadrant, "Not significant"),
  # The analytical p-values adjusted, for the labelsFrom choice without permutations.
  p_bh_analytical = p.adjust(unname(lm[, 5]), "BH")
)
dir.create("reference/golden", showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(list(ids = I(codes), global = global, lisa = lisa), digits = I(17), auto_unbox = TRUE),
           "reference/golden/spatial_permutation.json")
cat("wrote reference/golden/spatial_permutation.json\n")
