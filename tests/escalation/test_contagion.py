"""Tests of dynamics.escalation.contagion (toxicity contagion ratio, null model, bootstrap)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics.errors import GraphKindError
from dynamics.escalation import contagion
from dynamics.escalation._signal import is_toxic, signal_values


def _table(ids, parents, threads, tox) -> pl.DataFrame:
    """A bare comments table (contagion reads comment_id, parent_id, thread_id, signal)."""
    return pl.DataFrame(
        {"comment_id": ids, "parent_id": parents, "thread_id": threads, "toxicity": tox},
        schema_overrides={"parent_id": pl.String, "toxicity": pl.Float64},
    )


def _planted(
    n_threads: int, size: int, *, base: float, p_tt: float, p_ct: float, seed: int
) -> pl.DataFrame:
    """Random reply trees; a top-level comment is toxic with probability ``base``, a reply
    with ``p_tt`` after a toxic parent and ``p_ct`` after a calm one."""
    gen = np.random.default_rng(seed)
    ids, parents, threads, tox = [], [], [], []
    for t in range(n_threads):
        flags: list[bool] = []
        for i in range(size):
            top = i == 0 or gen.random() < 0.2
            p = -1 if top else int(gen.integers(0, i))
            prob = base if p < 0 else (p_tt if flags[p] else p_ct)
            flags.append(bool(gen.random() < prob))
            ids.append(f"{t}-{i}")
            parents.append(None if p < 0 else f"{t}-{p}")
            threads.append(f"t{t}")
            tox.append(0.9 if flags[-1] else 0.1)
    return _table(ids, parents, threads, tox)


def _hand() -> pl.DataFrame:
    # t1: a (toxic) -> a1 (toxic), a2 (toxic); c (calm) -> c1 (calm)
    # t2: x (calm) -> x1 (toxic), x2 (calm)
    return _table(
        ["a", "a1", "a2", "c", "c1", "x", "x1", "x2"],
        [None, "a", "a", None, "c", None, "x", "x"],
        ["t1"] * 5 + ["t2"] * 3,
        [0.9, 0.8, 0.7, 0.1, 0.2, 0.1, 0.6, 0.0],
    )


# ----------------------------------------------------------------------------- known answers


def test_hand_ratio_counts_and_tables():
    # eligible replies: a1, a2, c1, x1, x2 -> n = 5; toxic parents: a1, a2 -> a = 2;
    # toxic replies: a1, a2, x1 -> t = 3; toxic after toxic: a1, a2 -> b = 2.
    # R = (b / a) / (t / n) = 1 / 0.6 = 5/3; P(toxic | calm parent) = (t - b) / (n - a) = 1/3.
    r = contagion(_hand(), null=False, n_boot=0)
    assert r.value == pytest.approx(5 / 3)
    assert (r.n_replies, r.n_toxic_parents, r.n_toxic_replies, r.n_toxic_after_toxic) == (
        5,
        2,
        3,
        2,
    )
    assert r.p_toxic_after_toxic == 1.0
    assert r.p_toxic_after_calm == pytest.approx(1 / 3)
    assert r.p_toxic_reply == pytest.approx(0.6)
    assert r.ci is None
    assert r.p_value is None
    assert r.z is None
    threads = r.table("threads", backend="polars")
    # t1: n = 3, a = 2, t = 2, b = 2 -> 2*3 / (2*2) = 1.5; t2: no toxic parent -> undefined
    assert threads.select("thread_id", "n_replies", "ratio").rows() == [
        ("t1", 3, 1.5),
        ("t2", 2, None),
    ]
    depths = r.table("depths", backend="polars")
    # every eligible reply is at depth 1, so the depth table is the overall ratio
    assert depths.get_column("depth").to_list() == [1]
    assert depths.get_column("ratio").item() == pytest.approx(5 / 3)


def test_per_depth_counts():
    # a (toxic) -> b (toxic) -> c (calm) -> e (toxic): depth 1: b after toxic a (R undefined:
    # t = a = n = 1, b = 1 -> 1); depth 2: c after toxic b (calm) -> b = 0, t = 0 -> undefined;
    # depth 3: e after calm c -> a = 0 -> undefined. Overall n = 3, a = 2, t = 2, b = 1 -> 0.75.
    c = _table(["a", "b", "c", "e"], [None, "a", "b", "c"], ["t"] * 4, [0.9, 0.9, 0.1, 0.9])
    r = contagion(c, null=False, n_boot=0)
    assert r.value == pytest.approx(0.75)
    rows = r.table("depths", backend="polars").select("depth", "n_replies", "ratio").rows()
    assert rows == [(1, 1, 1.0), (2, 1, None), (3, 1, None)]


def test_a_depth_of_one_thread_has_no_interval():
    """Per-depth ratios of a depth that one thread holds get no interval ([2, 2] from 2
    replies of one thread on r/CollegeRant, drawn as certain)."""
    d = _planted(30, 12, base=0.3, p_tt=0.6, p_ct=0.2, seed=3)
    deep = _table(["z0", "z1", "z2", "z3", "z4", "z5", "z6", "z7", "z8", "z9", "z10", "z11",
                   "z12", "z13"],
                  [None, "z0", "z1", "z2", "z3", "z4", "z5", "z6", "z7", "z8", "z9", "z10",
                   "z11", "z12"],
                  ["deep"] * 14, [0.9, 0.1] * 7)  # fmt: skip
    r = contagion(pl.concat([d, deep]), null=None, n_boot=100, seed=0)
    table = r.table("depths", backend="polars")
    lone = table.filter(pl.col("n_threads") == 1)
    assert lone.height > 0
    assert lone.get_column("depth").min() > 1
    assert lone.get_column("ci_low").null_count() == lone.height
    shared = table.filter((pl.col("n_threads") >= 10) & (pl.col("n_toxic_parents") >= 10))
    assert shared.height > 0
    assert shared.get_column("ci_low").null_count() == 0
    # a depth with few toxic parents: its ratio moves with each one, no interval either
    rare = table.filter((pl.col("n_threads") >= 10) & (pl.col("n_toxic_parents") < 10))
    assert rare.get_column("ci_low").null_count() == rare.height


def test_unscored_comments_are_left_out():
    # b has no score: neither b (as a reply) nor c (its parent is unscored) is eligible;
    # what is left is e replying to a: n = 1, a = 1, t = 1, b = 1 -> R = 1
    c = _table(["a", "b", "c", "e"], [None, "a", "b", "a"], ["t"] * 4, [0.9, None, 0.9, 0.9])
    r = contagion(c, null=False, n_boot=0)
    assert r.n_replies == 1
    assert r.value == 1.0


def test_threshold_is_inclusive_and_signal_any_column():
    c = _hand().with_columns((pl.col("toxicity") * 10).alias("anger"))
    r1 = contagion(c, null=False, n_boot=0)
    r2 = contagion(c, signal="anger", threshold=5, null=False, n_boot=0)
    assert r2.value == r1.value
    # with threshold 0.6, x1 (0.6) stays toxic (>=), so the answer is unchanged
    assert contagion(c, threshold=0.6, null=False, n_boot=0).value == pytest.approx(5 / 3)
    # a Discussion and its comments table give the same answer
    d = dyn.load(
        pl.DataFrame(
            {
                "id": c["comment_id"],
                "parent": c["parent_id"],
                "thread": c["thread_id"],
                "user": ["u", "v", "w", "u", "v", "u", "v", "w"],
                "body": ["..."] * 8,
                "toxicity": c["toxicity"],
            }
        )
    )
    assert contagion(d, null=False, n_boot=0).value == pytest.approx(5 / 3)


def test_signal_helpers():
    c = pl.DataFrame({"toxicity": [0.2, 0.5, None, float("nan")]})
    assert signal_values(c, "toxicity", "f").to_list() == [0.2, 0.5, None, None]
    assert is_toxic(c, "toxicity", 0.5, "f").to_list() == [False, True, None, None]
    flags = pl.DataFrame({"flag": [True, False]})
    assert signal_values(flags, "flag", "f").to_list() == [1.0, 0.0]


# ----------------------------------------------------------------------------- verification


def test_planted_contagion_is_recovered_within_ci():
    # stationary design: base 0.2, P(toxic | toxic parent) = 0.6, P(toxic | calm parent) = 0.1,
    # so every comment is toxic with probability 0.2 * 0.6 + 0.8 * 0.1 = 0.2 whatever its
    # depth, and R = 0.6 / 0.2 = 3 exactly.
    c = _planted(400, 25, base=0.2, p_tt=0.6, p_ct=0.1, seed=2)
    r = contagion(c, n_null=199, n_boot=400, seed=3)
    assert r.ci[0] <= 3.0 <= r.ci[1]
    assert r.ci[1] - r.ci[0] < 1.0  # informative, not a trivially wide interval
    assert r.p_toxic_after_toxic == pytest.approx(0.6, abs=0.05)
    assert r.p_toxic_reply == pytest.approx(0.2, abs=0.03)
    assert r.p_value == pytest.approx(1 / 200)  # no permutation reaches the observed ratio
    assert r.z > 5
    # contagion itself makes some threads hotter than others, so the within-thread null
    # keeps part of the effect: its mean lies above 1 but well below the observed ratio
    assert 1.0 < r.null_mean < r.value - 1


def test_planted_contagion_ci_coverage():
    # 60 independent planted data sets (R = 3 as above): a 95 % interval should cover 3 in
    # about 57 of them; covering it fewer than 51 times has probability < 0.1 % under
    # Binomial(60, 0.95), so fewer would mean the interval is too narrow or biased.
    n_sets, level = 60, 0.95
    covered = 0
    for k in range(n_sets):
        c = _planted(60, 25, base=0.2, p_tt=0.6, p_ct=0.1, seed=500 + k)
        r = contagion(c, null=False, n_boot=200, seed=k)
        covered += r.ci[0] <= 3.0 <= r.ci[1]
    pmf = [math.comb(n_sets, j) * level**j * (1 - level) ** (n_sets - j) for j in range(n_sets + 1)]
    lo = max(j for j in range(n_sets + 1) if sum(pmf[:j]) <= 0.001)
    assert lo == 51
    assert covered >= lo, covered


def test_null_rejects_at_nominal_rate_without_contagion():
    # 200 seeded data sets with no contagion but strong thread clustering: each thread has
    # its own toxic rate (Beta(1, 3)), comments are toxic independently at that rate.
    # Clustering alone pushes R above 1 (a naive test against R = 1 rejects often); the
    # within-thread null must reject at about its nominal 5 %. With n_null = 199 a p-value
    # below 0.05 needs at most 8 null values >= R: level 9/200 = 4.5 % for a continuous
    # statistic, a little less with ties, so rejections ~ Binomial(200, <= 0.05).
    n_sets, alpha = 200, 0.05
    rejections, above_one, null_means = 0, 0, []
    for k in range(n_sets):
        gen = np.random.default_rng(10_000 + k)
        n_threads, size = 30, 20
        rate = np.repeat(gen.beta(1, 3, n_threads), size)
        tox = np.where(gen.random(n_threads * size) < rate, 0.9, 0.1)
        ids, parents, threads = [], [], []
        for t in range(n_threads):
            for i in range(size):
                p = -1 if i == 0 or gen.random() < 0.2 else int(gen.integers(0, i))
                ids.append(f"{t}-{i}")
                parents.append(None if p < 0 else f"{t}-{p}")
                threads.append(f"t{t}")
        r = contagion(_table(ids, parents, threads, tox), n_null=199, n_boot=0, seed=k)
        rejections += r.p_value < alpha
        above_one += r.value > 1
        null_means.append(r.null_mean)
    # acceptance region of Binomial(200, 0.05) leaving <= 0.05 % in each tail: [2, 21]
    pmf = [math.comb(n_sets, j) * alpha**j * (1 - alpha) ** (n_sets - j) for j in range(n_sets + 1)]
    lo = max(j for j in range(n_sets + 1) if sum(pmf[:j]) <= 0.0005)
    hi = min(j for j in range(n_sets + 1) if sum(pmf[j + 1 :]) <= 0.0005)
    assert (lo, hi) == (2, 21)
    assert lo <= rejections <= hi, rejections
    # the clustering is real: the null's own mean ratio sits above 1
    assert np.mean(null_means) > 1.05
    assert above_one > n_sets * 0.7


# ----------------------------------------------------------------------------- properties


def test_seed_determinism():
    c = _planted(40, 15, base=0.2, p_tt=0.5, p_ct=0.15, seed=5)
    r1 = contagion(c, n_null=50, n_boot=50, seed=7)
    r2 = contagion(c, n_null=50, n_boot=50, seed=7)
    r3 = contagion(c, n_null=50, n_boot=50, seed=8)
    assert (r1.value, r1.ci, r1.z, r1.p_value) == (r2.value, r2.ci, r2.z, r2.p_value)
    assert r1.value == r3.value
    assert (r1.ci, r1.z) != (r3.ci, r3.z)


def test_relabelling_and_row_order_invariance():
    c = _planted(40, 15, base=0.2, p_tt=0.5, p_ct=0.15, seed=6)
    renamed = c.with_columns(
        ("x" + pl.col("comment_id")).alias("comment_id"),
        ("x" + pl.col("parent_id")).alias("parent_id"),
        ("T" + pl.col("thread_id")).alias("thread_id"),
    )
    r1 = contagion(c, n_null=30, n_boot=30, seed=1)
    r2 = contagion(renamed, n_null=30, n_boot=30, seed=1)
    assert (r1.value, r1.ci, r1.p_value) == (r2.value, r2.ci, r2.p_value)
    shuffled = c.sample(fraction=1.0, shuffle=True, seed=3)
    r3 = contagion(shuffled, null=False, n_boot=0)
    assert r3.value == pytest.approx(r1.value)
    t1 = r1.table("threads", backend="polars").sort("thread_id").drop("thread_id")
    t3 = r3.table("threads", backend="polars").sort("thread_id").drop("thread_id")
    assert t1.equals(t3)


def test_results_are_plain_python():
    r = contagion(_planted(20, 10, base=0.3, p_tt=0.5, p_ct=0.2, seed=2), n_null=20, n_boot=20)
    for v in (r.value, *r.ci, r.z, r.p_value, r.null_mean, r.p_toxic_after_toxic):
        assert type(v) is float
    assert type(r.n_replies) is int
    assert r.to_frame().loc[0, "metric"] == "contagion"


# ----------------------------------------------------------------------------- degenerate input


@pytest.mark.parametrize(
    ("tox", "reason"),
    [
        ([0.1, 0.1, 0.1], "no eligible reply has a toxic parent"),
        ([0.9, 0.1, 0.1], "no eligible reply is toxic"),
    ],
)
def test_nan_with_reason(tox, reason):
    c = _table(["a", "b", "c"], [None, "a", "a"], ["t"] * 3, tox)
    r = contagion(c)
    assert math.isnan(r.value)
    assert r.reason == reason
    assert r.p_value is None
    assert r.ci is None


def test_no_replies():
    r = contagion(_table(["a", "b"], [None, None], ["t", "u"], [0.9, 0.1]))
    assert math.isnan(r.value)
    assert "no eligible reply" in r.reason


def test_single_thread_has_no_bootstrap_interval():
    c = _table(["a", "b", "c", "e"], [None, "a", None, "c"], ["t"] * 4, [0.9, 0.9, 0.1, 0.1])
    r = contagion(c, n_null=20, n_boot=200)  # an interval asked for: none, and why
    assert r.value == pytest.approx(2.0)  # n = 2, a = 1, t = 1, b = 1
    assert r.ci is None
    assert r.params["ci_reason"] == "no bootstrap interval: 1 thread, under the minimum of 10"
    assert r.params["n_null_defined"] == 14
    assert r.warnings == (
        "only 1 thread, under the minimum of 10",
        "only 2 replies, under the minimum of 50",
        "only 1 reply to a toxic comment, under the minimum of 10",
        "only 1 toxic reply, under the minimum of 10",
        r.params["ci_reason"],
        # a shuffle that puts no toxic comment at a parent leaves R undefined
        ("6 of 20 null samples left the measure undefined and are left out: the test rests on 14"),
    )


def test_the_null_test_does_not_depend_on_the_bootstrap(shared_data):
    """One seed, one null: asking for an interval leaves z, p and the null mean as they
    are; null_sd and excess come with them."""
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    d = d.filter(start="2021-09-01", end="2021-11-01").annotate(progress=False)
    plain = contagion(d, n_null=30, seed=3)
    booted = contagion(d, n_null=30, seed=3, n_boot=20)
    assert booted.ci is not None
    assert (booted.z, booted.p_value, booted.null_mean) == (plain.z, plain.p_value, plain.null_mean)
    assert plain.null_sd > 0
    assert plain.excess == pytest.approx(plain.value - plain.null_mean)
    assert plain.z == pytest.approx(plain.excess / plain.null_sd)
    # a Generator seed: the null draws from a child spawned before the bootstrap
    a = contagion(d, n_null=30, seed=np.random.default_rng(3))
    b = contagion(d, n_null=30, seed=np.random.default_rng(3), n_boot=20)
    assert (a.z, a.p_value) == (b.z, b.p_value)


# ----------------------------------------------------------------------------- errors


def test_missing_signal_suggests_annotate(seed_thread):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = dyn.load(seed_thread, infer_replies="adjacent")
    with pytest.raises(ValueError, match=r"'toxicity'.*d = d.annotate\(\)"):
        contagion(d)
    with pytest.raises(ValueError, match="'anger'"):
        contagion(d, signal="anger")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"signal": "text"}, TypeError, "must name a numeric column"),
        ({"signal": 3}, TypeError, "'signal' parameter of contagion"),
        ({"threshold": float("nan")}, ValueError, "'threshold' parameter of contagion"),
        ({"threshold": "high"}, ValueError, "'threshold' parameter"),
        ({"null": "degree-preserving"}, ValueError, "'null' parameter of contagion"),
        ({"n_null": 0}, ValueError, "'n_null' parameter"),
        ({"n_boot": 1}, ValueError, "'n_boot' parameter"),
        ({"ci": 1.5}, ValueError, r"'ci' parameter of contagion must be in \(0, 1\)"),
        ({"seed": "x"}, ValueError, "'seed' parameter"),
    ],
)
def test_parameter_errors(kwargs, error, match):
    c = _hand().with_columns(pl.lit("words").alias("text"))
    with pytest.raises(error, match=match):
        contagion(c, **kwargs)


def test_wrong_input_kind():
    with pytest.raises(GraphKindError, match="contagion takes a Discussion"):
        contagion({"a": 1})


# ----------------------------------------------------------------------------- real data


def test_seed_thread_runs(seed_thread):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = dyn.load(seed_thread, infer_replies="adjacent").annotate(cache=False)
    r = dyn.escalation.contagion(d, n_null=100, n_boot=50)
    assert r.reason is None
    assert r.n_replies > 0
    # the ratio is its own definition applied to the counts it reports
    expected = (r.n_toxic_after_toxic / r.n_toxic_parents) / (r.n_toxic_replies / r.n_replies)
    assert r.value == pytest.approx(expected)
    assert 0 < r.p_value <= 1
    assert r.table("threads").shape[0] == 1


def test_a_ratio_resting_on_a_few_toxic_parents_says_so(shared_data):
    """r/CollegeRant, April 2020: 20 threads and ~100 replies, so the thread and reply
    minimums pass, but only a handful of replies answer a toxic comment."""
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    d = d.filter(start="2020-04-01", end="2020-05-01").annotate(progress=False)
    r = contagion(d, n_boot=50)
    assert r.n_toxic_parents < 10
    assert f"only {r.n_toxic_parents} replies to a toxic comment, under the minimum of 10" in (
        r.warnings
    )
    heat = dyn.escalation.reply_heat(d)  # a median over 4 latencies inside flame wars
    assert heat.defined
    assert f"only {heat.n_inside} replies inside episodes, under the minimum of 10" in (
        heat.warnings
    )
