# Reference values for tests/reference/test_normand1999_metafor.py: metafor's dat.normand1999
# (Normand 1999, Stat Med 18:321-359, table I: nine trials of length of hospital stay in days,
# specialist vs routine care for stroke patients; means, SDs and n per arm).
#
# Regenerate (R + Debian r-cran-metafor, r-cran-jsonlite; R is not a dependency of the product):
#   Rscript validation/metafor/normand1999.R    # writes validation/metafor/normand1999.json
#
# Effects are metafor's: group 1 (specialist care) minus group 2 (routine care); a shorter stay is
# better, so the pipeline's benefit-positive effects are the negatives of these.
suppressMessages(library(metafor))
suppressMessages(library(jsonlite))
out_path <- file.path("validation", "metafor", "normand1999.json")
dat <- dat.normand1999
tight <- list(tol = 1e-12, maxiter = 10000)

fits <- function(es) {
  res <- list()
  for (m in c("REML", "DL")) {
    for (tt in c("z", "adhoc")) {
      r <- rma(yi, vi, data = es, method = m, test = tt, control = tight)
      # tau2.max: metafor searches the Q-profile bound only up to max(100, 10 tau²) by default
      ci <- confint(r, control = list(tol = 1e-12, tau2.max = 1e6))
      p <- predict(r)
      res[[paste(m, tt, sep = "_")]] <- list(
        mu = as.numeric(r$b), se = r$se, ci_low = r$ci.lb, ci_high = r$ci.ub, pval = r$pval,
        tau2 = r$tau2, tau2_ci_low = ci$random["tau^2", "ci.lb"],
        tau2_ci_high = ci$random["tau^2", "ci.ub"], i2 = r$I2,
        i2_ci_low = ci$random["I^2(%)", "ci.lb"], i2_ci_high = ci$random["I^2(%)", "ci.ub"],
        q = r$QE, pi_low = p$pi.lb, pi_high = p$pi.ub)
    }
  }
  res
}

arms <- function(es) list(yi = as.numeric(es$yi), vi = as.numeric(es$vi))
md <- escalc("MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i,
             data = dat, vtype = "LS")
smd_ls2 <- escalc("SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i,
                  data = dat, vtype = "LS2")
smd_ls <- escalc("SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i,
                 data = dat, vtype = "LS")
rom <- escalc("ROM", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i,
              data = dat)
result <- list(
  metafor = as.character(packageVersion("metafor")), r = R.version.string,
  data = as.list(dat[, c("study", "source", "n1i", "m1i", "sd1i", "n2i", "m2i", "sd2i")]),
  MD_LS = c(arms(md), fits(md)), SMD_LS2 = c(arms(smd_ls2), fits(smd_ls2)),
  SMD_LS = c(arms(smd_ls), fits(smd_ls)), ROM = c(arms(rom), fits(rom)))
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE), out_path)
cat("wrote", out_path, "\n")
