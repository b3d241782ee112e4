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
# Issue #13 (REML global maximum), the ad hoc Knapp-Hartung truncation and identical effects:
# the script that produced the values in tests/test_meta_frequentist.py is reproduced here.
yi <- c(-0.48729595247571339, 1.602753722019564, 0.20928005844822212, -0.36977052426115081, 0.76805712101046764,
0.89517493536555071, -0.46701856598634511, 1.4373369947520254, 0.056283677314104469, 0.12790681748073671,
0.39677643825035747, 0.93226086263020957, 1.0555472789766607, 0.28426038401444936)
vi <- c(0.34937241348205134, 0.36515274713980034, 0.23729515974642709, 0.43835592302726584, 0.14882966799894348,
0.46651447150623426, 0.16331483303569258, 0.30447102996520697, 0.19462196021340789, 0.10888486308977008,
0.010367432064376772, 0.44533006775425749, 0.43513936466770248, 0.1795180044323206)
r <- rma(yi, vi, method="REML", control=list(tol=1e-12))
cat("i13 REML", sprintf("%.10f", c(r$tau2, r$b, r$se, r$ci.lb, r$ci.ub, r$QE)), "\n"); print(predict(r, digits=8))
r <- rma(yi, vi, method="REML", test="knha", control=list(tol=1e-12))
cat("i13 KNHA", sprintf("%.10f", c(r$tau2, r$b, r$se, r$ci.lb, r$ci.ub, r$pval)), "\n")
print(confint(r, digits=8, control=list(tol=1e-12)))
y2 <- c(0.10, 0.20, 0.15, 0.30, 0.25); v2 <- c(0.04, 0.05, 0.03, 0.06, 0.05)
for (tt in c("knha", "adhoc")) { r <- rma(y2, v2, method="REML", test=tt, control=list(tol=1e-12)); p <- predict(r)
  cat("adhoc", tt, sprintf("%.10f", c(r$tau2, r$b, r$se, r$ci.lb, r$ci.ub, r$pval, p$pi.lb, p$pi.ub, r$QE)), "\n") }
y3 <- c(0.3, 0.3, 0.3, 0.3); v3 <- c(0.1, 0.2, 0.05, 0.1)
for (tt in c("knha", "adhoc")) { r <- rma(y3, v3, method="REML", test=tt)
  cat("equal", tt, sprintf("%.10f", c(r$tau2, r$b, r$se, r$zval, r$pval, r$ci.lb, r$ci.ub)), "\n") }
