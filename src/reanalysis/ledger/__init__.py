"""The claims ledger: each checkable sentence of the source articles gets a verdict computed from
the curated data and the pipeline's results, with the numbers behind it and the branch of the rule
that fired.

One rule per ``claim_type`` (:data:`reanalysis.ledger.build.RULES`) reads the :class:`Evidence
<reanalysis.ledger.evidence.Evidence>` and returns a :class:`Judgement
<reanalysis.ledger.verdicts.Judgement>`: the verdict, the branch and the rule's facts as typed
values; :mod:`reanalysis.ledger.wording` renders the texts from the facts alone. What a claim
asserts (its studies, outcomes, scope, asserted values) is data in ``data/claims.csv``; nothing
here knows a study, arm or outcome by name. Arm roles come from ``data/arms.csv``; between-arm
rows carry the arm value ``between``, as everywhere in the pipeline. A significant between-arm
p-value is read as favouring the intervention: the sources report improvement (the abstracts say
so in words). The package re-exports nothing: import each name from the module that defines it.
"""
