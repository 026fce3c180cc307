"""The driver of the echo-chamber measures: checks, arcs, null model, bootstrap and result, once.

A measure module keeps its statistic, its detail tables and its docstring, and hands them to
:func:`run_echo` (as the polarization measures hand theirs to
:func:`dynamics._kernel.run_sided`), which does the rest for the whole family: the parameter
checks (:func:`dynamics._kernel.check_common`), the arcs, leanings and side codes
(:func:`dynamics.echo_chambers._common.prepare`), the null model and the thread bootstrap
(:func:`null_and_bootstrap`), and the result object with its ``params`` and warnings.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from dynamics._kernel import Computed, Measure, bootstrap, check_common, refit_significance
from dynamics._kernel import significance as null_fields
from dynamics._significance import REFIT_NULLS, choose_null
from dynamics.echo_chambers._common import Need, Prepared, prepare

if TYPE_CHECKING:
    import igraph as ig

    from dynamics._results import MetricResult

__all__ = ["Statistic", "null_and_bootstrap", "run_echo"]

#: ``statistic(prep, src, dst, w, values)``: a measure recomputed on arcs and per-vertex values.
Statistic = Callable[[Prepared, np.ndarray, np.ndarray, np.ndarray, np.ndarray], float]


def null_and_bootstrap(
    obj: Any,
    prep: Prepared,
    observed: float,
    *,
    statistic: Statistic,
    recompute: Callable[..., float],
    use_leaning: bool,
    null: str | None,
    n_null: int | None,
    n_boot: int,
    ci: float,
    seed: int | None,
    alternative: str,
    progress: bool | None,
    func: str,
    sides: Any = None,
    params: dict[str, Any] | None = None,
) -> tuple[dict[str, float], tuple[float, float] | None]:
    """Null-model fields (when a null runs) and thread-bootstrap interval (when ``n_boot``).

    ``statistic(prep, src, dst, w, values)`` recomputes the measure on arcs and per-vertex
    values (leanings or side codes); ``recompute(obj, sides)`` the whole measure on a
    resampled Discussion or a rewired graph. ``null=None`` with ``n_null`` picks the null by
    ``sides`` (:func:`dynamics._significance.choose_null`; ``"rewire-refit"`` for sides found in
    the graph, which rewires the graph and finds the sides again on every null graph);
    ``params["null"]`` and ``params["n_null"]`` are set to what ran. Returns
    ``({"z", "p_value", "null_mean", "null_sd", "excess"} or {}, interval)``.
    """
    null, n_null = choose_null(null, n_null, sides)
    if params is not None:
        params["null"], params["n_null"] = null, n_null
    if math.isnan(observed):
        return {}, None
    test: dict[str, float] = {}
    if null in REFIT_NULLS:
        test = refit_significance(
            recompute,
            obj,
            sides,
            observed=observed,
            null=str(null),
            n_null=n_null,
            seed=seed,
            weight=None if params is None else params.get("weight"),
            alternative=alternative,
            func=func,
        )
    elif null is not None:
        values = prep.leaning if use_leaning else prep.codes

        def on_graph(g: ig.Graph, labels: np.ndarray) -> float:
            src, dst, w = prep.with_graph(g)
            return statistic(prep, src, dst, w, labels)

        test = null_fields(
            on_graph,
            prep.graph(),
            values,
            observed=observed,
            null=null,
            n_null=n_null,
            seed=seed,
            alternative=alternative,
            progress=progress,
            func=func,
        )
    interval, why = bootstrap(
        recompute, obj, n_boot=n_boot, ci=ci, seed=seed, progress=progress, func=func
    )
    if why is not None:
        prep.ci_reason = why
        prep.warnings.append(why)
    return test, interval


def run_echo(
    func: Callable[..., MetricResult],
    obj: Any,
    *,
    leaning: Any,
    sides: Any,
    options: Mapping[str, Any],
    significance: Mapping[str, Any],
    compute: Callable[[Prepared], Computed],
    statistic: Statistic,
    need: Need = "labels",
) -> Any:
    """Run an echo-chamber measure: checks, the prepared arcs, ``compute``, significance, result.

    Parameters
    ----------
    func : callable
        The measure, registered with :func:`dynamics._kernel.measure` (its spec gives the name,
        the direction of the test and the result type).
    obj : Discussion or graph
        What the measure was given.
    leaning, sides : mapping, Sides, str or None
        The measure's ``leaning`` and ``sides`` (exactly one of them).
    options : mapping
        The measure's own parameters (``weight``, ``directed``, ...), in the order they appear in
        ``result.params`` after ``input``; ``weight`` and ``directed`` (default True) also shape
        the arcs (:func:`prepare`).
    significance : mapping
        ``null``, ``n_null``, ``n_boot``, ``ci``, ``seed``, ``progress``.
    compute : callable
        ``compute(prepared) -> Computed``: the value (NaN with a ``reason`` when undefined), the
        result's extra fields and detail tables. Its value and reason give way to
        ``prepared.reason`` when the input itself leaves the measure undefined.
    statistic : callable
        ``statistic(prepared, src, dst, w, values) -> float``, the value recomputed on arcs and
        per-vertex values (leanings with ``need="leaning"``, else side codes): the label-shuffle
        and degree-preserving nulls call it, and the bootstrap and re-inferring null call it on
        each resampled Discussion or null graph.
    need : {"labels", "leaning"}, default "labels"
        What the measure reads per user (see :func:`prepare`).
    """
    spec: Measure = func.spec  # type: ignore[attr-defined]
    name = spec.name
    null, n_null = significance.get("null"), significance.get("n_null")
    n_boot, ci = significance.get("n_boot", 0), significance.get("ci", 0.95)
    seed, progress = significance.get("seed", 0), significance.get("progress")
    check_common(name, obj, null=null, n_null=n_null, n_boot=n_boot, ci=ci)
    shape = {"weight": options.get("weight"), "directed": options.get("directed", True)}
    prep = prepare(obj, leaning=leaning, sides=sides, need=need, func=name, **shape)
    computed = compute(prep)
    value, reason = computed.value, computed.reason
    if prep.reason is not None:
        value, reason = math.nan, prep.reason
    params: dict[str, Any] = {
        "input": prep.source,
        **options,
        "null": null,
        "n_null": n_null,
        "n_boot": n_boot,
        "ci": ci,
        "seed": seed,
    }

    def again(d: Any, sides: Any = sides) -> float:
        p = prepare(d, leaning=leaning, sides=sides, need=need, func=name, **shape)
        values = p.leaning if need == "leaning" else p.codes
        return math.nan if p.reason else statistic(p, p.src, p.dst, p.w, values)

    test, interval = null_and_bootstrap(
        obj,
        prep,
        value,
        statistic=statistic,
        recompute=again,
        sides=sides,
        params=params,
        use_leaning=need == "leaning",
        null=null,
        n_null=n_null,
        n_boot=n_boot,
        ci=ci,
        seed=seed,
        alternative=spec.alternative or "greater",
        progress=progress,
        func=name,
    )
    return spec.result(
        name,
        value,
        ci=interval,
        params=prep.noted(params),
        warnings=prep.notes(),
        **test,
        reason=reason,
        tables=dict(computed.tables),
        **dict(computed.fields),
    )
