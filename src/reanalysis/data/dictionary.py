"""The data dictionary: what every column of every table in a case's ``data/`` means, and of the
result tables whose columns later stages read as typed facts (:data:`RESULTS`).

Types, whether a column is required or may be empty, uniqueness and allowed values are read from
the validation schemas (:mod:`reanalysis.data.schemas`) and the report-only column lists, so they
cannot drift from what validation enforces; the meaning of each column is declared here, once.
``docs/data.md`` is rendered from both (``python -m reanalysis.data.dictionary --write
docs/data.md``; a test checks it is current and that every column of every shipped case is
described).
"""

from __future__ import annotations

import sys
from pathlib import Path

from reanalysis.data.schemas import SCHEMAS

__all__ = ["SOURCE", "TABLES", "RESULTS", "result_rows", "column_rows", "render", "main"]

SOURCE = {
    "source": "where the figure or fact comes from (article, table, page; address where there is one)",
    "location": "where in the source (table, section, sentence)",
    "status": "`reported` (read in the source), `second-hand` (from a secondary summary), "
    "`inference` (the figure is reported but which analysis it belongs to is our reading "
    "of an ambiguous sentence; the other reading is a row of its own), `derived` "
    "(computed from reported figures) or `assumption` (named assumption, no source)",
    "note": "free text for the curator (never read by the analysis)",
}

# table -> (what one row is, which analyses read it, {column: meaning})
TABLES: dict[str, tuple[str, str, dict[str, str]]] = {
    "summary_stats": (
        "one reported figure: study x arm x subgroup x outcome x timepoint x statistic (x reading)",
        "effect sizes, forensics, meta-analyses, Bayesian fits, ledger (required)",
        {
            "row_id": "unique id of the row (cited in error messages and provenance)",
            "study_id": "the study (a `study_id` of studies.csv)",
            "arm": "the arm as the source names it (its role is in arms.csv); `between` for a "
            "statistic of the intervention-minus-comparator difference",
            "subgroup": "`all` for the whole sample, else the subgroup's name",
            "outcome": "the outcome (a name the config's pooling sets and claims use)",
            "instrument": "the measuring instrument (a row of instruments.csv where its range is known)",
            "scale_min": "lowest possible score of the instrument (empty if unknown)",
            "scale_max": "highest possible score of the instrument (empty if unknown)",
            "lower_is_better": "`true` if a lower score is better (effects are oriented so that "
            "benefit is positive)",
            "timepoint": "`baseline`, `end` (end of treatment) or `change` (end minus baseline)",
            "statistic": "what `value` is: mean, sd, se, n, p_value, p_below/p_above (p reported "
            "only as < or > a bound), t, ci_low/ci_high, estimate (of a difference), "
            "count, proportion, r, reported_improvement, median, iqr_low/iqr_high "
            "(quartiles), range_low/range_high (minimum/maximum; a median with its "
            "IQR and/or range and n gives a mean and SD by Luo 2018 / Wan 2014), "
            "`not_reported` (the source says the outcome was measured but reports "
            "no result for it: no effect; the study characteristics show the outcome as "
            "measured with its result not reported, i.e. selective reporting)",
            "value": "the figure as written in the source (its decimals are its precision); "
            "empty in a `not_reported` row and only there",
            "n": "the sample size the figure rests on, where the source gives it with the figure",
            "reading": "`primary` (the reading the analyses use by default; it says nothing about "
            "the source, which `source` and `status` give), or the name of another "
            "reading of an ambiguous report, whose rows may name another arm, timepoint "
            "or statistic of the same study, subgroup and outcome (the config's "
            "`reading_overrides` chooses; `ambiguous_readings` lists the pairs the "
            "sensitivity table and the ledger explore)",
            **SOURCE,
        },
    ),
    "studies": (
        "one study",
        "every analysis (required)",
        {
            "study_id": "unique short id (lower case, e.g. author and year)",
            "citation": "full citation",
            "identifier": "DOI, PMID or registry id",
            "role": "the case's own category of the study (e.g. `intervention`, `levels`)",
            "design": "the design in words",
            "allocation": "how patients were allocated: `parallel`, `crossover` (analysed as paired, "
            "patients counted once) or `single group`; empty: not stated (analysed "
            "as parallel groups)",
            "allocation_source": "where `allocation` comes from (quote and address)",
            "allocation_status": "status of `allocation` (reported / second-hand / inference)",
            "controlled": "`true` if the study has a comparator group",
            "randomized": "`true`, `false` or `not stated` (the source is silent: read as missing)",
            "blinded": "`true`, `false` or `not stated`",
            "comparator": "what the comparator arm received (e.g. placebo, routine care)",
            "n_total": "patients randomised or enrolled, as reported",
            "n_source_status": "whether `n_total` was found (`reported`, `not found`, ...)",
            "dose_mg_per_day": "daily dose in mg as the source states it",
            "dose_basis": "what those mg weigh: `elemental` (the element itself), `salt` (the "
            "compound), `product label` (a product's stated strength, salt or "
            "element not said) or `not stated`; empty: not recorded. Only an "
            "elemental dose is compared with an upper limit",
            "form": "the preparation (salt, brand)",
            "route": "route of administration",
            "duration_weeks": "treatment duration in weeks",
            "population": "who was studied",
            "year": "publication year (empty: shown as 'year not reported')",
            "primary_outcome": "the outcome the study names as primary, where stated",
            "co_intervention": "anything given with the intervention",
            "label": "how the report names the study (e.g. 'Author Year')",
            **SOURCE,
        },
    ),
    "arms": (
        "one arm of one study",
        "effect sizes (required)",
        {
            "study_id": "the study",
            "arm": "the arm's name as used in summary_stats.csv (`between` is reserved)",
            "role": "`intervention`, `comparator` or `other` (other arms are listed, not analysed)",
            "description": "what the arm received",
            **SOURCE,
        },
    ),
    "levels": (
        "one comparison of a biomarker level between patients and controls",
        "ledger claims of type levels/level_study/association",
        {
            "level_id": "unique id",
            "study_id": "the study",
            "citation": "short citation",
            "n_fm": "patients with the condition",
            "n_control": "controls",
            "sample": "what was measured (serum, plasma, erythrocytes, hair, intake, ...)",
            "unit": "unit of the means",
            "mean_fm": "patients' mean",
            "sd_fm": "patients' SD",
            "mean_control": "controls' mean",
            "sd_control": "controls' SD",
            "p_value": "reported p of the comparison",
            "finding": "the reported direction in words",
            "year": "publication year",
            "linked_outcomes": "symptoms the study links to the level (`;`-separated)",
            "link_detail": "the reported link in words",
            **SOURCE,
        },
    ),
    "claims": (
        "one sentence of a source article",
        "the claims ledger",
        {
            "claim_id": "unique id",
            "source_file": "the article's file in ../shared/sources/",
            "line": "first line of the sentence in that file",
            "line_end": "last line of the sentence",
            "quote": "the sentence verbatim (checked against the file)",
            "figure_asserted": "the figure or fact the sentence asserts",
            "verify_with": "what would verify it",
            "study_id": "the studies it rests on (`;`-separated)",
            "outcome": "the outcomes it is about (`;`-separated)",
            "claim_type": "the ledger rule that judges it (see docs/methods.md)",
            "scope": "`general`, `subgroup`, `some` or `mixed`",
            "direction": "the direction asserted (e.g. `benefit`, `lower`)",
            "asserted_value": "a number the sentence states",
            "asserted_year": "a year the sentence states",
            "asserts_placebo": "`true` if it claims a difference against placebo/comparator",
            "asserts_meaningful": "`true` if it claims a patient-noticeable benefit",
            "reference_value": "a value the claim is compared with",
            "reason": "why a sentence is not checkable (for `not_checkable`)",
            "outcome_label": "how the reader-facing text names the outcome",
            "subgroup_label": "how the reader-facing text names the subgroup",
            **SOURCE,
            "claim_year": "the year the sentence was published, where its source states it "
            "(studies published in a later year are shown as later evidence and do "
            "not decide the verdict); empty: not known, every study counts",
            "trend": "the direction of a non-significant trend the sentence asserts "
            "(`favours intervention` or `favours comparator`; the ledger checks it against the "
            "point estimate), for claim types `effect` (with direction `no difference`) and "
            "`subgroup_effect` (the whole sample's trend); empty: the sentence asserts none",
        },
    ),
    "score_ranges": (
        "a score range narrower than the instrument's, implied by inclusion criteria or a cut-off",
        "forensics (SD bounds)",
        {
            "range_id": "unique id",
            "study_id": "the study",
            "subgroup": "the subgroup",
            "outcome": "the outcome",
            "timepoint": "`baseline`, `end` or `change`",
            "min": "lowest score possible in that group",
            "max": "highest score possible in that group",
            "basis": "the inclusion criterion or cut-off that implies the range",
            **SOURCE,
        },
    ),
    "instruments": (
        "one measuring instrument",
        "forensics (SD and GRIM checks), units in the report",
        {
            "instrument": "its name as in summary_stats.csv",
            "min": "lowest score",
            "max": "highest score",
            "granularity": "smallest step of an individual score (for GRIM)",
            "items": "number of items summed (for GRIM)",
            "scoring": "how it is scored",
            "unit": "what a difference is counted in (empty: points)",
            **SOURCE,
        },
    ),
    "grade": (
        "one GRADE domain judgement for one summary-of-findings outcome",
        "summary of findings",
        {
            "outcome": "the summary-of-findings outcome",
            "domain": "risk of bias, inconsistency, indirectness, imprecision or publication bias",
            "downgrade": "levels downgraded (0, 1 or 2)",
            "rationale": "the reason",
            **SOURCE,
        },
    ),
    "rob": (
        "one RoB 2 domain judgement for one study result",
        "risk-of-bias page",
        {
            "study_id": "the study",
            "result": "the result judged",
            "domain": "the RoB 2 domain",
            "judgement": "low, some concerns, high, or `no control group`",
            "support": "the support for the judgement",
            **SOURCE,
        },
    ),
    "adverse_events": (
        "one reported dropout or adverse-event figure (or a search that found none)",
        "study characteristics page",
        {
            "study_id": "the study",
            "arm": "the arm (or `all`)",
            "measure": "what was counted",
            "events": "number of patients with the event",
            "total": "patients at risk",
            "proportion": "reported proportion",
            "text": "the report in words (`not found` rows say what was searched)",
            **SOURCE,
        },
    ),
    "safety": (
        "one safety fact for the reader's bottom line",
        "bottom line page",
        {
            "topic": "the topic (kidney disease, interactions, ...)",
            "statement": "the fact in words",
            "value": "a figure, where there is one",
            "unit": "its unit",
            "url": "address of the source",
            **SOURCE,
        },
    ),
}


# result table -> (what one row is, which stages read it, {column: meaning}); its columns are the
# list the writing module declares (:func:`_result_columns`)
RESULTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "effect_sizes": (
        "one effect (or one comparison that gives none): study x subgroup x outcome x estimand x arm",
        "meta-analyses, Bayesian fits, subgroup simulation, ledger, summary of findings, forest plot",
        {
            "es_id": "unique id: `study.subgroup.outcome.estimand.arm`",
            "study_id": "the study",
            "subgroup": "the subgroup (`all`: the whole sample)",
            "outcome": "the outcome",
            "instrument": "the measuring instrument",
            "estimand": "`between_change`, `between_post` (end of treatment) or `within_change`",
            "arm": "`between` for a comparison of the arms (or `A-vs-B` where a study has several "
            "pairs), else the arm whose change it is",
            "role": "the arm's role (arms.csv), `between` for a comparison",
            "controlled": "`True` if the study has a comparator group",
            "design": "`parallel`, `crossover` or `single group` (studies.csv `allocation`)",
            "patients": "patients behind the effect, each counted once",
            "md": "mean difference (or mean change) in the instrument's unit, positive = improvement",
            "md_var": "its variance",
            "md_ci_low": "lower end of its 95% t interval",
            "md_ci_high": "upper end of its 95% t interval",
            "md_df": "degrees of freedom of that interval",
            "yi": "Hedges' g between arms, SMCR within an arm; positive = improvement; empty: not "
            "estimable",
            "vi": "its variance",
            "n1": "n per arm of the intervention (or the arm), as used",
            "n2": "n per arm of the comparator, as used",
            "basis": "how the effect was computed, in words",
            "status": "`derived`, `derived (assumption-dependent)`, `derived (from an inferred "
            "reading)`, `derived (from second-hand figures)` or `not estimable`",
            "assumptions": "the named assumptions the effect rests on, in words for the reader "
            "(`;`-separated); code reads the typed columns that follow",
            "n_source": "how `n1`/`n2` were obtained: `reported`, `implied` (solved from the "
            "subgroup's reported p-values, results/sample_sizes.csv) or `assumed` (config "
            "`assumptions.sample_sizes`), the least-reported of the arms; empty where the row has "
            "no n",
            "n_used": "the per-arm n no source reports that the effect uses (implied or assumed; "
            "the first such arm's); empty where every n is reported",
            "r_used": "the assumed correlation the effect uses: the pre-post correlation (config "
            "`prepost_correlation`) or, for a crossover, the within-patient one "
            "(`crossover_correlation`); empty where none is assumed (an r implied by a reported "
            "test is named in `basis`)",
            "p_threshold_used": "the p set for a result reported only as significant (config "
            "`p_threshold_significant`); empty where none",
            "source_rows": "the summary_stats.csv row ids it rests on (space-separated)",
            "p_reported": "the reported p (or t) of the comparison",
            "p_reanalysed": "that p recomputed from the reported means/SDs",
            "p_reanalysed_low": "lowest recomputed p over the inputs' rounding",
            "p_reanalysed_high": "highest recomputed p over the inputs' rounding",
            "p_check": "`reproduced`, `consistent by construction` or `not reproduced`; empty: no "
            "reported p to check",
            "p_check_detail": "the check in words (the figure that disagrees)",
            "p_n_low": "lowest n per arm that gives the p back (consistent by construction)",
            "p_n_high": "highest n per arm that gives the p back",
            "forensic_flags": "the source row ids (space-separated) that failed a forensic check; "
            "empty for none. Such effects are never pooled",
            "md_vtype": "how `md_var` was obtained: `LS` or `reported <statistic>`",
            "vtype": "how `vi` was obtained: `LS2` (Hedges' g) or `LS` (SMCR)",
            "rom": "log ratio of the end-of-treatment means",
            "rom_var": "its variance",
            "conversion": "the median/IQR/range conversion used; empty if none",
        },
    ),
}


def _result_columns() -> dict[str, list[str]]:
    from reanalysis.effects import build

    return {"effect_sizes": build.COLUMNS}


def result_rows(table: str) -> list[tuple[str, str]]:
    """(column, meaning) for every column of result ``table``, in the order it is written."""
    _, _, meaning = RESULTS[table]
    return [(c, meaning.get(c, "")) for c in _result_columns()[table]]


def _report_columns() -> dict[str, list[str]]:
    from reanalysis.appraisal import grade, risk_of_bias, study_characteristics

    return {
        "grade": grade.COLUMNS,
        "rob": risk_of_bias.COLUMNS,
        "adverse_events": study_characteristics.AE_COLUMNS,
        "safety": study_characteristics.SAFETY_COLUMNS,
    }


def _allowed(column) -> str:
    for check in column.checks:
        values = check.statistics.get("allowed_values")
        if values is not None:
            return ", ".join(f"`{v}`" for v in values)
    return ""


def _type(column) -> str:
    dtype = str(column.dtype)
    return {
        "float64": "number",
        "int64": "integer",
        "bool": "true/false",
        "boolean": "true/false/not stated",
    }.get(dtype, "text" if "str" in dtype else dtype)


def column_rows(table: str) -> list[tuple[str, str, str, str]]:
    """(column, type, rule, meaning) for every column of ``table``: declared in its schema (with
    type and rules from it), then described columns the schema does not check."""
    _, _, meaning = TABLES[table]
    schema = SCHEMAS.get(table)
    rows = []
    if schema is not None:
        for name, col in schema.columns.items():
            rule = "required" if col.required else "optional column"
            rule += ", may be empty" if col.nullable else ", a value in every row"
            rule += ", unique" if col.unique else ""
            allowed = _allowed(col)
            rule += f"; one of {allowed}" if allowed else ""
            rows.append((name, _type(col), rule, meaning.get(name, "")))
        rest = [c for c in meaning if c not in schema.columns]
        rows += [(c, "text", "optional, not checked by validation", meaning[c]) for c in rest]
    else:
        required = _report_columns()[table]
        rows += [
            (c, "text or number", "required column" if c in required else "optional", meaning.get(c, ""))
            for c in dict.fromkeys([*required, *meaning])
        ]
    return rows


def render() -> str:
    """docs/data.md."""
    out = [
        "# Data dictionary\n\n",
        "Generated by `python -m reanalysis.data.dictionary --write docs/data.md` from the "
        "validation schemas (types, rules, allowed values) and `reanalysis.data.dictionary` "
        "(meanings): do not edit by hand. Every table is a UTF-8, comma-separated CSV in a "
        "case's `data/` folder with a header line; empty fields are missing values.\n",
    ]
    for table, (row, readers, _) in TABLES.items():
        out.append(
            f"\n## `data/{table}.csv`\n\nOne row: {row}. Read by: {readers}.\n\n"
            "| column | type | rule | meaning |\n|---|---|---|---|\n"
        )
        out += [f"| `{c}` | {t} | {r} | {m} |\n" for c, t, r, m in column_rows(table)]
    for table, (row, readers, _) in RESULTS.items():
        out.append(
            f"\n## `results/{table}.csv`\n\nWritten by the pipeline. One row: {row}. Read by: "
            f"{readers}.\n\n| column | meaning |\n|---|---|\n"
        )
        out += [f"| `{c}` | {m} |\n" for c, m in result_rows(table)]
    return "".join(out)


def main(argv: list[str]) -> int:
    target = Path(argv[argv.index("--write") + 1] if "--write" in argv else "docs/data.md")
    text = render()
    if "--write" in argv:
        target.write_text(text)
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
