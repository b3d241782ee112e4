"""Ambiguous reports as named readings: the analyses under the other reading of a figure.

Where a source sentence admits two analyses (between arms or within one arm; change or end
scores; ITT or completers), the data hold both readings: the primary row and rows whose
``reading`` names the other analysis (they may differ from the primary in arm, timepoint or
statistic). ``config["ambiguous_readings"]`` lists each as {row_id: the primary row, reading: the
other reading's name, why}; :func:`~reanalysis.data.tables.select_readings` swaps them.
:func:`reanalyse` recomputes the effects, the frequentist pooled sets and the exact Bayesian
posterior (primary tau prior) under a reading, so the sensitivity table and the ledger can show
what changes; the simulations are not rerun (they rest on the figures the config names for them).
"""

from __future__ import annotations

import dataclasses
import io

import pandas as pd

from reanalysis.bayes.priors import TauPrior
from reanalysis.bayes.tables import exact_summaries
from reanalysis.data.tables import select_readings
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.build import build_effect_sizes
from reanalysis.meta.pooling import pool_sets

__all__ = [
    "Reanalysis",
    "add_other_verdicts",
    "alternatives",
    "name",
    "reanalyse",
    "with_results",
]


def alternatives(config: dict) -> list[tuple[str, str]]:
    """(primary row_id, other reading) of every ambiguous report the config names."""
    return [(str(a["row_id"]), str(a["reading"])) for a in config.get("ambiguous_readings") or []]


def name(row_id: str, reading: str) -> str:
    """How a reading is named in the typed columns: ``row_id:reading``."""
    return f"{row_id}:{reading}"


@dataclasses.dataclass
class Reanalysis:
    summary: pd.DataFrame
    effects: pd.DataFrame
    pooled: pd.DataFrame
    bayes: pd.DataFrame


def reanalyse(
    summary_all: pd.DataFrame,
    studies: pd.DataFrame,
    arms: pd.DataFrame,
    config: dict,
    flagged=frozenset(),
    overrides: dict[str, str] | None = None,
) -> Reanalysis:
    """Effects, pooled sets (every configured tau² method) and the exact posterior under the
    primary tau prior, with the readings ``overrides`` chooses (on top of the config's own)."""
    chosen = (config.get("reading_overrides") or {}) | (overrides or {})
    summary = select_readings(summary_all, chosen)
    effects = build_effect_sizes(summary, studies, Assumptions.from_config(config), flagged, arms=arms)
    pooled = pool_sets(effects, config["meta_analysis"])
    b = config["bayes"]
    prior = TauPrior.from_config(b["priors"][b["primary_prior"]])
    bayes = exact_summaries(
        effects,
        config["meta_analysis"]["sets"],
        b["primary_prior"],
        prior,
        b["mu_prior_sd"],
        config.get("mcid"),
    )
    return Reanalysis(summary, effects, pooled, bayes)


def _round_trip(df: pd.DataFrame) -> pd.DataFrame:
    """As the table would be read back from results/ (workflow_io.write_csv's float format), so a
    verdict under another reading is computed from the same kind of input as the ledger's own."""
    return pd.read_csv(io.StringIO(df.to_csv(index=False, float_format="%.10g")))


def with_results(evidence, alt: Reanalysis):
    """The ledger's evidence with the reading-dependent results replaced by ``alt``'s."""
    return dataclasses.replace(
        evidence,
        summary=alt.summary,
        effects=_round_trip(alt.effects),
        pooled=_round_trip(alt.pooled),
        bayes=_round_trip(alt.bayes),
    )


def add_other_verdicts(ledger: pd.DataFrame, others: dict[str, pd.Series]) -> pd.DataFrame:
    """Columns ``verdict_other_reading`` (the verdict under the first other reading under which
    it differs, a key of verdicts.VERDICTS) and ``other_reading`` (that reading,
    ``row_id:reading``); both empty where no reading changes the verdict."""
    verdict, which = [""] * len(ledger), [""] * len(ledger)
    for name_, verdicts in others.items():
        for i, (v, w) in enumerate(zip(ledger["verdict"], verdicts, strict=True)):
            if not which[i] and v != w:
                verdict[i], which[i] = w, name_
    return ledger.assign(verdict_other_reading=verdict, other_reading=which)
