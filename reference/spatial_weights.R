# Golden neighbour sets for the coordinate-based weights (econometrics/spatial/weights.ts), written to
# reference/golden/spatial_weights.json: spdep's knearneigh (k = 4, 6) and dnearneigh (distance bands
# 0-600 and 0-1000 km) on the 30 provincial capitals of data/reference/provinces.csv with
# longlat = TRUE, and the matching row-standardised inverse-distance weights (power 2, 1000 km cut-off)
# from spdep's nbdists / nb2listw(glist = 1/d^2).
# spdep measures great-circle distance on the WGS84 ellipsoid approximation of sp::spDists; ours is the
# haversine on a sphere of radius 6371.0088 km, so distances differ by up to ~0.5%: the script also
# writes each pair's spdep distance so the test can tell a boundary pair from a real difference.
# Run: Rscript reference/spatial_weights.R (from the repository root).
suppressPackageStartupMessages({
  library(spdep)
  library(jsonlite)
})

prov <- read.csv("data/reference/provinces.csv", stringsAsFactors = FALSE)
xy <- cbind(prov$lon, prov$lat)
ids <- prov$code
sets <- function(nb) lapply(seq_along(nb), function(i) if (nb[[i]][1] == 0) character(0) else ids[nb[[i]]])
band <- function(km) dnearneigh(xy, 0, km, longlat = TRUE)
b1000 <- band(1000)
lw <- nb2listw(b1000, glist = lapply(nbdists(b1000, xy, longlat = TRUE), function(d) 1 / d^2), style = "W",
               zero.policy = TRUE)
D <- sp::spDists(xy, longlat = TRUE)
out <- list(
  ids = ids,
  knn4 = sets(knn2nb(knearneigh(xy, k = 4, longlat = TRUE))),
  knn6 = sets(knn2nb(knearneigh(xy, k = 6, longlat = TRUE))),
  band600 = sets(band(600)),
  band1000 = sets(b1000),
  idw2_band1000 = unname(listw2mat(lw)),
  spdep_km = unname(D)
)
dir.create("reference/golden", showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(out, digits = I(17), pretty = TRUE), "reference/golden/spatial_weights.json")
cat("wrote reference/golden/spatial_weights.json\n")
