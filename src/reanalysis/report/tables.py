"""Tables for readers: internal ids last, headers in words, numbers formatted for the report
(p as "< 0.001"), CI columns named at the configured level; and the standalone HTML page holding
one such table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reanalysis.effects.assumptions import LEVEL
from reanalysis.effects.intervals import ci_label
from reanalysis.report import html as html_page
from reanalysis.workflow_io import atomic_write

__all__ = [
    "CI_COLUMNS",
    "HEADERS",
    "ID_COLUMNS",
    "P_COLUMNS",
    "headers",
    "human_table",
    "write_html_table",
]


ID_COLUMNS = ("row_id", "es_id", "claim_id", "level_id", "range_id", "source_rows", "studies")
HEADERS = {  # column names readers meet often, in words
    "mu": "Pooled effect",
    "se": "SE",
    "pi_low": "Prediction interval low",
    "pi_high": "Prediction interval high",
    "pval": "p",
    "knha": "Knapp-Hartung (ad hoc)",
    "knha_scale": "KH variance factor s²",
    "knha_truncated": "s² raised to 1",
    "ci_low_knha_raw": "plain KH CI low",
    "ci_high_knha_raw": "plain KH CI high",
    "pval_knha_raw": "plain KH p",
    "k": "Studies (k)",
    "tau2": "tau²",
    "tau": "tau",
    "i2": "I² (%)",
    "q": "Q",
    "q_df": "Q df",
    "q_pval": "Q p",
    "yi": "Effect (SMD)",
    "vi": "Variance",
    "md": "Mean difference",
    "n1": "n (intervention)",
    "n2": "n (comparator)",
    "set": "Pooling set",
    # a single subgroup's own interval is study-level (LEVEL), whatever the pooled level
    "g_sub_ci_low": f"Subgroup g {ci_label(LEVEL)} low",
    "g_sub_ci_high": f"Subgroup g {ci_label(LEVEL)} high",
}


CI_COLUMNS = ("ci_low", "ci_high")


def headers(level: float | None) -> dict[str, str]:
    """:data:`HEADERS` with the confidence interval's columns (:data:`CI_COLUMNS`) named at the
    configured ``level`` ('95% CI low'); without a level they keep their names."""
    if level is None:
        return HEADERS
    return HEADERS | {"ci_low": f"{ci_label(level)} low", "ci_high": f"{ci_label(level)} high"}


# columns holding p-values of tests (shown as "< 0.001" / 3 decimals, html_page.fmt kind "p")
P_COLUMNS = (
    "pval",
    "pval_knha_raw",
    "q_pval",
    "p_value",
    "p_reported",
    "p_reanalysed",
    "p_reanalysed_low",
    "p_reanalysed_high",
    "sign_test_p_one_sided",
    "sign_test_p_two_sided",
)


def human_table(df: pd.DataFrame, level: float | None = None) -> pd.DataFrame:
    """A table for readers: internal ids (``*_id``, source rows) moved to the last columns,
    headers in words ('ci_low' -> 'Ci low'), numbers through :func:`html_page.fmt`: p-values
    (:data:`P_COLUMNS`) as "< 0.001" or 3 decimals, other numbers to 3 significant digits; the
    CI columns named at the configured ``level`` (:func:`headers`), which a table holding them
    must be given (a ValueError otherwise: no level is assumed)."""
    if level is None and any(c in df.columns for c in CI_COLUMNS):
        raise ValueError(f"human_table: a table with {', '.join(CI_COLUMNS)} needs the CI level")
    ids = [c for c in df.columns if c in ID_COLUMNS or str(c).endswith("_id")]
    out = df[[c for c in df.columns if c not in ids] + ids].copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            kind = "p" if c in P_COLUMNS else "sig"
            out[c] = [html_page.fmt(x, kind=kind) for x in out[c]]
    named = headers(level)
    return out.rename(columns=lambda c: named.get(c, str(c).replace("_", " ").capitalize()))


def write_html_table(
    df: pd.DataFrame, path: str | Path, title: str, note: str = "", *, level: float | None = None
) -> None:
    """A standalone, phone-ready HTML page holding one table (for the Snakemake report): the
    shared page head (viewport, CSS) and a table that reflows into cards on a phone; CI columns
    named at the configured ``level`` (config meta_analysis.level)."""
    shown = human_table(df, level)
    study = HEADERS.get("study_id", "Study id")
    if study in shown.columns:  # the study first: it stays in view when a wide table folds
        shown = shown[[study, *[c for c in shown.columns if c != study]]]
    body = f"<h2>{html_page.esc(title)}</h2><p class='note'>{html_page.esc(note)}</p>" + html_page.table(
        shown
    )
    atomic_write(path, html_page.page(title, body))
