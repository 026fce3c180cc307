"""The per-thread sufficient statistics the Spark buckets send back survive their table form.

Each bucket turns its cells into one row per thread (``to_table``) and the driver turns the
rows back (``from_table``); the measure computed from the round trip equals the direct one.
"""

from __future__ import annotations

import numpy as np
import polars as pl

import dynamics as dyn
from dynamics.escalation._trend import ThreadCells
from dynamics.escalation.contagion import ContagionCounts, _prepare, from_counts
from dynamics.escalation.depth import profile


def _discussion(seed: int = 0) -> dyn.Discussion:
    """Six threads of random replies with random toxicity; thread ``t5`` has one comment."""
    gen = np.random.default_rng(seed)
    rows = []
    for t in range(6):
        n = 1 if t == 5 else 12
        for i in range(n):
            parent = None if i == 0 else f"t{t}c{gen.integers(0, i)}"
            rows.append((f"t{t}c{i}", parent, f"t{t}", f"u{t}_{i}", gen.random()))
    ids, parents, threads, users, tox = zip(*rows, strict=True)
    frame = pl.DataFrame(
        {"id": ids, "parent": parents, "thread": threads, "user": users, "toxicity": tox}
    )
    return dyn.load(frame.with_columns(pl.lit("...").alias("body")))


def _same_cells(a: ThreadCells, b: ThreadCells) -> None:
    for field in ("sums", "thread", "level", "n", "y"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)


def test_thread_cells_round_trip_gives_the_same_profile():
    d = _discussion()
    y = d.comments.get_column("toxicity").to_numpy()
    for within in (False, True):
        x = np.arange(y.size) % 4
        thread = d.comments.get_column("thread_id").rank("dense").cast(pl.Int64).to_numpy() - 1
        cells, used = ThreadCells.of(x.astype(float), y, thread, thread if within else None)
        ids = pl.Series([f"t{i}" for i in used])
        back = ThreadCells.from_table(cells.to_table(ids), 2 if within else 5)
        _same_cells(cells, back)
        params = {"within": within}
        direct = profile("toxicity_by_depth", cells, within, params, 20, 0.9, 1)
        again = profile("toxicity_by_depth", back, within, params, 20, 0.9, 1)
        assert direct.value == again.value
        assert direct.ci == again.ci
        assert direct.table("depths", backend="polars").equals(
            again.table("depths", backend="polars")
        )
    empty = ThreadCells.of(np.array([]), np.array([]), np.array([], dtype=np.int64), None)[0]
    back = ThreadCells.from_table(empty.to_table(pl.Series([], dtype=pl.String)), 5)
    assert back.sums.shape == (0, 5)
    assert back.n.size == 0


def test_contagion_counts_round_trip_keeps_threads_without_replies():
    d = _discussion(1)
    y = d.comments.get_column("toxicity").to_numpy()
    counts = ContagionCounts.of(_prepare(d.comments, y, 0.5))
    table = counts.to_table()
    assert table.height == 6  # t5 has no eligible reply, and still counts as a thread
    assert table.filter(pl.col("thread_id") == "t5").get_column("depths").to_list() == [[]]
    back = ContagionCounts.from_table(table)
    assert back.thread_ids.to_list() == counts.thread_ids.to_list()
    for field in ("per_thread", "cell_thread", "cell_depth", "cell_counts"):
        np.testing.assert_array_equal(getattr(back, field), getattr(counts, field), err_msg=field)
    params = {"n_boot": 30}
    direct = from_counts(counts, dict(params), 30, 0.9, 2, None)
    again = from_counts(back, dict(params), 30, 0.9, 2, None)
    assert direct.value == again.value
    assert direct.ci == again.ci
    want = dyn.escalation.contagion(d, null=False, n_boot=30, ci=0.9, seed=2)
    assert (direct.value, direct.ci) == (want.value, want.ci)
