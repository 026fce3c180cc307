"""The Escalation page's threshold card (dashboard.callbacks.escalation.sweep_table)."""

from __future__ import annotations

import polars as pl

import dynamics as dyn
from dashboard.background import stored_result
from dashboard.callbacks.escalation import SWEEP, sweep_table
from dashboard.figures.metrics import threshold_figure
from dynamics.uncertainty import threshold_sensitivity


def _discussion() -> dyn.Discussion:
    """Two threads; the replies' toxicity rises along each chain."""
    d = dyn.load(
        pl.DataFrame(
            {"id": list("abcdefgh"), "parent": [None, "a", "b", "c", None, "e", "f", "g"],
             "link_id": list("sssstttt"), "user": list("wxwxyzyz"),
             "body": list("pqrstuvw")}
        )
    )  # fmt: skip
    toxicity = pl.Series([0.1, 0.35, 0.55, 0.75, 0.05, 0.25, 0.45, 0.3])
    return dyn.Discussion(d.comments.with_columns(toxicity=toxicity), d.report)


def test_the_card_shows_the_librarys_values_at_every_threshold():
    d = _discussion()
    seen = []
    table = sweep_table("sweep-k1", d, 3, progress=seen.append)
    assert [s[2] for s in seen] == [
        "Recomputing contagion ratio...",
        "Recomputing derailed threads (share)...",
        "Recomputing escalation episodes...",
    ]
    for label, key, kwargs in [
        ("contagion ratio", "escalation.contagion", {}),
        ("derailed threads (share)", "escalation.derailment", {}),
        ("escalation episodes", "escalation.episodes", {"min_turns": 3}),
    ]:
        rows = table.filter(pl.col("measure") == label).sort("threshold")
        direct = threshold_sensitivity(d, key, thresholds=SWEEP, seed=0, **kwargs).to_frame(
            backend="polars"
        )
        assert rows["threshold"].to_list() == list(SWEEP)
        assert rows["value"].to_list() == direct["value"].to_list(), label
        assert rows["flagged"].to_list() == direct["flagged"].to_list()
    # derailment by hand: both threads reach 0.2-0.4 (t peaks at 0.45), s alone 0.5-0.7
    # (it peaks at 0.75), neither 0.8 or 0.9
    derail = table.filter(pl.col("measure") == "derailed threads (share)").sort("threshold")
    assert derail["value"].to_list() == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.0, 0.0]
    # stored: the next visit reads it
    assert stored_result(("escalation-sweep", "sweep-k1", "3")).equals(table)
    figure = threshold_figure(table, chosen=0.5)
    titles = [a.text for a in figure.layout.annotations if a.text]
    assert titles[:4] == [
        "share of comments flagged",
        "contagion ratio",
        "derailed threads (share)",
        "escalation episodes",
    ]


def test_no_scored_comment_gives_undefined_values_and_says_so():
    d = _discussion()
    d = dyn.Discussion(d.comments.with_columns(toxicity=pl.lit(None, dtype=pl.Float64)), d.report)
    table = sweep_table("sweep-k2", d, 3)
    assert table["value"].null_count() == table.height
    figure = threshold_figure(table, chosen=0.5)
    undefined = [a for a in figure.layout.annotations if a.text == "undefined at every threshold"]
    assert len(undefined) == 4  # the shares flagged too: no comment is scored
