"""Snakemake script: subgroup effects from p-values, interaction test, Bayesian shrinkage of the
subgroup and its complement, and the credibility table of the subgroup claim."""

import pandas as pd

from reanalysis.bayes.priors import TauPrior
from reanalysis.data.tables import read_curated
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.sample_sizes import with_sizes
from reanalysis.report.tables import write_html_table
from reanalysis.simulation.credibility import credibility_table, shrinkage_table, subgroup_pair
from reanalysis.workflow_io import script_log, write_csv

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    s, b = cfg["subgroup_simulation"], cfg["bayes"]
    data = read_curated(snakemake.input.typed, cfg)
    a = with_sizes(Assumptions.from_config(cfg), pd.read_csv(snakemake.input.sizes))
    prior = TauPrior.from_config(b["priors"][b["primary_prior"]])
    default = s["complement_direction"]["value"]
    signs = [default] + [x for x in s["complement_direction"]["range"] if x != default]
    rows = []
    for sign in signs:
        pair = subgroup_pair(data["summary"], s, a, s["outcome"], sign)
        label = f"{s['complement']}-subgroup direction {'+' if sign > 0 else '-'}1" + (
            " (default)" if sign == default else ""
        )
        rows.append(shrinkage_table(pair, prior, b["mu_prior_sd"], label))
    shrink = pd.DataFrame(rows)
    table = credibility_table(
        data["summary"],
        s,
        shrink,
        pd.read_csv(snakemake.input.no_effect),
        pd.read_csv(snakemake.input.subgroup_only),
    )
    out = snakemake.output
    write_csv(shrink, out.shrinkage)
    write_csv(table, out.credibility)
    outcome = s["outcome"].replace("_", " ")
    write_html_table(
        shrink,
        out.shrinkage_html,
        f"Subgroups ({outcome}): interaction test and Bayesian shrinkage",
        f"Hedges' g of the {outcome} difference in the subgroup and its complement, from their "
        f"reported p-values ({pair.p_sub:g} and {pair.p_comp:g}) and assumed arm sizes; the interaction "
        "z-test; and the subgroup effects shrunk by an exchangeable hierarchical model (prior "
        f"{prior.label}). Where the complement's direction is not reported, both are shown.",
    )
    write_html_table(
        table,
        out.credibility_html,
        "Credibility of the subgroup claim",
        "Criteria after Sun et al. 2010 (BMJ 340:c117) and ICEMAN (Schandelmaier et al. "
        "2020). Each answer cites the data row, table or setting it rests on.",
    )
