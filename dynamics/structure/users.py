"""Users: reciprocity of the user reply graph and participation inequality."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from dynamics._params import check_param, check_seed
from dynamics._results import MetricResult
from dynamics._sample_checks import bootstrap_threads_warning
from dynamics._significance import bootstrap_draws
from dynamics._validation import as_igraph, edge_list_array, float_values
from dynamics.errors import GraphKindError
from dynamics.structure._common import _NAN, _discussion, _per_thread, _structure_measure

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = [
    "participation_inequality",
    "reciprocity",
]

# --------------------------------------------------------------------------- user graph


def _edge_frame(obj: Any, weight: str | None, func: str) -> pl.DataFrame:
    """``source``, ``target``, ``w`` of the user graph (one row per edge, loops kept)."""
    from dynamics.model.discussion import Discussion

    if isinstance(obj, Discussion):
        check_param(
            weight in (None, "count"), "weight", func, "None or 'count' for a Discussion", weight
        )
        w = pl.col("count") if weight == "count" else pl.lit(1)
        return obj.user_edges().select("source", "target", w.cast(pl.Float64).alias("w"))
    g = as_igraph(obj, func=func)
    if not g.is_directed():
        msg = f"{func} needs a directed graph (u -> v: u replied to v); got an undirected one"
        raise GraphKindError(msg)
    names = np.asarray(g.vs["name"], dtype=object)
    edges = edge_list_array(g)
    if weight is None:
        w = np.ones(edges.shape[0])
    else:
        if weight not in g.es.attributes():
            _missing_weight(weight, func)
        w = float_values(g.es[weight], missing=1.0)
    return pl.DataFrame(
        {
            "source": [str(x) for x in names[edges[:, 0]]],
            "target": [str(x) for x in names[edges[:, 1]]],
            "w": w,
        },
        schema={"source": pl.String, "target": pl.String, "w": pl.Float64},
    )


def _missing_weight(weight: str, func: str) -> None:
    msg = (
        f"The 'weight' parameter of {func} must be None or an edge attribute of the graph. "
        f"Got {weight!r} instead."
    )
    raise ValueError(msg)


def _reciprocity_by(edges: pl.DataFrame, by: list[str], *, weighted: bool) -> pl.DataFrame:
    """Reciprocity per group ``by`` (empty list: one row) of an edge frame with ``w``."""
    e = (
        edges.filter(pl.col("source") != pl.col("target"))
        .group_by(*by, "source", "target")
        .agg(pl.col("w").sum())
    )
    back = e.select(
        *by,
        pl.col("source").alias("target"),
        pl.col("target").alias("source"),
        pl.col("w").alias("w_back"),
    )
    e = e.join(back, on=[*by, "source", "target"], how="left")
    if weighted:
        share = pl.min_horizontal("w", pl.col("w_back").fill_null(0.0)).sum() / pl.col("w").sum()
    else:
        share = pl.col("w_back").is_not_null().mean()
    aggs = [pl.len().cast(pl.Int64).alias("n_edges"), share.cast(pl.Float64).alias("reciprocity")]
    return e.group_by(*by).agg(aggs) if by else e.select(aggs)


@_structure_measure()
def reciprocity(discussion_or_graph: Any, *, weight: str | None = None) -> MetricResult:
    """Reciprocity of the user reply graph: the share of replies that are answered in kind.

    Unweighted: the share of directed edges ``u -> v`` (u replied to v, u != v) whose reverse
    ``v -> u`` is also an edge, ``r = |{(u, v) in E : (v, u) in E}| / |E|`` (networkx's
    ``overall_reciprocity``). Weighted (``weight="count"``): ``r_w = sum_{u != v} min(w_uv,
    w_vu) / sum_{u != v} w_uv``, the share of reply weight that is reciprocated (Squartini et
    al. 2013).

    Parameters
    ----------
    discussion_or_graph : Discussion, networkx.DiGraph or igraph.Graph
        A Discussion gives its user graph (comments without an author left out) and a
        ``per_thread`` table; a graph must be directed.
    weight : str or None, default None
        Edge attribute with reply counts (``"count"`` on a Discussion's user graph).

    Returns
    -------
    MetricResult
        ``value`` in [0, 1]: 0 = nobody is ever answered by the one they replied to, 1 = every
        reply relation goes both ways. NaN when there is no edge between distinct users.
        Table ``per_thread`` (Discussion only): ``thread_id``, ``n_edges``, ``reciprocity``
        of the thread's own user graph.

    Raises
    ------
    GraphKindError
        For an undirected graph or an object that is no graph.
    ValueError
        If ``weight`` names no edge attribute.

    See Also
    --------
    dyadic_exchanges : the back-and-forth runs behind reciprocated edges.

    Notes
    -----
    Self-loops are ignored (networkx counts them as unreciprocated edges), and parallel edges
    of a multigraph count as one (their weights add up). Reply graphs are mostly
    disagreement: reciprocity measures engagement, not endorsement. O(m) for m edges.

    References
    ----------
    Garlaschelli, D. & Loffredo, M. I. (2004). Patterns of link reciprocity in directed
    networks. Physical Review Letters 93, 268701. https://doi.org/10.1103/PhysRevLett.93.268701

    Squartini, T., Picciolo, F., Ruzzenenti, F. & Garlaschelli, D. (2013). Reciprocity of
    weighted networks. Scientific Reports 3, 2729. https://doi.org/10.1038/srep02729

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("a", "c")])
    >>> dyn.structure.reciprocity(G).value
    0.6666666666666666
    """
    from dynamics.model.discussion import Discussion

    func = "reciprocity"
    check_param(
        weight is None or isinstance(weight, str),
        "weight",
        func,
        "None or an edge attribute name",
        weight,
    )
    edges = _edge_frame(discussion_or_graph, weight, func)
    weighted = weight is not None
    overall = _reciprocity_by(edges, [], weighted=weighted)
    n_edges = int(overall.item(0, "n_edges"))
    value = overall.item(0, "reciprocity") if n_edges else None
    tables: dict[str, pl.DataFrame] = {}
    if isinstance(discussion_or_graph, Discussion):
        tables["per_thread"] = reciprocity_per_thread(discussion_or_graph, weighted=weighted)
    return MetricResult(
        func,
        _NAN if value is None else value,
        params={"weight": weight},
        reason=None if n_edges else "the user graph has no edge between distinct users",
        tables=tables,
    )


def reciprocity_per_thread(d: Discussion, *, weighted: bool) -> pl.DataFrame:
    """The ``per_thread`` table of :func:`reciprocity`: ``thread_id``, ``n_edges``,
    ``reciprocity`` of each thread's own user graph, every thread."""
    # one row per reply: weights are reply counts, as in the user graph
    per_reply = d.comments.select(
        "thread_id",
        pl.col("author").alias("source"),
        pl.col("parent_author").alias("target"),
        pl.lit(1.0).alias("w"),
    ).drop_nulls(["source", "target"])
    stats = _reciprocity_by(per_reply, ["thread_id"], weighted=weighted)
    return _per_thread(d, stats, {"n_edges": 0, "reciprocity": _NAN}).with_columns(
        pl.col("reciprocity").fill_null(_NAN)
    )


# --------------------------------------------------------------------------- inequality


def _gini_by(counts: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Gini of column ``n`` per group ``by`` (empty: one row), with ``n_authors``."""
    over = by or None
    ranked = counts.sort([*by, "n"]).with_columns(
        (pl.int_range(pl.len()).over(over) + 1 if over else pl.int_range(pl.len()) + 1)
        .cast(pl.Float64)
        .alias("_i"),
        (pl.len().over(over) if over else pl.len()).cast(pl.Float64).alias("_k"),
    )
    gini = ((2 * pl.col("_i") - pl.col("_k") - 1) * pl.col("n")).sum() / (
        pl.col("_k").first() * pl.col("n").sum()
    )
    aggs = [
        pl.len().cast(pl.Int64).alias("n_authors"),
        pl.when(pl.len() >= 2).then(gini).otherwise(None).alias("gini"),
    ]
    return ranked.group_by(*by).agg(aggs) if by else ranked.select(aggs)


def _gini_overall(d: Discussion) -> float:
    """The Gini of :func:`_gini_by` over the whole discussion (integer counts: exact sums)."""
    return gini(d.comments_per_author())


def gini(counts: np.ndarray) -> float:
    """Population Gini of comment counts (any order); NaN below two authors."""
    x = np.sort(counts).astype(float)
    k = x.size
    if k < 2:
        return _NAN
    return float(((2 * np.arange(1, k + 1) - k - 1) * x).sum() / (k * x.sum()))


@_structure_measure(needs={"discussion"})
def participation_inequality(
    discussion: Discussion,
    *,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = 0,
    progress: bool | None = None,
) -> MetricResult:
    """Participation inequality: the Gini coefficient of comments per author.

    With ``x_1 <= ... <= x_k`` the comment counts of the ``k`` authors (sorted),
    ``G = sum_i (2 i - k - 1) x_i / (k sum_i x_i)``, equivalently the mean absolute difference
    between two authors' counts over twice the mean count, ``sum_{i,j} |x_i - x_j| /
    (2 k^2 mean(x))``. Overall over the whole discussion, and per thread.

    Parameters
    ----------
    discussion : Discussion
    n_boot : int, default 0
        Bootstrap samples over threads for a confidence interval (0: no interval).
    ci : float, default 0.95
        Interval level, in (0, 1).
    seed : int or None, default 0
        Seed of the bootstrap. None draws a fresh seed, recorded in ``params["seed"]``.
    progress : bool or None
        Show a progress bar during the bootstrap.

    Returns
    -------
    MetricResult
        ``value`` in [0, 1 - 1/k]: 0 = everyone wrote as much, near 1 = a few authors wrote
        nearly everything. NaN with fewer than two authors. ``ci`` with ``n_boot``. Table
        ``per_thread``: ``thread_id``, ``n_authors``, ``gini`` (NaN below two authors).

    {discussion_errors}
    ValueError
        If ``n_boot`` is neither 0 nor >= 2, or ``ci`` is outside (0, 1).

    See Also
    --------
    thread_size

    Notes
    -----
    Comments without an author (deleted, anonymous) are left out: they cannot be attributed.
    This is the population Gini (no ``k / (k - 1)`` small-sample correction). Threads are
    the bootstrap units; authors active in several threads keep all their comments in each
    drawn copy. The Gini is not additive over threads (a resample drops some threads and
    repeats others, so occasional authors vanish or double), so the percentile interval can
    sit off the point estimate on large data: read it as the spread due to which threads were
    sampled, not as an unbiased interval. O(n) for n comments (plus ``n_boot`` times that).

    References
    ----------
    Gini, C. (1912). Variabilità e mutabilità. Bologna: Tipografia di Paolo Cuppini.

    Kittur, A., Chi, E. H., Pendleton, B. A., Suh, B. & Mytkowicz, T. (2007). Power of the
    few vs. wisdom of the crowd: Wikipedia and the rise of the bourgeoisie. alt.CHI '07.

    Examples
    --------
    ann wrote 2 comments, bob and cy 1 each: counts (1, 1, 2), G = (-2 + 0 + 4) / (3 * 4).

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["1", "2", "3", "4"], "parent": [None, "1", "2", None],
    ...     "user": ["ann", "bob", "ann", "cy"], "body": ["x"] * 4}))
    >>> round(dyn.structure.participation_inequality(d).value, 6)
    0.166667
    """
    func = "participation_inequality"
    d = _discussion(discussion, func)
    check_inequality_params(n_boot, ci)
    check_seed(seed, func)
    value = _gini_overall(d)
    interval = None
    params: dict[str, Any] = {"n_boot": n_boot, "ci": ci, "seed": seed}
    if n_boot and not math.isnan(value):
        from dynamics.model.resample import resampler_of

        resampler = resampler_of(d)
        counts = resampler.author_counts()
        interval = gini_interval(counts, resampler.n_threads, params, progress=progress)
    return inequality_result(value, gini_per_thread(d), params, interval)


def check_inequality_params(n_boot: Any, ci: Any) -> None:
    """Validate ``n_boot`` (0 or an integer >= 2) and ``ci`` of participation_inequality."""
    func = "participation_inequality"
    check_param(
        isinstance(n_boot, int | np.integer) and (n_boot == 0 or n_boot >= 2),
        "n_boot",
        func,
        "0 or an integer >= 2",
        n_boot,
    )
    check_param(0 < ci < 1, "ci", func, "in (0, 1)", ci)


def gini_interval(
    counts: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_threads: int,
    params: dict[str, Any],
    *,
    progress: bool | None = None,
) -> tuple[float, float] | None:
    """The thread-bootstrap interval of the overall Gini from per-(thread, author) counts.

    ``counts`` are thread codes (in the threads' order of first appearance, the order the
    bootstrap draws in), author codes (dense, any order) and comment counts, one entry per
    (thread, named author) (:meth:`~dynamics.model.resample.ThreadResampler.author_counts`);
    a sample's author totals are each thread's counts times the times it was drawn, so the
    in-memory and the Spark path (whose counts come from a Spark aggregation) give the same
    interval. ``params`` gives ``n_boot``, ``ci`` and ``seed``, and gets ``ci_reason`` when
    there are too few threads (None is returned).
    """
    thr, author, n = counts

    def on_sample(drawn: np.ndarray, _: int) -> float:
        w = np.bincount(drawn, minlength=n_threads)
        totals = np.bincount(author, weights=n * w[thr])
        return gini(totals[totals > 0].astype(np.int64))

    interval, _ = bootstrap_draws(
        on_sample,
        n_threads,
        n_boot=params["n_boot"],
        ci=params["ci"],
        seed=params["seed"],
        progress=progress,
        func="participation_inequality",
        work=int(n.sum()),
    )
    if interval is None:
        params["ci_reason"] = bootstrap_threads_warning(n_threads)
    return interval


def gini_per_thread(d: Discussion) -> pl.DataFrame:
    """The ``per_thread`` table of :func:`participation_inequality`: ``thread_id``,
    ``n_authors``, ``gini`` (NaN below two authors), every thread."""
    counts = (
        d.comments.drop_nulls("author")
        .group_by("thread_id", "author")
        .agg(pl.len().cast(pl.Float64).alias("n"))
    )
    return _per_thread(d, _gini_by(counts, ["thread_id"]), {"n_authors": 0}).with_columns(
        pl.col("gini").fill_null(_NAN)
    )


def inequality_result(
    value: float,
    per_thread: pl.DataFrame,
    params: dict[str, Any],
    interval: tuple[float, float] | None,
) -> MetricResult:
    """The result of :func:`participation_inequality` from its parts."""
    return MetricResult(
        "participation_inequality",
        value,
        ci=interval,
        params=params,
        reason="fewer than two authors" if math.isnan(value) else None,
        tables={"per_thread": per_thread},
        warnings=(params["ci_reason"],) if "ci_reason" in params else (),
    )
