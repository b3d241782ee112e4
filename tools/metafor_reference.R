# Reference values for tests/test_meta_frequentist.py and tests/test_effect_sizes.py.
# Run by hand (R 4.2 + Debian r-cran-metafor 3.8.1): Rscript tools/metafor_reference.R
# Output seen 2026-11-22 is recorded in the tests; R is not a dependency of the product.
suppressMessages(library(metafor))
cat("metafor", as.character(packageVersion("metafor")), "\n")
dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
for (m in c("DL","REML","PM")) { r <- rma(yi, vi, data=dat, method=m); cat(m, sprintf("%.8f", c(r$b, r$se, r$tau2, r$I2)), "\n") }
r <- rma(yi, vi, data=dat, method="PM", control=list(tol=1e-12)); cat("PMtight", sprintf("%.8f", r$tau2), "\n")
r <- rma(yi, vi, data=dat, method="REML"); print(confint(r)); print(predict(r))
r <- rma(yi, vi, data=dat, method="REML", test="knha"); cat("knha", sprintf("%.8f", c(r$ci.lb, r$ci.ub)), "\n"); print(predict(r))
# Borenstein worked example SMD
e <- escalc("SMD", m1i=103, m2i=100, sd1i=5.5, sd2i=4.5, n1i=50, n2i=50, vtype="LS2"); cat("SMD LS2", sprintf("%.6f", c(e$yi, e$vi)), "\n")
e <- escalc("SMCR", m1i=5.1, m2i=5.7, sd1i=1.3, ni=12, ri=0.5); cat("SMCR", sprintf("%.6f", c(e$yi, e$vi)), "\n")
# Q-profile CIs at a tight root-finding tolerance (metafor's default uniroot tol is ~1e-4)
r <- rma(yi, vi, data=dat, method="REML"); print(confint(r, digits=8, control=list(tol=1e-12)))
