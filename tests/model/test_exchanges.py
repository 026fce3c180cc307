"""Dyadic exchanges: hand-built threads, the branching rule, and a brute-force reference."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics.model.exchanges import EXCHANGE_SCHEMA, dyadic_exchanges


def _comments(rows: list[tuple], *, times: list[int] | None = None) -> pl.DataFrame:
    """rows: (comment_id, parent_id, author) in one thread ``t``, or with a 4th thread field."""
    rows = [r if len(r) == 4 else (*r, "t") for r in rows]
    frame = pl.DataFrame(
        {
            "comment_id": [r[0] for r in rows],
            "parent_id": [r[1] for r in rows],
            "author": [r[2] for r in rows],
            "thread_id": [r[3] for r in rows],
        },
        schema={
            "comment_id": pl.String,
            "parent_id": pl.String,
            "author": pl.String,
            "thread_id": pl.String,
        },
    )
    if times is not None:
        base = datetime(2024, 1, 1, tzinfo=UTC)
        frame = frame.with_columns(
            pl.Series("created_at", [base + timedelta(minutes=m) for m in times]).cast(
                pl.Datetime("us", "UTC")
            )
        )
    return frame


def _runs(x: pl.DataFrame) -> list[tuple]:
    return x.select("user_a", "user_b", "comment_ids", "turns").rows()


def test_alternating_chain_is_one_exchange():
    # A, B, A, B along one chain: one exchange of 4 turns
    c = _comments([("1", None, "A"), ("2", "1", "B"), ("3", "2", "A"), ("4", "3", "B")])
    x = dyadic_exchanges(c)
    assert _runs(x) == [("A", "B", ["1", "2", "3", "4"], 4)]
    assert x.get_column("exchange_id").to_list() == ["2"]
    assert x.schema == pl.Schema(EXCHANGE_SCHEMA)


def test_third_author_splits_at_the_boundary():
    # A, B, A, C, A: (A,B,A) then (A,C,A); the comment "3" ends one run and opens the next
    c = _comments(
        [("1", None, "A"), ("2", "1", "B"), ("3", "2", "A"), ("4", "3", "C"), ("5", "4", "A")]
    )
    assert _runs(dyadic_exchanges(c)) == [
        ("A", "B", ["1", "2", "3"], 3),
        ("A", "C", ["3", "4", "5"], 3),
    ]


def test_three_authors_in_turn_give_pairs():
    # A, B, C, A: no author comes back within a pair, so three 2-turn exchanges
    c = _comments([("1", None, "A"), ("2", "1", "B"), ("3", "2", "C"), ("4", "3", "A")])
    assert [r[3] for r in _runs(dyadic_exchanges(c))] == [2, 2, 2]
    assert dyadic_exchanges(c, min_turns=3).height == 0


def test_self_reply_breaks_a_run():
    # A, B, B, A: B answering B is no turn; (A,B) and (B,A) are separate exchanges
    c = _comments([("1", None, "A"), ("2", "1", "B"), ("3", "2", "B"), ("4", "3", "A")])
    assert _runs(dyadic_exchanges(c)) == [("A", "B", ["1", "2"], 2), ("B", "A", ["3", "4"], 2)]


def test_deleted_author_breaks_a_run():
    # A, B, (deleted), B, A: the unknown author cuts the chain in two
    c = _comments(
        [("1", None, "A"), ("2", "1", "B"), ("3", "2", None), ("4", "3", "B"), ("5", "4", "A")]
    )
    assert _runs(dyadic_exchanges(c)) == [("A", "B", ["1", "2"], 2), ("B", "A", ["4", "5"], 2)]


def test_branching_follows_the_longest_continuation():
    # 1 A
    # ├─ 2 B
    # │  ├─ 3 A            (reply ends here)
    # │  └─ 4 A ── 5 B     (goes on: the exchange follows this branch)
    # └─ 6 C
    # main exchange 1,2,4,5; "3" opens its own exchange from the branch comment "2";
    # "6" is another pair (A, C) opening from "1"
    c = _comments(
        [
            ("1", None, "A"),
            ("2", "1", "B"),
            ("3", "2", "A"),
            ("4", "2", "A"),
            ("5", "4", "B"),
            ("6", "1", "C"),
        ]
    )
    x = dyadic_exchanges(c)
    assert _runs(x) == [
        ("A", "B", ["1", "2", "4", "5"], 4),
        ("B", "A", ["2", "3"], 2),
        ("A", "C", ["1", "6"], 2),
    ]
    # every reply between two known, different authors is in exactly one exchange
    assert int((x.get_column("turns") - 1).sum()) == 5


def test_branch_tie_goes_to_the_earliest_reply():
    # two equally long branches under "2"; "4" is listed after "3" but was written first
    c = _comments(
        [("1", None, "A"), ("2", "1", "B"), ("3", "2", "A"), ("4", "2", "A")],
        times=[0, 1, 5, 3],
    )
    x = dyadic_exchanges(c)
    assert _runs(x) == [("A", "B", ["1", "2", "4"], 3), ("B", "A", ["2", "3"], 2)]
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    assert x.row(0, named=True)["start"] == t0
    assert x.row(0, named=True)["end"] == t0 + timedelta(minutes=3)
    assert x.row(1, named=True)["end"] == t0 + timedelta(minutes=5)
    # without times, table order breaks the tie
    assert _runs(dyadic_exchanges(c.drop("created_at")))[0][2] == ["1", "2", "3"]


def test_sibling_replies_of_one_author_open_separate_exchanges():
    # B answers A's comment twice: two exchanges, both starting at "1", ids stay unique
    c = _comments([("1", None, "A"), ("2", "1", "B"), ("3", "1", "B")])
    x = dyadic_exchanges(c)
    assert _runs(x) == [("A", "B", ["1", "2"], 2), ("A", "B", ["1", "3"], 2)]
    assert x.get_column("exchange_id").to_list() == ["2", "3"]
    assert x.get_column("start").null_count() == 2  # no created_at column


def test_parent_in_another_thread_is_not_a_turn():
    c = _comments([("1", None, "A", "t1"), ("2", "1", "B", "t2"), ("3", "2", "A", "t2")])
    assert _runs(dyadic_exchanges(c)) == [("B", "A", ["2", "3"], 2)]
    assert dyadic_exchanges(c).get_column("thread_id").to_list() == ["t2"]


def test_empty_and_reply_free_input():
    empty = _comments([])
    assert dyadic_exchanges(empty).schema == pl.Schema(EXCHANGE_SCHEMA)
    assert dyadic_exchanges(empty).height == 0
    flat = _comments([("1", None, "A"), ("2", None, "B")])
    assert dyadic_exchanges(flat).height == 0


@pytest.mark.parametrize("bad", [1, 0, 2.5, True, "2"])
def test_min_turns_is_checked(bad):
    c = _comments([("1", None, "A")])
    with pytest.raises(ValueError, match="'min_turns' parameter of dyadic_exchanges"):
        dyadic_exchanges(c, min_turns=bad)


def test_missing_column_is_an_error():
    with pytest.raises(ValueError, match="author"):
        dyadic_exchanges(
            pl.DataFrame({"comment_id": ["1"], "parent_id": [None], "thread_id": ["t"]})
        )


def test_cycle_is_an_error_not_a_hang():
    c = _comments([("1", "2", "A"), ("2", "1", "B")])
    with pytest.raises(ValueError, match="cycle"):
        dyadic_exchanges(c)


def test_seed_thread(seed_thread):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(seed_thread, infer_replies="adjacent")
    x = dyadic_exchanges(d)
    # With adjacent inference the thread's reply chains between named authors are (read off
    # the file: an author's name line follows their comment, replies sit right after):
    #   #4 Oscar Silva Martinez <- #5 Xoli Xoli
    #   #9 Concrete Mike <- #10 Assad must stay
    #   #13 Zionism = EVIL <- #14 Brother Ma <- #15 Zionism = EVIL
    #   #29 Saddam Hussein <- #30 Tudor Miron <- #31 Saddam Hussein <- #32 Tudor Miron
    #   #33 Willing Conscience <- #34 Tudor Miron <- #35 Willing Conscience
    #   #48 Xoli Xoli <- #49 Willing Conscience
    # (the chains through #17, #24-#26 pass through unnamed comments, which break runs)
    got = {r[0].split("#")[1]: r[1] for r in x.select("exchange_id", "turns").rows()}
    assert got == {"5": 2, "10": 2, "14": 3, "30": 4, "34": 3, "49": 2}
    longest = x.filter(pl.col("turns") == 4).row(0, named=True)
    assert (longest["user_a"], longest["user_b"]) == ("Saddam Hussein", "Tudor Miron")
    assert dyadic_exchanges(d.comments).equals(x)  # a Discussion or its table


# --------------------------------------------------------------------------- reference


def _reference(c: pl.DataFrame) -> list[tuple]:
    """Plain-Python statement of the documented rule, for comparison on random forests."""
    rows = c.rows(named=True)
    by_id = {r["comment_id"]: i for i, r in enumerate(rows)}
    par = [by_id.get(r["parent_id"], -1) for r in rows]
    au = [r["author"] for r in rows]

    def valid(i):
        p = par[i]
        return p >= 0 and au[i] is not None and au[p] is not None and au[i] != au[p]

    def continues(i):  # link i continues link par[i]
        p = par[i]
        return valid(i) and valid(p) and au[i] == au[par[p]]

    kids = {
        i: [j for j in range(len(rows)) if par[j] == i and continues(j)] for i in range(len(rows))
    }

    def height(i):
        return 1 + max((height(j) for j in kids[i]), default=0)

    def heir(i):
        return min(kids[i], key=lambda j: (-height(j), j)) if kids[i] else None

    out = []
    for i in range(len(rows)):
        if not valid(i) or (continues(i) and heir(par[i]) == i):
            continue
        chain = [par[i], i]
        while heir(chain[-1]) is not None:
            chain.append(heir(chain[-1]))
        out.append((au[par[i]], au[i], [rows[k]["comment_id"] for k in chain], len(chain)))
    return out


@pytest.mark.parametrize("seed", range(30))
def test_matches_reference_on_random_forests(seed):
    gen = np.random.default_rng(seed)
    n = int(gen.integers(1, 40))
    parents = [None] + [
        None if gen.random() < 0.15 else str(int(gen.integers(0, i))) for i in range(1, n)
    ]
    names = ["A", "B", "C", None]
    authors = [names[k] for k in gen.choice(4, n, p=[0.4, 0.35, 0.15, 0.1])]
    c = _comments([(str(i), parents[i], authors[i]) for i in range(n)])
    x = dyadic_exchanges(c)
    assert _runs(x) == _reference(c)
    # each reply between two known, different authors lies in exactly one exchange
    par = dict(zip(c["comment_id"], c["parent_id"], strict=True))
    auth = dict(zip(c["comment_id"], c["author"], strict=True))
    n_links = sum(
        1
        for i, p in par.items()
        if p is not None and auth[i] is not None and auth[p] is not None and auth[i] != auth[p]
    )
    assert int((x.get_column("turns") - 1).sum()) == n_links


def test_relabelling_invariance():
    c = _comments(
        [("1", None, "A"), ("2", "1", "B"), ("3", "2", "A"), ("4", "2", "A"), ("5", "4", "B")]
    )
    rename = {"A": "zed", "B": "amy"}
    ids = {str(i): f"c{10 - i}" for i in range(1, 6)}
    c2 = c.with_columns(
        pl.col("author").replace_strict(rename),
        pl.col("comment_id").replace_strict(ids),
        pl.col("parent_id").replace_strict(ids, default=None),
    )
    x, x2 = dyadic_exchanges(c), dyadic_exchanges(c2)
    assert [[ids[k] for k in r[2]] for r in _runs(x)] == [r[2] for r in _runs(x2)]
    assert [(rename[r[0]], rename[r[1]]) for r in _runs(x)] == [r[:2] for r in _runs(x2)]
