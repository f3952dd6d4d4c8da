# Golden LISA cluster labels (econometrics/spatial/moran.ts localMoran) from spdep's localmoran: the
# "pysal" quadrant attribute (signs of the centred value and of its spatial lag), kept where the
# two-sided p-value is below 0.05 and "Not significant" elsewhere, for every year of
# tests/fixtures/spatial_provinces.csv under province contiguity and every period of
# tests/fixtures/spatial_grid24.csv under rook contiguity. Written to reference/golden/spatial_lisa.json.
# Run: Rscript reference/spatial_lisa.R (from the repository root).
suppressPackageStartupMessages({
  library(spdep)
  library(jsonlite)
})

prov <- read.csv("data/reference/provinces.csv", stringsAsFactors = FALSE)
adj <- read.csv("data/reference/adjacency.csv", stringsAsFactors = FALSE)
codes <- prov$code
C <- matrix(0, length(codes), length(codes), dimnames = list(codes, codes))
for (k in seq_len(nrow(adj))) for (nb in strsplit(adj$neighbours[k], " ")[[1]]) C[adj$code[k], nb] <- 1
lw_cont <- mat2listw(C, style = "W")
lw_grid <- nb2listw(cell2nb(24, 24, type = "rook"), style = "W")

labels <- function(d, idcol, tcol, ids, lw) {
  lapply(sort(unique(d[[tcol]])), function(t) {
    s <- d[d[[tcol]] == t, ]
    x <- s$y[match(ids, s[[idcol]])]
    lm <- localmoran(x, lw)
    q <- as.character(attr(lm, "quadr")$pysal)
    p <- lm[, 5]
    list(time = t, cluster = ifelse(p < 0.05, q, "Not significant"), p_value = unname(p))
  })
}

out <- list(
  provinces = labels(read.csv("tests/fixtures/spatial_provinces.csv", stringsAsFactors = FALSE),
                     "province", "year", codes, lw_cont),
  grid24 = labels(read.csv("tests/fixtures/spatial_grid24.csv", stringsAsFactors = FALSE),
                  "id", "time", sprintf("c%03d", 1:576), lw_grid)
)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE), "reference/golden/spatial_lisa.json")
cat("wrote reference/golden/spatial_lisa.json\n")
