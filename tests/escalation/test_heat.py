"""Reply heat: reply latency inside escalation episodes vs outside, on hand-worked cases."""

from __future__ import annotations

import math

import polars as pl
import pytest

import dynamics as dyn
from dynamics._significance import bootstrap_threads
from dynamics.escalation import reply_heat


def thread(name, tox, gaps, users=None):
    """A reply chain; ``gaps[i]`` seconds between comment i and i + 1."""
    n = len(tox)
    ids = [f"{name}{i}" for i in range(n)]
    times = [0]
    for g in gaps:
        times.append(times[-1] + g)
    return pl.DataFrame(
        {
            "id": ids,
            "parent": [None, *ids[:-1]],
            "link_id": [name] * n,
            "user": list(users or [f"{name}u{i % 2}" for i in range(n)]),
            "body": ["x"] * n,
            "created_utc": times,
            "toxicity": [float(v) for v in tox],
        }
    )


def discussion():
    # flame F1: replies after 30 and 90 s inside; F2: 60, 60, 120 s inside.
    # calm threads: replies after 600, 900, 300, 1200 s, all outside.
    return dyn.load(
        pl.concat(
            [
                thread("F1", [0.2, 0.6, 0.9], [30, 90]),
                thread("F2", [0.1, 0.4, 0.7, 0.9], [60, 60, 120]),
                thread("Q1", [0.1, 0.1, 0.1], [600, 900]),
                thread("Q2", [0.2, 0.1, 0.2], [300, 1200]),
            ]
        )
    )


def test_known_answer():
    # inside: 30, 90, 60, 60, 120 -> median 60, mean 72; outside: 600, 900, 300, 1200 ->
    # median 750, mean 750. H = 60 / 750 = 0.08; mean ratio 72 / 750 = 0.096
    r = reply_heat(discussion(), n_boot=0)
    assert r.value == pytest.approx(0.08)
    assert (r.median_inside, r.median_outside) == (60.0, 750.0)
    assert r.mean_ratio == pytest.approx(0.096)
    assert (r.n_inside, r.n_outside) == (5, 4)
    t = r.table("latency", backend="polars")
    assert t.get_column("side").to_list() == ["inside", "outside"]
    assert t.get_column("median").to_list() == [60.0, 750.0]
    # the inside latencies come from two episodes: said beside the five replies
    assert "only 2 episodes, under the minimum of 10" in r.warnings
    assert "only 5 replies inside episodes, under the minimum of 10" in r.warnings


def test_replies_that_slow_down_give_a_ratio_above_one():
    d = dyn.load(
        pl.concat([thread("F", [0.2, 0.6, 0.9], [3600, 3600]), thread("Q", [0.1, 0.1], [60])])
    )
    assert reply_heat(d, n_boot=0).value == pytest.approx(60.0)


def test_bootstrap_equals_resampling_discussions():
    # the weighted-median bootstrap draws the same threads as bootstrap_threads and must give
    # the same interval as recomputing the statistic on each resampled Discussion
    assert reply_heat(discussion(), n_boot=80, seed=5).ci is None  # 4 threads: too few
    d = dyn.load(
        pl.concat(
            [
                frame
                for i in range(3)
                for frame in (
                    thread(f"F1{i}", [0.2, 0.6, 0.9], [30, 90]),
                    thread(f"F2{i}", [0.1, 0.4, 0.7, 0.9], [60, 60, 120]),
                    thread(f"Q1{i}", [0.1, 0.1, 0.1], [600, 900]),
                    thread(f"Q2{i}", [0.2, 0.1, 0.2], [300, 1200]),
                )
            ]
        )
    )
    r = reply_heat(d, n_boot=80, seed=5)
    assert r.value == pytest.approx(0.08)
    assert r.ci is not None
    ref, _ = bootstrap_threads(
        lambda x: reply_heat(x, n_boot=0).value, d, n_boot=80, seed=5, ci=0.95
    )
    assert r.ci == pytest.approx(ref)
    assert reply_heat(d, n_boot=80, seed=5).ci == r.ci


def test_relabelling_invariance():
    d = discussion()
    renamed = d.to_polars().with_columns(
        ("z" + pl.col(c)).alias(c) for c in ("comment_id", "parent_id", "thread_id", "author")
    )
    assert reply_heat(renamed, n_boot=0).value == reply_heat(d, n_boot=0).value


def test_nan_with_reason():
    no_times = discussion().to_polars().with_columns(pl.lit(None).alias("created_at"))
    r = reply_heat(no_times.cast({"created_at": pl.Datetime("us", "UTC")}))
    assert math.isnan(r.value)
    assert "created_at missing" in r.reason
    calm = dyn.load(thread("Q", [0.1, 0.1, 0.1], [10, 20]))
    r = reply_heat(calm)
    assert math.isnan(r.value)
    assert r.reason == "no escalation episodes"
    # every reply is inside an episode: nothing to compare with
    r = reply_heat(dyn.load(thread("F", [0.2, 0.6, 0.9], [10, 20])))
    assert math.isnan(r.value)
    assert "outside" in r.reason


def test_reason_names_missing_parents_not_times():
    # replies whose parents are not in the data (an excerpt of a larger thread): the times are
    # there, the parents are not, and the reason says so
    comments = thread("P", [0.2, 0.6, 0.9], [10, 20]).select(
        pl.col("id").alias("comment_id"),
        (pl.lit("gone") + pl.col("id")).alias("parent_id"),
        pl.col("link_id").alias("thread_id"),
        pl.col("user").alias("author"),
        pl.col("created_utc")
        .cast(pl.Int64)
        .mul(1_000_000)
        .cast(pl.Datetime("us", "UTC"))
        .alias("created_at"),
        "toxicity",
    )
    r = reply_heat(comments, n_boot=0)
    assert math.isnan(r.value)
    assert r.reason == "no reply has its parent in the data (3 replies, every parent missing)"
    assert "created_at" not in r.reason
    top_level = comments.with_columns(pl.lit(None, pl.String).alias("parent_id"))
    assert reply_heat(top_level, n_boot=0).reason == (
        "no comment is a reply (parent_id is empty everywhere)"
    )


def test_seed_thread_has_no_times(seed_thread):
    with pytest.warns(dyn.DataQualityWarning, match="empty_text"):
        d = dyn.load(seed_thread, infer_replies="adjacent").annotate()
    r = reply_heat(d)
    assert math.isnan(r.value)
    assert "created_at missing" in r.reason


def test_errors():
    with pytest.raises(ValueError, match="'n_boot' parameter of reply_heat"):
        reply_heat(discussion(), n_boot=-1)
    with pytest.raises(ValueError, match="'min_turns' parameter of reply_heat"):
        reply_heat(discussion(), min_turns=0)
