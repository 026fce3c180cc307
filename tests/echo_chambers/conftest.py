"""Real two-sided networks for the echo-chamber tests (read in place from ../shared/data)."""

from __future__ import annotations

import warnings
from pathlib import Path

import networkx as nx
import polars as pl
import pytest

GARIMELLA = ("political_blogs", "baltimore", "beefban", "indiana")


@pytest.fixture
def polblogs(shared_data: Path):
    """Adamic & Glance blogs as a directed igraph graph and sides from ``value`` (0 / 1)."""
    import igraph as ig

    path = shared_data / "polblogs" / "polblogs.gml"
    if not path.is_file():
        pytest.skip(f"{path} not available")
    with warnings.catch_warnings():
        # the file has HTML entities (&#38;) that igraph's GML parser reports and keeps verbatim
        warnings.simplefilter("ignore", RuntimeWarning)
        g = ig.Graph.Read_GML(str(path))
    g.vs["name"] = g.vs["label"]
    sides = {name: int(v) for name, v in zip(g.vs["name"], g.vs["value"], strict=True)}
    return g, sides


@pytest.fixture(params=GARIMELLA)
def garimella(request: pytest.FixtureRequest, shared_data: Path):
    """(name, undirected networkx graph with ``count`` weights, sides 1 / 2 from the authors)."""
    folder = shared_data / "garimella-controversy-networks"
    name = request.param
    edges_path = folder / (
        "political_blogs_edges.csv" if name == "political_blogs" else f"{name}_retweet_edges.csv"
    )
    if not edges_path.is_file():
        pytest.skip(f"{edges_path} not available")
    edges = pl.read_csv(edges_path, has_header=False, infer_schema=False)
    g = nx.Graph()
    if edges.width == 3:
        g.add_edges_from((a, b, {"count": float(w)}) for a, b, w in edges.iter_rows())
    else:
        g.add_edges_from(edges.iter_rows())
    sides = {}
    for i in (1, 2):
        for node in (folder / f"{name}_side{i}.txt").read_text().split():
            sides[node] = i
    return name, g, sides
