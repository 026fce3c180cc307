"""Null models and bootstrap intervals shared by the metric families (DESIGN section 7).

- :func:`null_test`: recompute a statistic on graphs whose side labels are shuffled
  (``"label-shuffle"``: same graph, same side sizes) or whose edges are rewired keeping every
  node's degree (``"degree-preserving"``), and compare the observed value with that null
  distribution (z-score and a one-sided permutation p-value).
- :func:`dynamics._refit_null.refit_null_test`: for sides *found* in the graph, rewire the graph
  keeping degrees and find the sides again on every null graph before recomputing the measure
  (``"rewire-refit"``, ``"rewire-refit-weights"``); :func:`choose_null` picks it by itself for
  found sides.

Which null answers which question:

- ``"label-shuffle"`` asks *is the split by these given labels more separated than a random
  split of the same sizes on this graph?* It is the right test when the sides come from
  outside the graph (``method="labels"``: declared leaning, subreddit, party). For sides found
  by maximising separation on this very graph it is circular: every graph, even a random one,
  beats it, because the search optimised exactly what the shuffle destroys.
- ``"degree-preserving"`` keeps the labels and rewires the edges: *is this labelled graph more
  separated than graphs with the same degrees and the same labels?*
- ``"rewire-refit"`` / ``"rewire-refit-weights"`` ask *is this graph more polarized than graphs
  with the same degrees, once the sides are found the same way on them?* This is the comparison
  of Garimella et al. (2018), who score controversy against partitions found the same way on
  non-controversial graphs, and it follows Guimera, Sales-Pardo and Amaral (2004): random graphs
  have high modularity, so a found partition's modularity means little until set against that
  of random graphs of the same degrees (doi:10.1103/PhysRevE.70.025101). The excess
  ``observed - null mean`` is the polarization beyond what the search finds in structureless
  graphs.
- :func:`bootstrap_threads`: resample threads with replacement (threads are the independent
  units of a discussion) and take the percentile interval of the statistic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from dynamics._params import DrawnSeed, check_param, igraph_seed, rng
from dynamics._progress import progress_bar
from dynamics._sample_checks import MIN_BOOTSTRAP_THREADS

if TYPE_CHECKING:
    import igraph as ig

    from dynamics.model.discussion import Discussion

__all__ = [
    "NULL_MODELS",
    "NullTest",
    "bootstrap_draws",
    "bootstrap_threads",
    "check_significance",
    "choose_null",
    "n_threads_with_comments",
    "null_test",
    "resample_threads",
]

NullModel = Literal["label-shuffle", "degree-preserving", "rewire-refit", "rewire-refit-weights"]
NULL_MODELS: tuple[str, ...] = (
    "label-shuffle",
    "degree-preserving",
    "rewire-refit",
    "rewire-refit-weights",
)
#: The nulls that find the sides again on every rewired graph.
REFIT_NULLS: tuple[str, ...] = ("rewire-refit", "rewire-refit-weights")
#: Null samples when a null is asked for without ``n_null``.
DEFAULT_N_NULL = 200
#: Ways of finding sides in the graph itself (see ``dynamics.polarization.sides``).
_FOUND = frozenset({"leiden", "multilevel", "signed", "propagation"})


def sides_found(sides: Any) -> bool:
    """True when ``sides`` is a ``Sides`` result found in the graph (not given labels)."""
    return getattr(sides, "method", None) in _FOUND and isinstance(
        getattr(sides, "params", None), Mapping
    )


#: Side methods whose leaning is a score fitted to the graph, not two sides' -1 and +1.
SCORED_METHODS = frozenset({"signed", "propagation"})


def found_scores(leaning: Any) -> bool:
    """True for a continuous leaning found in the graph: ``Sides.leaning`` of the
    ``"signed"`` or ``"propagation"`` methods (a :class:`Leaning` remembers its sides).

    No null gives such a leaning again on random graphs (the side search finds labels there,
    not scores), and shuffling it over the users would test it against a random assignment
    that a leaning fitted to the graph beats by construction: it gets no automatic null.
    """
    return getattr(getattr(leaning, "sides", None), "method", None) in SCORED_METHODS


def choose_null(null: str | None, n_null: int | None, sides: Any) -> tuple[str | None, int]:
    """The null model and sample count a measure runs, from what the caller gave.

    ``null=None`` with ``n_null`` > 0 (or ``null="auto"``) picks the null by the sides:
    ``"rewire-refit"`` for sides found in the graph (a :class:`Sides` of method ``"leiden"``,
    ``"multilevel"``, ``"signed"`` or ``"propagation"``), ``"label-shuffle"`` for sides given
    from outside (a mapping, a column, ``method="labels"``). A named null without ``n_null``
    runs 200 samples. No null and no ``n_null``: no test.

    Examples
    --------
    >>> choose_null(None, None, {"a": "L"}), choose_null(None, 50, {"a": "L"})
    ((None, 0), ('label-shuffle', 50))
    >>> choose_null("degree-preserving", None, {"a": "L"})
    ('degree-preserving', 200)
    >>> choose_null("rewire-refit", 50, {"a": "L"})
    Traceback (most recent call last):
    ...
    ValueError: null='rewire-refit' finds the sides again on each rewired graph, ...
    """
    if null == "auto" or (null is None and n_null):
        null = "rewire-refit" if sides_found(sides) else "label-shuffle"
    if null == "rewire-refit" and not sides_found(sides):
        msg = (
            "null='rewire-refit' finds the sides again on each rewired graph, so it needs the "
            "Sides result that found them (sides(method='leiden', 'multilevel', 'signed' or "
            "'propagation'), passed as sides=, or its .leaning); these sides were given from "
            "outside: use null='label-shuffle'"
        )
        raise ValueError(msg)
    if null is None:
        return None, 0
    return null, DEFAULT_N_NULL if not n_null else int(n_null)


def check_significance(
    func: str, null: str | None, n_null: int | None, n_boot: int, ci: float, obj: object = None
) -> None:
    """The sklearn-style checks of ``null``, ``n_null``, ``n_boot`` and ``ci`` of a measure.

    With ``obj`` (what the measure was given), ``n_boot > 0`` also requires a Discussion: the
    bootstrap resamples threads, which a graph does not have.
    """
    check_param(
        null is None or null == "auto" or null in NULL_MODELS,
        "null",
        func,
        f"None, 'auto' or one of {NULL_MODELS}",
        null,
    )
    check_param(
        n_null is None
        or (isinstance(n_null, int) and not isinstance(n_null, bool) and n_null >= 1),
        "n_null",
        func,
        "None or a positive integer",
        n_null,
    )
    check_param(
        isinstance(n_boot, int) and (n_boot == 0 or n_boot >= 2),
        "n_boot",
        func,
        "0 or an integer >= 2",
        n_boot,
    )
    check_param(isinstance(ci, float | int) and 0 < ci < 1, "ci", func, "in (0, 1)", ci)
    if n_boot and obj is not None:
        from dynamics.model.discussion import Discussion

        if not isinstance(obj, Discussion):
            msg = (
                f"The 'n_boot' parameter of {func} resamples threads and needs a Discussion. "
                f"Got n_boot={n_boot} with a {type(obj).__name__} instead."
            )
            raise ValueError(msg)


@dataclass(frozen=True)
class NullTest:
    """Outcome of :func:`null_test`.

    Attributes
    ----------
    z : float
        (observed - mean of null) / standard deviation of null; NaN if the null has no spread.
    p_value : float
        ``(1 + #{null >= observed}) / (1 + n)`` for ``alternative="greater"`` (``<=`` for
        ``"less"``; for ``"two-sided"`` the distance from the null mean is compared). Never 0.
    null_values : numpy.ndarray
        The statistic on each null sample (NaN samples dropped).
    observed : float
        The observed value the null was compared with.
    """

    z: float
    p_value: float
    null_values: np.ndarray
    observed: float = math.nan

    @property
    def mean(self) -> float:
        """Mean of the null values (NaN without any)."""
        return float(self.null_values.mean()) if self.null_values.size else math.nan

    @property
    def sd(self) -> float:
        """Standard deviation of the null values (``ddof=1``; NaN with fewer than two)."""
        v = self.null_values
        return float(v.std(ddof=1)) if v.size > 1 else math.nan

    @property
    def excess(self) -> float:
        """``observed - mean``: the part of the value the null does not explain."""
        return self.observed - self.mean

    def fields(self) -> dict[str, float]:
        """``z``, ``p_value``, ``null_mean``, ``null_sd`` and ``excess``, for a result."""
        return {
            "z": self.z,
            "p_value": self.p_value,
            "null_mean": self.mean,
            "null_sd": self.sd,
            "excess": self.excess,
        }


def null_test(
    statistic: Callable[[ig.Graph, np.ndarray], float],
    graph: ig.Graph,
    labels: np.ndarray,
    *,
    observed: float,
    null: NullModel = "label-shuffle",
    n_null: int = 200,
    seed: int | None = 0,
    alternative: Literal["greater", "less", "two-sided"] = "greater",
    progress: bool | None = None,
    func: str = "null_test",
) -> NullTest:
    """Compare ``observed`` with ``statistic`` on ``n_null`` samples of a null model.

    Parameters
    ----------
    statistic : callable
        ``statistic(graph, labels) -> float``; ``labels[i]`` is the side of vertex ``i``.
    graph : igraph.Graph
        The graph the observed value was computed on.
    labels : numpy.ndarray
        Side label per vertex (any dtype; shuffled as given, so unlabelled vertices move too).
    observed : float
        The statistic on the real data.
    null : {"label-shuffle", "degree-preserving"}
        Shuffle the labels over the vertices, or rewire the edges with degree-preserving
        swaps (``10 * edges`` swap attempts per sample, igraph ``rewire``) keeping the labels;
        rewired edges keep the attribute values (weights, signs) of the edge in their
        position, so the null keeps the same multiset of edge values.
    n_null : int, default 200
        Number of null samples.
    seed : int or None, default 0
        Seed of the shuffles and rewirings.
    alternative : {"greater", "less", "two-sided"}, default "greater"
        Polarization measures are tested for being larger than chance.
    progress : bool or None
        Show a progress bar (None: when ``n_null * edges`` is large and stderr is a terminal).
    func : str
        The calling metric, for error messages.

    Returns
    -------
    NullTest
    """
    plain = ("label-shuffle", "degree-preserving")
    check_param(null in plain, "null", func, f"one of {plain}", null)
    check_param(n_null >= 1, "n_null", func, "a positive integer", n_null)
    gen = rng(seed)
    values = np.full(n_null, np.nan)
    edge_attrs = {name: graph.es[name] for name in graph.es.attributes()}
    work = n_null * max(graph.ecount(), 1)
    with (
        progress_bar(f"{func}: {null} null", n_null, enabled=progress, size=work * 64) as bar,
        igraph_seed(int(gen.integers(2**31))),
    ):
        for i in range(n_null):
            if null == "label-shuffle":
                values[i] = statistic(graph, gen.permutation(labels))
            else:
                g = graph.copy()
                for name in g.attributes():  # graph attributes describe the original edges
                    del g[name]
                g.rewire(n=10 * g.ecount(), allowed_edge_types="simple")
                for name, attr in edge_attrs.items():  # rewire blanks them: keep the values
                    g.es[name] = attr
                values[i] = statistic(g, labels)
            bar.advance()
    values = values[~np.isnan(values)]
    return _compare(observed, values, alternative)


def _compare(observed: float, values: np.ndarray, alternative: str) -> NullTest:
    if math.isnan(observed) or values.size == 0:
        return NullTest(math.nan, math.nan, values, observed)
    mean, sd = float(values.mean()), float(values.std(ddof=1)) if values.size > 1 else 0.0
    z = (observed - mean) / sd if sd > 0 else math.nan
    if alternative == "greater":
        extreme = values >= observed
    elif alternative == "less":
        extreme = values <= observed
    else:
        extreme = np.abs(values - mean) >= abs(observed - mean)
    p = (1 + int(extreme.sum())) / (1 + values.size)
    return NullTest(z, p, values, observed)


def n_threads_with_comments(discussion: Discussion) -> int:
    """Threads the bootstrap resamples: those with at least one comment."""
    return int(discussion.comments.get_column("thread_id").n_unique())


def resample_threads(discussion: Discussion, seed: int | np.random.Generator | None) -> Discussion:
    """A Discussion made of threads drawn with replacement from ``discussion``.

    The k-th copy of a thread gets ids suffixed ``"#b<k>"`` (comments, parents, thread) so
    copies stay separate threads; authors are unchanged, so a user active in two drawn threads
    links them as in the data. The sample's user graph is aggregated from the original's
    replies and its comments table is built only when used
    (:class:`dynamics.model.resample.ResampledDiscussion`).
    """
    from dynamics.model.resample import resampler_of

    resampler = resampler_of(discussion)
    return resampler.discussion(resampler.draw(rng(seed)))


def bootstrap_threads(
    statistic: Callable[[Discussion], float],
    discussion: Discussion,
    *,
    n_boot: int = 200,
    ci: float = 0.95,
    seed: int | None = 0,
    progress: bool | None = None,
    func: str = "bootstrap_threads",
    min_threads: int = MIN_BOOTSTRAP_THREADS,
) -> tuple[tuple[float, float] | None, np.ndarray]:
    """Percentile bootstrap interval of ``statistic`` over threads.

    With fewer than ``min_threads`` threads (with comments) there is no interval: resampling one
    or two threads gives a degenerate one (``[-1, -1]``) that reads like certainty.
    :func:`dynamics._sample_checks.bootstrap_threads_warning` says why.

    Parameters
    ----------
    statistic : callable
        ``statistic(discussion) -> float`` (NaN samples are dropped).
    discussion : Discussion
        Its threads are the resampled units.
    n_boot : int, default 200
        Bootstrap samples.
    ci : float, default 0.95
        Interval level, in (0, 1).
    seed : int or None, default 0
        Seed of the resampling.
    progress : bool or None
        Show a progress bar.
    func : str
        The calling metric, for error messages.
    min_threads : int, default ``MIN_BOOTSTRAP_THREADS``
        Fewest threads that give an interval.

    Returns
    -------
    ((low, high) or None, samples)
        The interval (NaN, NaN when no sample is defined; None below ``min_threads``) and the
        bootstrap values (empty when None).
    """
    from dynamics.model.resample import resampler_of

    resampler = resampler_of(discussion)
    # the i-th sample of seed s is the same for every metric: its user graph is built once
    # (not for a seed drawn for seed=None: no other call draws the same one)
    seeded = isinstance(seed, int | np.integer) and not isinstance(seed, DrawnSeed)

    def on_sample(drawn: np.ndarray, i: int) -> float:
        key = ("bootstrap", int(seed), i) if seeded else None  # type: ignore[arg-type]
        return statistic(resampler.discussion(drawn, key))

    return bootstrap_draws(
        on_sample,
        resampler.n_threads,
        n_boot=n_boot,
        ci=ci,
        seed=seed,
        progress=progress,
        func=func,
        min_threads=min_threads,
        work=len(discussion),
    )


def bootstrap_draws(
    statistic: Callable[[np.ndarray, int], float],
    n_threads: int,
    *,
    n_boot: int = 200,
    ci: float = 0.95,
    seed: int | None = 0,
    progress: bool | None = None,
    func: str = "bootstrap_threads",
    min_threads: int = MIN_BOOTSTRAP_THREADS,
    work: int = 0,
) -> tuple[tuple[float, float] | None, np.ndarray]:
    """:func:`bootstrap_threads` on the draws themselves: ``statistic(drawn, i)`` gets sample
    ``i``'s thread indices (``n_threads`` draws with replacement from ``range(n_threads)``, in
    the order the threads first appear), the same draws :func:`bootstrap_threads` makes for
    the same ``seed``. For measures that weigh per-thread counts by the draws (the Spark
    path) instead of building the sample's Discussion. ``work`` sizes the progress bar's
    threshold (comments).
    """
    check_param(0 < ci < 1, "ci", func, "in (0, 1)", ci)
    check_param(n_boot >= 2, "n_boot", func, "an integer >= 2", n_boot)
    if n_threads < min_threads:
        return None, np.empty(0)
    gen = rng(seed)
    values = np.full(n_boot, np.nan)
    with progress_bar(
        f"{func}: bootstrap", n_boot, enabled=progress, size=n_boot * work * 64
    ) as bar:
        for i in range(n_boot):
            values[i] = statistic(gen.integers(0, n_threads, n_threads), i)
            bar.advance()
    values = values[~np.isnan(values)]
    if values.size == 0:
        return (math.nan, math.nan), values
    alpha = (1 - ci) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha])
    return (float(low), float(high)), values
