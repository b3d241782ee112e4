"""Named assumptions: the r, n and p-threshold defaults and ranges the effect-size stage may use where
nothing reported fixes a figure, with the estimand and test vocabularies they refer to. The modules of
:mod:`reanalysis.effects` that fill a gap take their assumptions as one :class:`Assumptions`.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

__all__ = ["ESTIMANDS", "TEST_KINDS", "LEVEL", "Assumptions", "study_designs", "sample_size_range"]


ESTIMANDS = ("between_change", "between_post", "within_change")
TEST_KINDS = ("se", "ci", "t", "p_value")  # best first: what fixes the SE of a difference
LEVEL = 0.95


@dataclasses.dataclass(frozen=True)
class Assumptions:
    """Values of the named assumptions for one computation (defaults or a sensitivity point).

    ``test_analysis``: which analysis a reported between-arm test at the end of treatment is taken
    to be when both are computable: ``change`` (change scores) or ``end`` (end-of-treatment
    scores)."""

    r: float = 0.5
    p_threshold: float = 0.05
    sample_sizes: tuple[tuple[str, str, str, int], ...] = ()
    exact_j: bool = True
    test_analysis: str = "change"
    size_ranges: tuple[tuple[str, str, str, int, int], ...] = ()
    r_range: tuple[float, float] = (0.5, 0.5)
    crossover_r: float = 0.5
    crossover_r_range: tuple[float, float] = (0.5, 0.5)

    @classmethod
    def from_config(cls, config: dict) -> Assumptions:
        a = config["assumptions"]
        return cls(
            r=float(a["prepost_correlation"]["value"]),
            p_threshold=float(a["p_threshold_significant"]["value"]),
            sample_sizes=tuple(
                (s["study_id"], s["subgroup"], s["arm"], int(s["value"])) for s in a["sample_sizes"]
            ),
            exact_j=config.get("effect_sizes", {}).get("hedges_correction", "exact") == "exact",
            test_analysis=a.get("reported_test_analysis", {}).get("value", "change"),
            size_ranges=tuple(
                (s["study_id"], s["subgroup"], s["arm"], int(s["range"][0]), int(s["range"][1]))
                for s in a["sample_sizes"]
            ),
            r_range=tuple(float(x) for x in a["prepost_correlation"]["range"]),
            crossover_r=float(a["crossover_correlation"]["value"]),
            crossover_r_range=tuple(float(x) for x in a["crossover_correlation"]["range"]),
        )

    def n_for(self, study: str, subgroup: str, arm: str) -> int | None:
        for s, g, a, n in self.sample_sizes:
            if (s, g, a) == (study, subgroup, arm):
                return n
        return None

    def range_for(self, study: str, subgroup: str, arm: str) -> tuple[int, int] | None:
        for s, g, a, lo, hi in self.size_ranges:
            if (s, g, a) == (study, subgroup, arm):
                return lo, hi
        return None

    def subgroup_sizes(self, study: str, subgroup: str) -> tuple[int, int]:
        """Per-arm n inside ``subgroup`` and outside it (= n of 'all' minus n of the subgroup),
        from the first arm that assumptions.sample_sizes gives for both (arms are assumed equal)."""
        for s, g, arm, n_sub in self.sample_sizes:
            n_all = self.n_for(study, "all", arm)
            if (s, g) == (study, subgroup) and n_all is not None and n_all - n_sub >= 2:
                return n_sub, n_all - n_sub
        raise ValueError(
            f"{study}: assumptions.sample_sizes must give n per arm for 'all' and "
            f"{subgroup!r}, with at least 2 patients per arm left outside it"
        )


def study_designs(studies: pd.DataFrame) -> dict[str, str]:
    """study_id -> allocation (studies.csv ``allocation``: parallel, crossover, single group);
    a study without one is analysed as parallel groups."""
    if "allocation" not in studies.columns:
        return {}
    return {
        s: a
        for s, a in zip(studies["study_id"], studies["allocation"], strict=True)
        if isinstance(a, str) and a
    }


def sample_size_range(
    config: dict, study: str, subgroup: str, arm: str | None = None
) -> tuple[int, int] | None:
    """The assumed range of a per-arm sample size (config assumptions.sample_sizes), if any;
    ``arm=None`` takes the first arm listed for the study and subgroup."""
    for s in config["assumptions"]["sample_sizes"]:
        if (s["study_id"], s["subgroup"]) == (study, subgroup) and arm in (None, s["arm"]):
            lo, hi = (int(v) for v in s["range"])
            return lo, hi
    return None
