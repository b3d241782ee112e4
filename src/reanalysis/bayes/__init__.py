"""Bayesian random-effects meta-analysis: τ and μ priors (:mod:`.priors`), the exact posterior by
integration over τ (:mod:`.exact`), NUTS sampling with nutpie on a hand-written log density
(:mod:`.density`, :mod:`.nuts`), and the posterior tables and figures (:mod:`.tables`, :mod:`.plots`)."""
