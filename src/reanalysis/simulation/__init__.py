"""Simulations: subgroup analyses of whole simulated trials (:mod:`.subgroup`), the credibility of
reported subgroup claims (:mod:`.credibility`), the vote count under no effect (:mod:`.vote_count`),
and their tables and figures (:mod:`.tables`, :mod:`.plots`)."""
