"""Turn the long summary-statistics table into an effect-size table, one row per comparison.

Arms are known by their role in ``data/arms.csv`` (intervention / comparator / other), never by
name. Estimands (all oriented so that positive = improvement / favours the intervention):

* ``between_change`` - Hedges' g of change scores, intervention vs comparator;
* ``between_post``   - Hedges' g of end-of-treatment scores, intervention vs comparator;
* ``within_change``  - standardised mean change (SMCR) within one arm; from means/SDs, from change
  means/SDs or a paired t, from an exact paired p-value (via d_z and r), or from "significant"
  (p set to an assumed threshold).

Reported figures come first (:mod:`reanalysis.effects.reported`): a reported between-arm test statistic
fixes the SE of the mean difference, and where n is not reported it is the n at which the reported
means/SDs reproduce that statistic; named assumptions fill only what nothing reported gives. SDs
come from reported SDs, SEs or CIs of a mean (Cochrane Handbook 6.5.2.2). Every row records the
named assumptions it used (``assumptions``), the ``row_id``s it came from, the reported p it
uses (``p_reported``), the p the reanalysis gives from the reported means/SDs (``p_reanalysed``)
and whether they agree (``p_check``). Rows that no effect uses are listed by :func:`estimability`.

Modules, in the order they build on each other: :mod:`.assumptions`, :mod:`.cells`, :mod:`.rows`,
:mod:`.bearing`, :mod:`.sample_sizes`, :mod:`.paired`, :mod:`.between`, :mod:`.within`,
:mod:`.build` (the entry point, :func:`~.build.build_effect_sizes`) and :mod:`.estimability`;
the formulas they call: :mod:`.formulas` (effect sizes), :mod:`.sd_recovery`, :mod:`.reported`
(reported statistics), :mod:`.crossover`, :mod:`.intervals`, and :mod:`.notes` (the notes column).
"""
