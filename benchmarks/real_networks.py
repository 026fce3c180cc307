"""Every polarization and echo-chamber measure on the real two-sided networks, with p-values.

Networks (read in place from ``../shared/data``): the political blogs of Adamic & Glance with
their true liberal / conservative labels (``polblogs/polblogs.gml``: undirected, simple, largest
connected component), and Garimella et al.'s graphs with the authors' two sides
(``garimella-controversy-networks``: political blogs, #baltimore, #indiana, #beefban retweet
graphs). Every graph is unweighted and undirected. Retweets and hyperlinks are endorsements, so
``frustration`` reads every edge as positive (``sign=None``: the share of edges across);
the leaning measures use the sides mapped to -1 / +1; ``cross_side_hostility`` needs reply
toxicity, which these graphs lack (NaN with its reason). Echo-chamber measures use the same
undirected graphs and sides (the sides mapped to -1 / +1 where a leaning is needed).

With ``--inferred`` it prints a second table: the same networks with *inferred* sides (the
library's default, the two largest Leiden communities, seed 0) and the null chosen for them,
which rewires each graph keeping degrees and finds the sides again on every rewired graph
(``"rewire-refit"``): value, null mean, excess (value - null mean) and p for the structural
measures and the echo-chamber measures that take sides.

Speed at 100k users / 1M edges is measured by ``benchmarks/bench_metrics.py``.

Run::

    python benchmarks/real_networks.py [--n-null 200] [--data ../shared/data] [--inferred]
"""

from __future__ import annotations

import argparse
import time
import warnings
from functools import partial
from pathlib import Path

import igraph as ig
import polars as pl

import dynamics as dyn

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GARIMELLA = ("political_blogs", "baltimore", "indiana", "beefban")
ECHO = (
    "neighbour_leaning",
    "assortativity",
    "insularity",
    "conductance",
    "exposure_entropy",
    "homogeneity",
)


def polblogs(data: Path = DATA) -> tuple[ig.Graph, dict[str, str]]:
    """Adamic & Glance blogs: undirected simple LCC, sides from ``value`` (0 lib, 1 cons)."""
    with warnings.catch_warnings():  # "&#38;" in one blog URL is kept verbatim
        warnings.simplefilter("ignore", RuntimeWarning)
        g = ig.Graph.Read_GML(str(data / "polblogs" / "polblogs.gml"))
    g.to_undirected(mode="collapse")
    g.simplify()
    g = g.connected_components().giant()
    g.vs["name"] = g.vs["label"]
    sides = {v["name"]: "conservative" if v["value"] == 1 else "liberal" for v in g.vs}
    return g, sides


def garimella(name: str, data: Path = DATA) -> tuple[ig.Graph, dict[str, str]]:
    """One of Garimella et al.'s graphs with the authors' sides ``side1`` / ``side2``."""
    folder = data / "garimella-controversy-networks"
    path = folder / (
        f"{name}_edges.csv" if name == "political_blogs" else f"{name}_retweet_edges.csv"
    )
    pairs = [tuple(line.split(",")[:2]) for line in path.read_text().splitlines() if line]
    g = ig.Graph.TupleList(pairs, directed=False)
    g.simplify()
    sides: dict[str, str] = {}
    for side in ("side1", "side2"):
        text = (folder / f"{name}_{side}.txt").read_text()
        sides.update({line.strip(): side for line in text.splitlines() if line.strip()})
    return g, sides


def networks(data: Path = DATA) -> dict[str, tuple[ig.Graph, dict[str, str]]]:
    """All five networks, keyed by a short name."""
    out = {"polblogs (true labels)": polblogs(data)}
    for name in GARIMELLA:
        out[f"{name} (Garimella sides)"] = garimella(name, data)
    return out


def table(n_null: int = 200, data: Path = DATA) -> pl.DataFrame:
    """One row per (network, measure): value, label-shuffle z and p-value, seconds."""
    pol, echo = dyn.polarization, dyn.echo_chambers
    rows = []
    for net, (g, sides) in networks(data).items():
        calls = {
            "random_walk_controversy": lambda g=g, s=sides, **kw: pol.random_walk_controversy(
                g, sides=s, **kw
            ),
            "boundary_polarization": lambda g=g, s=sides, **kw: pol.boundary_polarization(
                g, sides=s, **kw
            ),
            "ei_index": lambda g=g, s=sides, **kw: pol.ei_index(g, sides=s, **kw),
            "modularity": lambda g=g, s=sides, **kw: pol.modularity(g, sides=s, **kw),
            "frustration": lambda g=g, s=sides, **kw: pol.frustration(g, sides=s, sign=None, **kw),
            "polarization_index": lambda g=g, s=sides, **_: pol.polarization_index(g, sides=s),
            "bimodality": lambda g=g, s=sides, **_: pol.bimodality(g, sides=s),
            "cross_side_hostility": lambda g=g, s=sides, **kw: pol.cross_side_hostility(
                g, sides=s, **kw
            ),
        }
        for name in ECHO:
            calls[name] = partial(getattr(echo, name), g, sides=sides)
        for measure, call in calls.items():
            t0 = time.perf_counter()
            r = call(null="label-shuffle", n_null=n_null, seed=0)
            rows.append(
                {
                    "network": net,
                    "nodes": g.vcount(),
                    "edges": g.ecount(),
                    "measure": measure,
                    "value": r.value,
                    "z": r.z,
                    "p_value": r.p_value,
                    "seconds": round(time.perf_counter() - t0, 2),
                    "reason": r.reason,
                }
            )
    return pl.DataFrame(rows)


#: The measures of the inferred-sides table.
INFERRED = (
    ("polarization", "random_walk_controversy"),
    ("polarization", "boundary_polarization"),
    ("polarization", "ei_index"),
    ("polarization", "modularity"),
    ("echo_chambers", "assortativity"),
    ("echo_chambers", "insularity"),
)


def inferred_table(n_null: int = 200, data: Path = DATA) -> pl.DataFrame:
    """One row per (network, measure) with Leiden sides and the re-inferring null."""
    rows = []
    for net, (g, given) in networks(data).items():
        found = dyn.polarization.sides(g, seed=0)
        agree = sum(given.get(a) is not None for a in found)  # users with a published side
        for family, measure in INFERRED:
            t0 = time.perf_counter()
            r = getattr(getattr(dyn, family), measure)(g, sides=found, n_null=n_null, seed=0)
            rows.append(
                {
                    "network": net.split(" (")[0],
                    "sides": "/".join(str(n) for n in found.sizes.values()),
                    "with_published_side": agree,
                    "measure": measure,
                    "null": r.params["null"],
                    "value": r.value,
                    "null_mean": r.null_mean,
                    "excess": r.excess,
                    "p_value": r.p_value,
                    "seconds": round(time.perf_counter() - t0, 2),
                }
            )
    return pl.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-null", type=int, default=200)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--inferred", action="store_true", help="also the inferred-sides table")
    args = parser.parse_args(argv)
    out = table(args.n_null, args.data)
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=60):
        print(out)
        if args.inferred:
            print(inferred_table(args.n_null, args.data))


if __name__ == "__main__":
    main()
