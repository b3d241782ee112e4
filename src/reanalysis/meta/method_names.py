"""How the report names each method, in one place (standard library only, so a page job that
only writes words imports nothing heavy)."""


def interval_name(knha: bool) -> str:
    """How a pooled CI is computed: the pipeline's Knapp-Hartung is the ad hoc form (variance
    factor s² = Q-based scale raised to 1 where below; Röver, Knapp & Friede 2015; metafor
    ``test="adhoc"``; :func:`reanalysis.meta.frequentist.fit_random_effects`)."""
    return (
        "ad hoc Knapp–Hartung (t on k − 1 df, variance factor at least 1)"
        if knha
        else "normal approximation (z)"
    )
