"""Tests of dynamics.escalation.depth: toxicity by depth, by exchange turn, by thread size."""

from __future__ import annotations

import math
import warnings

import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics.escalation import toxicity_by_depth, toxicity_by_thread_size, toxicity_by_turn


def _table(ids, parents, threads, tox, authors=None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "comment_id": ids,
            "parent_id": parents,
            "thread_id": threads,
            "author": authors if authors is not None else ["u"] * len(ids),
            "toxicity": tox,
        },
        schema_overrides={"parent_id": pl.String, "toxicity": pl.Float64, "author": pl.String},
    )


def _trees(n_threads: int, size: int, *, slope: float, seed: int) -> pl.DataFrame:
    """Random reply trees; toxicity = 0.2 + slope * depth + N(0, 0.05)."""
    gen = np.random.default_rng(seed)
    ids, parents, threads, tox = [], [], [], []
    for t in range(n_threads):
        depth: list[int] = []
        for i in range(size):
            p = -1 if i == 0 or gen.random() < 0.15 else int(gen.integers(max(0, i - 3), i))
            depth.append(0 if p < 0 else depth[p] + 1)
            ids.append(f"{t}-{i}")
            parents.append(None if p < 0 else f"{t}-{p}")
            threads.append(f"t{t}")
            tox.append(0.2 + slope * depth[-1] + gen.normal(0, 0.05))
    return _table(ids, parents, threads, tox)


def _exchanges(n_threads: int, *, slope: float, seed: int) -> pl.DataFrame:
    """One back-and-forth between two users per thread (4-10 turns), toxicity rising by
    ``slope`` per turn from a thread-specific start."""
    gen = np.random.default_rng(seed)
    ids, parents, threads, tox, authors = [], [], [], [], []
    for t in range(n_threads):
        start = gen.uniform(0.1, 0.4)
        for k in range(int(gen.integers(4, 11))):
            ids.append(f"{t}-{k}")
            parents.append(None if k == 0 else f"{t}-{k - 1}")
            threads.append(f"t{t}")
            authors.append(f"a{t}" if k % 2 == 0 else f"b{t}")
            tox.append(start + slope * (k + 1) + gen.normal(0, 0.05))
    return _table(ids, parents, threads, tox, authors)


def _sized(n_threads: int, *, rise: float, seed: int) -> pl.DataFrame:
    """Threads of lognormal size whose comments are toxic with probability
    0.1 + rise * log10(size) (each comment a top-level one; only sizes matter here)."""
    gen = np.random.default_rng(seed)
    sizes = np.maximum(1, gen.lognormal(1.5, 1.0, n_threads).astype(int))
    thread = np.repeat(np.arange(n_threads), sizes)
    prob = 0.1 + rise * np.log10(sizes[thread])
    tox = np.where(gen.random(thread.size) < prob, 0.9, 0.1)
    ids = [f"c{i}" for i in range(thread.size)]
    return _table(ids, [None] * thread.size, [f"t{t}" for t in thread], tox)


def _flat_coverage(run, make, n_sets: int = 20) -> int:
    """How many of ``n_sets`` flat data sets get a 95 % slope interval that covers 0."""
    intervals = [run(make(1000 + k), k).ci for k in range(n_sets)]
    return sum(low <= 0 <= high for low, high in intervals)


#: With 20 flat data sets, coverage ~ Binomial(20, 0.95); fewer than 15 covering intervals
#: has probability 0.03 %, so it would mean intervals too narrow or a biased slope.
_MIN_COVERED = 15


# ----------------------------------------------------------------------------- by depth


def test_depth_known_answer():
    # chain at depths 0, 1, 2 with toxicity 0.1, 0.3, 0.5: the slope is 0.2 per level
    c = _table(["a", "b", "c"], [None, "a", "b"], ["t"] * 3, [0.1, 0.3, 0.5])
    r = toxicity_by_depth(c, n_boot=0)
    assert r.value == pytest.approx(0.2)
    assert r.intercept == pytest.approx(0.1)
    table = r.table("depths", backend="polars")
    assert table.get_column("depth").to_list() == [0, 1, 2]
    assert table.get_column("mean").to_list() == pytest.approx([0.1, 0.3, 0.5])
    assert (r.n_obs, r.n_threads) == (3, 1)


def test_depth_pooled_versus_within():
    # thread A: depths 0, 1 at 0.1; thread B: chain at depths 0..3 all at 0.9.
    # Inside each thread toxicity is flat, so the within (fixed-effects) slope is 0.
    # Pooled: x = [0, 1, 0, 1, 2, 3], y = [.1, .1, .9, .9, .9, .9];
    # Sxy = sum xy - n mean(x) mean(y) = 5.5 - 6 (7/6)(3.8/6) = 16/15,
    # Sxx = sum x^2 - n mean(x)^2 = 15 - 49/6 = 41/6, slope = (16/15) / (41/6) = 32/205.
    c = _table(
        ["a", "a1", "b", "b1", "b2", "b3"],
        [None, "a", None, "b", "b1", "b2"],
        ["A", "A", "B", "B", "B", "B"],
        [0.1, 0.1, 0.9, 0.9, 0.9, 0.9],
    )
    assert toxicity_by_depth(c, n_boot=0).value == pytest.approx(32 / 205)
    within = toxicity_by_depth(c, within=True, n_boot=0)
    assert within.value == pytest.approx(0.0, abs=1e-12)
    assert math.isnan(within.intercept)


def test_depth_threshold_gives_share_of_toxic():
    # depth 0: 0.2, 0.7 -> share 0.5; depth 1: 0.6 -> 1.0 (>= 0.5); slope of the 0/1 flags:
    # x = [0, 0, 1], y = [0, 1, 1] -> Sxy = 2/3 - ... = 1 - 3 (1/3)(2/3) = 1/3, Sxx = 2/3 -> 0.5
    c = _table(["a", "b", "c"], [None, None, "b"], ["t"] * 3, [0.2, 0.7, 0.6])
    r = toxicity_by_depth(c, threshold=0.5, n_boot=0)
    assert r.table("depths", backend="polars")["mean"].to_list() == [0.5, 1.0]
    assert r.value == pytest.approx(0.5)


def test_depth_planted_rise_and_flat():
    rising = toxicity_by_depth(_trees(150, 20, slope=0.05, seed=1), n_boot=300, seed=2)
    assert rising.ci[0] > 0
    assert rising.ci[0] <= 0.05 <= rising.ci[1]
    means = rising.table("depths", backend="polars").filter(pl.col("n_comments") >= 100)
    assert np.all(np.diff(means["mean"].to_numpy()) > 0)  # the profile rises level by level
    covered = _flat_coverage(
        lambda c, k: toxicity_by_depth(c, n_boot=200, seed=k),
        lambda s: _trees(60, 20, slope=0.0, seed=s),
    )
    assert covered >= _MIN_COVERED


# ----------------------------------------------------------------------------- by turn


def test_turn_known_answer_pooled_and_within():
    # thread A: u -> v with toxicity 0.1, 0.3 (turns 1, 2);
    # thread B: w -> x -> w with 0.5, 0.5, 0.5 (turns 1, 2, 3).
    # Within: A gives dx = -/+0.5, dy = -/+0.1 -> sum dx dy = 0.1, sum dx^2 = 0.5;
    # B is flat -> 0 and 2; slope = 0.1 / 2.5 = 0.04.
    # Pooled: x = [1, 2, 1, 2, 3], y = [.1, .3, .5, .5, .5]: Sxy = 3.7 - 5 * 1.8 * 0.38 = 0.28,
    # Sxx = 19 - 5 * 1.8^2 = 2.8, slope = 0.1.
    c = _table(
        ["a", "b", "c", "d", "e"],
        [None, "a", None, "c", "d"],
        ["A", "A", "B", "B", "B"],
        [0.1, 0.3, 0.5, 0.5, 0.5],
        ["u", "v", "w", "x", "w"],
    )
    pooled = toxicity_by_turn(c, n_boot=0)
    assert pooled.value == pytest.approx(0.1)
    turns = pooled.table("turns", backend="polars")
    assert turns.select("turn", "n_turns").rows() == [(1, 2), (2, 2), (3, 1)]
    assert turns["mean"].to_list() == pytest.approx([0.3, 0.4, 0.5])
    assert toxicity_by_turn(c, within=True, n_boot=0).value == pytest.approx(0.04)
    # with min_turns=3 only B is left, which is flat
    assert toxicity_by_turn(c, min_turns=3, n_boot=0).value == pytest.approx(0.0, abs=1e-12)


def test_turn_planted_rise_and_flat():
    rising = toxicity_by_turn(_exchanges(120, slope=0.04, seed=1), within=True, n_boot=200, seed=2)
    assert rising.ci[0] > 0
    assert rising.ci[0] <= 0.04 <= rising.ci[1]
    covered = _flat_coverage(
        lambda c, k: toxicity_by_turn(c, within=True, n_boot=200, seed=k),
        lambda s: _exchanges(60, slope=0.0, seed=s),
    )
    assert covered >= _MIN_COVERED


# ----------------------------------------------------------------------------- by thread size


def test_thread_size_known_answer():
    # threads p, q, r, s of 1 calm comment, thread t of 4 toxic ones; two bins with edges
    # 10^[0, log10(4)/2, log10(4)] = [1, 2, 4]: size 1 -> bin 0, size 4 -> bin 1;
    # bin means 0 and 1 at positions 0 and 1 -> slope 1
    c = _table(
        list("abcdefgh"),
        [None, None, None, None, None, "e", "f", "g"],
        ["p", "q", "r", "s", "t", "t", "t", "t"],
        [0.1, 0.0, 0.2, 0.1, 0.9, 0.8, 0.7, 0.9],
    )
    r = toxicity_by_thread_size(c, n_bins=2, min_threads=1, n_boot=0)
    assert r.value == pytest.approx(1.0)
    table = r.table("sizes", backend="polars")
    assert table.select("bin", "position", "n_threads", "mean").rows() == [
        (0, 0.0, 4, 0.0),
        (1, 1.0, 1, 1.0),
    ]
    assert table.select("size_low", "size_high").row(1) == pytest.approx((2.0, 4.0))


def test_thread_size_top_bin_is_resized_as_in_the_paper():
    # 60 threads of 1 comment, 3 of 10, 1 of 100; two bins, top bin needs 3 threads.
    # Cap 100: edges [1, 10, 100], the top bin (10, 100] holds 1 thread < 3 -> lower the
    # largest size to the next one, 10: edges [1, 10^0.5, 10], the top bin (3.16, 10] now
    # holds the three 10s and the capped 100 -> 4 >= 3, stop.
    sizes = [1] * 60 + [10] * 3 + [100]
    thread = np.repeat(np.arange(len(sizes)), sizes)
    tox = np.where(np.asarray(sizes)[thread] >= 10, 0.9, 0.1)
    c = _table([f"c{i}" for i in range(thread.size)], [None] * thread.size, thread.astype(str), tox)
    table = toxicity_by_thread_size(c, n_bins=2, min_threads=3, n_boot=0).table(
        "sizes", backend="polars"
    )
    assert table["n_threads"].to_list() == [60, 4]
    # the cap bins the 100 with the 10s; the table says the top bin reaches 100
    assert table["size_high"].to_list() == pytest.approx([10**0.5, 100.0])
    # without the rule (min_threads=1) the top bin keeps only the 100-comment thread
    plain = toxicity_by_thread_size(c, n_bins=2, min_threads=1, n_boot=0)
    assert plain.table("sizes", backend="polars")["n_threads"].to_list() == [63, 1]


def test_thread_size_t_interval():
    # bin 0 holds two threads with toxic shares 0 and 1: mean 0.5, sd 1/sqrt(2), se 0.5,
    # t(0.975, df=1) = 12.7062 -> 0.5 +/- 6.3531 (the paper's t.test interval)
    c = _table(["a", "b", "c"], [None, None, None], ["p", "q", "r"], [0.1, 0.9, 0.9])
    c = c.vstack(_table(["d"], ["c"], ["r"], [0.9]))
    table = toxicity_by_thread_size(c, n_bins=2, min_threads=1, n_boot=0).table(
        "sizes", backend="polars"
    )
    low, high = table.select("ci_low", "ci_high").row(0)
    assert low == pytest.approx(0.5 - 6.35310, abs=1e-4)
    assert high == pytest.approx(0.5 + 6.35310, abs=1e-4)
    assert table.select("ci_low").row(1) == (None,)  # one thread: no interval


def test_thread_size_planted_rise_and_flat():
    rising = toxicity_by_thread_size(_sized(3000, rise=0.1, seed=1), n_boot=200, seed=2)
    assert rising.ci[0] > 0
    covered = _flat_coverage(
        lambda c, k: toxicity_by_thread_size(c, n_boot=200, seed=k),
        lambda s: _sized(1500, rise=0.0, seed=s),
    )
    assert covered >= _MIN_COVERED


# ----------------------------------------------------------------------------- properties


@pytest.mark.parametrize("func", [toxicity_by_depth, toxicity_by_turn, toxicity_by_thread_size])
def test_seed_determinism_and_relabelling(func):
    trees = _trees(20, 10, slope=0.02, seed=9).with_columns(
        ("tree" + pl.col("comment_id")).alias("comment_id"),
        ("tree" + pl.col("parent_id")).alias("parent_id"),
        ("tree" + pl.col("thread_id")).alias("thread_id"),
    )
    c = _exchanges(40, slope=0.02, seed=9).vstack(trees)
    kwargs = {"n_boot": 50} | ({"min_threads": 5} if func is toxicity_by_thread_size else {})
    r1 = func(c, seed=1, **kwargs)
    r2 = func(c, seed=1, **kwargs)
    assert (r1.value, r1.ci) == (r2.value, r2.ci)
    assert func(c, seed=2, **kwargs).ci != r1.ci
    renamed = c.with_columns(
        ("x" + pl.col("comment_id")).alias("comment_id"),
        ("x" + pl.col("parent_id")).alias("parent_id"),
        ("T" + pl.col("thread_id")).alias("thread_id"),
        ("A" + pl.col("author")).alias("author"),
    )
    r3 = func(renamed, seed=1, **kwargs)
    assert r3.value == pytest.approx(r1.value)
    assert r3.ci == pytest.approx(r1.ci)
    shuffled = func(c.sample(fraction=1.0, shuffle=True, seed=5), **kwargs | {"n_boot": 0})
    assert shuffled.value == pytest.approx(r1.value)


def test_results_are_plain_python():
    r = toxicity_by_depth(_trees(10, 10, slope=0.05, seed=1), n_boot=20)
    for v in (r.value, *r.ci, r.intercept):
        assert type(v) is float
    assert type(r.n_obs) is int
    assert r.to_frame().loc[0, "metric"] == "toxicity_by_depth"


# ----------------------------------------------------------------------------- degenerate input


def test_nan_with_reason():
    unscored = _table(["a", "b"], [None, "a"], ["t", "t"], [None, None])
    r = toxicity_by_depth(unscored)
    assert math.isnan(r.value)
    assert r.reason == "no scored comment"
    flat_depth = _table(["a", "b"], [None, None], ["t", "t"], [0.1, 0.9])
    assert "one depth" in toxicity_by_depth(flat_depth).reason
    no_exchange = _table(["a", "b"], [None, "a"], ["t", "t"], [0.1, 0.9], ["u", "u"])
    r = toxicity_by_turn(no_exchange)
    assert math.isnan(r.value)
    assert r.reason == "no exchange with scores"
    assert r.table("turns").empty
    r = toxicity_by_thread_size(_table(["a"], [None], ["t"], [0.9]))
    assert r.reason == "fewer than two size bins are occupied"
    assert toxicity_by_thread_size(unscored).reason == "no comment is scored"


def test_single_thread_has_no_interval():
    r = toxicity_by_depth(
        _table(["a", "b", "c"], [None, "a", "b"], ["t"] * 3, [0.1, 0.3, 0.5]), n_boot=200
    )
    assert r.value == pytest.approx(0.2)
    assert r.ci is None
    assert r.params["ci_reason"] == "no bootstrap interval: 1 thread, under the minimum of 10"
    assert "only 1 thread, under the minimum of 10" in r.warnings


def _shallow_and_one_deep() -> pl.DataFrame:
    """12 threads of a post and one reply (depths 0, 1), and a 13th with a chain down to
    depth 3: depths 2 and 3 are held by one thread."""
    ids, parents, threads, tox = [], [], [], []
    for t in range(12):
        ids += [f"{t}a", f"{t}b"]
        parents += [None, f"{t}a"]
        threads += [f"t{t}"] * 2
        tox += [0.1 + 0.01 * t, 0.3 + 0.02 * t]
    ids += ["da", "db", "dc", "dd"]
    parents += [None, "da", "db", "dc"]
    threads += ["deep"] * 4
    tox += [0.2, 0.4, 0.6, 0.8]
    return _table(ids, parents, threads, tox)


def test_a_level_of_one_thread_has_no_interval():
    """A depth whose comments all come from one thread gets no interval: resampling that
    thread gives [x, x], which the dashboard drew as a certain bar."""
    r = toxicity_by_depth(_shallow_and_one_deep(), n_boot=200, seed=0)
    table = r.table("depths", backend="polars")
    assert table.get_column("n_threads").to_list() == [13, 13, 1, 1]
    assert table.get_column("mean").to_list()[2:] == pytest.approx([0.6, 0.8])
    low, high = table.get_column("ci_low").to_list(), table.get_column("ci_high").to_list()
    assert low[2:] == [None, None]
    assert high[2:] == [None, None]
    assert all(lo < hi for lo, hi in zip(low[:2], high[:2], strict=True))
    assert r.ci is not None  # the slope rests on all 13 threads


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("func", "kwargs", "error", "match"),
    [
        (toxicity_by_depth, {"signal": "anger"}, ValueError, r"'anger'.*annotate"),
        (toxicity_by_depth, {"signal": "author"}, TypeError, "numeric column"),
        (toxicity_by_depth, {"threshold": float("inf")}, ValueError, "'threshold' parameter"),
        (toxicity_by_depth, {"n_boot": -1}, ValueError, "'n_boot' parameter of toxicity_by"),
        (toxicity_by_depth, {"ci": 0}, ValueError, r"'ci' parameter .* in \(0, 1\)"),
        (toxicity_by_turn, {"min_turns": 1}, ValueError, "'min_turns' parameter"),
        (toxicity_by_turn, {"seed": 1.5}, ValueError, "'seed' parameter"),
        (toxicity_by_thread_size, {"n_bins": 1}, ValueError, "'n_bins' parameter"),
        (toxicity_by_thread_size, {"min_threads": 0}, ValueError, "'min_threads' parameter"),
    ],
)
def test_parameter_errors(func, kwargs, error, match):
    c = _table(["a", "b"], [None, "a"], ["t", "t"], [0.1, 0.9], ["u", "v"])
    with pytest.raises(error, match=match):
        func(c, **kwargs)


# ----------------------------------------------------------------------------- real data


def test_seed_thread_runs(seed_thread):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = dyn.load(seed_thread, infer_replies="adjacent").annotate(cache=False)
    depth = dyn.escalation.toxicity_by_depth(d)
    assert depth.reason is None
    assert depth.table("depths")["n_comments"].sum() == len(d)  # every comment is scored
    turn = dyn.escalation.toxicity_by_turn(d, within=True)
    assert turn.reason is None
    assert turn.n_obs >= 2
    size = dyn.escalation.toxicity_by_thread_size(d)
    assert size.reason == "fewer than two size bins are occupied"  # one thread
    assert size.table("sizes")["n_threads"].tolist() == [1]


def test_the_reply_minimum_counts_replies_not_comments(seed_thread):
    """49 comments of which those below the top level are replies: the warning counts those."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = dyn.load(seed_thread, infer_replies="adjacent").annotate(cache=False)
    replies = int(d.comments.get_column("parent_id").is_not_null().sum())
    assert 0 < replies < len(d)
    depth = dyn.escalation.toxicity_by_depth(d)
    assert f"only {replies} replies, under the minimum of 50" in depth.warnings


def test_fewer_threads_than_the_top_bin_needs_say_so(shared_data):
    """A week of r/CollegeRant: 14 threads of 1 to 57 comments, fewer than min_threads=50:
    the reason names min_threads and the one bin spans every size (it said [1, 1])."""
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    d = d.filter(start="2021-01-01", end="2021-01-08").annotate(progress=False)
    r = toxicity_by_thread_size(d)
    sizes = d.threads.filter(pl.col("n_comments") > 0).get_column("n_comments")
    assert math.isnan(r.value)
    assert r.reason.startswith(f"{r.n_threads} threads, under min_threads=50")
    row = r.table("sizes", backend="polars").row(0, named=True)
    assert (row["size_low"], row["size_high"]) == (sizes.min(), sizes.max())
    assert row["n_threads"] == r.n_threads
    several = toxicity_by_thread_size(d, min_threads=2)
    assert several.defined
    # the top bin holds the threads above the cap too: its upper edge is the largest size
    assert several.table("sizes", backend="polars").get_column("size_high")[-1] == sizes.max()
