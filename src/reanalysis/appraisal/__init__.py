"""Appraisal of the evidence: GRADE certainty (:mod:`.grade`), risk of bias (:mod:`.risk_of_bias`),
study characteristics, adverse events and safety facts (:mod:`.study_characteristics`)."""
