"""The null that repeats the side search: rewired graphs with their sides found again (issue 14).

Sides found by maximising separation on a graph (communities, a signed split, propagation)
make any graph look separated; label shuffles then destroy exactly what the search optimised,
so every graph, even a random one, looks polarized. This null asks instead *is this graph more
polarized than graphs with the same degrees, split the same way?* (Garimella et al. 2018
compare against partitions of non-controversial graphs; Guimera, Sales-Pardo and Amaral 2004
show how high the modularity of random graphs is, doi:10.1103/PhysRevE.70.025101).

Two steps, so that the expensive one is done once for every measure:

1. :func:`null_samples` rewires the graph ``n_null`` times keeping degrees and finds the sides
   on each rewired graph (across joblib workers when asked); the samples are kept in a cache
   the caller owns (a :class:`~dynamics.polarization.Sides` keeps one), keyed by the graph,
   the null, ``n_null``, the seed and the weights, so the next measure reuses them.
2. :func:`refit_null_test` computes a measure on every sample and compares the observed value
   with that distribution (z, p, null mean and spread, excess).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from dynamics._memo import Budget, Memo, Scoped
from dynamics._params import DrawnSeed, check_param, igraph_seed, rng
from dynamics._significance import REFIT_NULLS, NullTest, _compare
from dynamics._validation import (
    VertexSides,
    edge_ends,
    edge_list_array,
    label_codes,
)
from dynamics.model.graph import graph_from_ends

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["NullSample", "null_samples", "null_samples_ahead", "refit_null_test"]

#: Samples are cached only while they take less memory than this (bytes).
CACHE_LIMIT = 256 * 2**20
#: The null graphs rebuilt from the samples of one draw are kept within this many bytes
#: (they share their attribute values with the original graph, see ``graph_bytes``).
GRAPH_BYTES = 256 * 2**20


@dataclass(frozen=True)
class NullSample:
    """One rewired graph and the sides found on it.

    ``edges`` is the rewired edge list in the graph's edge order (edge attributes stay in
    position); ``codes[v]`` indexes ``labels`` for vertex ``v`` (-1: no side). ``memo`` keeps
    the sample's sides and what measures prepared on its graph, ``graphs`` the rebuilt graphs,
    for the next measure (the samples of one draw share a byte budget for each, see
    :mod:`dynamics._memo`).
    """

    edges: np.ndarray
    codes: np.ndarray
    labels: tuple[Any, ...]
    memo: Memo = field(default_factory=lambda: Memo(Budget(0)), compare=False, repr=False)
    graphs: Memo = field(default_factory=lambda: Memo(Budget(0)), compare=False, repr=False)

    def sides(self, names: list[Any]) -> VertexSides:
        """``author -> side`` of this sample (``names``: the graph's vertex names, in order)."""
        labels = np.empty(len(self.labels) + 1, dtype=object)
        labels[:-1] = self.labels  # code -1 (no side) reads the last entry, None
        return VertexSides(names, labels[self.codes])


def null_samples(
    graph: ig.Graph,
    find: Callable[..., Mapping[Any, Any]],
    *,
    null: str = "rewire-refit",
    n_null: int = 200,
    seed: int | None = 0,
    unit_weights: tuple[str, ...] = (),
    n_jobs: int | None = None,
    cache: MutableMapping[Any, Any] | None = None,
) -> list[NullSample]:
    """Rewire ``graph`` ``n_null`` times keeping degrees and find the sides on each.

    Sample ``i`` copies ``graph``, rewires it (``10 * edges`` swap attempts, igraph
    ``rewire``, simple edges; in- and out-degrees kept on a directed graph), puts the edge
    attributes back in position (``"rewire-refit"`` sets those named in ``unit_weights`` to 1)
    and calls ``find(rewired, seed=s_i)``. The seeds ``s_i`` are drawn from ``seed`` up front,
    so the samples are the same whatever ``n_jobs`` is.

    Parameters
    ----------
    graph : igraph.Graph
        The full user graph the sides were found on (vertex attribute ``name``).
    find : callable
        ``find(graph, seed=...) -> mapping author -> side``; picklable when ``n_jobs`` is not 1
        (e.g. ``functools.partial(refit_sides, found)``).
    null : {"rewire-refit", "rewire-refit-weights"}, default "rewire-refit"
        Keep the edge weights on the rewired edges (``"rewire-refit-weights"``: the same
        multiset of weights) or weigh every edge 1 (only the degrees are kept).
    n_null : int, default 200
        Number of samples.
    seed : int or None, default 0
        Seed of the rewirings (and of ``find`` when the sides had no seed).
    unit_weights : tuple of str
        Edge attributes that weigh edges for the sides or the measure.
    n_jobs : int or None
        Worker processes (joblib's loky pool), one batch of samples each; None takes joblib's
        setting (``with joblib.parallel_config(n_jobs=2): ...``; 1 unless set). A pool starts
        in about a second, so it pays from a few seconds of work.
    cache : mutable mapping, optional
        Where samples are kept for the next call with the same graph and settings (keyed by a
        digest of the graph's names, edges, ``unit_weights`` and ``sign`` attributes, which are
        all a side search reads).

    Returns
    -------
    list of NullSample
    """
    check_param(null in REFIT_NULLS, "null", "null_samples", f"one of {REFIT_NULLS}", null)
    check_param(n_null >= 1, "n_null", "null_samples", "a positive integer", n_null)
    key, kept = _lookup(cache, graph, null, n_null, seed, unit_weights)
    if kept is not None:
        return kept
    from joblib import effective_n_jobs

    workers = max(1, min(effective_n_jobs(n_jobs), n_null))
    return _draw(graph, find, null, n_null, seed, unit_weights, workers, cache, key)


def _draw(
    graph: ig.Graph,
    find: Callable[..., Mapping[Any, Any]],
    null: str,
    n_null: int,
    seed: int | None,
    unit_weights: tuple[str, ...],
    workers: int,
    cache: MutableMapping[Any, Any] | None,
    key: tuple[Any, ...] | None,
) -> list[NullSample]:
    """The samples of :func:`null_samples` drawn by ``workers`` processes (1: here), kept in
    ``cache`` under ``key`` while they fit."""
    attrs = _edge_attributes(graph, null, unit_weights)
    seeds = rng(seed).integers(2**31, size=n_null).tolist()
    if workers == 1:
        samples = _sample_batch(graph, find, attrs, seeds)
    else:  # one batch per worker: the graph and ``find`` travel once per worker
        from joblib import Parallel, delayed

        batches = [b.tolist() for b in np.array_split(np.asarray(seeds), workers) if b.size]
        parts = Parallel(n_jobs=workers)(
            delayed(_sample_batch)(graph, find, attrs, b) for b in batches
        )
        samples = [s for part in parts for s in part]
    kept, graphs = Budget(), Budget(GRAPH_BYTES, value_bytes=8)
    samples = [NullSample(s.edges, s.codes, s.labels, Memo(kept), Memo(graphs)) for s in samples]
    size = n_null * (graph.ecount() * 8 + graph.vcount() * 4)
    if cache is not None and key is not None and size <= CACHE_LIMIT:
        cache[key] = samples
    return samples


def _lookup(
    cache: MutableMapping[Any, Any] | None,
    graph: ig.Graph,
    null: str,
    n_null: int,
    seed: int | None,
    unit_weights: tuple[str, ...],
) -> tuple[tuple[Any, ...] | None, list[NullSample] | None]:
    """The key of these samples in ``cache`` and the samples kept there under it (None
    without a cache, or when they are not kept)."""
    if cache is None or seed is None or isinstance(seed, DrawnSeed):
        # seed=None asks for fresh entropy (a DrawnSeed, see dynamics._params.draw_seed):
        # samples kept from one call must not come back, nor fill the cache
        return None, None
    used = (*sorted(unit_weights), "sign")  # what a side search can read
    key = (_fingerprint(graph, used), null, n_null, seed, tuple(sorted(unit_weights)))
    return key, cache.get(key)


def null_samples_ahead(
    graph: ig.Graph,
    find: Callable[..., Mapping[Any, Any]],
    *,
    null: str = "rewire-refit",
    n_null: int = 200,
    seed: int | None = 0,
    unit_weights: tuple[str, ...] = (),
    cache: MutableMapping[Any, Any] | None = None,
) -> Future[list[NullSample]] | None:
    """Start :func:`null_samples` in a thread, so the caller can work while the workers draw.

    Only when joblib's setting gives more than one worker (``joblib.parallel_config``, read
    here, in the caller's thread): the workers are processes, so the caller's own work (a
    bootstrap) runs beside them instead of after them. ``future.result()`` gives the
    samples, the same as :func:`null_samples` with the same arguments (the seeds decide
    them); a finished future holds the samples already in ``cache``. None with one worker:
    the caller draws them itself.
    """
    from joblib import effective_n_jobs

    workers = min(effective_n_jobs(None), n_null)
    # with one worker the samples are drawn in this process: never in a thread beside other
    # work (igraph's random generator is one per process)
    if workers < 2:
        return None
    key, kept = _lookup(cache, graph, null, n_null, seed, unit_weights)
    if kept is not None:
        done: Future[list[NullSample]] = Future()
        done.set_result(kept)
        return done
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dynamics-null")
    future = pool.submit(
        _draw,
        graph.copy(),  # the thread's own object: the caller may add attributes to its graph
        find,
        null,
        n_null,
        seed,
        unit_weights,
        workers,
        cache,
        key,
    )
    pool.shutdown(wait=False)  # the thread ends with its one task
    return future


def refit_null_test(
    measure: Callable[[ig.Graph, Mapping[Any, Any]], float],
    graph: ig.Graph,
    find: Callable[..., Mapping[Any, Any]],
    *,
    observed: float,
    null: str = "rewire-refit",
    n_null: int = 200,
    seed: int | None = 0,
    unit_weights: tuple[str, ...] = (),
    search_weights: tuple[str, ...] | None = None,
    alternative: Literal["greater", "less", "two-sided"] = "greater",
    n_jobs: int | None = None,
    cache: MutableMapping[Any, Any] | None = None,
    samples: list[NullSample] | None = None,
) -> NullTest:
    """Compare ``observed`` with ``measure`` on rewired graphs whose sides were found again.

    ``measure(rewired_graph, sides) -> float`` computes the measure (no null, no bootstrap),
    in this process: ``n_jobs`` workers draw the samples, the costly part (rewiring and side
    search); evaluated here, a sample keeps what one measure prepared on it for the next
    (:mod:`dynamics._memo`), which a worker process would lose.
    The samples come from :func:`null_samples` (same parameters; ``search_weights``, the
    weights the side search uses, default ``unit_weights``, are its ``unit_weights``, so
    measures that weigh edges differently share the samples), or are ``samples`` when given
    (drawn with the same parameters, e.g. by :func:`null_samples_ahead`). ``unit_weights``
    are the edge attributes the measure weighs by, set to 1 on the rewired graphs with
    ``"rewire-refit"``. NaN values are dropped.

    Returns
    -------
    NullTest
        ``z``, ``p_value``, the null values and their ``mean``, ``sd`` and ``excess``.

    Examples
    --------
    The share of edges inside the two halves of a ring of 12, the halves found by a search
    that cuts the ring at vertex 0 whatever the graph: rewired graphs keep every degree 2 but
    scatter the edges, so the ring's halves are far more separated than chance.

    >>> import igraph as ig
    >>> ring = ig.Graph.Ring(12)
    >>> ring.vs["name"] = list(range(12))
    >>> def halves(g, seed=None):
    ...     return {v: int(v >= 6) for v in g.vs["name"]}
    >>> def inside_share(g, sides):
    ...     same = [sides[g.vs[a]["name"]] == sides[g.vs[b]["name"]] for a, b in g.get_edgelist()]
    ...     return sum(same) / len(same)
    >>> t = refit_null_test(inside_share, ring, halves, observed=inside_share(ring, halves(ring)),
    ...                     n_null=50)
    >>> round(t.observed, 3), t.excess > 0.3, t.p_value < 0.05
    (0.833, True, True)
    """
    if samples is None:
        samples = null_samples(
            graph,
            find,
            null=null,
            n_null=n_null,
            seed=seed,
            unit_weights=unit_weights if search_weights is None else search_weights,
            n_jobs=n_jobs,
            cache=cache,
        )
    attrs = _edge_attributes(graph, null, unit_weights)
    variant = (null, tuple(sorted(unit_weights)))
    values = _evaluate(measure, graph, attrs, samples, variant)
    arr = np.asarray(values, dtype=float)
    return _compare(observed, arr[~np.isnan(arr)], alternative)


def _evaluate(
    measure: Callable[[ig.Graph, Mapping[Any, Any]], float],
    graph: ig.Graph,
    attrs: dict[str, list[Any]],
    samples: list[NullSample],
    variant: tuple[Any, ...] = (),
) -> list[float]:
    """``measure`` on the rewired graph and sides of every sample, in order.

    The rebuilt graph of a sample is kept in its memo for the next measure with the same
    ``variant`` (the null and the edge attributes set to 1) on the same ``graph``, and it
    carries that part of the memo (attribute ``memo``), so a measure can keep what it
    prepares on it (:func:`dynamics._memo.reuse`) even when the graph itself did not fit.
    """
    names = list(graph.vs["name"])
    vertex_attrs = {a: graph.vs[a] for a in graph.vs.attributes()}
    out = []
    for sample in samples:
        sides = sample.memo.get(("sides",), (graph,), lambda s=sample: s.sides(names))
        h = sample.graphs.get(
            variant,
            (graph,),
            lambda s=sample: _rebuilt(graph, s, vertex_attrs, attrs),
        )
        h.memo = Scoped(sample.memo, variant, (graph,))
        edge_ends(h, h, built_from=sample.edges)  # kept for the measure, which reads them
        out.append(float(measure(h, sides)))
    return out


def _rebuilt(
    graph: ig.Graph, sample: NullSample, vertex_attrs: dict[str, list[Any]], attrs: dict
) -> ig.Graph:
    """The rewired graph of ``sample`` with the vertex and edge attributes of ``graph``."""
    h = graph_from_ends(
        graph.vcount(), sample.edges[:, 0], sample.edges[:, 1], directed=graph.is_directed()
    )
    for name, vals in vertex_attrs.items():
        h.vs[name] = vals
    for name, vals in attrs.items():
        h.es[name] = vals
    return h


def _edge_attributes(graph: ig.Graph, null: str, unit_weights: tuple[str, ...]) -> dict:
    attrs = {name: graph.es[name] for name in graph.es.attributes()}
    if null == "rewire-refit":
        for name in unit_weights:
            if name in attrs:
                attrs[name] = [1.0] * graph.ecount()
    return attrs


def _fingerprint(graph: ig.Graph, attributes: tuple[str, ...]) -> str:
    """A digest of what the samples depend on: direction, names, edges, the named attributes."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((graph.is_directed(), graph.vcount(), graph.vs["name"])).encode())
    digest.update(edge_list_array(graph).tobytes())
    for name in attributes:
        if name in graph.es.attributes():
            digest.update(repr((name, graph.es[name])).encode())
    return digest.hexdigest()


def _sample_batch(
    graph: ig.Graph,
    find: Callable[..., Mapping[Any, Any]],
    attrs: dict[str, list[Any]],
    seeds: list[int],
) -> list[NullSample]:
    """The samples of one batch (one per seed), in seed order."""
    out = []
    for s in seeds:
        g = graph.copy()
        with igraph_seed(int(s)):
            g.rewire(n=10 * g.ecount(), allowed_edge_types="simple")
        for name, values in attrs.items():  # rewire blanks them: the values stay in position
            g.es[name] = values
        g.memo = Memo(Budget())  # the side search and this batch read the edges once
        found = find(g, seed=int(s))
        labels = tuple(getattr(found, "order", ()) or _sorted(set(found.values())))
        names = g.vs["name"]
        # a Sides lists every vertex in order: its labels are read as they are, not by name
        ordered = getattr(found, "authors", None) == tuple(names)
        per_vertex = found.labels if ordered else [found.get(n) for n in names]
        codes = label_codes(per_vertex, labels, np.int32)
        edges = edge_ends(g, g).astype(np.int32)
        out.append(NullSample(edges, codes, labels))
    return out


def _sorted(values: set[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=repr)
