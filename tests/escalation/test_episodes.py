"""Escalation episodes: planted flame wars are found, calm threads are not, ranking, the seed thread."""

from __future__ import annotations

import math
from datetime import timedelta
from itertools import pairwise

import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics.errors import GraphKindError
from dynamics.escalation import Episode, episodes
from dynamics.model.exchanges import dyadic_exchanges


def chain(tox, *, thread="t", users=("ann", "bob"), prefix="", step=60):
    """One reply chain, users alternating, one comment every ``step`` seconds."""
    n = len(tox)
    ids = [f"{prefix}{thread}{i}" for i in range(n)]
    return pl.DataFrame(
        {
            "id": ids,
            "parent": [None, *ids[:-1]],
            "link_id": [thread] * n,
            "user": [users[i % len(users)] for i in range(n)],
            "body": [f"text {i}" for i in range(n)],
            "created_utc": [1_700_000_000 + step * i for i in range(n)],
            "toxicity": [float(x) for x in tox],
        }
    )


def load(*frames):
    return dyn.load(pl.concat(frames))


# ------------------------------------------------------------------ planted cases
def test_planted_escalation_is_found_with_its_fields():
    # ann and bob alternate 0.1, 0.3, 0.5, 0.7, 0.9. Every 3-window has slope 0.2 > 0 and
    # windows (.1,.3,.5), (.3,.5,.7), (.5,.7,.9) peak >= 0.5, so all five comments are one
    # episode; score = 0.5 + 0.7 + 0.9 = 2.1, OLS slope over 5 turns = 0.2.
    r = episodes(load(chain([0.1, 0.3, 0.5, 0.7, 0.9])))
    assert r.value == 1.0
    (e,) = r.episodes
    assert isinstance(e, Episode)
    assert e.participants == ("ann", "bob")
    assert e.comment_ids == ("t0", "t1", "t2", "t3", "t4")
    assert e.turns == 5
    assert (e.start_comment, e.peak_comment, e.thread_id) == ("t0", "t4", "t")
    assert e.peak_toxicity == pytest.approx(0.9)
    assert e.mean_toxicity == pytest.approx(0.5)
    assert e.slope == pytest.approx(0.2)
    assert e.score == pytest.approx(2.1)
    assert e.duration == timedelta(minutes=4)
    assert e.kind == "chain"


@pytest.mark.parametrize(
    "tox",
    [
        [0.1, 0.1, 0.1, 0.1, 0.1],  # flat, low
        [0.9, 0.7, 0.5, 0.3, 0.1],  # falling
        [0.9, 0.9, 0.9, 0.9, 0.9],  # flat, high: hostile but not rising
        [0.0, 0.1, 0.2, 0.3, 0.4],  # rising but never reaching the threshold
    ],
)
@pytest.mark.parametrize("rule", ["slope", "steps"])
@pytest.mark.parametrize("kind", ["both", "chains", "exchanges"])
def test_calm_threads_have_no_episode(tox, rule, kind):
    r = episodes(load(chain(tox)), rule=rule, kind=kind)
    assert r.value == 0.0
    assert r.episodes == []
    assert r.reason is None


def test_planted_among_calm_threads():
    d = load(
        chain([0.1, 0.1, 0.1, 0.1], thread="calm"),
        chain([0.9, 0.7, 0.5, 0.3], thread="cooling", users=("cat", "dan")),
        chain([0.1, 0.3, 0.5, 0.7, 0.9], thread="flame", users=("eve", "fay")),
    )
    r = episodes(d)
    assert [e.thread_id for e in r.episodes] == ["flame"]
    assert r.episodes[0].participants == ("eve", "fay")


def test_ranking_by_score_on_hand_case():
    # scores = sum of the toxic comments: A = .5+.7+.9 = 2.1, B = .6+.9 = 1.5,
    # C = .6+.7+.8+.9 = 3.0 (C rises .6, .7, .8, .9: every window has slope .1).
    d = load(
        chain([0.1, 0.3, 0.5, 0.7, 0.9], thread="A"),
        chain([0.2, 0.6, 0.9], thread="B"),
        chain([0.6, 0.7, 0.8, 0.9], thread="C"),
    )
    r = episodes(d)
    assert [e.thread_id for e in r.episodes] == ["C", "A", "B"]
    assert [e.score for e in r.episodes] == pytest.approx([3.0, 2.1, 1.5])
    table = r.table("episodes", backend="polars")
    assert table.get_column("rank").to_list() == [1, 2, 3]
    assert table.get_column("thread_id").to_list() == ["C", "A", "B"]


def test_ties_are_broken_by_table_order():
    # two identical flame wars: same score, peak and turns, so the one first in the table wins
    d = load(chain([0.2, 0.6, 0.9], thread="y"), chain([0.2, 0.6, 0.9], thread="x"))
    assert [e.thread_id for e in episodes(d).episodes] == ["y", "x"]


def test_overlapping_windows_merge_and_separate_rises_do_not():
    # (.1, .3, .6) rises; then (.3, .6, 0) and (.6, 0, .2) fall; (0, .2, .7) rises again:
    # the two rising windows share no comment, so they are two episodes
    r = episodes(load(chain([0.1, 0.3, 0.6, 0.0, 0.2, 0.7])), kind="chains")
    assert sorted(e.comment_ids for e in r.episodes) == [("t0", "t1", "t2"), ("t3", "t4", "t5")]
    # windows (t0..t2) and (t2..t4) share t2 and rise; (t1..t3) falls: one merged episode
    r = episodes(load(chain([0.1, 0.3, 0.6, 0.2, 0.7])), kind="chains")
    assert [e.comment_ids for e in r.episodes] == [("t0", "t1", "t2", "t3", "t4")]
    # the steps rule wants every step non-decreasing: only the first rise qualifies
    r = episodes(load(chain([0.1, 0.3, 0.6, 0.2, 0.7])), kind="chains", rule="steps")
    assert [e.comment_ids for e in r.episodes] == [("t0", "t1", "t2")]


def test_episode_ends_at_the_top_of_a_rise():
    # .1 .5 .9 then .8: window (.5, .9, .8) still has slope .15 > 0, so it extends to t3;
    # (.9, .8, .1) falls, so t4 is out
    r = episodes(load(chain([0.1, 0.5, 0.9, 0.8, 0.1])))
    (e,) = r.episodes
    assert e.comment_ids == ("t0", "t1", "t2", "t3")
    assert e.peak_comment == "t2"


def tree(rows):
    """A thread from (id, parent, user, toxicity) rows, one comment every 10 seconds."""
    return dyn.load(
        pl.DataFrame(
            {
                "id": [r[0] for r in rows],
                "parent": [r[1] for r in rows],
                "user": [r[2] for r in rows],
                "body": [f"text {r[0]}" for r in rows],
                "created_utc": [10 * i for i in range(len(rows))],
                "toxicity": [r[3] for r in rows],
            }
        )
    )


def test_shared_prefix_is_reported_once():
    # r(.1) -> a(.5) -> b(.9) and a -> c(.8): windows (r,a,b) and (r,a,c) both escalate.
    # Equal continuations: the episode follows the earlier reply b; the side branch (a, c)
    # has 2 comments < 3, so the shared prefix r, a is reported once.
    base = [("r", None, "ann", 0.1), ("a", "r", "bob", 0.5), ("b", "a", "ann", 0.9)]
    d = tree([*base, ("c", "a", "cat", 0.8)])
    assert [e.comment_ids for e in episodes(d).episodes] == [("r", "a", "b")]
    # c -> c2 (.95): the branch through c is now the longer one and becomes the episode
    d = tree([*base, ("c", "a", "cat", 0.8), ("c2", "c", "dan", 0.95)])
    assert [e.comment_ids for e in episodes(d, kind="chains").episodes] == [("r", "a", "c", "c2")]
    # b -> b2 too: equal again, b (earlier) continues the episode, and the side branch
    # a, c, c2 (.5, .8, .95) rises on its own: a second episode from the branch comment a
    d = tree([*base, ("c", "a", "cat", 0.8), ("c2", "c", "dan", 0.95), ("b2", "b", "bob", 0.92)])
    got = [e.comment_ids for e in episodes(d, kind="chains").episodes]
    # scores: .5+.9+.92 = 2.32 and .5+.8+.95 = 2.25
    assert got == [("r", "a", "b", "b2"), ("a", "c", "c2")]


def test_dyadic_exchange_kind():
    # ann/bob rise; then cat (a third author) joins with .95: the chain episode has 4 comments
    # and three participants, the exchange episode only ann and bob's three turns
    d = load(chain([0.2, 0.6, 0.9, 0.95], users=("ann", "bob", "ann", "cat")))
    chains = episodes(d, kind="chains").episodes
    exchanges = episodes(d, kind="exchanges").episodes
    assert [e.participants for e in chains] == [("ann", "bob", "cat")]
    assert [(e.kind, e.comment_ids) for e in exchanges] == [("exchange", ("t0", "t1", "t2"))]
    # both: the exchange episode lies inside the chain episode, so it is not repeated
    assert [e.kind for e in episodes(d).episodes] == ["chain"]


def test_comments_reads_the_flame_war_in_order():
    r = episodes(load(chain([0.1, 0.3, 0.5, 0.7, 0.9])))
    c = r.episodes[0].comments()
    assert c.get_column("comment_id").to_list() == ["t0", "t1", "t2", "t3", "t4"]
    assert c.get_column("turn").to_list() == [0, 1, 2, 3, 4]
    assert c.get_column("depth").to_list() == [0, 1, 2, 3, 4]
    assert c.get_column("signal").to_list() == pytest.approx([0.1, 0.3, 0.5, 0.7, 0.9])
    assert c.get_column("text").to_list()[0] == "text 0"
    assert {"author", "created_at", "parent_id"} <= set(c.columns)


def test_other_signal_column_and_threshold():
    frame = chain([0.1, 0.3, 0.5, 0.7, 0.9]).rename({"toxicity": "anger"})
    d = dyn.load(frame)
    assert episodes(d, signal="anger").value == 1.0
    # nothing reaches 0.95
    assert episodes(d, signal="anger", threshold=0.95).value == 0.0


def test_unscored_comment_cuts_the_chain():
    frame = chain([0.1, 0.3, 0.5, 0.7, 0.9]).with_columns(
        pl.when(pl.col("id") == "t2").then(None).otherwise(pl.col("toxicity")).alias("toxicity")
    )
    # windows through t2 are unscored; (t3, t4) alone is shorter than 3
    assert episodes(dyn.load(frame)).value == 0.0


def test_min_turns():
    d = load(chain([0.2, 0.6, 0.9]))
    assert episodes(d, min_turns=3).value == 1.0
    assert episodes(d, min_turns=4).value == 0.0
    # k = 2: any rise to >= threshold; (.2, .6) and (.6, .9) share .6: one episode
    assert [e.turns for e in episodes(d, min_turns=2).episodes] == [3]


# ------------------------------------------------------------------ invariances
def test_seed_determinism_and_relabelling_invariance():
    d = load(
        chain([0.1, 0.3, 0.5, 0.7, 0.9], thread="A"),
        chain([0.2, 0.6, 0.9], thread="B", users=("cat", "dan")),
    )
    a, b = episodes(d, seed=0), episodes(d, seed=0)
    assert a.table("episodes", backend="polars").equals(b.table("episodes", backend="polars"))
    frame = pl.concat(
        [
            chain([0.1, 0.3, 0.5, 0.7, 0.9], thread="A", users=("u1", "u2"), prefix="z"),
            chain([0.2, 0.6, 0.9], thread="B", users=("u3", "u4"), prefix="z"),
        ]
    )
    c = episodes(dyn.load(frame))
    cols = ["turns", "peak_toxicity", "mean_toxicity", "slope", "score"]
    assert (
        a.table("episodes", backend="polars")
        .select(cols)
        .equals(c.table("episodes", backend="polars").select(cols))
    )
    assert [e.participants for e in c.episodes] == [("u1", "u2"), ("u3", "u4")]


# ------------------------------------------------------------------ brute force check
def _random_forest(gen, n=150, n_threads=4):
    thread = gen.integers(0, n_threads, n)
    parent = []
    for i in range(n):
        earlier = [j for j in range(max(0, i - 12), i) if thread[j] == thread[i]]
        parent.append(int(gen.choice(earlier)) if earlier and gen.random() < 0.85 else None)
    tox = np.round(gen.random(n), 1)
    tox[gen.random(n) < 0.03] = np.nan
    return (
        pl.DataFrame(
            {
                "comment_id": [f"c{i}" for i in range(n)],
                "parent_id": [None if p is None else f"c{p}" for p in parent],
                "thread_id": [f"t{t}" for t in thread],
                "author": [f"u{a}" for a in gen.integers(0, 6, n)],
                "text": ["x"] * n,
                "toxicity": tox,
            }
        ),
        parent,
        tox,
    )


def _escalating(window, threshold, rule):
    y = np.asarray(window, dtype=float)
    if np.isnan(y).any():
        return False
    if rule == "slope":
        x = np.arange(y.size)
        return np.polyfit(x, y, 1)[0] > 1e-9 and y.max() >= threshold
    return bool(np.all(np.diff(y) >= 0) and y[-1] > y[0] and y[-1] >= threshold)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("k", "rule"), [(2, "slope"), (3, "slope"), (4, "slope"), (3, "steps")])
def test_against_brute_force(seed, k, rule):
    """Chain episodes obey the documented rule, checked with plain Python loops."""
    gen = np.random.default_rng(seed)
    comments, parent, tox = _random_forest(gen)
    n = len(parent)

    def path_up(i, length):  # i and its ancestors, oldest first
        out = [i]
        while len(out) < length and parent[out[-1]] is not None:
            out.append(parent[out[-1]])
        return out[::-1] if len(out) == length else None

    windows = [w for i in range(n) if (w := path_up(i, k))]
    esc = [w for w in windows if _escalating(tox[w], 0.5, rule)]
    linked = {(w[j], w[j + 1]) for w in esc for j in range(k - 1)}  # (parent, child)
    r = episodes(comments, kind="chains", min_turns=k, rule=rule)
    seen_links = set()
    for e in r.episodes:
        rows = [int(c[1:]) for c in e.comment_ids]
        # a reply chain, every link inside an escalating window, ending with a whole one
        assert all(parent[b] == a for a, b in pairwise(rows))
        assert all((a, b) in linked for a, b in pairwise(rows))
        assert _escalating(tox[rows[-k:]], 0.5, rule)
        assert e.turns == len(rows) >= k
        # maximal upwards: the first comment's own link is not escalating, or it is a branch
        first = rows[0]
        if parent[first] is not None and (parent[first], first) in linked:
            kids = [c for (p, c) in linked if p == first]
            assert len(kids) >= 2
        # no reply link is in two episodes
        links = set(pairwise(rows))
        assert not links & seen_links
        seen_links |= links
        assert e.peak_toxicity == pytest.approx(np.max(tox[rows]))
        assert e.score == pytest.approx(sum(v for v in tox[rows] if v >= 0.5))
    # every escalating window that ends a run (its last comment has no escalating link below)
    # lies inside one episode, unless it crosses a branch point where the episode went on
    # along another reply (a side branch shorter than k is not an episode of its own)
    n_kids = {}
    for p, _ in linked:
        n_kids[p] = n_kids.get(p, 0) + 1
    for w in esc:
        if w[-1] not in n_kids:
            covered = any(set(w) <= {int(c[1:]) for c in e.comment_ids} for e in r.episodes)
            assert covered or any(n_kids.get(c, 0) >= 2 for c in w[:-1])
    assert (r.value > 0) == bool(esc)


@pytest.mark.parametrize("seed", range(4))
def test_exchange_episodes_against_brute_force(seed):
    gen = np.random.default_rng(100 + seed)
    comments, _, tox = _random_forest(gen, n=200)
    comments = comments.with_columns(
        pl.Series("author", [f"u{a}" for a in gen.integers(0, 2, 200)])
    )
    k = 3
    expected = set()
    for ids in dyadic_exchanges(comments, min_turns=k).get_column("comment_ids").to_list():
        rows = [int(c[1:]) for c in ids]
        mark = [False] * len(rows)  # mark[i]: link (i-1, i) in an escalating window
        for end in range(k - 1, len(rows)):
            if _escalating(tox[rows[end - k + 1 : end + 1]], 0.5, "slope"):
                for j in range(end - k + 2, end + 1):
                    mark[j] = True
        i = 0
        while i < len(rows):
            if i + 1 < len(rows) and mark[i + 1]:
                j = i + 1
                while j + 1 < len(rows) and mark[j + 1]:
                    j += 1
                expected.add(tuple(f"c{x}" for x in rows[i : j + 1]))
                i = j
            else:
                i += 1
    got = {e.comment_ids for e in episodes(comments, kind="exchanges").episodes}
    assert got == expected


# ------------------------------------------------------------------ flat vs rising
def test_flat_hostile_chain_is_labelled_flat_and_ranks_after_a_rising_one():
    # F: 0.95, 1.0, 1.0 passes the window rule (slope 0.025 > 0, peak >= 0.5) and holds the
    # highest score (2.95), but it climbs only 0.05: hostile throughout, not an escalation.
    # R: 0.2, 0.5, 0.9 climbs 0.7 with score 1.4; the rising one ranks first.
    r = episodes(load(chain([0.95, 1.0, 1.0], thread="F"), chain([0.2, 0.5, 0.9], thread="R")))
    assert [(e.thread_id, e.trend) for e in r.episodes] == [("R", "rising"), ("F", "flat")]
    rising, flat = r.episodes
    assert rising.rise == pytest.approx(0.7)
    assert flat.rise == pytest.approx(0.05)
    assert flat.score > rising.score  # the score alone would have put the flat one first
    table = r.table("episodes", backend="polars")
    assert table.get_column("trend").to_list() == ["rising", "flat"]
    assert table.get_column("rank").to_list() == [1, 2]
    # the count is of both; the result says how many escalate
    assert (r.value, r.n_rising, r.n_flat) == (2.0, 1, 1)
    assert r.to_dict()["n_rising"] == 1


def test_rise_is_the_largest_climb_not_last_minus_first():
    # 0.3 -> 0.1 -> 0.5 -> 0.9: both windows escalate, so all four are one episode; the last
    # is 0.6 above the first, but from the low 0.1 to the later 0.9 the climb is 0.8
    r = episodes(load(chain([0.3, 0.1, 0.5, 0.9])))
    assert [e.turns for e in r.episodes] == [4]
    assert [e.rise for e in r.episodes] == [pytest.approx(0.8)]
    assert r.episodes[0].trend == "rising"


# ------------------------------------------------------------------ the seed thread
def test_seed_thread_trolly_exchange_ranks_top(seed_thread):
    with pytest.warns(dyn.DataQualityWarning, match="empty_text"):
        d = dyn.load(seed_thread, infer_replies="adjacent").annotate()
    r = episodes(d)
    texts = d.comments.select("comment_id", "text")
    trolly = texts.filter(
        pl.col("text").str.contains("trolly") & pl.col("text").str.contains("sheckels")
    ).get_column("comment_id")
    assert trolly.len() == 1
    top3 = r.episodes[:3]
    hits = [e for e in top3 if trolly[0] in e.comment_ids]
    assert hits, [e.comment_ids for e in top3]
    e = hits[0]
    assert "Tudor Miron" in e.participants
    assert "Willing Conscience (The Truths" in e.participants
    # it stays on top, and is said to be what it is: hostile from its first comment (0.95)
    assert r.episodes[0] == e
    assert e.trend == "flat"
    c = e.comments()
    # in order: each comment replies to the one before, and the "trolly" comment is in it
    assert c.get_column("comment_id").to_list() == list(e.comment_ids)
    parents = c.get_column("parent_id").to_list()
    ids = c.get_column("comment_id").to_list()
    assert parents[1:] == ids[:-1]
    assert c.filter(pl.col("comment_id") == trolly[0]).get_column("author").item() == (
        "Tudor Miron"
    )
    assert c.get_column("text").str.contains("trolly").any()


# ------------------------------------------------------------------ errors and NaN
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_turns": 1}, "'min_turns' parameter of episodes must be an integer >= 2"),
        ({"min_turns": 2.5}, "'min_turns'"),
        ({"kind": "trees"}, "'kind' parameter of episodes must be one of"),
        ({"rule": "up"}, "'rule' parameter of episodes must be one of"),
        ({"threshold": math.nan}, "'threshold' parameter of episodes"),
        ({"signal": "anger"}, "needs a numeric hostility column 'anger'"),
    ],
)
def test_parameter_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        episodes(load(chain([0.1, 0.5, 0.9])), **kwargs)


def test_wrong_input_kind():
    with pytest.raises(GraphKindError):
        episodes([1, 2, 3])


def test_undefined_cases_are_nan_with_reason():
    empty = chain([0.1]).head(0)
    r = episodes(
        empty.rename(
            {
                "id": "comment_id",
                "parent": "parent_id",
                "link_id": "thread_id",
                "user": "author",
                "body": "text",
            }
        )
    )
    assert math.isnan(r.value)
    assert r.reason == "no comments"
    unscored = dyn.load(chain([0.1, 0.5, 0.9]).with_columns(pl.lit(None).alias("toxicity")))
    r = episodes(unscored)
    assert math.isnan(r.value)
    assert "no comment has a 'toxicity' score" in r.reason
    assert r.episodes == []


def test_overlapping_episodes_are_counted_in_the_warnings(shared_data):
    """On r/CollegeRant a dyadic exchange can share part of a chain episode (one wholly
    inside a chain is dropped): the result says how many comments are in two episodes, checked
    here against a count made from the comments table directly."""
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    r = dyn.escalation.episodes(d.annotate(progress=False))
    members = r.table("comments", backend="polars")
    counts = members.group_by("comment_id").len()
    shared = counts.filter(pl.col("len") > 1).height
    assert shared > 0
    said = (
        f"{shared} comments are in more than one episode (of {counts.height:,} in episodes): "
        "the episodes overlap in part, so their number counts overlapping runs, not disjoint "
        "events"
    )
    assert r.warnings == (said,)


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"n_boot": 200}, "episodes has no thread bootstrap"),
        ({"ci": 0.9}, "episodes has no thread bootstrap"),
        ({"null": "auto", "n_null": 50}, "episodes has no null model"),
    ],
)
def test_episodes_has_no_bootstrap_and_says_what_to_use(given, said):
    """n_boot= was a bare "episodes() got an unexpected keyword argument 'n_boot'", where
    the other escalation measures take it: the error now says why and what to use."""
    d = load(chain([0.1, 0.5, 0.9]))
    with pytest.raises(TypeError, match=said) as caught:
        episodes(d, **given)
    text = str(caught.value)
    assert "the settings it takes: seed" in text
    assert "signal_uncertainty(d, 'escalation.episodes'" in text
    assert "derailment" in text
