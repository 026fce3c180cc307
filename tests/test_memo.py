"""Prepared graphs kept on bootstrap samples and null graphs: same numbers, less work."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import dynamics as dyn
import dynamics._memo as memo_module
import dynamics._refit_null as refit_module
from dynamics._memo import Budget, Memo, Scoped
from dynamics.model.resample import resampler_of
from dynamics.polarization import _common


def test_memo_keeps_within_its_budget() -> None:
    built: list[int] = []

    def build() -> list[int]:
        built.append(1)
        return [len(built)]

    empty = Memo(Budget(0))
    assert empty.get("k", (), build) == [1]
    assert empty.get("k", (), build) == [2]  # no room: built again
    roomy = Memo(Budget(10_000))
    owner = object()
    assert roomy.get("k", (owner,), build) == [3]
    assert roomy.get("k", (owner,), build) == [3]
    assert roomy.get("k", (object(),), build) == [4]  # another owner: built again
    assert roomy.get(["unhashable"], (), build) == [5]
    scoped = Scoped(roomy, "scope", (owner,))
    assert scoped.get("k", (), build) == [6]  # its own key space
    assert scoped.get("k", (), build) == [6]


def test_polars_tables_count_their_bytes() -> None:
    table = pl.DataFrame({"a": np.arange(100_000), "b": np.ones(100_000)})
    size = memo_module._value_bytes(table, 16)
    assert size >= 1_600_000  # two 8-byte columns, not the 1 KiB of an unknown value
    tight = Memo(Budget(size - 1))
    tight.get("t", (), lambda: table)
    assert tight.get("t", (), lambda: "built again") == "built again"  # it did not fit


def test_graph_sizes_count_the_values_a_graph_owns() -> None:
    """igraph's 32 bytes an edge and 16 a vertex, plus each attribute value: 16 bytes for a
    graph that owns its values, 8 (a list slot) for one that shares another graph's."""
    import igraph as ig

    g = ig.Graph(n=4, edges=[(0, 1), (1, 2), (2, 3)], directed=True)
    g.vs["name"] = list("abcd")
    g.es["count"] = [1, 2, 3]
    g.es["first"] = [0.5, 1.5, 2.5]
    structure = 32 * 3 + 16 * 4
    assert memo_module.graph_bytes(g) == structure + 16 * (4 + 6)
    assert memo_module.graph_bytes(g, value_bytes=8) == structure + 8 * (4 + 6)
    shared = Budget(structure + 8 * 10, value_bytes=8)  # room for exactly one shared graph
    assert Memo(shared).get("g", (), lambda: g) is g
    assert shared.used == shared.limit
    assert not Budget(structure + 8 * 10).admit(Memo(Budget()), "g", memo_module.graph_bytes(g))


def _rant(shared_data: Path) -> dyn.Discussion:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    return dyn.Discussion(d.comments.head(4000), d.report)


def _results(d: dyn.Discussion) -> list[dict]:
    found = dyn.polarization.sides(d, method="leiden", seed=0)
    options = {"sides": found, "n_null": 12, "n_boot": 12, "seed": 3}
    return [
        dyn.polarization.ei_index(d, **options).to_dict(),
        dyn.polarization.modularity(d, **options).to_dict(),
        dyn.polarization.boundary_polarization(d, **options).to_dict(),
    ]


def test_kept_preparations_give_the_same_numbers(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three measures on the same found sides (re-inferring null, thread bootstrap): the
    samples are prepared once for the measures that prepare them alike, and every number
    (value, null z and p, interval) is the one computed with nothing kept."""
    calls = {"n": 0}
    prepare = _common.prepare

    def counted(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        return prepare(*args, **kwargs)

    monkeypatch.setattr(_common, "prepare", counted)
    d = _rant(shared_data)
    kept = _results(d)
    calls_kept = calls["n"]
    assert resampler_of(d)._memos  # the bootstrap samples carry what was prepared

    calls["n"] = 0
    monkeypatch.setattr(memo_module, "MEMO_BYTES", 0)
    monkeypatch.setattr(refit_module, "GRAPH_BYTES", 0)
    fresh = _rant(shared_data)
    assert _results(fresh) == kept
    # ei_index and modularity prepare alike: the second one's 12 + 12 samples were kept
    # ei_index and boundary_polarization prepare alike (the two largest sides, no weight):
    # the second one's 12 bootstrap samples and 12 null graphs were prepared once
    assert calls["n"] - calls_kept == 24


@pytest.mark.parametrize("directed", [True, False])
def test_edge_ends_built_from_the_edge_list_igraph_keeps(directed: bool) -> None:
    """A graph built from an edge list gives that list back as igraph does (an undirected edge
    as (lower, higher)), kept on the graph's memo for the next reader."""
    import igraph as ig

    from dynamics._validation import edge_ends

    pairs = np.array([[2, 0], [1, 2], [3, 1], [0, 3]], dtype=np.int32)
    g = ig.Graph(n=4, edges=pairs.tolist(), directed=directed)
    g.memo = Memo(Budget())
    ends = edge_ends(g, g, built_from=pairs)
    assert ends.tolist() == [list(e) for e in g.get_edgelist()]
    assert not ends.flags.writeable
    assert edge_ends(g, g) is ends  # kept: igraph is not asked again
