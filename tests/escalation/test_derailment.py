"""Derailment per thread and instigators / targets / de-escalators, on hand-worked cases."""

from __future__ import annotations

import math
from datetime import timedelta

import polars as pl
import pytest

import dynamics as dyn
from dynamics._significance import bootstrap_threads
from dynamics.escalation import derailment, instigators


def thread(name, tox, users=None, *, step=60, parents="chain"):
    n = len(tox)
    ids = [f"{name}{i}" for i in range(n)]
    users = users or [f"{name}u{i % 2}" for i in range(n)]
    return pl.DataFrame(
        {
            "id": ids,
            "parent": [None, *ids[:-1]] if parents == "chain" else [None] * n,
            "link_id": [name] * n,
            "user": list(users),
            "body": ["x"] * n,
            "created_utc": [1_700_000_000 + step * i for i in range(n)],
            "toxicity": [float(v) for v in tox],
        }
    )


def four_threads():
    return dyn.load(
        pl.concat(
            [
                thread("A", [0.1, 0.2, 0.8, 0.1, 0.1, 0.1]),
                thread("B", [0.1, 0.9, 0.2, 0.7]),
                thread("C", [0.1, 0.1]),
                thread("D", [0.6, 0.1, 0.1, 0.1, 0.9]),
            ]
        )
    )


# ------------------------------------------------------------------ derailment
def test_derailment_known_answer():
    # A: first toxic A2 (turn 3, depth 2, 2 minutes in); 3 calm comments follow -> recovered.
    # B: first toxic B1 (turn 2); only 2 comments follow (< recovery=3) -> recovery unknown.
    # C: never toxic. D: toxic from its first comment (turn 1, 0 s); ends toxic -> not recovered.
    # value = 3 derailed / 4 threads; recovered_share = 1 of the 2 known (A yes, D no).
    r = derailment(four_threads(), n_boot=0)
    assert r.value == 0.75
    assert (r.n_threads, r.n_derailed) == (4, 3)
    assert r.recovered_share == 0.5
    assert r.ci is None
    t = r.table("threads", backend="polars")
    assert t.get_column("thread_id").to_list() == ["A", "B", "C", "D"]
    assert t.get_column("derailed").to_list() == [True, True, False, True]
    assert t.get_column("first_toxic").to_list() == ["A2", "B1", None, "D0"]
    assert t.get_column("turn").to_list() == [3, 2, None, 1]
    assert t.get_column("depth").to_list() == [2, 1, None, 0]
    assert t.get_column("time_to_derail").to_list() == [
        timedelta(minutes=2),
        timedelta(minutes=1),
        None,
        timedelta(0),
    ]
    assert t.get_column("recovered").to_list() == [True, None, None, False]
    assert t.get_column("n_toxic").to_list() == [1, 2, 0, 2]


def test_turns_follow_time_not_table_order():
    # two top-level comments listed late-first: the toxic one was posted second
    frame = pl.DataFrame(
        {
            "id": ["x", "y"],
            "parent": [None, None],
            "link_id": ["t", "t"],
            "user": ["a", "b"],
            "body": ["1", "2"],
            "created_utc": [100, 0],
            "toxicity": [0.9, 0.1],
        }
    )
    t = derailment(dyn.load(frame), n_boot=0).table("threads", backend="polars")
    assert t.row(0, named=True)["turn"] == 2
    assert t.row(0, named=True)["time_to_derail"] == timedelta(seconds=100)


def test_recovery_window_parameter():
    # with recovery=1 B's last comment (.7) is toxic -> not recovered; D ends toxic too
    t = derailment(four_threads(), recovery=1, n_boot=0).table("threads", backend="polars")
    assert t.get_column("recovered").to_list() == [True, False, None, False]


def twelve_threads():
    """The four threads three times each: enough threads for a bootstrap interval."""
    values = {"A": [0.1, 0.2, 0.8, 0.1, 0.1, 0.1], "B": [0.1, 0.9, 0.2, 0.7], "C": [0.1, 0.1]}
    values["D"] = [0.6, 0.1, 0.1, 0.1, 0.9]
    return dyn.load(pl.concat([thread(f"{k}{i}", v) for i in range(3) for k, v in values.items()]))


def test_few_threads_give_no_interval_and_say_why():
    r = derailment(four_threads(), n_boot=60, seed=3)
    assert r.value == 0.75
    assert r.ci is None
    assert r.params["ci_reason"] == "no bootstrap interval: 4 threads, under the minimum of 10"
    assert r.warnings == ("only 4 threads, under the minimum of 10", r.params["ci_reason"])


def test_bootstrap_ci_equals_resampling_discussions():
    d = twelve_threads()
    r = derailment(d, n_boot=60, seed=3)
    assert r.value == 0.75
    ref, _ = bootstrap_threads(
        lambda x: derailment(x, n_boot=0).value, d, n_boot=60, seed=3, ci=0.95
    )
    assert r.ci == pytest.approx(ref)
    assert r.ci[0] <= r.value <= r.ci[1]
    assert derailment(d, n_boot=60, seed=3).ci == r.ci  # seed determinism


def test_relabelling_invariance():
    d = four_threads()
    renamed = d.to_polars().with_columns(
        ("z" + pl.col(c)).alias(c) for c in ("comment_id", "parent_id", "thread_id", "author")
    )
    a = derailment(d, n_boot=0)
    b = derailment(renamed, n_boot=0)
    assert (a.value, a.recovered_share) == (b.value, b.recovered_share)


def test_derailment_errors_and_nan():
    d = four_threads()
    for kwargs, match in [
        ({"recovery": 0}, "'recovery' parameter of derailment must be an integer >= 1"),
        ({"n_boot": 1}, "'n_boot' parameter of derailment"),
        ({"ci": 1.5}, "'ci' parameter of derailment must be in"),
        ({"threshold": "high"}, "'threshold' parameter of derailment"),
    ]:
        with pytest.raises(ValueError, match=match):
            derailment(d, **kwargs)
    unscored = d.to_polars().with_columns(pl.lit(None, dtype=pl.Float64).alias("toxicity"))
    r = derailment(unscored)
    assert math.isnan(r.value)
    assert "no comment has a 'toxicity' score" in r.reason


def test_seed_thread_derails_at_its_second_comment(seed_thread):
    with pytest.warns(dyn.DataQualityWarning, match="empty_text"):
        d = dyn.load(seed_thread, infer_replies="adjacent").annotate()
    r = derailment(d, n_boot=0)
    row = r.table("threads", backend="polars").row(0, named=True)
    # no times: table order; comment 2 ("... terrorists must be eliminated!") is the first
    # one the toxicity scorer puts over 0.5, and the thread ends with a toxic reply
    assert row["turn"] == 2
    assert row["time_to_derail"] is None
    assert row["recovered"] is False
    assert r.value == 1.0


# ------------------------------------------------------------------ instigators
def three_flames(calm_reply=0.1):
    # A: ann .2 -> bob .6 -> ann .9, then cat answers calmly (.1): ann starts, cat ends it.
    # B: ann .1 -> dan .5 -> ann .8 -> dan .3 (.3 is not calm at threshold / 2 = .25).
    # C: bob .3 -> eve .6 -> bob .9, no reply.
    return dyn.load(
        pl.concat(
            [
                thread("A", [0.2, 0.6, 0.9, calm_reply], ["ann", "bob", "ann", "cat"]),
                thread("B", [0.1, 0.5, 0.8, 0.3], ["ann", "dan", "ann", "dan"]),
                thread("C", [0.3, 0.6, 0.9], ["bob", "eve", "bob"]),
            ]
        )
    )


def test_instigators_known_answer():
    # started: ann 2 (A, B), bob 1 (C). Toxic replies inside episodes and whom they answer:
    # A: bob->ann, ann->bob; B: dan->ann, ann->dan; C: eve->bob, bob->eve
    # => targeted ann 2, bob 2, dan 1, eve 1. De-escalated: cat (A). 5 authors, top 10%
    # = 1 author (ann) who started 2 of the 3 episodes.
    r = instigators(three_flames())
    assert r.value == pytest.approx(2 / 3)
    assert (r.n_episodes, r.n_authors, r.n_top) == (3, 5, 1)
    assert r.table("authors", backend="polars").rows() == [
        ("ann", 2, 2, 0, 2),
        ("bob", 1, 2, 0, 2),
        ("dan", 0, 1, 0, 1),
        ("eve", 0, 1, 0, 1),
        ("cat", 0, 0, 1, 0),
    ]
    # the top 40% (2 authors: ann, bob) started all three
    assert instigators(three_flames(), top=0.4).value == 1.0


def test_calm_parameter_and_non_calm_endings():
    # with calm = .35, dan's .3 reply ends B as well
    t = instigators(three_flames(), calm=0.35).table("authors", backend="polars")
    assert dict(zip(t["author"], t["deescalated"], strict=True)) == {
        "ann": 0,
        "bob": 0,
        "dan": 1,
        "eve": 0,
        "cat": 1,
    }
    # cat's reply at .3 is not calm (>= .25): nobody de-escalates
    t = instigators(three_flames(calm_reply=0.3)).table("authors", backend="polars")
    assert t.get_column("deescalated").sum() == 0


def test_self_replies_are_not_targets():
    # ann answers herself with rising toxicity: an episode, but nobody is targeted
    with pytest.warns(dyn.DataQualityWarning, match="self_reply"):
        d = dyn.load(thread("S", [0.2, 0.6, 0.9], ["ann", "ann", "ann"]))
    t = instigators(d, kind="chains").table("authors", backend="polars")
    assert t.rows() == [("ann", 1, 0, 0, 1)]


def test_instigators_invariance_and_nan():
    d = three_flames()
    renamed = d.to_polars().with_columns(
        ("z" + pl.col(c)).alias(c) for c in ("comment_id", "parent_id", "thread_id", "author")
    )
    a, b = instigators(d), instigators(renamed)
    assert a.value == b.value
    assert b.table("authors", backend="polars").get_column("author")[0] == "zann"
    calm = dyn.load(thread("Q", [0.1, 0.1, 0.1]))
    r = instigators(calm)
    assert math.isnan(r.value)
    assert r.reason == "no escalation episodes"
    with pytest.raises(ValueError, match="'top' parameter of instigators must be in"):
        instigators(d, top=0)
    with pytest.raises(ValueError, match="'kind' parameter of instigators"):
        instigators(d, kind="x")


def test_episodes_opened_without_an_author_are_counted_not_ranked():
    """Thread B opened by a deleted author: it stays in the denominator (ann opened 1 of 3),
    is never ranked as an author, and a warning counts it. No known author at all: NaN."""
    frames = [
        thread("A", [0.2, 0.6, 0.9, 0.1], ["ann", "bob", "ann", "cat"]),
        thread("B", [0.1, 0.5, 0.8, 0.3], [None, "dan", None, "dan"]),
        thread("C", [0.3, 0.6, 0.9], ["bob", "eve", "bob"]),
    ]
    d = dyn.load(pl.concat(frames))
    r = instigators(d)
    authors = r.table("authors", backend="polars").get_column("author").to_list()
    assert None not in authors
    assert r.n_top == 1  # 5 known authors
    assert r.value == pytest.approx(1 / 3)
    said = "1 of 3 episodes were opened by a comment without an author"
    assert r.warnings == (f"{said}: they count as not opened by the top authors",)
    nobody = dyn.load(thread("D", [0.2, 0.6, 0.9], [None, None, None]))
    r = instigators(nobody)
    assert math.isnan(r.value)
    assert "no comment has a known author" in r.reason
