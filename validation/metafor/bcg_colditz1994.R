# Reference values for tests/reference/test_bcg_colditz1994.py: metafor's dat.bcg (Colditz et al.
# 1994, JAMA 271:698-702; 13 BCG vaccine trials) as log risk ratios, random-effects fits.
# Regenerate (R 4.2 + Debian r-cran-metafor, r-cran-jsonlite; R is not a dependency of the product):
#   Rscript validation/metafor/bcg_colditz1994.R > validation/metafor/bcg_colditz1994.json
suppressMessages({library(metafor); library(jsonlite)})
tight <- list(tol = 1e-12)
dat <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
fit <- function(method, test = "z") {
  r <- rma(yi, vi, data = dat, method = method, test = test, control = tight)
  p <- predict(r)
  out <- list(mu = r$b[1], se = r$se, ci_low = r$ci.lb, ci_high = r$ci.ub, pval = r$pval,
              tau2 = r$tau2, i2 = r$I2, h2 = r$H2, q = r$QE, pi_low = p$pi.lb, pi_high = p$pi.ub)
  if (method == "REML" && test == "z") {
    ci <- confint(r, control = tight)$random
    out$tau2_ci_low <- ci["tau^2", "ci.lb"]; out$tau2_ci_high <- ci["tau^2", "ci.ub"]
    out$i2_ci_low <- ci["I^2(%)", "ci.lb"]; out$i2_ci_high <- ci["I^2(%)", "ci.ub"]
  }
  out
}
res <- list(
  dataset = "dat.bcg", paper = "Colditz et al. 1994, JAMA 271:698-702", measure = "RR (log)",
  metafor = as.character(packageVersion("metafor")), r = R.version.string,
  yi = as.numeric(dat$yi), vi = as.numeric(dat$vi),
  fits = list(DL = fit("DL"), REML = fit("REML"), PM = fit("PM"),
              REML_knha = fit("REML", "knha"), REML_adhoc = fit("REML", "adhoc"))
)
cat(toJSON(res, auto_unbox = TRUE, digits = NA, pretty = TRUE), "\n")
