# Golden values for small-cluster and IV inference (econometrics/inference/), written to
# reference/golden/inference.json.
#
#   CR2 + Satterthwaite df   clubSandwich coef_test(vcov = "CR2", test = "Satterthwaite") on plm within,
#                            lm and AER ivreg fits; the Stata-convention rows (with _cons) from the
#                            explicit formula on the same working design, cross-checked on the slopes
#   cluster jackknife        CRV3 = (G-1)/G * CR3: clubSandwich CR3 where the clusters nest the fixed
#                            effects, and leave-one-cluster-out refits everywhere
#   Driscoll-Kraay           plm vcovSCC (HC0, Bartlett, default maxlag floor(max T_i^(1/4)))
#   two-way clustering       plm vcovDC(type = "sss"); the Stata convention by the explicit formula
#   wild cluster bootstrap   explicit WCR code that refits every bootstrap sample (QR of the design on
#                            all draws at once): full enumeration of the 2^G Rademacher vectors for 8 and
#                            11 clusters (deterministic), and a saved matrix of Webb draws for 30 clusters
#                            (exact), plus R's own 9,999 Webb draws for the Monte-Carlo comparison
#   cluster diagnostics      leverage, partial leverage, leave-one-cluster-out estimates by refitting,
#                            Carter-Schnepel-Steigerwald effective number of clusters
#   FE-2SLS diagnostics      explicit matrix code following ivreg2's formulas (xtivreg2, fe: the fixed
#                            effects partialled out, dofminus = number of groups), cross-checked with
#                            AER (weak-instrument F = Cragg-Donald F for one endogenous regressor, Sargan)
#                            and sandwich (KP rk Wald = cluster/robust first-stage Wald; AR = reduced-form
#                            Wald); the AR confidence set also by root-finding
#
# Data: the fixtures of reference/linear.R (tests/fixtures/grunfeld*.csv, provinces30.csv).
# Run: Rscript reference/inference.R   (from the repository root; npm run reference runs every script)
suppressPackageStartupMessages({
  library(plm)
  library(sandwich)
  library(lmtest)
  library(AER)
  library(clubSandwich)
  library(jsonlite)
})

fixture <- function(name) read.csv(file.path("tests/fixtures", paste0(name, ".csv")), stringsAsFactors = FALSE)
datasets <- list(
  grunfeld = list(df = fixture("grunfeld"), id = "firm", tm = "year"),
  grunfeld_unbalanced = list(df = fixture("grunfeld_unbalanced"), id = "firm", tm = "year"),
  provinces30 = list(df = fixture("provinces30"), id = "province", tm = "year")
)
C <- c("ED", "ER", "ECS", "WF", "OPEN")

check <- function(a, b, what, tol = 1e-8) {
  ok <- isTRUE(all.equal(unname(as.numeric(a)), unname(as.numeric(b)), tolerance = tol))
  if (!ok) stop(sprintf("cross-check failed: %s (%s vs %s)", what, paste(a, collapse = ","), paste(b, collapse = ",")))
}
complete <- function(df, vars) df[complete.cases(df[, vars, drop = FALSE]), , drop = FALSE]
lag_by <- function(df, id, tm, v, k = 1) {
  key <- paste(df[[id]], df[[tm]])
  df[[v]][match(paste(df[[id]], df[[tm]] - k), key)]
}
with_lags <- function(df, id, tm, terms) {
  for (z in grep("^L[0-9]*\\.", terms, value = TRUE)) {
    k <- suppressWarnings(as.integer(sub("^L([0-9]*)\\..*", "\\1", z)))
    df[[z]] <- lag_by(df, id, tm, sub("^L[0-9]*\\.", "", z), if (is.na(k)) 1 else k)
  }
  df
}
subset_ds <- function(ds, region) list(df = ds$df[ds$df$region %in% region, ], id = ds$id, tm = ds$tm)
codes <- function(v) factor(v, levels = unique(v))

# ---------------------------------------------------------------- designs
# The estimator's design Z (coefficients in TypeScript's order: x..., time dummies, _cons), y as
# regressed on it, residuals, bread B = (Z'Z)^-1, and the working design: Xw = Z demeaned by the
# absorbed groups without the constant, M = (Xw'Xw)^-1, the absorbed groups.
finish <- function(Z, ys, absorbed, report, extra = list()) {
  q <- qr(Z)
  b <- qr.coef(q, ys)
  names(b) <- colnames(Z)
  e <- drop(ys - Z %*% b)
  if (is.null(absorbed)) {
    Xw <- Z
  } else {
    dm <- apply(Z, 2, function(v) v - ave(v, absorbed))
    Xw <- dm[, apply(dm, 2, function(v) sum(v^2) > 1e-20 * length(v)), drop = FALSE]
  }
  c(list(Z = Z, ys = ys, b = b, e = e, B = chol2inv(qr.R(q)), Xw = Xw, M = solve(crossprod(Xw)),
         absorbed = absorbed, report = report, N = nrow(Z)), extra)
}
design_ols <- function(df, y, xs) {
  Z <- cbind(as.matrix(df[, xs, drop = FALSE]), `_cons` = 1)
  finish(Z, df[[y]], NULL, colnames(Z))
}
design_fe <- function(ds, df, y, xs, effects = "entity", convention = "stata") {
  X <- as.matrix(df[, xs, drop = FALSE])
  dummies <- character(0)
  if (effects == "twoways") {
    D <- model.matrix(~ factor(df[[ds$tm]]))[, -1, drop = FALSE]
    colnames(D) <- paste0(ds$tm, "_", levels(factor(df[[ds$tm]]))[-1])
    X <- cbind(X, D)
    dummies <- colnames(D)
  }
  g <- codes(if (effects == "time") df[[ds$tm]] else df[[ds$id]])
  dm <- function(v) v - ave(v, g)
  if (convention == "stata") {
    Z <- cbind(apply(X, 2, function(v) dm(v) + mean(v)), `_cons` = 1)
    ys <- dm(df[[y]]) + mean(df[[y]])
  } else {
    Z <- apply(X, 2, dm)
    ys <- dm(df[[y]])
  }
  finish(Z, ys, g, setdiff(colnames(Z), dummies), list(G_abs = nlevels(g), K = ncol(X)))
}
# FE-2SLS (Stata convention): design X-hat = P_W X on the within+mean columns; residuals use X.
design_iv <- function(ds, df, y, exo, endo, inst) {
  g <- codes(df[[ds$id]])
  dm <- function(v) v - ave(v, g)
  wm <- function(cols) cbind(apply(as.matrix(df[, cols, drop = FALSE]), 2, function(v) dm(v) + mean(v)), `_cons` = 1)
  Xa <- wm(c(endo, exo))
  Wa <- wm(c(inst, exo))
  ya <- dm(df[[y]]) + mean(df[[y]])
  Xhat <- qr.fitted(qr(Wa), Xa)
  colnames(Xhat) <- colnames(Xa)
  d <- finish(Xhat, ya, g, colnames(Xhat), list(G_abs = nlevels(g), K = length(c(endo, exo))))
  d$e <- drop(ya - Xa %*% d$b) # 2SLS residuals use the actual regressors
  d
}

# ---------------------------------------------------------------- CR2, CR3 by the formulas
pinv_pow <- function(A, p) {
  A <- (A + t(A)) / 2
  eg <- eigen(A, symmetric = TRUE)
  v <- ifelse(eg$values > 1e-12, eg$values^p, 0)
  eg$vectors %*% (v * t(eg$vectors))
}
hat_block <- function(d, i) {
  Xj <- d$Xw[i, , drop = FALSE]
  H <- Xj %*% d$M %*% t(Xj)
  if (!is.null(d$absorbed)) {
    a <- as.integer(d$absorbed[i])
    Tg <- tabulate(as.integer(d$absorbed))[a]
    H <- H + outer(a, a, "==") / matrix(Tg, length(a), length(a))
  }
  H
}
cluster_scores <- function(d, cl, power) {
  idx <- split(seq_along(cl), cl)
  A <- lapply(idx, function(i) pinv_pow(diag(length(i)) - hat_block(d, i), power))
  U <- sapply(seq_along(idx), function(j) t(d$Z[idx[[j]], , drop = FALSE]) %*% A[[j]] %*% d$e[idx[[j]]])
  list(idx = idx, A = A, U = matrix(U, nrow = ncol(d$Z)))
}
satterthwaite <- function(d, s, k) {
  w <- drop(d$Z %*% d$B[, k])
  G <- length(s$idx)
  v <- lapply(seq_len(G), function(j) drop(s$A[[j]] %*% w[s$idx[[j]]]))
  E <- sapply(v, function(x) sum(x^2))
  P <- sapply(seq_len(G), function(j) t(d$Xw[s$idx[[j]], , drop = FALSE]) %*% v[[j]])
  P <- matrix(P, nrow = ncol(d$Xw))
  Cm <- t(P) %*% d$M %*% P
  if (!is.null(d$absorbed)) {
    S <- sapply(seq_len(G), function(j) tapply(v[[j]], factor(d$absorbed[s$idx[[j]]], levels = levels(d$absorbed)),
                                                 FUN = sum, default = 0))
    Tg <- tabulate(as.integer(d$absorbed))
    Cm <- Cm + t(S) %*% (S / Tg)
  }
  Pm <- diag(E) - Cm
  sum(diag(Pm))^2 / sum(Pm^2)
}
cr2 <- function(d, cl) {
  cl <- codes(cl)
  s <- cluster_scores(d, cl, -1 / 2)
  V <- d$B %*% tcrossprod(s$U) %*% d$B
  dimnames(V) <- list(colnames(d$Z), colnames(d$Z))
  k <- match(d$report, colnames(d$Z))
  df <- setNames(sapply(k, function(j) satterthwaite(d, s, j)), d$report)
  list(V = V, df = df, G = nlevels(cl))
}
cr3 <- function(d, cl) {
  cl <- codes(cl)
  G <- nlevels(cl)
  s <- cluster_scores(d, cl, -1)
  V <- (G - 1) / G * d$B %*% tcrossprod(s$U) %*% d$B
  dimnames(V) <- list(colnames(d$Z), colnames(d$Z))
  list(V = V, G = G, deltas = -d$B %*% s$U)
}
rows_df <- function(d, V, df, names = d$report) {
  lapply(names, function(t) {
    se <- sqrt(V[t, t])
    st <- d$b[[t]] / se
    dd <- if (length(df) > 1) df[[t]] else df
    r <- list(term = t, estimate = d$b[[t]], std_error = se, statistic = st, p_value = 2 * pt(-abs(st), dd))
    if (length(df) > 1) r$df <- dd
    r
  })
}
wald_f <- function(b, V, idx, df2) {
  if (length(idx) > df2) return(list())
  bb <- b[idx]
  f <- drop(t(bb) %*% solve(V[idx, idx, drop = FALSE], bb)) / length(idx)
  list(f_stat = f, f_df1 = length(idx), f_df2 = df2, f_p = pf(f, length(idx), df2, lower.tail = FALSE))
}
slopes_of <- function(d) setdiff(seq_along(d$b), match("_cons", names(d$b)))

cases <- list()
add <- function(name, data, spec, nobs, coefficients, statistics = list(), extra = list()) {
  statistics <- statistics[!sapply(statistics, function(v) length(v) == 0 || is.na(v))]
  cases[[length(cases) + 1]] <<- c(list(name = name, data = data, spec = spec, nobs = nobs,
                                        coefficients = coefficients, statistics = statistics), extra)
}
spec_of <- function(estimator, y, x, ...) c(list(estimator = estimator, y = y, x = I(x)), list(...))
region_spec <- function(r) list(by = "region", values = I(r))

# ---------------------------------------------------------------- CR2 / CR3 cases
cr_case <- function(name, data, spec, d, cl, check_fit = NULL, refit = NULL) {
  r2 <- cr2(d, cl)
  r3 <- cr3(d, cl)
  if (!is.null(check_fit)) {
    ct <- coef_test(check_fit$model, vcov = "CR2", cluster = check_fit$cluster, test = "Satterthwaite")
    nm <- check_fit$names
    check(ct$SE[match(nm, ct$Coef)], sqrt(diag(r2$V))[nm], paste(name, "CR2 SE vs clubSandwich"))
    check(ct$df_Satt[match(nm, ct$Coef)], r2$df[nm], paste(name, "Satterthwaite df vs clubSandwich"))
    if (isTRUE(check_fit$nested)) {
      v3 <- vcovCR(check_fit$model, cluster = check_fit$cluster, type = "CR3")
      G <- r3$G
      check(diag(as.matrix(v3))[match(nm, colnames(v3))] * (G - 1) / G, diag(r3$V)[nm],
            paste(name, "CRV3 vs clubSandwich CR3 (G-1)/G"))
    }
  }
  if (!is.null(refit)) {
    # Leave-one-cluster-out refits: the jackknife by brute force.
    cl <- codes(cl)
    bs <- sapply(levels(cl), function(g) refit(cl != g))
    G <- nlevels(cl)
    dev <- bs - d$b[rownames(bs)]
    check((G - 1) / G * rowSums(dev^2), diag(r3$V)[rownames(bs)], paste(name, "CRV3 vs refits"))
  }
  G <- r2$G
  nc <- slopes_of(d)
  iv <- identical(spec$estimator, "iv") # FE-2SLS reports no model F
  add(paste(name, "cr2"), data, c(spec, list(vce = "cr2")), d$N, rows_df(d, r2$V, r2$df),
      c(list(n_clusters = G), if (!iv) wald_f(d$b, r2$V, nc, G - 1)))
  add(paste(name, "cr3"), data, c(spec, list(vce = "cr3")), d$N, rows_df(d, r3$V, G - 1),
      c(list(n_clusters = G, t_df = G - 1), if (!iv) wald_f(d$b, r3$V, nc, G - 1)))
}
refit_within <- function(ds, df, y, xs, effects = "entity") {
  function(keep) {
    dd <- df[keep, ]
    pm <- plm(reformulate(xs, y), data = pdata.frame(dd, index = c(ds$id, ds$tm)), model = "within",
              effect = if (effects == "twoways") "twoways" else "individual")
    coef(pm)[xs]
  }
}

gr <- datasets$grunfeld
g1 <- gr$df
pd_g <- pdata.frame(g1, index = c("firm", "year"))
xs_g <- c("value", "capital")
# Grunfeld OLS, clustered by firm.
d <- design_ols(g1, "inv", xs_g)
cr_case("grunfeld ols", "grunfeld", spec_of("ols", "inv", xs_g), d, g1$firm,
        check_fit = list(model = lm(inv ~ value + capital, g1), cluster = g1$firm, names = xs_g, nested = TRUE),
        refit = function(keep) coef(lm(inv ~ value + capital, g1[keep, ]))[xs_g])
# Grunfeld FE, both conventions.
fe_g <- plm(inv ~ value + capital, pd_g, model = "within")
for (conv in c("stata", "plm")) {
  d <- design_fe(gr, g1, "inv", xs_g, convention = conv)
  cr_case(sprintf("grunfeld fe %s", conv), "grunfeld", spec_of("fe", "inv", xs_g, convention = conv), d, g1$firm,
          check_fit = list(model = fe_g, cluster = "individual", names = xs_g, nested = TRUE),
          refit = refit_within(gr, g1, "inv", xs_g))
}
# Grunfeld two-way FE clustered by firm (time dummies are regressors in the Stata convention).
d <- design_fe(gr, g1, "inv", xs_g, effects = "twoways")
cr_case("grunfeld fe twoways", "grunfeld", spec_of("fe", "inv", xs_g, effects = "twoways"), d, g1$firm,
        # clubSandwich's CR3 keeps the two-way demeaned design fixed; the jackknife re-estimates the time
        # effects without the firm, so only the refits are compared.
        check_fit = list(model = plm(inv ~ value + capital, pd_g, model = "within", effect = "twoways"),
                         cluster = "individual", names = xs_g, nested = FALSE),
        refit = refit_within(gr, g1, "inv", xs_g, "twoways"))
# Time effects clustered by firm: the effects are not nested in the clusters.
d <- design_fe(gr, g1, "inv", xs_g, effects = "time")
cr_case("grunfeld fe time", "grunfeld", spec_of("fe", "inv", xs_g, effects = "time"), d, g1$firm,
        check_fit = list(model = plm(inv ~ value + capital, pd_g, model = "within", effect = "time"),
                         cluster = "individual", names = xs_g, nested = FALSE),
        refit = function(keep) coef(lm(inv ~ value + capital + factor(year), g1[keep, ]))[xs_g])
# Unbalanced Grunfeld.
gu <- datasets$grunfeld_unbalanced
d <- design_fe(gu, gu$df, "inv", xs_g)
cr_case("grunfeld unbalanced fe", "grunfeld_unbalanced", spec_of("fe", "inv", xs_g), d, gu$df$firm,
        check_fit = list(model = plm(inv ~ value + capital, pdata.frame(gu$df, index = c("firm", "year")),
                                     model = "within"), cluster = "individual", names = xs_g, nested = TRUE),
        refit = refit_within(gu, gu$df, "inv", xs_g))

pv <- datasets$provinces30
pvc <- complete(pv$df, c("CI", "AIT", C))
xs_p <- c("AIT", C)
fe_p <- plm(reformulate(xs_p, "CI"), pdata.frame(pvc, index = c("province", "year")), model = "within")
d <- design_fe(pv, pvc, "CI", xs_p)
cr_case("provinces fe", "provinces30", spec_of("fe", "CI", xs_p), d, pvc$province,
        check_fit = list(model = fe_p, cluster = "individual", names = xs_p, nested = TRUE),
        refit = refit_within(pv, pvc, "CI", xs_p))
# Clustered by region (3 clusters that nest the provinces): clubSandwich keeps the dummies.
cr_case("provinces fe by region", "provinces30", spec_of("fe", "CI", xs_p, cluster = "region"), d, pvc$region,
        check_fit = list(model = fe_p, cluster = pvc$region, names = xs_p, nested = TRUE),
        refit = refit_within(pv, pvc, "CI", xs_p))
# Clustered by year (not nested): CRV3 is the jackknife that re-estimates the province effects.
cr_case("provinces fe by year", "provinces30", spec_of("fe", "CI", xs_p, cluster = "year"), d, pvc$year,
        check_fit = list(model = fe_p, cluster = pvc$year, names = xs_p, nested = FALSE),
        refit = function(keep) coef(lm(reformulate(c(xs_p, "factor(province)"), "CI"), pvc[keep, ]))[xs_p])
for (reg in c("East", "Central", "West")) {
  sub <- subset_ds(pv, reg)
  sc <- complete(sub$df, c("CI", "AIT", C))
  d <- design_fe(sub, sc, "CI", xs_p)
  cr_case(sprintf("provinces fe %s", reg), "provinces30", spec_of("fe", "CI", xs_p, subset = region_spec(reg)), d,
          sc$province,
          check_fit = list(model = plm(reformulate(xs_p, "CI"), pdata.frame(sc, index = c("province", "year")),
                                       model = "within"), cluster = "individual", names = xs_p, nested = TRUE),
          refit = refit_within(sub, sc, "CI", xs_p))
}
# FE-2SLS: clubSandwich on ivreg with province dummies.
pvl <- complete(with_lags(pv$df, "province", "year", "L.AIT"), c("CI", "AIT", C, "L.AIT"))
d <- design_iv(pv, pvl, "CI", C, "AIT", "L.AIT")
# clubSandwich on AER's ivreg of the within-transformed variables (no intercept): its working design is
# the projected within design, and with province clusters its CR2 and CR3 equal ours (dummies included).
dmv <- function(v) v - ave(v, pvl$province)
pvw <- data.frame(lapply(pvl[, c("CI", "AIT", C, "L.AIT")], dmv), province = pvl$province)
names(pvw)[names(pvw) == "L.AIT"] <- "LAIT"
ivm <- ivreg(as.formula(paste("CI ~ AIT +", paste(C, collapse = "+"), "- 1 | LAIT +", paste(C, collapse = "+"), "- 1")),
             data = pvw)
check(coef(ivm)[xs_p], d$b[xs_p], "IV slopes vs AER")
cr_case("provinces iv", "provinces30",
        spec_of("iv", "CI", xs_p, endogenous = I("AIT"), instruments = I("L.AIT")), d, pvl$province,
        check_fit = list(model = ivm, cluster = pvl$province, names = xs_p, nested = TRUE))

# ---------------------------------------------------------------- Driscoll-Kraay and two-way clustering
dk_meat <- function(Z, e, tcode, L) {
  h <- rowsum(Z * e, tcode, reorder = TRUE)
  Tn <- nrow(h)
  S <- crossprod(h)
  if (L > 0) for (l in seq_len(L)) {
    Sl <- crossprod(h[(l + 1):Tn, , drop = FALSE], h[1:(Tn - l), , drop = FALSE])
    S <- S + (1 - l / (L + 1)) * (Sl + t(Sl))
  }
  S
}
default_lag <- function(ids) floor(max(table(ids))^(1 / 4))
dk_case <- function(name, data, spec, d, df, ds, model, maxlag = NULL) {
  L <- if (is.null(maxlag)) default_lag(df[[ds$id]]) else maxlag
  tcode <- match(df[[ds$tm]], sort(unique(df[[ds$tm]])))
  Tn <- length(unique(tcode))
  V <- d$B %*% dk_meat(d$Z, d$e, tcode, L) %*% d$B
  dimnames(V) <- list(colnames(d$Z), colnames(d$Z))
  Vp <- if (is.null(maxlag)) vcovSCC(model) else vcovSCC(model, maxlag = maxlag)
  nm <- intersect(rownames(Vp), colnames(V))
  check(diag(Vp)[nm], diag(V)[nm], paste(name, "Driscoll-Kraay vs plm vcovSCC"))
  sp <- c(spec, list(vce = "driscoll-kraay"), if (!is.null(maxlag)) list(maxlag = maxlag))
  nc <- slopes_of(d)
  stats <- c(list(dk_maxlag = L, dk_periods = Tn, t_df = Tn - 1),
             if (!identical(spec$estimator, "iv")) wald_f(d$b, V, nc, Tn - 1))
  add(paste(name, "driscoll-kraay stata"), data, sp, d$N, rows_df(d, V, Tn - 1), stats)
  # plm convention: coeftest with df_resid, pwaldtest (df2 = T - 1).
  ct <- coeftest(model, vcov. = Vp)
  rows <- lapply(rownames(ct)[rownames(ct) != "(Intercept)"], function(t) list(
    term = t, estimate = ct[t, 1], std_error = ct[t, 2], statistic = ct[t, 3], p_value = ct[t, 4]))
  pst <- list(dk_maxlag = L, dk_periods = Tn, t_df = df.residual(model))
  if (length(formula(model))[2L] == 1L) {
    wt <- pwaldtest(model, test = "F", vcov = Vp)
    pst <- c(pst, list(f_stat = unname(wt$statistic), f_df2 = unname(wt$parameter[2]), f_p = unname(wt$p.value)))
  }
  if (!is.null(spec$estimator) && spec$estimator != "ols")
    add(paste(name, "driscoll-kraay plm"), data, c(sp, list(convention = "plm")), d$N, rows, pst)
}
dc_case <- function(name, data, spec, d, df, ds, model) {
  N <- d$N
  Kst <- ncol(d$Z)
  two <- function(K) {
    part <- function(cl) {
      cl <- codes(cl)
      G <- nlevels(cl)
      G / (G - 1) * (N - 1) / (N - K) * d$B %*% crossprod(rowsum(d$Z * d$e, cl)) %*% d$B
    }
    part(df[[ds$id]]) + part(df[[ds$tm]]) - part(paste(df[[ds$id]], df[[ds$tm]]))
  }
  V <- two(Kst)
  dimnames(V) <- list(colnames(d$Z), colnames(d$Z))
  # plm's "sss" factors count K = its own coefficients (slopes; with the intercept when pooled).
  Vp <- vcovDC(model, type = "sss")
  nm <- intersect(rownames(Vp), colnames(V))
  Vk <- two(length(coef(model)))
  dimnames(Vk) <- dimnames(V)
  check(diag(Vp)[nm], diag(Vk)[nm], paste(name, "two-way explicit vs plm vcovDC"))
  Gmin <- min(length(unique(df[[ds$id]])), length(unique(df[[ds$tm]])))
  sp <- c(spec, list(vce = "cluster", cluster = I(c(ds$id, ds$tm))))
  stats <- c(list(n_clusters = length(unique(df[[ds$id]])), n_clusters2 = length(unique(df[[ds$tm]])),
                  t_df = Gmin - 1), if (!identical(spec$estimator, "iv")) wald_f(d$b, V, slopes_of(d), Gmin - 1))
  add(paste(name, "two-way cluster stata"), data, sp, N, rows_df(d, V, Gmin - 1), stats)
  if (spec$estimator != "ols") {
    ct <- coeftest(model, vcov. = Vp)
    rows <- lapply(rownames(ct)[rownames(ct) != "(Intercept)"], function(t) list(
      term = t, estimate = ct[t, 1], std_error = ct[t, 2], statistic = ct[t, 3], p_value = ct[t, 4]))
    pst <- list(t_df = df.residual(model))
    if (length(formula(model))[2L] == 1L) {
      wt <- pwaldtest(model, test = "F", vcov = Vp)
      pst <- c(pst, list(f_stat = unname(wt$statistic), f_df2 = unname(wt$parameter[2]), f_p = unname(wt$p.value)))
    }
    add(paste(name, "two-way cluster plm"), data, c(sp, list(convention = "plm")), N, rows, pst)
  }
}
d <- design_fe(gr, g1, "inv", xs_g)
dk_case("grunfeld fe", "grunfeld", spec_of("fe", "inv", xs_g), d, g1, gr, fe_g)
dk_case("grunfeld fe maxlag 3", "grunfeld", spec_of("fe", "inv", xs_g), d, g1, gr, fe_g, maxlag = 3)
dc_case("grunfeld fe", "grunfeld", spec_of("fe", "inv", xs_g), d, g1, gr, fe_g)
d <- design_fe(gr, g1, "inv", xs_g, effects = "twoways")
fe_g2 <- plm(inv ~ value + capital, pd_g, model = "within", effect = "twoways")
dk_case("grunfeld fe twoways", "grunfeld", spec_of("fe", "inv", xs_g, effects = "twoways"), d, g1, gr, fe_g2)
dc_case("grunfeld fe twoways", "grunfeld", spec_of("fe", "inv", xs_g, effects = "twoways"), d, g1, gr, fe_g2)
pool_g <- plm(inv ~ value + capital, pd_g, model = "pooling")
d <- design_ols(g1, "inv", xs_g)
dk_case("grunfeld ols", "grunfeld", spec_of("ols", "inv", xs_g), d, g1, gr, pool_g)
dc_case("grunfeld ols", "grunfeld", spec_of("ols", "inv", xs_g), d, g1, gr, pool_g)
gud <- gu$df
fe_gu <- plm(inv ~ value + capital, pdata.frame(gud, index = c("firm", "year")), model = "within")
d <- design_fe(gu, gud, "inv", xs_g)
dk_case("grunfeld unbalanced fe", "grunfeld_unbalanced", spec_of("fe", "inv", xs_g), d, gud, gu, fe_gu)
dc_case("grunfeld unbalanced fe", "grunfeld_unbalanced", spec_of("fe", "inv", xs_g), d, gud, gu, fe_gu)
d <- design_fe(pv, pvc, "CI", xs_p)
dk_case("provinces fe", "provinces30", spec_of("fe", "CI", xs_p), d, pvc, pv, fe_p)
dk_case("provinces fe maxlag 2", "provinces30", spec_of("fe", "CI", xs_p), d, pvc, pv, fe_p, maxlag = 2)
dc_case("provinces fe", "provinces30", spec_of("fe", "CI", xs_p), d, pvc, pv, fe_p)
ivp <- plm(as.formula(paste("CI ~ AIT +", paste(C, collapse = "+"), "| L.AIT +", paste(C, collapse = "+"))),
           data = pdata.frame(pvl, index = c("province", "year")), model = "within")
d <- design_iv(pv, pvl, "CI", C, "AIT", "L.AIT")
iv_spec <- spec_of("iv", "CI", xs_p, endogenous = I("AIT"), instruments = I("L.AIT"))
dk_case("provinces iv", "provinces30", iv_spec, d, pvl, pv, ivp)
dc_case("provinces iv", "provinces30", iv_spec, d, pvl, pv, ivp)

# ---------------------------------------------------------------- wild cluster restricted bootstrap
# Explicit WCR (reference/lib/wild.R): every draw refitted by QR, the interval by test inversion.
source("reference/lib/wild.R")
wcr <- function(d, cl, k, V, level = 0.95) wcr_fit(d$Z, d$ys, cl, k, V, level)
wild_row <- function(d, term, r) list(term = term, estimate = d$b[[term]], p_value_wild = r$p,
                                      ci_wild_lower = r$lower, ci_wild_upper = r$upper)
wild_cases <- list()
for (reg in c("Central", "East")) {
  sub <- subset_ds(pv, reg)
  sc <- complete(sub$df, c("CI", "AIT", C))
  d <- design_fe(sub, sc, "CI", xs_p)
  G <- length(unique(sc$province))
  r <- wcr(d, sc$province, match("AIT", colnames(d$Z)), enumerate_signs(G))
  add(sprintf("provinces fe %s wild rademacher enumerated", reg), "provinces30",
      spec_of("fe", "CI", xs_p, vce = "cluster", subset = region_spec(reg),
              inference = list(wild = list(reps = 9999, weights = "rademacher"))),
      d$N, list(wild_row(d, "AIT", r)), list(wild_reps = 2^G, wild_enumerated = 1, wild_clusters = G))
}
set.seed(20240613)
# Saved Webb draws (999 x 30) for the exact comparison; R's own 9,999 draws for the Monte-Carlo one.
for (what in c("fe", "ols")) {
  d <- if (what == "fe") design_fe(pv, pvc, "CI", xs_p) else design_ols(pvc, "CI", xs_p)
  G <- length(unique(pvc$province))
  idx <- matrix(sample.int(6, G * 999, replace = TRUE), G, 999)
  r <- wcr(d, pvc$province, match("AIT", colnames(d$Z)), matrix(webb_points[idx], G))
  wild_cases[[length(wild_cases) + 1]] <- list(
    name = sprintf("provinces %s wild webb saved draws", what), data = "provinces30",
    spec = spec_of(what, "CI", xs_p, vce = "cluster", inference = list(wild = list(reps = 999, weights = "webb"))),
    clusters = I(unique(pvc$province)),
    draws = I(apply(idx - 1, 2, paste, collapse = "")),
    coefficients = list(wild_row(d, "AIT", r))
  )
  mc <- wcr(d, pvc$province, match("AIT", colnames(d$Z)),
            matrix(webb_points[sample.int(6, G * 9999, replace = TRUE)], G))
  add(sprintf("provinces %s wild webb 9999 (Monte-Carlo reference)", what), "provinces30",
      spec_of(what, "CI", xs_p, vce = "cluster", inference = list(wild = list(reps = 9999, weights = "webb", seed = 1))),
      d$N, list(wild_row(d, "AIT", mc)), list(), list(montecarlo = TRUE))
}

# ---------------------------------------------------------------- cluster diagnostics (summclust)
diagnostics_case <- function(name, data, spec, d, cl, refit, term = "AIT") {
  cl <- codes(cl)
  G <- nlevels(cl)
  kx <- match(term, colnames(d$Xw))
  Xw <- d$Xw
  lev <- tapply(rowSums((Xw %*% d$M) * Xw), cl, sum)
  xc <- resid(lm(Xw[, kx] ~ Xw[, -kx, drop = FALSE] - 1))
  plev <- tapply(xc^2, cl, sum) / sum(xc^2)
  beta_out <- sapply(levels(cl), function(g) refit(cl != g)[[term]])
  alpha <- d$M[, kx]
  xa <- drop(Xw %*% alpha)
  g0 <- tapply(xa^2, cl, sum)
  g1 <- tapply(xa, cl, sum)^2
  gstar <- function(gm) G / (1 + mean(((gm - mean(gm)) / mean(gm))^2))
  nrow_ <- as.vector(table(cl))
  stats <- list(n_clusters = G, effective_clusters = gstar(g0), leverage_max = max(lev),
                partial_leverage_max = max(plev), beta_jackknife_min = min(beta_out),
                beta_jackknife_max = max(beta_out))
  if (mean(g1) > 1e-10 * mean(nrow_ * g0)) stats$effective_clusters_rho1 <- gstar(g1)
  add(name, data, spec, d$N, list(), stats,
      list(clusters = lapply(seq_len(G), function(g) list(
        cluster = levels(cl)[g], nobs = nrow_[g], leverage = unname(lev[g]), partial_leverage = unname(plev[g]),
        beta_jackknife = unname(beta_out[g])))))
}
d <- design_fe(pv, pvc, "CI", xs_p)
diagnostics_case("provinces fe cluster diagnostics", "provinces30", spec_of("fe", "CI", xs_p, vce = "cluster"), d,
                 pvc$province, refit_within(pv, pvc, "CI", xs_p))
diagnostics_case("provinces fe by year cluster diagnostics", "provinces30",
                 spec_of("fe", "CI", xs_p, vce = "cluster", cluster = "year"), d, pvc$year,
                 function(keep) coef(lm(reformulate(c(xs_p, "factor(province)"), "CI"), pvc[keep, ]))[xs_p])
d <- design_ols(pvc, "CI", xs_p)
diagnostics_case("provinces ols cluster diagnostics", "provinces30", spec_of("ols", "CI", xs_p, vce = "cr2"), d,
                 pvc$province, function(keep) coef(lm(reformulate(xs_p, "CI"), pvc[keep, ]))[xs_p])
sub <- subset_ds(pv, "Central")
sc <- complete(sub$df, c("CI", "AIT", C))
d <- design_fe(sub, sc, "CI", xs_p)
diagnostics_case("provinces fe Central cluster diagnostics", "provinces30",
                 spec_of("fe", "CI", xs_p, vce = "cr3", subset = region_spec("Central")), d, sc$province,
                 refit_within(sub, sc, "CI", xs_p))

# ---------------------------------------------------------------- FE-2SLS diagnostics (ivreg2's formulas)
sym_sqrt <- function(A) {
  eg <- eigen((A + t(A)) / 2, symmetric = TRUE)
  eg$vectors %*% (sqrt(pmax(eg$values, 0)) * t(eg$vectors))
}
meat_of <- function(S, cl) if (is.null(cl)) crossprod(S) else crossprod(rowsum(S, cl))
kp_rank <- function(theta, U, V, irQyy, irQzz, shat0, N) {
  L1 <- nrow(theta); K1 <- ncol(theta); kk <- K1 - 1
  kron <- kronecker(t(irQyy), t(irQzz))
  kpvar <- kron %*% shat0 %*% t(kron)
  u22 <- U[(kk + 1):L1, (kk + 1):L1, drop = FALSE]
  v22 <- V[(kk + 1):K1, (kk + 1):K1, drop = FALSE]
  aq <- U[, (kk + 1):L1, drop = FALSE] %*% solve(u22) %*% sym_sqrt(u22 %*% t(u22))
  bq <- sym_sqrt(v22 %*% t(v22)) %*% solve(t(v22)) %*% t(V[, (kk + 1):K1, drop = FALSE])
  kba <- kronecker(bq, t(aq))
  lab <- kba %*% as.vector(theta)
  vlab <- kba %*% kpvar %*% t(kba)
  drop(N * t(lab) %*% solve((vlab + t(vlab)) / 2, lab))
}
j_with_omega <- function(Z, X, y, Om, N) {
  Qxz <- crossprod(X, Z) / N
  Qzy <- crossprod(Z, y) / N
  Oi <- solve(Om)
  b <- solve(Qxz %*% Oi %*% t(Qxz), Qxz %*% Oi %*% Qzy)
  g <- crossprod(Z, y - X %*% b) / N
  drop(N * t(g) %*% Oi %*% g)
}
omega_of <- function(Z, e, vce, cl, N, dd) {
  if (vce == "conventional") return(sum(e^2) / (N - dd) * crossprod(Z) / N)
  meat_of(Z * e, if (vce == "cluster") cl else NULL) / (if (vce == "cluster") N else N - dd)
}
iv_diag <- function(y, X1, X2, Z1, vce, cl, dd, level = 0.95) {
  N <- length(y); K1 <- ncol(X1); L1 <- ncol(Z1); K2 <- ncol(X2); L <- L1 + K2
  M <- if (is.null(cl)) NA else length(unique(cl))
  part <- function(A) if (K2) A - X2 %*% qr.coef(qr(X2), A) else A
  x1p <- part(X1); z1p <- part(Z1)
  Qzz <- crossprod(z1p) / N; Qzy <- crossprod(z1p, x1p) / N; Qyy <- crossprod(x1p) / N
  Rzz <- chol(Qzz); Ryy <- chol(Qyy)
  irQzz <- backsolve(Rzz, diag(L1)); irQyy <- backsolve(Ryy, diag(K1))
  pihat <- solve(Qzz, Qzy)
  theta <- Rzz %*% pihat %*% irQyy
  sv <- svd(theta, nu = L1, nv = K1)
  ev <- sv$d[seq_len(min(K1, L1))]^2
  out <- list(cragg_donald_f = min(ev / (1 - ev)) * (N - L - dd) / L1)
  if (vce == "conventional") {
    out$anderson_lm <- (N - dd) * min(ev)
    out$anderson_lm_p <- pchisq(out$anderson_lm, L1 - K1 + 1, lower.tail = FALSE)
  } else {
    cc <- if (vce == "cluster") cl else NULL
    sh <- function(Vm) meat_of(do.call(cbind, lapply(seq_len(K1), function(j) Vm[, j] * z1p)), cc) / N
    lm_ <- kp_rank(theta, sv$u, sv$v, irQyy, irQzz, sh(x1p), N)
    out$kp_rk_lm <- if (vce == "cluster") lm_ else lm_ / N * (N - dd)
    out$kp_rk_lm_df <- L1 - K1 + 1
    out$kp_rk_lm_p <- pchisq(out$kp_rk_lm, L1 - K1 + 1, lower.tail = FALSE)
    wd <- kp_rank(theta, sv$u, sv$v, irQyy, irQzz, sh(x1p - z1p %*% pihat), N)
    out$kp_rk_wald_f <- if (vce == "cluster") wd / (N - 1) * (N - L) * (M - 1) / M / L1 else wd / N * (N - L - dd) / L1
    if (K1 == 1) {
      # Cross-check: for one endogenous regressor the rk Wald statistic is the first-stage Wald test with the
      # unscaled sandwich (sandwich::vcovCL / vcovHC type HC0 on the partialled regression).
      fs <- lm(x1p ~ z1p - 1)
      Vfs <- if (vce == "cluster") vcovCL(fs, cluster = cc, type = "HC0", cadjust = FALSE) else vcovHC(fs, type = "HC0")
      check(drop(t(coef(fs)) %*% solve(Vfs, coef(fs))), wd, "KP rk Wald vs first-stage sandwich Wald", 1e-7)
    }
  }
  Z <- cbind(Z1, X2); X <- cbind(X1, X2)
  B <- solve(crossprod(Z))
  kappa <- if (vce == "cluster") (N - L) * (M - 1) / ((N - 1) * M) else if (vce == "robust") (N - L - dd) / N else N - L - dd
  df2 <- if (vce == "cluster") M - 1 else N - L - dd
  arF <- function(b0) {
    yy <- y - X1 %*% b0
    pi <- B %*% crossprod(Z, yy)
    res <- drop(yy - Z %*% pi)
    Vr <- if (vce == "conventional") sum(res^2) * B else B %*% meat_of(Z * res, if (vce == "cluster") cl else NULL) %*% B
    rb <- pi[1:L1]
    drop(t(rb) %*% solve(Vr[1:L1, 1:L1, drop = FALSE], rb)) * kappa / L1
  }
  out$ar_stat <- arF(rep(0, K1))
  out$ar_df1 <- L1
  out$ar_df2 <- df2
  out$ar_p <- pf(out$ar_stat, L1, df2, lower.tail = FALSE)
  if (K1 == 1 && L1 == 1) {
    # The AR confidence set by root-finding on F(b) - crit around the 2SLS estimate.
    bhat <- drop(solve(crossprod(qr.fitted(qr(Z), X), X), crossprod(qr.fitted(qr(Z), X), y)))[1]
    crit <- qf(level, 1, df2)
    f <- function(b0) arF(b0) - crit
    width <- 1
    while (f(bhat - width) < 0 || f(bhat + width) < 0) width <- width * 2
    out$ar_ci_lower <- uniroot(f, c(bhat - width, bhat), tol = 1e-14)$root
    out$ar_ci_upper <- uniroot(f, c(bhat, bhat + width), tol = 1e-14)$root
    out$ar_ci_bounded <- 1
  }
  e <- drop(y - X %*% solve(crossprod(qr.fitted(qr(Z), X), X), crossprod(qr.fitted(qr(Z), X), y)))
  overid <- L - ncol(X)
  if (overid > 0) {
    if (vce == "conventional") {
      out$sargan <- sum(qr.fitted(qr(Z), e) * e) / (sum(e^2) / (N - dd))
      out$sargan_df <- overid
      out$sargan_p <- pchisq(out$sargan, overid, lower.tail = FALSE)
    } else {
      out$hansen <- j_with_omega(Z, X, y, omega_of(Z, e, vce, cl, N, dd), N)
      out$hansen_df <- overid
      out$hansen_p <- pchisq(out$hansen, overid, lower.tail = FALSE)
    }
  }
  Zr <- cbind(Z, X1)
  er <- drop(lm.fit(X, y)$residuals)
  Or <- omega_of(Zr, er, vce, cl, N, dd)
  jf <- if (overid > 0) j_with_omega(Z, X, y, Or[1:L, 1:L], N) else 0
  out$endog_c <- j_with_omega(Zr, X, y, Or, N) - jf
  out$endog_c_df <- K1
  out$endog_c_p <- pchisq(out$endog_c, K1, lower.tail = FALSE)
  out
}
iv_diag_case <- function(name, ds, inst, vce, exo = C, region = NULL, effects = "entity") {
  src <- if (is.null(region)) ds else subset_ds(ds, region)
  df <- complete(with_lags(src$df, ds$id, ds$tm, inst), c("CI", "AIT", exo, inst))
  g <- codes(df[[ds$id]])
  pooled <- effects == "none"
  prep <- function(v) if (pooled) v else v - ave(v, g)
  mat <- function(cols) if (length(cols)) sapply(cols, function(v) prep(df[[v]])) else matrix(0, nrow(df), 0)
  X2 <- mat(exo)
  if (pooled) X2 <- cbind(X2, `_cons` = 1)
  dd <- if (pooled) 0 else nlevels(g)
  cl <- if (vce == "cluster") as.integer(g) else NULL
  out <- iv_diag(prep(df$CI), mat("AIT"), X2, mat(inst), vce, cl, dd)
  if (vce == "conventional" && !pooled) {
    # AER's weak-instrument F and Sargan on the dummy-variable 2SLS fit.
    df$.g <- g
    names(df) <- make.names(names(df))
    ii <- make.names(inst)
    f <- as.formula(paste("CI ~ AIT +", paste(c(exo, ".g"), collapse = "+"), "|", paste(c(ii, exo, ".g"), collapse = "+")))
    sm <- summary(ivreg(f, data = df), diagnostics = TRUE)$diagnostics
    check(sm["Weak instruments", "statistic"], out$cragg_donald_f, "Cragg-Donald F vs AER weak instruments")
    if (!is.null(out$sargan))
      check(sm["Sargan", "statistic"] * (nrow(df) - dd) / nrow(df), out$sargan, "Sargan vs AER")
  }
  spec <- spec_of("iv", "CI", c("AIT", exo), endogenous = I("AIT"), instruments = I(inst), vce = vce,
                  effects = effects)
  if (!is.null(region)) spec$subset <- region_spec(region)
  add(name, "provinces30", spec, nrow(df), list(), out)
}
for (vce in c("conventional", "robust", "cluster")) {
  iv_diag_case(sprintf("provinces iv diagnostics %s", vce), pv, "L.AIT", vce)
  iv_diag_case(sprintf("provinces iv overidentified diagnostics %s", vce), pv, c("L.AIT", "L2.AIT"), vce)
}
iv_diag_case("provinces iv no controls diagnostics cluster", pv, "L.AIT", "cluster", exo = character(0))
iv_diag_case("provinces pooled 2SLS diagnostics cluster", pv, "L.AIT", "cluster", effects = "none")
iv_diag_case("provinces iv East diagnostics cluster", pv, "L.AIT", "cluster", region = "East")

golden <- list(
  generated_by = "reference/inference.R",
  r_version = R.version.string,
  packages = list(plm = as.character(packageVersion("plm")), clubSandwich = as.character(packageVersion("clubSandwich")),
                  sandwich = as.character(packageVersion("sandwich")), AER = as.character(packageVersion("AER"))),
  cases = cases,
  wild_draws = wild_cases
)
write_json(golden, "reference/golden/inference.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
cat(sprintf("wrote reference/golden/inference.json (%d cases, %d with saved draws)\n", length(cases), length(wild_cases)))
