"""The ledger's texts, rendered from a rule's typed facts: :func:`render` turns a
:class:`~reanalysis.ledger.verdicts.Judgement` into ``traced_to`` (the studies, 'citation
(design)'), ``numbers`` (the figures, for readers with statistics) and ``plain`` (the same for a
reader without), one renderer per kind of facts. The renderers of claims about trial results are
:mod:`reanalysis.ledger.effect_wording`'s; those of counts, proportions and recorded facts are
here. No rule looks anything up here and no sentence is parsed back.
"""

from __future__ import annotations

from reanalysis.effects.intervals import ci_label
from reanalysis.ledger import counts, effect_claims, effect_wording, facts, subgroups, within_arm
from reanalysis.ledger.phrases import fmt_ci, join, share, traced, with_range
from reanalysis.ledger.verdicts import Judgement

__all__ = ["render"]


def vote_count_texts(f: counts.VoteCountFacts) -> tuple[str, str, str]:
    v, (ns_low, ns_high) = f.vote, f.nonspecific_range
    mu, lo, hi, k = f.controlled
    parts = [
        f"count as stated: {v['positive']:.0f} of {v['total']:.0f} (source: "
        f"{'; '.join(f.count_sources)}; status {'/'.join(f.count_statuses)})",
        f"{v['positive']:.0f} of {v['total']:.0f} = {v['share']:.0%} "
        f"(95% CI {v['ci_low']:.0%} to {v['ci_high']:.0%}); sign test p = "
        f"{v['sign_test_p_one_sided']:.2f} (one-sided)",
        f"{v['uncontrolled_studies']:.0f} of the {v['total']:.0f} studies (as assumed) had "
        "no placebo group",
        f"with no effect of the treatment, at least {v['positive']:.0f} of "
        f"{v['total']:.0f} show an improvement in "
        f"{share(v['p_at_least_k_if_no_effect_direction'])} of simulated reviews "
        f"(placebo response + regression to the mean {f.nonspecific:g} SD; "
        f"{share(v['p_at_least_k_if_no_effect_direction_low_nonspecific'])} at "
        f"{ns_low:g} SD to "
        f"{share(v['p_at_least_k_if_no_effect_direction_high_nonspecific'])} at "
        f"{ns_high:g} SD); at least {v['positive']:.0f} significant: "
        f"{share(v['p_at_least_k_if_no_effect_significant'])} "
        f"({share(v['p_at_least_k_if_no_effect_significant_low_nonspecific'])} to "
        f"{share(v['p_at_least_k_if_no_effect_significant_high_nonspecific'])})",
        f"placebo-controlled whole-sample estimate: g = "
        f"{fmt_ci(mu, lo, hi, label=ci_label(f.level))}, k = {k:.0f}",
    ]
    if f.note:
        parts.append(f"the review itself: {f.note}")
    plain = ""
    if not f.traceable:
        plain = (f.reason or "We found no source that reports this count.") + " "
    plain += (
        f"Even taken at face value, counting studies does not measure an effect: "
        f"{v['uncontrolled_studies']:.0f} of the {v['total']:.0f} (as assumed) had no "
        f"placebo group, and if the treatment did nothing at least "
        f"{v['positive']:.0f} of {v['total']:.0f} would still report some improvement "
        + with_range(
            v["p_at_least_k_if_no_effect_direction"],
            v["p_at_least_k_if_no_effect_direction_low_nonspecific"],
            v["p_at_least_k_if_no_effect_direction_high_nonspecific"],
            f"as the assumed improvement on any treatment ranges from {ns_low:g} to {ns_high:g} SD",
        )
        + " of the time, because patients improve with any treatment and with time; "
        f"at least {v['positive']:.0f} significant improvements would turn up "
        + with_range(
            v["p_at_least_k_if_no_effect_significant"],
            v["p_at_least_k_if_no_effect_significant_low_nonspecific"],
            v["p_at_least_k_if_no_effect_significant_high_nonspecific"],
            "over the same range",
        )
        + " of the time."
    )
    return traced(f.traced), "; ".join(parts), plain


def proportion_texts(f: counts.ProportionFacts) -> tuple[str, str, str]:
    k, n = f.k, f.n
    problems = []
    if f.asserted_year is not None:
        problems.append(f"the study is from {f.year:.0f}, not {f.asserted_year:.0f}")
    if f.no_placebo:
        problems.append("it had no placebo group")
    if f.asserted_share is not None:
        problems.append(f"it reports {k / n:.0%}, not {f.asserted_share:.0%}")
    parts = [
        f"{k}/{n} = {k / n:.0%} (95% CI {f.ci_low:.0%} to {f.ci_high:.0%}) in an "
        f"{f.design} ({f.population})"
    ]
    said = []
    for c in f.controlled:
        if c.estimate is not None:
            parts.append(f"{c.citation}: {c.instrument} {fmt_ci(*c.estimate)}")
        else:
            parts.append(f"{c.citation}: " + ", ".join(f"{o} {s} {v:g}" for o, s, v in c.figures))
        if c.significant is not None:
            said.append(f"{c.name} {'found a benefit' if c.significant else 'found no clear benefit'}")
        elif c.count is not None:
            said.append(
                f"{c.name} reports {c.count[0]:g} of {c.count[1]:g} on the treatment, but no "
                "comparison with its placebo group"
            )
    plain = f"The {k / n:.0%} ({k} of {n}) comes from {f.name} ({f.population}; {f.design})."
    if problems:
        plain = f"Wrong as stated: {'; '.join(problems)}. " + plain
    if said:
        plain += (
            " Where a placebo group was used (same route of administration): " + "; ".join(said) + "."
        )
    return traced(f.traced), "; ".join(parts), plain


def not_checkable_texts(f: facts.NotCheckableFacts) -> tuple[str, str, str]:
    return "", "no trial figure applies", f.reason


def untraceable_texts(f: facts.UntraceableFacts) -> tuple[str, str, str]:
    """An untraceable citation, with the closest studies found."""
    closest = [f"{r.citation} — {r.design}" for r in f.closest]
    plain = f.reason or "We could not find this in any of the sources."
    if f.closest:
        plain += " The closest we found: " + "; ".join(f"{r.name} ({r.design})" for r in f.closest) + "."
    numbers = "no matching study or text" + ("; closest: " + "; ".join(closest) if closest else "")
    return "", numbers, plain


def fact_texts(f: facts.FactFacts) -> tuple[str, str, str]:
    return f.source, f"asserted: {f.asserted}; reference: {f.reference}", f.reason


def design_texts(f: facts.DesignFacts) -> tuple[str, str, str]:
    parts = [f"{key}: asserted {want}, recorded {have}" for key, want, have, _ in f.checks]
    wrong = [
        f"{key.replace('_', ' ')} is {have}, not {want}" for key, want, have, ok in f.checks if not ok
    ]
    plain = (
        f"Matches how {f.name} is described in its abstract."
        if not wrong
        else f"Does not match {f.name}: " + "; ".join(wrong) + "."
    )
    return traced((f.study,) if f.study else ()), "; ".join(parts), plain


def first_of_kind_texts(f: facts.FirstOfKindFacts) -> tuple[str, str, str]:
    effect_traced, numbers, plain = effect_wording.effect_texts(f.effect.facts)
    parts = [f"earlier blinded placebo-controlled studies of the same kind: {len(f.earlier_same)}"]
    parts += [
        f"earlier, with a co-intervention ({co}): {citation}" for co, citation, _ in f.earlier_other
    ]
    if f.earlier_same:
        plain = (
            f"Not the first: {join(list(f.earlier_same))} tested it earlier against placebo. " + plain
        )
    else:
        first = (
            f"As far as our sources go, {f.name} is the first blinded "
            "placebo-controlled trial of this kind without another substance added"
        )
        if f.earlier_other:
            first += (
                " ("
                + join([name for *_, name in f.earlier_other])
                + " tested it combined with another substance)"
            )
        plain = first + ". " + plain
    own = traced((f.study,) if f.study else ())
    return effect_traced or own, "; ".join(parts) + "; " + numbers, plain


def levels_texts(f: facts.LevelsFacts) -> tuple[str, str, str]:
    parts = [f"{f.studies} studies: " + ", ".join(f"{n} {w}" for w, n in f.per_study)]
    parts += [f"{s}: " + ", ".join(f"{n} {w}" for w, n in kinds) for s, kinds in f.per_sample]
    plain = (
        f"Of {f.known} studies comparing levels in patients with controls that give a clear "
        f"result, {f.lower} found lower levels in patients (in at least one sample) and "
        f"{f.known - f.lower} did not (no difference or higher); {f.unknown} more "
        "give no direction in our sources."
    )
    if f.as_stated and f.scope != "general":
        plain += " That is what the sentence says."
    plain += (
        " Such comparisons are snapshots: they cannot show that low levels cause the "
        "condition, or that taking a supplement helps."
    )
    return (
        f"{f.comparisons} case-control comparisons of levels (data/levels.csv)",
        "; ".join(parts),
        plain,
    )


def level_study_texts(f: facts.LevelStudyFacts) -> tuple[str, str, str]:
    numbers = (
        "; ".join(
            f"{r.citation}: {r.sample}, {r.n_fm:.0f} vs "
            f"{r.n_control:.0f}, {r.finding} ({r.status}: {r.source})"
            for r in f.rows
        )
        or "no study of that year and sample"
    )
    if f.match is not None:
        r = f.match
        plain = (
            f"Matches {r.citation}: {r.n_fm:.0f} patients and "
            f"{r.n_control:.0f} controls, {r.finding} in {r.sample} levels"
            + (" (we know it only from a review's table)." if r.status == "second-hand" else ".")
        )
    elif f.rows:
        plain = "The study of that year found something else: " + numbers + "."
    else:
        plain = "We found no study of that year measuring that."
    return numbers, numbers, plain


def association_texts(f: facts.AssociationFacts) -> tuple[str, str, str]:
    details = [f"{c} ({sample}): {detail} [{status}]" for c, sample, detail, status in f.links]
    details += [f"{c}: {o} r = {v:g} (n = {n:.0f}, {tp})" for c, o, v, n, tp in f.correlations]
    plain = []
    if f.found:
        plain.append(
            "Linked in " + "; ".join(f"{join(f.linked[o])} ({f.labels[o]})" for o in f.found) + "."
        )
    if f.missing:
        plain.append(f"No link with {join([f.labels[o] for o in f.missing])} was found in the studies.")
    plain.append(
        "These are associations in snapshots of patients, not evidence that taking "
        "a supplement changes the symptom."
    )
    return traced(f.traced), "; ".join(details) or "nothing found", " ".join(plain)


_RENDERERS = {
    effect_claims.EffectFacts: effect_wording.effect_texts,
    within_arm.WithinArmFacts: effect_wording.within_arm_texts,
    subgroups.SubgroupFacts: effect_wording.subgroup_texts,
    counts.VoteCountFacts: vote_count_texts,
    counts.ProportionFacts: proportion_texts,
    facts.UntraceableFacts: untraceable_texts,
    facts.NotCheckableFacts: not_checkable_texts,
    facts.FactFacts: fact_texts,
    facts.DesignFacts: design_texts,
    facts.FirstOfKindFacts: first_of_kind_texts,
    facts.LevelsFacts: levels_texts,
    facts.LevelStudyFacts: level_study_texts,
    facts.AssociationFacts: association_texts,
}


def render(j: Judgement) -> tuple[str, str, str]:
    """(traced_to, numbers, plain) of one judgement, from its facts alone."""
    renderer = _RENDERERS.get(type(j.facts))
    if renderer is None:
        raise TypeError(f"no wording for {type(j.facts).__name__} (branch {j.branch!r})")
    return renderer(j.facts)
