"""Snakemake script: false-positive curve, power curves and subgroup-estimate distributions."""

import pandas as pd

from reanalysis.data.tables import read_curated
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.sample_sizes import with_sizes
from reanalysis.report.plots import save
from reanalysis.simulation.plots import (
    false_positive_alt,
    false_positive_plot,
    power_alt,
    power_plot,
    subgroup_estimate_alt,
    subgroup_estimate_plot,
)
from reanalysis.simulation.tables import reported_effect
from reanalysis.workflow_io import script_log

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    s = cfg["subgroup_simulation"]
    inp, out = snakemake.input, snakemake.output
    scenarios = pd.concat([pd.read_csv(f) for f in inp.scenarios], ignore_index=True)
    reported = reported_effect(
        read_curated(inp.typed, cfg)["summary"],
        cfg,
        with_sizes(Assumptions.from_config(cfg), pd.read_csv(inp.sizes)),
    )
    save(
        false_positive_plot(
            scenarios, int(s["outcomes_examined"]["value"]), cfg["report"]["intervention"]
        ),
        out.fpr,
        false_positive_alt(scenarios),
    )
    power = pd.read_csv(inp.power)
    save(power_plot(power, reported), out.power, power_alt(power, reported))
    labels = {name: spec["label"] for name, spec in s["scenarios"].items()}
    save(
        subgroup_estimate_plot(scenarios, labels, reported),
        out.estimates,
        subgroup_estimate_alt(scenarios, reported),
    )
