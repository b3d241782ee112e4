"""Snakemake script: effect sizes at the default values of the named assumptions, what the reported
figures imply for the unreported n and r, and every input row that no effect uses."""

import pandas as pd

from reanalysis.checks.forensics import flagged_rows
from reanalysis.data.tables import read_curated, unpooled_rows
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.build import build_effect_sizes, implied_assumptions
from reanalysis.effects.estimability import estimability
from reanalysis.effects.sample_sizes import sample_sizes
from reanalysis.report.tables import write_html_table
from reanalysis.workflow_io import script_log, write_csv

out = snakemake.output
with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    t = read_curated(snakemake.input.typed, cfg)
    flagged = flagged_rows(pd.read_csv(snakemake.input.forensics))
    effects = build_effect_sizes(
        t["summary"], t["studies"], Assumptions.from_config(cfg), flagged, arms=t["arms"]
    )
    implied = implied_assumptions(t["summary"], t["arms"], cfg, t["studies"])
    sizes = sample_sizes(
        t["summary"], t["studies"], Assumptions.from_config(cfg), flagged, arms=t["arms"]
    )
    unused = estimability(t["summary_all"], t["summary"], effects, t["arms"], t["studies"])
    unpooled = unpooled_rows(t["summary"], snakemake.params.pooled_outcomes)
    unused = pd.concat(
        [unused, unpooled.loc[~unpooled["row_id"].isin(unused["row_id"]), list(unused.columns)]],
        ignore_index=True,
    )
    write_csv(effects, out.csv)
    write_csv(implied, out.implied)
    write_csv(sizes, out.sizes)
    write_csv(unused, out.estimability)
    write_html_table(
        effects,
        out.html,
        "Effect sizes",
        "yi: Hedges' g (between arms) or SMCR (within arm), positive = improvement; md: mean "
        "difference in instrument points (benefit-positive) with its t-based CI (md_df degrees of "
        "freedom). Where a between-arm p, t, CI or SE is reported it fixes the SE of md; "
        "p_check: 'reproduced' (every input independent of the p), 'consistent by construction' "
        "(n solved from that p; p_n_low-p_n_high: the n per arm that gives it back) or 'not "
        "reproduced' (p_check_detail names the figure that disagrees). "
        "'assumptions' lists every named assumption a row depends on (config/config.yaml) and n "
        "implied by a reported p; n_source, n_used, r_used and p_threshold_used give the same facts "
        "as columns. 'forensic_flags' lists source rows that failed a consistency "
        "check (see Data forensics): such rows are shown but never pooled.",
    )
    write_html_table(
        implied,
        out.implied_html,
        "What the reported figures imply for unreported n and r",
        "For each reported between-arm p: the n per arm at which a t-test of the reported means/SDs "
        "gives that p (change scores at the low, default and high pre-post correlation r, and "
        "end-of-treatment scores), with the range the rounding of the reported figures allows; "
        "and the r it needs at each n of the assumed range. Each p is solved alone here; the effect "
        "sizes use one n per subgroup and arm, solved from all its p-values together at the "
        "default r and analysis (results/sample_sizes.csv).",
    )
    odd = sizes.loc[sizes["verdict"].isin(["flag", "inconclusive"]), "finding"].unique()
    write_html_table(
        sizes,
        out.sizes_html,
        "One n per subgroup and arm",
        "Where no source reports a subgroup's n per arm, one n serves every outcome, every effect, "
        "the subgroup simulation and the ledger: the integer n in the assumed range that best "
        "reproduces the subgroup's reported between-arm p-values together (least squares on t, "
        "default r); p-values resting on a flagged figure are checked at it, not used to set it. "
        "n_low-n_high: every n at which the setting p-values are reproduced together within the "
        "rounding of their inputs. verdict: ok, inconclusive (a p is reproduced at that n only at "
        "another r) or flag (the p-values cannot share one n). "
        + (
            f"{len(odd)} subgroup(s) not ok: " + " ".join(odd)
            if len(odd)
            else "Every subgroup's p-values share its n."
        ),
    )
    write_html_table(
        unused,
        out.estimability_html,
        "Input rows that give no effect size",
        f"{len(unused)} row(s) of data/summary_stats.csv contribute to no effect size or to no "
        "pooled estimate (an outcome no pooling set lists); each is listed with the reason.",
    )
