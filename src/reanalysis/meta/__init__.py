"""Frequentist meta-analysis: random-effects estimators (REML, DL, PM) with Knapp-Hartung and
Q-profile intervals (:mod:`.frequentist`), which effects enter which pooled set and the
sensitivity grid (:mod:`.pooling`), and how the report names each method (:mod:`.method_names`)."""
