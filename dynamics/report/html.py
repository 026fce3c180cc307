"""``report.html``: one self-contained page from what :func:`~dynamics.report.collect.collect` found.

Every string that comes from the data (comment text, author names, ids, titles, file names,
error messages that quote them) goes through :func:`html.escape` before it reaches the page, so
a comment holding ``<script>`` shows as text and never runs. plotly.js is embedded once, inline,
so the page needs no network; plotly's own JSON encoder escapes ``<`` in figure data.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dynamics._sample_checks import MIN_BOOTSTRAP_THREADS
from dynamics.report._markup import (
    Raw,
    ci_text,
    esc,
    fmt_number,
    frame_table,
    number_text,
    p_text,
    seconds_text,
    shown_comment_ids,
    table,
)
from dynamics.report.collect import FAMILIES, Collected, MetricRun, SideSeedSpread, has_p

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from dynamics.uncertainty import SignalUncertainty, ThresholdSensitivity

__all__ = ["FAMILY_TITLES", "fmt_number", "render"]

FAMILY_TITLES = {
    "structure": "Structure",
    "polarization": "Polarization",
    "echo_chambers": "Echo chambers",
    "escalation": "Flame escalation",
}
_FAMILY_INTRO = {
    "structure": (
        "Shape of the reply trees and of who answers whom: size, depth, width and structural "
        "virality of threads, reply-tree h-index, reciprocity, back-and-forth exchanges between "
        "two users, how unequally comments are spread over authors, and response times. "
        "The value of a per-thread measure is its mean over the n_threads threads shown beside "
        "it (with the median and the maximum): where the input holds the posts, a post that "
        "drew no comment is a thread of size, depth, width and h-index 0 and counts in those "
        "means; structural virality needs a comment and leaves such threads out."
    ),
    "polarization": (
        "How separated the sides are in the user reply graph. Null-model z-scores and p-values "
        "compare each measure with its null (named beside it): for sides found in the graph, "
        "degree-preserving rewirings of the graph with the sides found again on each "
        "(rewire-refit); for given labels, the labels shuffled over the users (label-shuffle)."
    ),
    "echo_chambers": (
        "Whether users mostly interact with their own side: leaning vs neighbours' leaning "
        "(Cinelli et al. 2021), assortativity, insularity of each side, exposure entropy and "
        "homogeneous neighbourhoods."
    ),
    "escalation": (
        "Whether exchanges heat up and who heats them, from the per-comment toxicity score: "
        "contagion of toxicity from parent to reply, toxicity by depth, escalation episodes, "
        "derailment, instigators and reply speed-up."
    ),
}
#: Below this many threads the page warns that thread-bootstrap intervals say little.
_FEW_THREADS = 20
#: Null-model fields shown beside the value, not again among the extra fields.
_NULL_KEYS = ("null_mean", "null_sd", "excess")
_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;
max-width:1100px;padding:1.5rem 2rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;
margin-top:2.2rem}h3{margin-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#666}.skipped{color:#a15c00}.warning{color:#a15c00;font-weight:600}.failed{color:#b00020}.ok{color:#1b7f3b}
.excerpt{max-width:36rem;white-space:pre-wrap;word-break:break-word}
code{background:#f4f4f4;padding:0 .2rem}details{margin:.4rem 0 1rem}
nav a{margin-right:1rem}
"""


def _figure_html(fig: go.Figure, div_id: str) -> str:
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )


def _metric_summary(run: MetricRun) -> str:
    """One line saying what the metric is (first line of its docstring)."""
    import importlib

    try:
        func = getattr(importlib.import_module(f"dynamics.{run.spec.family}"), run.spec.name)
    except (ImportError, AttributeError):
        return ""
    doc = inspect.getdoc(func) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ").replace("``", "").replace(":math:", "")


def _coverage_html(found: Mapping[str, Any] | None) -> list[str]:
    """The sides' coverage facts (``Sides.details["coverage"]``) and their warnings."""
    if not found or not found.get("n_edges"):
        return []  # no reply edge: nothing to cover (the sides' reason says so)
    share = found.get("user_share")
    edges = found.get("edge_share")
    text = (
        f"<p>The sides hold {found['n_users_on_sides']:,} of the {found['n_users']:,} users "
        f"with a reply edge ({esc(_percent(share))}) and {found['n_edges_on_sides']:,} of the "
        f"{found['n_edges']:,} user pairs linked by a reply in either direction "
        f"({esc(_percent(edges))}); {found['n_cross']:,} of these pairs link two sides.</p>"
    )
    warned = [f'<p class="warning">Warning: {esc(w)}</p>' for w in found.get("warnings", ())]
    return [text, *warned]


def _unassigned_text(unassigned: int, on_sides: int, found: Mapping[str, Any] | None) -> str:
    """How many of the reply graph's users have no side, and why, as far as the sides'
    coverage facts tell it.

    >>> _unassigned_text(10, 5, {"n_users": 9, "n_users_on_sides": 5})
    '10 of the 15 users in the reply graph have no side: 6 have no reply edge (no reply to or from another user), 4 are outside the sides'
    >>> _unassigned_text(3, 5, None)
    '3 of the 8 users in the reply graph have no side'
    """
    text = f"{unassigned:,} of the {unassigned + on_sides:,} users in the reply graph have no side"
    if not found or "n_users" not in found:
        return text
    outside = found["n_users"] - found["n_users_on_sides"]
    without = unassigned - outside
    if without < 0:  # the sides were found on another graph than the one counted here
        return text
    return (
        f"{text}: {without:,} have no reply edge (no reply to or from another user), "
        f"{outside:,} are outside the sides"
    )


def _signal_html(drawn: SignalUncertainty) -> str:
    """The measure over label sets drawn from the text signals, in one paragraph."""
    n, what = drawn.draws.size, " and ".join(drawn.signals)
    span = drawn.interval
    if span is None:
        defined = n - drawn.n_undefined
        if not defined:
            why = drawn.params.get("undefined")
            return (
                f'<p class="warning">Undefined on every one of {n:,} label sets drawn from the '
                f"{esc(what)} scores" + (f": {esc(why)}" if why else "") + ".</p>"
            )
        return (
            f'<p class="warning">Defined on {defined:,} of {n:,} label sets drawn from the '
            f"{esc(what)} scores: too few for an interval.</p>"
        )
    low, high = span
    text = (
        f"Over {n:,} label sets drawn from the {esc(what)} scores: mean "
        f"{esc(fmt_number(drawn.mean))}, {esc(fmt_number(100 * drawn.level))}% of the draws in "
        f"[{esc(fmt_number(low))}, {esc(fmt_number(high))}] (sd {esc(fmt_number(drawn.sd))})"
    )
    if drawn.n_undefined:
        text += f", undefined in {drawn.n_undefined:,}"
    if drawn.within is None:
        return (
            f'<p class="warning">{text}. The measure is undefined on the scores as they are; '
            "only labels drawn from them give it a value.</p>"
        )
    if drawn.within:
        return f"<p>{text}; the value on the scores lies within that interval.</p>"
    return (
        f'<p class="warning">{text}. The value on the scores lies outside that interval: it '
        "rests on reading the scores as they are (probabilities, thresholds) and differs from "
        "what labels drawn from them give; compare the two before reading it as a finding.</p>"
    )


def _thresholds_html(swept: ThresholdSensitivity) -> str:
    """The measure at each threshold of its signal, in one paragraph.

    >>> import numpy as np
    >>> from dynamics.uncertainty import ThresholdSensitivity
    >>> print(_thresholds_html(ThresholdSensitivity(
    ...     "m", "toxicity", np.array([0.4, 0.6]), np.array([2.5, np.nan]),
    ...     np.array([0.125, 0.05]), 2.0, 0.5)))
    <p>By the toxicity threshold (the share of scored comments at or over it): 0.4 (12.5%): 2.5; 0.6 (5.0%): n/a.</p>
    """
    steps = "; ".join(
        f"{fmt_number(t)} ({_percent(f, 1)}): {fmt_number(v) if math.isfinite(v) else 'n/a'}"
        for t, f, v in zip(swept.thresholds, swept.flagged, swept.values, strict=True)
    )
    unlike = (
        " Without a threshold this measure reads the score itself (the value above); at a "
        "threshold it is the trend of the share of toxic comments, another quantity."
        if swept.default is None
        else ""
    )
    return (
        f"<p>By the {esc(swept.signal)} threshold (the share of scored comments at or over "
        f"it): {esc(steps)}.{unlike}</p>"
    )


#: The fields of a metric's result that are durations in seconds (shown with their unit).
_SECONDS = {
    "response_times": ("value", "mean"),
    "reply_heat": ("median_inside", "median_outside", "mean_inside", "mean_outside"),
}

#: The tail a one-sided p-value counts (Measure.tail), in words.
_TAILS = {
    "higher": "one-sided: null samples at or above the value",
    "lower": "one-sided: null samples at or below the value",
}


def _side_seeds_html(spread: SideSeedSpread, ci: Any) -> str:
    """The measure on the sides of each side-search seed, in one paragraph; a warning when
    the values leave the value's own interval.

    >>> from dynamics.report.collect import SideSeedSpread
    >>> print(_side_seeds_html(SideSeedSpread((0, 1), (0.5, 0.7), ((3, 2), (4, 2))), (0.4, 0.6)))
    <p class="warning">On the sides found with seeds 0-1: from 0.5 to 0.7 (seed 0: 0.5, sides 3/2; seed 1: 0.7, sides 4/2). Some lie outside the interval above, which holds the sides of seed 0 fixed: the side search moves this value more than the sampling of threads does.</p>
    """
    steps = "; ".join(
        f"seed {seed}: {number_text(value)}, sides {'/'.join(str(n) for n in sizes) or 'n/a'}"
        for seed, value, sizes in zip(spread.seeds, spread.values, spread.sizes, strict=True)
    )
    seeds = f"{spread.seeds[0]}-{spread.seeds[-1]}"
    if not spread.defined:
        return f"<p>On the sides found with seeds {seeds}: no value on any ({esc(steps)}).</p>"
    text = (
        f"On the sides found with seeds {seeds}: from {number_text(spread.low)} to "
        f"{number_text(spread.high)} ({steps})"
    )
    if spread.n_undefined:
        text += f"; no value on {spread.n_undefined}"
    low, high = ci if ci is not None else (math.nan, math.nan)
    if math.isfinite(low) and math.isfinite(high) and (spread.low < low or spread.high > high):
        return (
            f'<p class="warning">{esc(text)}. Some lie outside the interval above, which '
            f"holds the sides of seed {spread.seeds[0]} fixed: the side search moves this "
            "value more than the sampling of threads does.</p>"
        )
    return f"<p>{esc(text)}.</p>"


def _percent(share: Any, digits: int = 0) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "n/a"
    return f"{100 * share:.{digits}f}%"


def _params_text(params: Mapping[str, Any]) -> str:
    parts = []
    for k, v in params.items():
        text = repr(v) if not isinstance(v, Mapping) else f"<{len(v)} entries>"
        if len(text) > 80:
            text = text[:77] + "..."
        parts.append(f"<code>{esc(k)}={esc(text)}</code>")
    return " ".join(parts)


def render(
    collected: Collected, results: Mapping[str, Any], paths: Mapping[str, Mapping[str, str]]
) -> str:
    """The report page as a string."""
    import plotly.offline

    from dynamics.report import figures

    facts = collected.facts
    report = facts.report
    name = results["input"]["name"] or "<data frame>"
    shown = {
        i
        for run in collected.runs
        if run.result is not None
        for frame in run.result.tables.values()
        for i in shown_comment_ids(frame)
    }
    texts = facts.texts(sorted(shown))
    parts: list[str] = []
    n_fig = 0

    def add_figure(fig: go.Figure | None) -> None:
        nonlocal n_fig
        if fig is not None:
            n_fig += 1
            parts.append(_figure_html(fig, f"figure-{n_fig}"))

    # ------------------------------------------------------------------ header
    parts.append(f"<h1>Discussion dynamics: {esc(name)}</h1>")
    parts.append(
        f'<p class="muted">dynamics {esc(results["dynamics_version"])} &middot; seed '
        f"{esc(results['parameters']['seed'])} &middot; SHA-256 of the input "
        f"<code>{esc(results['input']['sha256'] or 'n/a')}</code></p>"
    )
    links = ["input", "parameters", "summary", *FAMILIES, "skipped", "reproducibility"]
    titles = {
        "input": "Input",
        "parameters": "Parameters",
        "summary": "Summary",
        "skipped": "Skipped",
        "reproducibility": "Reproducibility",
        **FAMILY_TITLES,
    }
    nav = " ".join(f'<a href="#{k}">{titles[k]}</a>' for k in links)
    parts.append(f"<nav>{nav}</nav>")

    # ------------------------------------------------------------------ input
    start, end = report.start, report.end
    span = f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC" if start and end else "no times"
    parts.append('<h2 id="input">Input</h2>')
    graph_size = (
        f"{facts.n_user_edges:,} directed edges (ordered user pairs: u replied to v at least once)"
    )
    parts.append(
        table(
            ["", ""],
            [
                ["file", name],
                ["format", report.format],
                ["records read", report.n_records],
                ["comments", report.n_comments],
                ["threads", report.n_threads],
                ["authors", report.n_authors],
                ["time span", span],
                *([["part of the input", report.selection]] if report.selection else []),
                ["user reply graph", graph_size],
            ],
            numeric=set(),
        )
    )
    add_figure(figures.activity(facts.activity))
    parts.append("<h3>Data problems (IngestReport)</h3>")
    if report.selection:
        parts.append(
            "<p>This report is on a part of the input; the problems below were counted "
            "reading the whole input.</p>"
        )
    problems = report.to_frame()
    if problems.empty:
        parts.append("<p>No data problems were found.</p>")
    else:
        parts.append(
            "<p>Problems met while reading, what was done about each, and sample ids "
            f'(<a href="{esc(paths["ingest_report"]["ingest_report"])}">CSV</a>).</p>'
        )
        parts.append(
            table(
                ["problem", "description", "count", "policy", "samples"],
                [
                    [r.problem, r.description, int(r.count), r.policy, r.samples]
                    for r in problems.itertuples(index=False)
                ],
                numeric={2},
            )
        )

    # ------------------------------------------------------------------ parameters
    settings = collected.settings
    sides = collected.sides
    parts.append('<h2 id="parameters">Parameters and defaults</h2>')
    parts.append(
        "<p>Every metric runs with its own documented defaults; the report passes only the "
        "settings below to the metrics that take them (each metric's full parameters are listed "
        "under its result and in <code>results.json</code>).</p>"
    )
    parts.append(
        table(
            ["setting", "value", "meaning"],
            [
                [
                    "seed",
                    settings.seed,
                    (
                        "seeds the sides (Leiden) and every null model and "
                        "bootstrap: the same seed gives the same results.json"
                    ),
                ],
                [
                    "n_null",
                    settings.n_null,
                    "null-model samples (z-score, p-value), for every metric that has a null model",
                ],
                [
                    "null",
                    settings.null if settings.runs_null else "none",
                    (
                        "null model of the side-based measures: auto re-finds sides found in the "
                        "graph on degree-preserving rewirings of it (rewire-refit) and shuffles "
                        "given labels (label-shuffle); excess = value - null mean; metrics with "
                        "their own default null model (contagion: toxicity shuffled within "
                        "threads) keep it"
                    ),
                ],
                [
                    "n_boot",
                    settings.n_boot,
                    (
                        "bootstrap samples over threads (percentile "
                        "confidence interval), for every metric that takes them; 0: no interval"
                    ),
                ],
                [
                    "text signals",
                    "; ".join(
                        f"{m['scorer']}: {m['model']} ({m['version']})"
                        for m in collected.annotation.get("models", [])
                    )
                    or ", ".join(collected.annotation["scorers"])
                    or "off",
                    "toxicity, sentiment and stance scored offline (cached) before measuring; "
                    "each score column with the model and version that produced it"
                    + (
                        "; input columns replaced by scores: "
                        + ", ".join(collected.annotation["replaced_columns"])
                        if collected.annotation.get("replaced_columns")
                        else ""
                    ),
                ],
                [
                    "sides method",
                    settings.sides_method,
                    "how users are split into sides (dynamics.polarization.sides)",
                ],
                ["n_sides", settings.n_sides, "the largest communities kept as sides"],
                [
                    "signal_draws",
                    settings.signal_draws,
                    (
                        "label sets drawn from the stance and toxicity scores for every measure "
                        "that reads them (dynamics.uncertainty.signal_uncertainty); 0: none"
                    ),
                ],
                [
                    "side seeds",
                    max(settings.side_seeds, 1),
                    (
                        "the sides found with this many seeds (seed, seed + 1, ...); every "
                        "side-based measure's value on each is given beside its interval"
                    ),
                ],
                [
                    "thresholds",
                    ", ".join(fmt_number(t) for t in settings.thresholds) or "none",
                    (
                        "toxicity thresholds at which the escalation measures were also "
                        "computed (dynamics.uncertainty.threshold_sensitivity)"
                    ),
                ],
            ],
            numeric=set(),
        )
    )
    parts.append(
        "<p><b>Sides.</b> The side-based measures (polarization and echo chambers) use the "
        f"<code>{esc(settings.sides_method)}</code> communities of the undirected user reply "
        f"graph, found with seed {settings.seed}; the {settings.n_sides} largest communities are "
        "the sides and every other user has no side. Reply graphs are mostly disagreement, so "
        "these are groups that talk a lot to each other, which in a flame war can be two camps "
        "arguing; pass labelled sides through the Python API when you have them. The "
        "confidence intervals resample threads with these sides held fixed, so they leave out "
        "how much the side search itself varies. On real reply graphs another seed can find "
        "other sides and move a side-based value beyond its interval (for example, on "
        "r/CollegeRant E/I went from -0.979 to -0.882 over eight seeds, against an interval of "
        "[-0.994, -0.967]). "
        + (
            f"The sides were also found with seeds {settings.seed} to "
            f"{settings.seed + settings.side_seeds - 1}, and each side-based measure gives "
            "its value on each beside its interval: give that range with the value.</p>"
            if settings.side_seeds >= 2
            else "Run the report with several side seeds (--side-seeds) and give the range "
            "beside the interval.</p>"
        )
    )
    if sides.status == "ok" and sides.labels is not None:
        sizes = sides.sizes()
        found = getattr(sides.labels, "details", {}).get("coverage")
        parts.append(
            f"<p>Sides found: {len(sizes)} ("
            + ", ".join(f"side {esc(k)}: {v:,} users" for k, v in sizes.items())
            + "); "
            + _unassigned_text(results["sides"]["n_unassigned"], sum(sizes.values()), found)
            + (f". Note: {esc(sides.reason)}" if sides.reason else "")
            + (f' (<a href="{esc(paths["sides"]["sides"])}">CSV</a>).' if "sides" in paths else ".")
            + "</p>"
        )
        parts.extend(_coverage_html(found))
    else:
        parts.append(
            f'<p class="skipped">No sides ({esc(sides.status)}): {esc(sides.reason)}. '
            "The side-based measures are skipped.</p>"
        )

    # ------------------------------------------------------------------ summary
    parts.append('<h2 id="summary">Summary</h2>')
    parts.append(
        "<p>Every metric: its value, confidence interval (percentile bootstrap over threads, "
        "where computed), null-model z-score, p-value, null mean and excess (value - null "
        "mean, where computed), or why it is missing "
        f'(<a href="{esc(paths["summary"]["summary"])}">CSV</a>). Each p-value is one-sided, '
        "in the direction in which the measure reads as more polarized or more closed: "
        "(lower) is the share of null samples at or below the value, (higher) at or above it. "
        "A value far on the other side of its null gives p near 1 and a z-score of the other "
        "sign: read the z-score with it. The side-based measures are tested on the same null "
        "samples and are not independent tests; no correction for multiple tests is made.</p>"
    )
    if settings.signal_draws:
        parts.append(
            f"<p>Each measure that reads the text signals was also computed on "
            f"{settings.signal_draws:,} label sets drawn from the scores (each reply's stance "
            "from its probabilities, each comment Offensive with its toxicity as probability): "
            "the spread says how far the value moves when the signals are as uncertain as "
            "their scores say (shown under each measure; it assumes calibrated scores, and "
            "independent draws also weaken any link between comments the scores do not carry).</p>"
        )
        if collected.calibration is not None:
            parts.append(
                "<p>Before drawing, the scores were mapped through a calibration "
                "(dynamics.text.calibration), refitted on a bootstrap resample in each draw so "
                "that its own uncertainty is in the spread: "
                f"{esc(collected.calibration.describe())}. The value on the scores is shown "
                "as it is.</p>"
            )
    if settings.thresholds:
        parts.append(
            "<p>Each measure that calls a comment toxic when its score reaches a threshold "
            "(0.5 by default; the trends by depth and turn read the score itself unless given "
            "one) was also computed at the thresholds "
            f"{esc(', '.join(fmt_number(t) for t in settings.thresholds))}, with the share of "
            "scored comments each flags (shown under each measure): a finding that holds "
            "across them does not rest on where the line is drawn. Read the shares beside a "
            "known rate of toxic comments in this data, where you have one.</p>"
        )
    if report.n_threads < MIN_BOOTSTRAP_THREADS and settings.n_boot:
        parts.append(
            f'<p class="warning">This input has {report.n_threads:,} thread'
            f"{'s' if report.n_threads != 1 else ''}, under the minimum of "
            f"{MIN_BOOTSTRAP_THREADS} for a bootstrap interval over threads: no interval is "
            "given (CI n/a), because resampling so few threads gives a degenerate one.</p>"
        )
    elif report.n_threads < _FEW_THREADS and settings.n_boot:
        parts.append(
            f'<p class="skipped">This input has {report.n_threads:,} threads: the intervals '
            "resample threads, so they cannot show much uncertainty here.</p>"
        )
    rows = []
    for run in collected.runs:
        r = run.result
        if r is None:
            rows.append(
                [
                    run.spec.family,
                    run.spec.name,
                    None,
                    "",
                    None,
                    "",
                    None,
                    None,
                    Raw(f'<span class="{run.status}">{esc(run.status)}: {esc(run.reason)}</span>'),
                    "",
                ]
            )
        else:
            rows.append(
                [
                    run.spec.family,
                    run.spec.name,
                    r.value,
                    ci_text(r.ci),
                    r.z,
                    p_text(r.p_value) + (f" ({run.spec.tail})" if has_p(r) else ""),
                    r.null_mean,
                    r.excess,
                    "; ".join(run.notes),
                    Raw(f'<span class="warning">{esc("; ".join(r.warnings))}</span>'),
                ]
            )
    parts.append(
        table(
            [
                "family",
                "metric",
                "value",
                "CI",
                "z",
                "p",
                "null mean",
                "excess",
                "note",
                "warnings",
            ],
            rows,
            numeric={2, 3, 4, 5, 6, 7},
        )
    )
    add_figure(figures.z_scores(collected))

    # ------------------------------------------------------------------ families
    for family in FAMILIES:
        parts.append(f'<h2 id="{family}">{FAMILY_TITLES[family]}</h2>')
        parts.append(f"<p>{esc(_FAMILY_INTRO[family])}</p>")
        if family == "polarization":
            add_figure(figures.side_sizes(sides))
        for run in collected.by_family(family):
            parts.append(f"<h3>{esc(run.spec.name)}</h3>")
            summary = _metric_summary(run)
            if summary:
                parts.append(f'<p class="muted">{esc(summary)}</p>')
            r = run.result
            if r is None:
                parts.append(f'<p class="{run.status}">{esc(run.status)}: {esc(run.reason)}</p>')
                continue
            in_seconds = _SECONDS.get(run.spec.name, ())
            value_text = seconds_text if "value" in in_seconds else number_text
            line = f"<b>{esc(value_text(r.value))}</b>"
            if ci_text(r.ci):
                level = r.params.get("ci", 0.95)
                line += f", {esc(fmt_number(100 * level))}% CI {esc(ci_text(r.ci))}"
            elif r.params.get("ci_reason"):
                line += f", CI n/a ({esc(r.params['ci_reason'])})"
            if r.z is not None:
                line += f", z = {esc(number_text(r.z))}"
            if has_p(r):
                line += f", p = {esc(p_text(r.p_value))} ({_TAILS[run.spec.tail]}"
                if r.params.get("null"):
                    line += f"; {esc(r.params['null'])} null"
                    n_null = r.params.get("n_null")
                    if isinstance(n_null, int) and n_null > 0:
                        line += f", {n_null:,} samples"
                        if math.isclose(r.p_value, 1 / (n_null + 1)):
                            line += ": the smallest p-value they can give"
                line += ")"
            if r.null_mean is not None:
                line += (
                    f", null mean {esc(number_text(r.null_mean))} (sd "
                    f"{esc(number_text(r.null_sd))}), excess {esc(number_text(r.excess))}"
                )
            extra = run.result.to_dict()
            for key in (
                "name",
                "value",
                "ci",
                "z",
                "p_value",
                "reason",
                "warnings",
                "params",
                *_NULL_KEYS,
            ):
                extra.pop(key, None)
            if extra:
                line += "; " + ", ".join(
                    f"{esc(k)} = "
                    + esc((seconds_text if k in in_seconds else number_text)(v) or "n/a")
                    for k, v in extra.items()
                )
            parts.append(f"<p>{line}</p>")
            if run.signal is not None:
                parts.append(_signal_html(run.signal))
            if run.thresholds is not None:
                parts.append(_thresholds_html(run.thresholds))
            if run.side_seeds is not None:
                parts.append(_side_seeds_html(run.side_seeds, r.ci))
            parts.extend(f'<p class="warning">Warning: {esc(w)}</p>' for w in r.warnings)
            parts.extend(f'<p class="muted">Note: {esc(note)}</p>' for note in run.notes)
            if r.params:
                parts.append(f'<p class="muted">Parameters: {_params_text(r.params)}</p>')
            add_figure(figures.for_metric(run))
            for table_name, frame in r.tables.items():
                href = paths.get(run.spec.key, {}).get(table_name)
                link = f' (<a href="{esc(href)}">CSV</a>)' if href else ""
                parts.append(
                    f"<details><summary>table <code>{esc(table_name)}</code>: "
                    f"{frame.height:,} rows{link}</summary>"
                    + frame_table(frame, texts=texts)
                    + "</details>"
                )

    # ------------------------------------------------------------------ skipped
    parts.append('<h2 id="skipped">Skipped</h2>')
    missing = [run for run in collected.runs if run.status != "ok"]
    if collected.annotation["status"] == "off":
        parts.append("<p>Text signals were not computed (<code>--no-annotate</code>).</p>")
    no_value = [run for run in collected.runs if run.undefined]
    if not missing and not no_value:
        parts.append("<p>Every metric ran and gave a value.</p>")
    elif not missing:
        parts.append("<p>Every metric ran.</p>")
    else:
        parts.append(
            table(
                ["family", "metric", "status", "reason"],
                [[r.spec.family, r.spec.name, r.status, r.reason] for r in missing],
                numeric=set(),
            )
        )

    if no_value:
        parts.append(
            f"<p>{len(no_value)} metric{'s' if len(no_value) != 1 else ''} ran but gave no "
            "value on this input (n/a above):</p>"
        )
        parts.append(
            table(
                ["family", "metric", "why"],
                [
                    [r.spec.family, r.spec.name, r.result.reason if r.result else ""]
                    for r in no_value
                ],
                numeric=set(),
            )
        )

    # ------------------------------------------------------------------ reproducibility
    parts.append('<h2 id="reproducibility">Reproducibility</h2>')
    env = results["environment"]
    parts.append(
        table(
            ["", ""],
            [["input", name], ["sha256", results["input"]["sha256"] or "n/a"]]
            + [[f"read option {k}", v] for k, v in results["input"]["read_options"].items()]
            + _origin_rows(results["input"])
            + [[k, v or "not installed"] for k, v in env.items()],
            numeric=set(),
        )
    )
    parts.append(
        "<p><code>results.json</code> holds every number above with its parameters; running "
        "<code>dynamics analyze</code> again on the same input with the same seed and options "
        "writes the same <code>results.json</code>.</p>"
    )

    plotly_js = plotly.offline.get_plotlyjs() if n_fig else ""
    head = (
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width,'
        f'initial-scale=1"><title>dynamics report: {esc(name)}</title><style>{_CSS}</style>'
    )
    if plotly_js:
        head += f'<script type="text/javascript">{plotly_js}</script>'
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head>{head}</head><body>\n'
        + "\n".join(parts)
        + "\n</body></html>\n"
    )


def _origin_rows(entry: dict[str, Any]) -> list[list[Any]]:
    """Reproducibility rows for a saved part or copy: the original input and the part."""
    rows: list[list[Any]] = []
    original = entry.get("original")
    if original:
        rows += [
            ["original input", original["name"]],
            ["original sha256", original["sha256"] or "n/a"],
        ]
    if entry.get("selection"):
        rows.append(["part", entry["selection"]])
    return rows
