# Golden values for the linear econometrics core (econometrics/ols.ts, fe.ts, iv.ts, vif.ts,
# mediation.ts, moderation.ts), written to reference/golden/linear.json.
#
# Data: plm's Grunfeld (tests/fixtures/grunfeld.csv), an unbalanced subset of it, and a deterministic
# 30-province x 11-year panel (tests/fixtures/provinces30.csv) generated below with a fixed seed.
#
# Stata-convention numbers (the default) are computed from the formulas of Stata's xtreg, fe
# (regression of ytilde + ybar on xtilde + xbar and a constant) and cross-checked in this script against
# lm with dummies + sandwich and against plm; plm-convention numbers come from plm itself.
#
# Run: Rscript reference/linear.R   (from the repository root; npm run reference runs every script)
suppressPackageStartupMessages({
  library(plm)
  library(sandwich)
  library(lmtest)
  library(AER)
  library(jsonlite)
})

fixtures <- "tests/fixtures"
dir.create(fixtures, showWarnings = FALSE, recursive = TRUE)
dir.create("reference/golden", showWarnings = FALSE, recursive = TRUE)

# ---------------------------------------------------------------- data
data("Grunfeld", package = "plm")
grunfeld <- Grunfeld
write.csv(grunfeld, file.path(fixtures, "grunfeld.csv"), row.names = FALSE)

set.seed(20240607)
drop <- sort(sample(nrow(grunfeld), 23))
grunfeld_u <- grunfeld[-drop, ]
write.csv(grunfeld_u, file.path(fixtures, "grunfeld_unbalanced.csv"), row.names = FALSE)

prov <- read.csv("data/reference/provinces.csv", stringsAsFactors = FALSE)
set.seed(20111231)
years <- 2011:2021
d <- expand.grid(year = years, province = prov$code, stringsAsFactors = FALSE)[, c("province", "year")]
d$region <- prov$region[match(d$province, prov$code)]
np <- nrow(prov)
u_i <- rnorm(np, 0, 0.4)[match(d$province, prov$code)]
v_i <- rnorm(np, 0, 0.3)[match(d$province, prov$code)]
trend <- d$year - 2011
n <- nrow(d)
d$AIT <- log1p(rpois(n, exp(3 + 0.15 * trend + v_i * 2)))
d$AIT1 <- log1p(rpois(n, exp(2 + 0.12 * trend + v_i)))
d$ED <- 10.2 + 0.06 * trend + v_i + rnorm(n, 0, 0.1)
d$ER <- abs(rnorm(n, 0.004, 0.002))
d$ECS <- pmin(0.95, pmax(0.05, 0.6 - 0.01 * trend + rnorm(n, 0, 0.08)))
d$WF <- 7.5 + u_i + rnorm(n, 0, 0.05)
d$OPEN <- abs(0.3 + 0.5 * v_i + rnorm(n, 0, 0.08))
d$IS <- 1 + 0.05 * trend + rnorm(n, 0, 0.2)
d$MAR <- 6 + 0.2 * trend + 2 * v_i + rnorm(n, 0, 0.5)
d$FRD <- abs(rnorm(n, 0.3, 0.1))
d$ROBOT <- 0.5 * d$AIT + rnorm(n, 0, 0.5)
d$EE <- 1 + 0.08 * d$AIT + 0.3 * d$ED - 0.5 * d$ECS + 0.5 * u_i + 0.02 * d$AIT * (d$IS - 1) + rnorm(n, 0, 0.15)
d$CI <- 5 - 0.09 * d$AIT - 0.65 * d$EE - 0.2 * d$ED + 1.5 * d$ECS + u_i + rnorm(n, 0, 0.2)
d$CI[c(17, 140)] <- NA # listwise deletion must drop these rows
d <- d[order(d$province, d$year), ]
rownames(d) <- NULL
write.csv(d, file.path(fixtures, "provinces30.csv"), row.names = FALSE, na = "")

datasets <- list(
  grunfeld = list(df = grunfeld, id = "firm", tm = "year"),
  grunfeld_unbalanced = list(df = grunfeld_u, id = "firm", tm = "year"),
  provinces30 = list(df = d, id = "province", tm = "year")
)

# ---------------------------------------------------------------- helpers
rows_of <- function(b, V, dft) {
  se <- sqrt(diag(V))
  t <- b / se
  p <- 2 * pt(-abs(t), dft)
  lapply(seq_along(b), function(j) {
    list(term = names(b)[j], estimate = unname(b[j]), std_error = unname(se[j]), statistic = unname(t[j]),
         p_value = unname(p[j]))
  })
}
wald_f <- function(b, V, idx, G = Inf) {
  # A clustered V has rank at most G - 1: more restrictions than that cannot be tested (Stata: missing).
  if (length(idx) > G - 1) return(NA_real_)
  bb <- b[idx]
  drop(t(bb) %*% solve(V[idx, idx, drop = FALSE], bb)) / length(idx)
}
check <- function(a, b, what) {
  ok <- isTRUE(all.equal(unname(a), unname(b), tolerance = 1e-8))
  if (!ok) stop(sprintf("cross-check failed: %s (%s vs %s)", what, paste(a, collapse = ","), paste(b, collapse = ",")))
}
# Stata-style sandwich pieces on a design Z with residuals e and bread B.
vcov_by <- function(vce, Z, e, B, dfr, K_cluster, cl) {
  N <- nrow(Z)
  switch(vce,
    conventional = sum(e^2) / dfr * B,
    robust = N / dfr * B %*% crossprod(Z * e) %*% B,
    cluster = {
      G <- nlevels(cl)
      U <- rowsum(Z * e, cl)
      G / (G - 1) * (N - 1) / (N - K_cluster) * B %*% crossprod(U) %*% B
    }
  )
}

complete <- function(df, vars) df[complete.cases(df[, vars, drop = FALSE]), , drop = FALSE]

lag_by <- function(df, id, tm, v, k = 1) {
  key <- paste(df[[id]], df[[tm]])
  src <- match(paste(df[[id]], df[[tm]] - k), key)
  df[[v]][src]
}

# ---------------------------------------------------------------- pooled OLS
ols_case <- function(ds, y, xs, vce, convention = "stata") {
  df <- complete(ds$df, c(y, xs))
  f <- reformulate(xs, y)
  m <- lm(f, df)
  b <- coef(m)
  b <- c(b[-1], `_cons` = b[[1]])
  perm <- c(2:length(b), 1)
  N <- nrow(df)
  dfr <- m$df.residual
  cl <- factor(df[[ds$id]])
  V <- switch(vce,
    conventional = vcov(m),
    robust = vcovHC(m, type = "HC1"),
    cluster = vcovCL(m, cluster = cl, type = "HC1")
  )[perm, perm]
  G <- nlevels(cl)
  dft <- if (vce == "cluster" && convention == "stata") G - 1 else dfr
  if (convention == "plm") {
    pm <- plm(f, data = pdata.frame(df, index = c(ds$id, ds$tm)), model = "pooling")
    Vp <- switch(vce, conventional = vcov(pm), robust = vcovHC(pm, method = "white1", type = "HC1"),
                 cluster = vcovHC(pm, method = "arellano", type = "sss"))
    check(diag(Vp)[perm], diag(V), "pooled plm vcov")
  }
  ssr <- sum(resid(m)^2)
  r2 <- summary(m)$r.squared
  k <- length(xs)
  fst <- wald_f(b, V, seq_len(k))
  fdf2 <- if (vce == "cluster") G - 1 else dfr
  stats <- list(nobs = N, df_model = k, df_resid = dfr, t_df = dft, r2 = r2, r2_adj = summary(m)$adj.r.squared,
                f_stat = fst, f_df1 = k, f_df2 = fdf2, f_p = pf(fst, k, fdf2, lower.tail = FALSE),
                rmse = sqrt(ssr / dfr), ssr = ssr)
  list(coefficients = rows_of(b, V, dft), statistics = stats, nobs = N, ngroups = G)
}

# ---------------------------------------------------------------- FE, Stata convention
fe_stata <- function(ds, y, xs, vce, effects = "entity", cluster = NULL) {
  df <- complete(ds$df, c(y, xs))
  X <- as.matrix(df[, xs, drop = FALSE])
  if (effects == "twoways") {
    D <- model.matrix(~ factor(df[[ds$tm]]))[, -1, drop = FALSE]
    colnames(D) <- paste0(ds$tm, "_", levels(factor(df[[ds$tm]]))[-1])
    X <- cbind(X, D)
  }
  g <- factor(if (effects == "time") df[[ds$tm]] else df[[ds$id]])
  dm <- function(v) v - ave(v, g)
  yv <- df[[y]]
  Z <- cbind(apply(X, 2, function(v) dm(v) + mean(v)), `_cons` = 1)
  ys <- dm(yv) + mean(yv)
  q <- qr(Z)
  b <- qr.coef(q, ys)
  names(b) <- colnames(Z)
  e <- drop(ys - Z %*% b)
  N <- nrow(Z); G <- nlevels(g); K <- ncol(X)
  dfr <- N - G - K
  B <- chol2inv(qr.R(q))
  cl <- factor(df[[if (is.null(cluster)) ds$id else cluster]])
  # Absorbed effects not nested in the clusters count in K (as areg does): time effects with entity
  # clusters, entity effects with clusters by another variable.
  nested <- all(tapply(as.integer(cl), g, function(v) length(unique(v))) == 1)
  V <- vcov_by(vce, Z, e, B, dfr, ncol(Z) + if (nested) 0 else G - 1, cl)
  dimnames(V) <- list(names(b), names(b))
  dft <- if (vce == "cluster") nlevels(cl) - 1 else dfr

  # Cross-checks of the slopes against lm with dummies (+ sandwich) and plm.
  fl <- if (effects == "twoways") {
    as.formula(paste(y, "~", paste(xs, collapse = "+"), "+ factor(", ds$id, ") + factor(", ds$tm, ")"))
  } else {
    as.formula(paste(y, "~", paste(xs, collapse = "+"), "+ factor(", if (effects == "time") ds$tm else ds$id, ")"))
  }
  ml <- lm(fl, df)
  check(coef(ml)[xs], b[xs], "FE slopes vs lm dummies")
  if (vce == "conventional") check(diag(vcov(ml))[xs], diag(V)[xs], "FE conventional vs lm")
  if (vce == "robust") check(diag(vcovHC(ml, type = "HC1"))[xs], diag(V)[xs], "FE HC1 vs lm dummies")
  if (vce == "cluster" && effects != "time" && is.null(cluster)) {
    pf_ <- plm(reformulate(xs, y), data = pdata.frame(df, index = c(ds$id, ds$tm)), model = "within",
               effect = if (effects == "twoways") "twoways" else "individual")
    Vp <- vcovHC(pf_, method = "arellano", type = "sss")
    check(diag(Vp) * (N - length(xs)) / (N - ncol(Z)), diag(V)[xs], "FE cluster vs plm sss rescaled")
  }

  xb <- drop(X %*% b[colnames(X)])
  ssr <- sum(e^2)
  nc <- setdiff(seq_along(b), length(b))
  fst <- wald_f(b, V, nc, if (vce == "cluster") nlevels(cl) else Inf)
  fdf2 <- if (vce == "cluster") nlevels(cl) - 1 else dfr
  pooled <- lm(yv ~ X)
  ssrp <- sum(resid(pooled)^2)
  fu_df1 <- pooled$df.residual - dfr
  fu <- ((ssrp - ssr) / fu_df1) / (ssr / dfr)
  stats <- list(nobs = N, ngroups = G, df_model = K, df_resid = dfr, t_df = dft,
                r2_within = 1 - ssr / sum(dm(yv)^2),
                r2_between = cor(tapply(yv, g, mean), tapply(xb, g, mean))^2,
                r2_overall = cor(yv, xb)^2, sigma_e = sqrt(ssr / dfr), ssr = ssr,
                f_stat = fst, f_df1 = length(nc), f_df2 = fdf2, f_p = pf(fst, length(nc), fdf2, lower.tail = FALSE),
                f_u = fu, f_u_df1 = fu_df1, f_u_df2 = dfr, f_u_p = pf(fu, fu_df1, dfr, lower.tail = FALSE))
  if (vce == "cluster") stats$n_clusters <- nlevels(cl)
  keep <- c(xs, "_cons")
  list(coefficients = rows_of(b[keep], V[keep, keep], dft), statistics = stats, nobs = N, ngroups = G,
       b = b, V = V, dft = dft)
}

# ---------------------------------------------------------------- FE, plm convention
fe_plm <- function(ds, y, xs, vce, effects = "entity") {
  df <- complete(ds$df, c(y, xs))
  pd <- pdata.frame(df, index = c(ds$id, ds$tm))
  eff <- switch(effects, entity = "individual", time = "time", twoways = "twoways")
  m <- plm(reformulate(xs, y), data = pd, model = "within", effect = eff)
  V <- switch(vce, conventional = vcov(m), robust = vcovHC(m, method = "white1", type = "HC1"),
              cluster = vcovHC(m, method = "arellano", type = "sss"))
  ct <- coeftest(m, vcov. = V)
  b <- coef(m)
  dfr <- df.residual(m)
  wt <- if (vce == "conventional") pwaldtest(m, test = "F") else pwaldtest(m, test = "F", vcov = V)
  pool <- plm(reformulate(xs, y), data = pd, model = "pooling")
  ft <- pFtest(m, pool)
  stats <- list(nobs = nrow(df), df_resid = dfr, t_df = dfr, r2_within = unname(r.squared(m)),
                ssr = sum(resid(m)^2), f_stat = unname(wt$statistic), f_df1 = unname(wt$parameter[1]),
                f_df2 = unname(wt$parameter[2]), f_p = unname(wt$p.value),
                f_u = unname(ft$statistic), f_u_df1 = unname(ft$parameter[1]), f_u_df2 = unname(ft$parameter[2]),
                f_u_p = unname(ft$p.value))
  rows <- lapply(seq_along(b), function(j) list(term = names(b)[j], estimate = unname(ct[j, 1]),
                 std_error = unname(ct[j, 2]), statistic = unname(ct[j, 3]), p_value = unname(ct[j, 4])))
  list(coefficients = rows, statistics = stats, nobs = nrow(df), ngroups = pdim(m)$nT$n)
}

cases <- list()
add <- function(name, data, spec, res) {
  res$b <- NULL; res$V <- NULL; res$dft <- NULL
  res$statistics <- res$statistics[!sapply(res$statistics, is.na)]
  cases[[length(cases) + 1]] <<- c(list(name = name, data = data, spec = spec), res)
}
spec_of <- function(estimator, y, x, ...) c(list(estimator = estimator, y = y, x = I(x)), list(...))

# Grunfeld: pooled OLS, entity FE, two-way FE under all three vce, both conventions.
for (vce in c("conventional", "robust", "cluster")) {
  for (conv in c("stata", "plm")) {
    add(sprintf("grunfeld ols %s %s", vce, conv), "grunfeld",
        spec_of("ols", "inv", c("value", "capital"), vce = vce, convention = conv),
        ols_case(datasets$grunfeld, "inv", c("value", "capital"), vce, conv))
  }
  for (eff in c("entity", "twoways", "time")) {
    add(sprintf("grunfeld fe %s %s stata", eff, vce), "grunfeld",
        spec_of("fe", "inv", c("value", "capital"), effects = eff, vce = vce),
        fe_stata(datasets$grunfeld, "inv", c("value", "capital"), vce, eff))
    add(sprintf("grunfeld fe %s %s plm", eff, vce), "grunfeld",
        spec_of("fe", "inv", c("value", "capital"), effects = eff, vce = vce, convention = "plm"),
        fe_plm(datasets$grunfeld, "inv", c("value", "capital"), vce, eff))
  }
  # Unbalanced panel.
  for (eff in c("entity", "twoways")) {
    add(sprintf("grunfeld unbalanced fe %s %s stata", eff, vce), "grunfeld_unbalanced",
        spec_of("fe", "inv", c("value", "capital"), effects = eff, vce = vce),
        fe_stata(datasets$grunfeld_unbalanced, "inv", c("value", "capital"), vce, eff))
    add(sprintf("grunfeld unbalanced fe %s %s plm", eff, vce), "grunfeld_unbalanced",
        spec_of("fe", "inv", c("value", "capital"), effects = eff, vce = vce, convention = "plm"),
        fe_plm(datasets$grunfeld_unbalanced, "inv", c("value", "capital"), vce, eff))
  }
}

# Province panel: baseline FE with controls (listwise deletion of the two missing CI cells), by region.
C <- c("ED", "ER", "ECS", "WF", "OPEN")
pv <- datasets$provinces30
for (vce in c("conventional", "cluster")) {
  add(sprintf("provinces fe AIT+C %s", vce), "provinces30", spec_of("fe", "CI", c("AIT", C), vce = vce),
      fe_stata(pv, "CI", c("AIT", C), vce))
}
add("provinces fe clustered by year", "provinces30",
    spec_of("fe", "CI", c("AIT", C), vce = "cluster", cluster = "year"),
    fe_stata(pv, "CI", c("AIT", C), "cluster", cluster = "year"))
add("provinces fe clustered by region (text column)", "provinces30",
    spec_of("fe", "CI", c("AIT", C), vce = "cluster", cluster = "region"),
    fe_stata(pv, "CI", c("AIT", C), "cluster", cluster = "region"))
east <- list(df = pv$df[pv$df$region == "East", ], id = "province", tm = "year")
add("provinces fe East cluster", "provinces30",
    spec_of("fe", "CI", c("AIT", C), vce = "cluster", subset = list(by = "region", values = I("East"))),
    fe_stata(east, "CI", c("AIT", C), "cluster"))

# Winsorized FE: CI at 5/95 with Stata's percentile definition (R quantile type 2), whole sample and by year.
winsor <- function(v, lo, hi, type = 2) {
  q <- quantile(v, c(lo, hi) / 100, type = type, na.rm = TRUE)
  pmin(pmax(v, q[1]), q[2])
}
w <- pv
w$df$CI <- winsor(w$df$CI, 5, 95)
add("provinces fe winsorized CI 5/95", "provinces30",
    spec_of("fe", "CI", c("AIT", C), vce = "cluster", winsorize = list(lower = 5, upper = 95)),
    fe_stata(w, "CI", c("AIT", C), "cluster"))
w2 <- pv
w2$df$CI <- ave(w2$df$CI, w2$df$year, FUN = function(v) winsor(v, 1, 99))
add("provinces fe winsorized CI 1/99 by year", "provinces30",
    spec_of("fe", "CI", c("AIT", C), vce = "conventional", winsorize = list(lower = 1, upper = 99, by = "year")),
    fe_stata(w2, "CI", c("AIT", C), "conventional"))
w3 <- pv
w3$df$CI <- winsor(w3$df$CI, 5, 95, type = 7)
add("provinces fe winsorized CI 5/95 type7", "provinces30",
    spec_of("fe", "CI", c("AIT", C), winsorize = list(lower = 5, upper = 95, definition = "type7")),
    fe_stata(w3, "CI", c("AIT", C), "conventional"))

# ---------------------------------------------------------------- FE-2SLS, AIT instrumented by L.AIT
iv_case <- function(ds, y, exo, endo, inst, vce, convention = "stata", twoways = FALSE) {
  df <- ds$df
  for (z in grep("^L\\.", inst, value = TRUE)) df[[z]] <- lag_by(df, ds$id, ds$tm, sub("^L\\.", "", z), 1)
  df <- complete(df, c(y, exo, endo, inst))
  reported <- c(endo, exo)
  if (twoways) {
    D <- model.matrix(~ factor(df[[ds$tm]]))[, -1, drop = FALSE]
    colnames(D) <- paste0(ds$tm, "_", levels(factor(df[[ds$tm]]))[-1])
    df <- cbind(df, D)
    exo <- c(exo, colnames(D))
  }
  pd <- pdata.frame(df, index = c(ds$id, ds$tm))
  xs <- c(endo, exo)
  f <- as.formula(paste(y, "~", paste(xs, collapse = "+"), "|", paste(c(inst, exo), collapse = "+")))
  m <- plm(f, data = pd, model = "within")
  g <- factor(df[[ds$id]])
  dm <- function(v) v - ave(v, g)
  N <- nrow(df); G <- nlevels(g); K <- length(xs)
  dfr <- N - G - K
  Xa <- cbind(apply(as.matrix(df[, xs, drop = FALSE]), 2, function(v) dm(v) + mean(v)), `_cons` = 1)
  Wa <- cbind(apply(as.matrix(df[, c(inst, exo), drop = FALSE]), 2, function(v) dm(v) + mean(v)), `_cons` = 1)
  ya <- dm(df[[y]]) + mean(df[[y]])
  Xhat <- qr.fitted(qr(Wa), Xa)
  q <- qr(Xhat)
  b <- qr.coef(q, ya)
  names(b) <- colnames(Xa)
  if (!twoways) check(coef(m)[xs], b[xs], "IV slopes vs plm")
  e <- drop(ya - Xa %*% b)
  B <- chol2inv(qr.R(q))
  cl <- factor(df[[ds$id]])
  if (convention == "stata") {
    V <- vcov_by(vce, Xhat, e, B, dfr, ncol(Xa), cl)
    dimnames(V) <- list(names(b), names(b))
    dft <- if (vce == "cluster") nlevels(cl) - 1 else dfr
  } else {
    V <- switch(vce, conventional = vcov(m), robust = vcovHC(m, method = "white1", type = "HC1"),
                cluster = vcovHC(m, method = "arellano", type = "sss"))
    dft <- dfr
  }
  if (vce == "conventional" && !twoways) check(diag(vcov(m)), diag(V)[xs], "IV conventional vs plm")
  keep <- if (convention == "stata") c(reported, "_cons") else reported
  # First stage: endogenous regressor on instruments and exogenous regressors, entity FE; F of the
  # excluded instruments (with the same vce) and partial R2.
  fs <- fe_stata(list(df = df, id = ds$id, tm = ds$tm), endo, c(inst, exo), vce)
  fF <- wald_f(fs$b, fs$V, match(inst, names(fs$b)))
  # Partial R2 of the excluded instruments: both sides residualised on the (demeaned) exogenous regressors.
  xe <- dm(df[[endo]])
  zi <- sapply(inst, function(v) dm(df[[v]]))
  if (length(exo)) {
    W <- sapply(exo, function(v) dm(df[[v]]))
    xe <- resid(lm(xe ~ W - 1))
    zi <- resid(lm(zi ~ W - 1))
  }
  pr2 <- sum(fitted(lm(xe ~ zi - 1))^2) / sum(xe^2)
  fdf2 <- if (vce == "cluster") nlevels(cl) - 1 else N - G - length(c(inst, exo))
  ssr <- sum(e^2)
  stats <- list(nobs = N, ngroups = G, df_resid = dfr, t_df = dft, sigma_e = sqrt(ssr / dfr), ssr = ssr)
  if (convention == "stata") {
    stats[[paste0("first_stage_f:", endo)]] <- fF
    stats[[paste0("first_stage_f_df2:", endo)]] <- fdf2
    stats[[paste0("first_stage_f_p:", endo)]] <- pf(fF, length(inst), fdf2, lower.tail = FALSE)
  }
  stats[[paste0("partial_r2:", endo)]] <- pr2
  list(coefficients = rows_of(b[keep], V[keep, keep], dft), statistics = stats, nobs = N, ngroups = G)
}
for (vce in c("conventional", "robust", "cluster")) {
  add(sprintf("provinces iv AIT=L.AIT %s", vce), "provinces30",
      spec_of("iv", "CI", c("AIT", C), endogenous = I("AIT"), instruments = I("L.AIT"), vce = vce),
      iv_case(pv, "CI", C, "AIT", "L.AIT", vce))
  add(sprintf("provinces iv AIT=L.AIT %s plm", vce), "provinces30",
      spec_of("iv", "CI", c("AIT", C), endogenous = I("AIT"), instruments = I("L.AIT"), vce = vce, convention = "plm"),
      iv_case(pv, "CI", C, "AIT", "L.AIT", vce, "plm"))
}
add("grunfeld unbalanced iv value=L.value cluster", "grunfeld_unbalanced",
    spec_of("iv", "inv", c("value", "capital"), endogenous = I("value"), instruments = I("L.value"), vce = "cluster"),
    iv_case(datasets$grunfeld_unbalanced, "inv", "capital", "value", "L.value", "cluster"))
add("grunfeld unbalanced iv value=L.value conventional plm", "grunfeld_unbalanced",
    spec_of("iv", "inv", c("value", "capital"), endogenous = I("value"), instruments = I("L.value"), convention = "plm"),
    iv_case(datasets$grunfeld_unbalanced, "inv", "capital", "value", "L.value", "conventional", "plm"))
add("provinces iv twoways robust", "provinces30",
    spec_of("iv", "CI", c("AIT", C), endogenous = I("AIT"), instruments = I("L.AIT"), vce = "robust", effects = "twoways"),
    iv_case(pv, "CI", C, "AIT", "L.AIT", "robust", twoways = TRUE))
add("provinces iv no controls", "provinces30",
    spec_of("iv", "CI", c("AIT"), endogenous = I("AIT"), instruments = I("L.AIT"), vce = "cluster"),
    iv_case(pv, "CI", character(0), "AIT", "L.AIT", "cluster"))

# ---------------------------------------------------------------- VIF
vdf <- complete(pv$df, c("CI", "AIT", C))
vm <- lm(reformulate(c("AIT", C), "CI"), vdf)
vifs <- car::vif(vm)
cases[[length(cases) + 1]] <- list(
  name = "provinces vif", data = "provinces30", spec = spec_of("vif", "CI", c("AIT", C)), nobs = nrow(vdf),
  coefficients = list(),
  statistics = c(as.list(setNames(vifs, paste0("vif:", names(vifs)))), list(mean_vif = mean(vifs)))
)

# ---------------------------------------------------------------- mediation (deterministic parts)
med <- function(vce) {
  tot <- fe_stata(pv, "CI", c("AIT", C), vce)
  pa <- fe_stata(list(df = complete(pv$df, c("CI", "EE", "AIT", C)), id = "province", tm = "year"), "EE", c("AIT", C), vce)
  pb <- fe_stata(pv, "CI", c("AIT", "EE", C), vce)
  cc <- tot$b[["AIT"]]; a <- pa$b[["AIT"]]; bb <- pb$b[["EE"]]; cp <- pb$b[["AIT"]]
  sa <- sqrt(pa$V["AIT", "AIT"]); sb <- sqrt(pb$V["EE", "EE"])
  z <- a * bb / sqrt(bb^2 * sa^2 + a^2 * sb^2)
  list(nobs = tot$nobs, coefficients = list(),
       statistics = list(c = cc, c_se = sqrt(tot$V["AIT", "AIT"]), a = a, a_se = sa, b = bb, b_se = sb,
                         c_prime = cp, c_prime_se = sqrt(pb$V["AIT", "AIT"]), indirect = a * bb,
                         share = a * bb / cc, sobel_z = z, sobel_p = 2 * pnorm(-abs(z))))
}
for (vce in c("conventional", "cluster")) {
  r <- med(vce)
  cases[[length(cases) + 1]] <- c(list(name = sprintf("provinces mediation %s", vce), data = "provinces30",
    spec = spec_of("mediation", "CI", c("AIT", C), mediator = "EE", vce = vce, bootstrap = list(reps = 0))), r)
}

# Cluster bootstrap of a*b (resample provinces with replacement; duplicates become distinct entities),
# for the Monte-Carlo comparison: the TypeScript bootstrap uses its own RNG, so only the distribution
# (mean, sd, CI ends) is compared within Monte-Carlo error.
boot_ab <- function(reps, seed) {
  set.seed(seed)
  df <- complete(pv$df, c("CI", "EE", "AIT", C))
  ids <- unique(df$province)
  split_rows <- split(seq_len(nrow(df)), df$province)
  within_coef <- function(dd, y, xs, target) {
    g <- dd$.g
    dm <- function(v) v - ave(v, g)
    X <- sapply(xs, function(v) dm(dd[[v]]))
    qr.coef(qr(X), dm(dd[[y]]))[match(target, xs)]
  }
  out <- numeric(reps)
  for (r in seq_len(reps)) {
    pick <- sample(ids, length(ids), replace = TRUE)
    rows <- unlist(lapply(seq_along(pick), function(j) split_rows[[pick[j]]]))
    dd <- df[rows, ]
    dd$.g <- rep(seq_along(pick), times = sapply(pick, function(p) length(split_rows[[p]])))
    a <- within_coef(dd, "EE", c("AIT", C), "AIT")
    b <- within_coef(dd, "CI", c("AIT", "EE", C), "EE")
    out[r] <- a * b
  }
  out
}
ab <- boot_ab(2000, 1)
cases[[length(cases) + 1]] <- list(
  name = "provinces mediation bootstrap (Monte-Carlo reference)", data = "provinces30",
  spec = spec_of("mediation", "CI", c("AIT", C), mediator = "EE", vce = "cluster", bootstrap = list(reps = 2000, seed = 7)),
  nobs = NA, coefficients = list(), montecarlo = TRUE,
  statistics = list(boot_mean = mean(ab), boot_sd = sd(ab), boot_ci_lower = unname(quantile(ab, 0.025)),
                    boot_ci_upper = unname(quantile(ab, 0.975)), reps = 2000)
)

# ---------------------------------------------------------------- moderation: EE ~ AIT + IS + AIT x IS (+ C)
mod_case <- function(M, withC, vce) {
  df <- complete(pv$df, c("EE", "AIT", M, C))
  xc <- df$AIT - mean(df$AIT)
  mc <- df[[M]] - mean(df[[M]])
  df$.x <- xc; df$.m <- mc; df$.xm <- xc * mc
  xs <- c(".x", ".m", ".xm", if (withC) C)
  r <- fe_stata(list(df = df, id = "province", tm = "year"), "EE", xs, vce)
  nm <- c(".x" = "AIT", ".m" = M, ".xm" = paste0("AIT:", M))
  for (j in seq_along(r$coefficients)) {
    t <- r$coefficients[[j]]$term
    if (t %in% names(nm)) r$coefficients[[j]]$term <- nm[[t]]
  }
  qs <- c(10, 25, 50, 75, 90)
  mq <- quantile(df[[M]], qs / 100, type = 2) - mean(df[[M]])
  for (k in seq_along(qs)) {
    me <- r$b[[".x"]] + r$b[[".xm"]] * mq[[k]]
    se <- sqrt(r$V[".x", ".x"] + mq[[k]]^2 * r$V[".xm", ".xm"] + 2 * mq[[k]] * r$V[".x", ".xm"])
    r$statistics[[sprintf("me_p%d", qs[k])]] <- me
    r$statistics[[sprintf("me_p%d_se", qs[k])]] <- se
    r$statistics[[sprintf("me_p%d_p", qs[k])]] <- 2 * pt(-abs(me / se), r$dft)
    r$statistics[[sprintf("moderator_p%d", qs[k])]] <- mq[[k]] + mean(df[[M]])
  }
  r
}
for (M in c("IS", "MAR", "FRD")) {
  for (withC in c(FALSE, TRUE)) {
    add(sprintf("provinces moderation %s %s", M, if (withC) "with C" else "no C"), "provinces30",
        spec_of("moderation", "EE", c("AIT", if (withC) C), moderator = M, vce = "cluster"),
        mod_case(M, withC, "cluster"))
  }
}

golden <- list(
  generated_by = "reference/linear.R",
  r_version = R.version.string,
  packages = list(plm = as.character(packageVersion("plm")), sandwich = as.character(packageVersion("sandwich")),
                  AER = as.character(packageVersion("AER")), car = as.character(packageVersion("car"))),
  cases = cases
)
write_json(golden, "reference/golden/linear.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
cat(sprintf("wrote reference/golden/linear.json (%d cases)\n", length(cases)))
