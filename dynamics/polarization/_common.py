"""Shared plumbing of the polarization measures: graph preparation, sides, null tests, bootstrap.

Every structural measure runs the same pipeline:

1. ``as_igraph`` turns the input into an igraph graph (a Discussion gives its user reply graph);
2. ``edges="agreement"`` keeps only the directed edges whose ``sign`` is >= 0 (annotated
   Discussions, or graphs with a ``sign`` edge attribute);
3. the graph is made simple and undirected (parallel and reciprocal edges merged, loops
   dropped; with ``weight`` the merged weights add up, otherwise every edge weighs 1);
4. the vertices whose side is one of the compared labels are kept (induced subgraph); the
   others (no side, or a third side) are dropped and counted in ``params["n_dropped"]``.

Before step 4 the coverage of the sides is measured on the graph of step 3
(:func:`dynamics._sample_checks.coverage`); its warnings (small sides, low coverage, no
cross-side edge) and the thread bootstrap's (too few threads: no interval, the reason in
``params["ci_reason"]``) reach the result's ``warnings``.

Significance (:func:`finish`): ``null=None`` with ``n_null`` picks the null by the sides (see
:func:`dynamics._significance.choose_null`): sides found in the graph get the null that rewires
the graph and finds the sides again (``"rewire-refit"``), given sides get label shuffles.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from dynamics._params import check_param
from dynamics._refit_null import refit_null_test
from dynamics._sample_checks import bootstrap_threads_warning, coverage
from dynamics._significance import (
    REFIT_NULLS,
    bootstrap_threads,
    check_significance,
    choose_null,
    n_threads_with_comments,
    null_test,
)
from dynamics._validation import as_igraph, side_labels, undirected

if TYPE_CHECKING:
    import igraph as ig

__all__ = [
    "ARRAYS",
    "EDGE_MODES",
    "Prepared",
    "bootstrap",
    "check_common",
    "choose_labels",
    "edge_arrays",
    "keep_agreement",
    "prepare",
    "significance",
]

EDGE_MODES = ("all", "agreement")


@dataclass(frozen=True)
class Prepared:
    """A simple undirected graph on the compared sides, with integer side codes."""

    graph: ig.Graph  # vertex attr "name", edge attr "weight"
    codes: np.ndarray  # side code per vertex: index into ``labels``
    labels: tuple[Any, ...]  # the compared side labels
    n_dropped: int  # vertices left out (no side, or not a compared side)
    warnings: tuple[str, ...] = ()  # coverage warnings (dynamics._sample_checks)


def check_common(
    func: str,
    obj: object,
    *,
    null: str | None,
    n_null: int | None,
    n_boot: int,
    ci: float,
    edges: str | None = None,
) -> None:
    """The sklearn-style checks shared by every measure."""
    check_significance(func, null, n_null, n_boot, ci, obj)
    if edges is not None:
        check_param(edges in EDGE_MODES, "edges", func, f"one of {EDGE_MODES}", edges)


def keep_agreement(g: ig.Graph, edges: str) -> ig.Graph | str:
    """``g`` itself (``edges="all"``) or its non-negative edges; a reason string if unsigned."""
    if edges == "all":
        return g
    if "sign" not in g.es.attributes():
        return (
            "edges='agreement' needs signed edges (an edge attribute 'sign'; annotate the "
            "Discussion with stance first)"
        )
    sign = np.array([0 if s is None else s for s in g.es["sign"]], dtype=float)
    return g.subgraph_edges(np.flatnonzero(sign >= 0).tolist(), delete_vertices=False)


def choose_labels(
    labels: np.ndarray, pair: tuple[Any, Any] | None, func: str, *, all_labels: bool = False
) -> tuple[Any, ...] | str:
    """The side labels to compare, or a reason string when fewer than two sides have nodes.

    ``pair`` picks two labels; without it, two-sided measures take the two largest sides (ties
    by label order) and ``all_labels`` measures take every label.
    """
    counts = Counter(x for x in labels.tolist() if x is not None)
    if pair is not None:
        ok = isinstance(pair, tuple | list) and len(pair) == 2 and pair[0] != pair[1]
        check_param(ok, "pair", func, "a tuple of two different side labels", pair)
        missing = [p for p in pair if counts.get(p, 0) == 0]
        if missing:
            return f"side {missing[0]!r} of pair has no nodes in the graph"
        return (pair[0], pair[1])
    if len(counts) < 2:
        return "fewer than two sides have nodes in the graph"
    ordered = sorted(counts, key=lambda x: (-counts[x], str(x)))
    if all_labels:
        return tuple(sorted(counts, key=str))
    return tuple(sorted(ordered[:2], key=str))


def prepare(
    obj: Any,
    *,
    sides: Mapping[Any, Any] | str,
    weight: str | None,
    edges: str,
    pair: tuple[Any, Any] | None,
    func: str,
    all_labels: bool = False,
) -> Prepared | str:
    """Run the pipeline of the module docstring; a reason string when the measure is undefined."""
    g = as_igraph(obj, func=func)
    labels = side_labels(obj, g, sides, func=func)
    chosen = choose_labels(labels, pair, func, all_labels=all_labels)
    if isinstance(chosen, str):
        return chosen
    g2 = keep_agreement(g, edges)
    if isinstance(g2, str):
        return g2
    if weight is not None and weight not in g2.es.attributes() and g2.ecount() > 0:
        return f"the graph has no edge attribute {weight!r} (the 'weight' parameter)"
    h = undirected(g2, weight=weight)
    index = {lab: i for i, lab in enumerate(chosen)}
    code_all = np.array([index.get(x, -1) for x in labels.tolist()], dtype=np.int64)
    keep = np.flatnonzero(code_all >= 0)
    sub = h.induced_subgraph(keep.tolist(), implementation="create_from_scratch")
    for attr in sub.attributes():  # a user graph's own graph attributes describe other edges
        del sub[attr]
    sub[ARRAYS] = edge_arrays(sub)
    ends = np.array(h.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    said = coverage(ends[:, 0], ends[:, 1], code_all, chosen).warnings
    return Prepared(sub, code_all[keep], chosen, int(labels.size - keep.size), said)


#: Graph attribute under which :func:`prepare` keeps the edge arrays of the graph it built, so
#: that the label-shuffle null, which reuses that graph for every sample, reads them once.
ARRAYS = "_edge_arrays"


def edge_arrays(g: ig.Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(src, dst, weight)`` of ``g`` as numpy arrays.

    A graph built by :func:`prepare` carries them (graph attribute :data:`ARRAYS`); any other
    graph is read here. Rewired copies of the degree-preserving null drop graph attributes
    (:func:`dynamics._significance.null_test`) and keep their edge attributes in position. A
    graph without a ``weight`` attribute weighs 1 per edge.
    """
    if ARRAYS in g.attributes():
        return g[ARRAYS]
    m = g.ecount()
    ends = np.array(g.get_edgelist(), dtype=np.int64).reshape(m, 2)
    if "weight" in g.es.attributes() and m and g.es[0]["weight"] is not None:
        w = np.asarray(g.es["weight"], dtype=float)
    else:
        w = np.ones(m)
    return ends[:, 0], ends[:, 1], w


def significance(
    statistic: Callable[[ig.Graph, np.ndarray], float],
    graph: ig.Graph,
    codes: np.ndarray,
    *,
    observed: float,
    null: str | None,
    n_null: int,
    seed: int | None,
    alternative: str,
    progress: bool | None,
    func: str,
) -> dict[str, float]:
    """``z``, ``p_value``, null mean and sd, excess from a label or rewiring null ({} without)."""
    if null is None or math.isnan(observed):
        return {}
    res = null_test(
        statistic,
        graph,
        codes,
        observed=observed,
        null=null,  # type: ignore[arg-type]
        n_null=n_null,
        seed=seed,
        alternative=alternative,  # type: ignore[arg-type]
        progress=progress,
        func=func,
    )
    return res.fields()


def bootstrap(
    value_of: Callable[[Any], float],
    obj: Any,
    *,
    n_boot: int,
    ci: float,
    seed: int | None,
    progress: bool | None,
    func: str,
) -> tuple[tuple[float, float] | None, str | None]:
    """``(interval, why_none)``: percentile CI over resampled threads, or None and a reason.

    No interval without a Discussion or with ``n_boot=0`` (reason None: none was asked for),
    nor below ``MIN_BOOTSTRAP_THREADS`` threads (the reason says so).
    """
    from dynamics.model.discussion import Discussion

    if n_boot == 0 or not isinstance(obj, Discussion):
        return None, None
    interval, _ = bootstrap_threads(
        value_of, obj, n_boot=n_boot, ci=ci, seed=seed, progress=progress, func=func
    )
    if interval is None:
        return None, bootstrap_threads_warning(n_threads_with_comments(obj))
    return interval, None


def finish(
    cls: type,
    func: str,
    obj: Any,
    *,
    prep: Prepared | None,
    value: float,
    reason: str | None,
    params: dict[str, Any],
    statistic: Callable[[ig.Graph, np.ndarray], float] | None,
    alternative: str,
    again: Callable[..., float],
    null: str | None,
    n_null: int | None,
    n_boot: int,
    ci: float,
    seed: int | None,
    progress: bool | None,
    sides: Any = None,
    fields: Mapping[str, Any] | None = None,
    tables: Mapping[str, Any] | None = None,
) -> Any:
    """Add the null test and bootstrap CI to a computed value and build the result object.

    ``again(obj, sides)`` recomputes the measure (no null, no bootstrap) on a resampled
    Discussion or a null graph; ``sides`` is what the caller gave, which decides the null
    when ``null`` is None (:func:`dynamics._significance.choose_null`).
    """
    null, n_null = choose_null(null, n_null, sides)
    params["null"], params["n_null"] = null, n_null
    test: dict[str, float] = {}
    if prep is not None and statistic is not None and reason is None and null in REFIT_NULLS:
        test = refit_significance(
            again,
            obj,
            sides,
            observed=value,
            null=null,
            n_null=n_null,
            seed=seed,
            weight=params.get("weight"),
            alternative=alternative,
            func=func,
        )
    elif prep is not None and statistic is not None and reason is None:
        test = significance(
            statistic,
            prep.graph,
            prep.codes,
            observed=value,
            null=null,
            n_null=n_null,
            seed=seed,
            alternative=alternative,
            progress=progress,
            func=func,
        )
    interval = why = None
    if reason is None:
        interval, why = bootstrap(
            again, obj, n_boot=n_boot, ci=ci, seed=seed, progress=progress, func=func
        )
    said = list(prep.warnings) if prep is not None and reason is None else []
    if why is not None:
        params["ci_reason"] = why
        said.append(why)
    if prep is not None:
        params["compared"] = list(prep.labels)
        params["n_dropped"] = prep.n_dropped
    return cls(
        func,
        value,
        ci=interval,
        params=params,
        reason=reason,
        tables=dict(tables or {}),
        warnings=tuple(said),
        **test,
        **dict(fields or {}),
    )


def refit_significance(
    again: Callable[..., float],
    obj: Any,
    sides: Any,
    *,
    observed: float,
    null: str,
    n_null: int,
    seed: int | None,
    weight: str | None,
    alternative: str,
    func: str,
) -> dict[str, float]:
    """The re-inferring null (``"rewire-refit"``) for sides found in the graph.

    Rewires the full user graph of ``obj`` keeping degrees, finds the sides on it with the
    method and parameters of ``sides`` (:func:`dynamics.polarization._sides.refit_sides`) and
    recomputes the measure with ``again``.
    """
    from dynamics.polarization._sides import refit_sides

    found_with = sides.params.get("weight")
    unit = tuple(sorted(w for w in {weight, found_with} if isinstance(w, str)))
    res = refit_null_test(
        again,
        as_igraph(obj, func=func),
        partial(refit_sides, sides),
        cache=sides.null_cache,
        observed=observed,
        null=null,
        n_null=n_null,
        seed=seed,
        unit_weights=unit,
        search_weights=tuple(w for w in [found_with] if isinstance(w, str)),
        alternative=alternative,  # type: ignore[arg-type]
    )
    return res.fields()
