"""The data model's vocabulary: the values a field of the curated tables may take (statuses,
statistics, timepoints, arm roles, allocations, dose bases, claim types) and which statistic an arm
may carry. Plain Python, no pandas or pandera, so that every stage can name a value without
importing the validation.
"""

from __future__ import annotations

__all__ = [
    "STATUSES",
    "STATISTICS",
    "NOT_REPORTED",
    "TIMEPOINTS",
    "NOT_STATED",
    "KEY",
    "ROLES",
    "BETWEEN",
    "PARALLEL",
    "CROSSOVER",
    "SINGLE_GROUP",
    "ALLOCATIONS",
    "DOSE_BASES",
    "ARM_STATISTICS",
    "BETWEEN_STATISTICS",
    "TESTS",
    "CLAIM_TYPES",
    "TRENDS",
    "TREND_CLAIM_TYPES",
]

STATUSES = ["reported", "second-hand", "inference", "derived", "assumption"]
STATISTICS = [
    "mean",
    "sd",
    "se",
    "n",
    "p_value",
    "p_below",
    "p_above",
    "t",
    "ci_low",
    "ci_high",
    "count",
    "proportion",
    "estimate",
    "r",
    "reported_improvement",
    "median",
    "iqr_low",
    "iqr_high",
    "range_low",
    "range_high",
    "not_reported",
]
# statistic ``not_reported``: the source says the outcome was measured (in this arm, or between
# arms) but reports no result for it; ``value`` stays empty. Such a row gives no effect; it records
# a measured outcome, so "not measured" and selective-reporting judgements read it from the data.
NOT_REPORTED = "not_reported"
TIMEPOINTS = ["baseline", "end", "change"]
NOT_STATED = "not stated"  # tri-state design flags (studies.csv): the source does not say
KEY = ["study_id", "arm", "subgroup", "outcome", "timepoint", "statistic", "reading"]
ROLES = ["intervention", "comparator", "other"]
BETWEEN = "between"  # reserved arm name: intervention-minus-comparator statistics
# studies.csv ``allocation``: how patients were allocated; the design decides the analysis (a
# crossover is analysed as paired and its patients are counted once)
PARALLEL, CROSSOVER, SINGLE_GROUP = "parallel", "crossover", "single group"
ALLOCATIONS = [PARALLEL, CROSSOVER, SINGLE_GROUP]
# studies.csv ``dose_basis``: what the mg of ``dose_mg_per_day`` weigh; only an elemental dose is
# comparable with an upper limit stated for the element
DOSE_BASES = {
    "elemental": "elemental weight",
    "salt": "weight of the salt; elemental dose not stated",
    "product label": "the product's stated strength; salt or elemental weight not stated",
    NOT_STATED: "salt or elemental weight not stated",
}
# What each arm role may carry; every kind here is converted by ``reanalysis.effects`` (or, for 'other'
# arms and binary counts, listed in results/estimability.csv with the reason); anything else is
# rejected at validation.
ARM_STATISTICS = [
    "mean",
    "sd",
    "se",
    "ci_low",
    "ci_high",
    "n",
    "p_value",
    "p_below",
    "p_above",
    "t",
    "count",
    "proportion",
    "reported_improvement",
    "median",
    "iqr_low",
    "iqr_high",
    "range_low",
    "range_high",
    NOT_REPORTED,
]
BETWEEN_STATISTICS = [
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "t",
    "p_value",
    "p_below",
    "p_above",
    "n",
    NOT_REPORTED,
]
TESTS = ["p_value", "p_below", "p_above", "t"]  # on an arm: a test of its change (timepoint change)
# claims.csv ``claim_type``: the ledger rule that judges the sentence (one rule per type)
CLAIM_TYPES = [
    "effect",
    "within_arm_change",
    "subgroup_effect",
    "vote_count",
    "uncontrolled_proportion",
    "untraceable_citation",
    "levels",
    "level_study",
    "association",
    "design",
    "first_of_kind",
    "fact",
    "not_checkable",
]
# what a claim of a non-significant result says about the direction of its point estimate
# (claims.csv ``trend``: 'trended downward on the treatment, but not significantly')
TRENDS = ["favours intervention", "favours comparator"]
# the claim types whose rule checks ``trend`` (a trend on another type would be ignored)
TREND_CLAIM_TYPES = ["effect", "subgroup_effect"]
