"""The driver of the echo-chamber measures: checks, arcs, null model, bootstrap and result, once.

A measure module keeps its statistic, its detail tables and its docstring, and hands them to
:func:`run_echo` (as the polarization measures hand theirs to
:func:`dynamics._kernel.run_sided`), which does the rest for the whole family: the parameter
checks (:func:`dynamics._kernel.check_common`), the arcs, leanings and side codes
(:func:`dynamics.echo_chambers._common.prepare`), the null model and the thread bootstrap
(:func:`null_and_bootstrap`), and the result object with its ``params`` and warnings.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from dynamics._kernel import (
    DEFAULTS,
    SETTINGS,
    SIDE_NULLS,
    Computed,
    Measure,
    arguments,
    bootstrap,
    check_common,
    measure,
    refit_and_bootstrap,
    take_null_count,
)
from dynamics._kernel import significance as null_fields
from dynamics._memo import reuse
from dynamics._significance import REFIT_NULLS, choose_null, found_scores
from dynamics.echo_chambers._common import Need, Prepared, prepare

if TYPE_CHECKING:
    import igraph as ig

    from dynamics._results import MetricResult

__all__ = ["Statistic", "echo_measure", "null_and_bootstrap", "run_echo"]


def echo_measure(
    *, alternative: str, result: type, tables: tuple[str, ...]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an echo-chamber measure (:func:`dynamics._kernel.measure`).

    Every measure of the family needs sides or a leaning (exactly one) and takes every null model
    of :data:`dynamics._kernel.SIDE_NULLS`; ``alternative``, ``result`` and ``tables`` are its own.
    """
    return measure(
        "echo_chambers",
        needs={"sides", "leaning"},
        nulls=SIDE_NULLS,
        alternative=alternative,
        result=result,
        tables=tables,
    )


#: The side methods whose leaning is the two sides' labels (-1 and +1), not scores.
_COMMUNITY_METHODS = ("leiden", "multilevel")

#: Said when the automatic null is asked for a continuous leaning found in the graph.
NO_NULL_FOR_FOUND_LEANING = (
    "no null model: this leaning was found in the graph (method {method!r}), and no null "
    "gives it again on random graphs (the side search finds labels there, not scores), "
    "while shuffling it over the users would compare it with a random assignment, which a "
    "leaning fitted to the graph beats by construction (pass sides= for the two sides with "
    "the re-inferring null, or null='label-shuffle' by name)"
)

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
    settings: Mapping[str, Any],
    alternative: str,
    func: str,
    sides: Any,
    params: dict[str, Any],
) -> tuple[dict[str, float], tuple[float, float] | None]:
    """Null-model fields (when a null runs) and thread-bootstrap interval (when ``n_boot``).

    ``statistic(prep, src, dst, w, values)`` recomputes the measure on arcs and per-vertex
    values (leanings or side codes); ``recompute(obj, sides)`` the whole measure on a
    resampled Discussion or a rewired graph. ``settings`` holds ``null``, ``n_null``,
    ``n_boot``, ``ci``, ``seed`` and ``progress``. ``null=None`` with ``n_null`` picks the null
    by ``sides`` (:func:`dynamics._significance.choose_null`; ``"rewire-refit"`` for sides found
    in the graph, which rewires the graph and finds the sides again on every null graph);
    ``params["null"]`` and ``params["n_null"]`` are set to what ran. Returns
    ``({"z", "p_value", "null_mean", "null_sd", "excess"} or {}, interval)``.
    """
    null, n_null = choose_null(settings.get("null"), settings.get("n_null"), sides)
    params["null"], params["n_null"] = null, n_null
    if math.isnan(observed):
        return {}, None
    seed, progress = settings.get("seed", 0), settings.get("progress")
    common = {"observed": observed, "null": null, "n_null": n_null, "seed": seed}
    test: dict[str, float] = {}
    boot = {"n_boot": settings.get("n_boot", 0), "ci": settings.get("ci", 0.95)}
    if null in REFIT_NULLS:  # the bootstrap runs beside the drawing of the null's samples
        test, (interval, why) = refit_and_bootstrap(
            recompute,
            obj,
            sides,
            **common,
            weight=params.get("weight"),
            alternative=alternative,
            func=func,
            progress=progress,
            **boot,
        )
    else:
        if null is not None:
            values = prep.leaning if use_leaning else prep.codes

            def on_graph(g: ig.Graph, labels: np.ndarray) -> float:
                src, dst, w = prep.with_graph(g)
                return statistic(prep, src, dst, w, labels)

            test = null_fields(
                on_graph,
                prep.graph(),
                values,
                **common,
                alternative=alternative,
                progress=progress,
                func=func,
            )
        interval, why = bootstrap(recompute, obj, seed=seed, progress=progress, func=func, **boot)
    prep.warnings.extend(take_null_count(test, params))
    if why is not None:
        prep.ci_reason = why
        prep.warnings.append(why)
    return test, interval


def run_echo(
    func: Callable[..., MetricResult],
    args: Mapping[str, Any],
    *,
    compute: Callable[[Prepared], Computed],
    statistic: Statistic,
    need: Need = "labels",
) -> Any:
    """Run an echo-chamber measure: checks, the prepared arcs, ``compute``, significance, result.

    Parameters
    ----------
    func : callable
        The measure, registered with :func:`echo_measure` (its spec gives the name, the
        direction of the test and the result type).
    args : mapping
        The measure's arguments by name: ``locals()`` in the measure, of which only the names of
        its parameters are read. The first parameter is the Discussion or graph; ``leaning``
        and ``sides`` the input (exactly one of them); ``null``, ``n_null``, ``n_boot``, ``ci``,
        ``seed`` and ``progress`` the significance settings (:data:`dynamics._kernel.SETTINGS`);
        the others, in the order of the signature, the measure's own options, which go into
        ``result.params`` after ``input`` (``weight`` and ``directed``, default True, also shape
        the arcs, and ``pair`` chooses two sides:
        :func:`~dynamics.echo_chambers._common.prepare`).
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
        What the measure reads per user (see :func:`~dynamics.echo_chambers._common.prepare`).
    """
    spec: Measure = func.spec  # type: ignore[attr-defined]
    name = spec.name
    first, *rest = inspect.signature(func).parameters
    args = arguments(args)
    obj, leaning, sides = args[first], args.get("leaning"), args.get("sides")
    settings = {key: args.get(key, DEFAULTS[key]) for key in SETTINGS}
    options = {key: args[key] for key in rest if key not in {"leaning", "sides", *SETTINGS}}
    check_common(
        name,
        obj,
        null=settings["null"],
        n_null=settings["n_null"],
        n_boot=settings["n_boot"],
        ci=settings["ci"],
        seed=settings["seed"],
    )
    shape = {"weight": options.get("weight"), "directed": options.get("directed", True)}
    if "pair" in options:  # a measure of two sides' leanings (neighbour_leaning)
        shape["pair"] = options["pair"]
    prep = prepare(obj, leaning=leaning, sides=sides, need=need, func=name, **shape)
    if "pair" in options and sides is not None and len(prep.labels) == 2:
        # resamples and null graphs (sides found again) compare the sides compared here
        shape["pair"] = tuple(prep.labels)
    computed = compute(prep)
    value, reason = computed.value, computed.reason
    if prep.reason is not None:
        value, reason = math.nan, prep.reason
    params: dict[str, Any] = {"input": prep.source, **options}
    params.update((key, settings[key]) for key in ("null", "n_null", "n_boot", "ci", "seed"))

    # leaning=s.leaning of two communities found in the graph (-1 and +1): the null finds
    # them again on every null graph, as with sides=s. A continuous leaning found in the
    # graph (signed, propagation) has no automatic null: sides found again have no scores,
    # and shuffling the leaning would test it against a random assignment (circular)
    origin = getattr(leaning, "sides", None) if sides is None else None
    if sides is None and found_scores(leaning):
        null = settings.get("null")
        if null in REFIT_NULLS:
            msg = (
                f"{name}: null={null!r} finds sides again on rewired graphs, but this leaning "
                f"is a score found in the graph (method {origin.method!r}), which no side "
                "search gives again: pass sides= (the two sides) for that null"
            )
            raise ValueError(msg)
        if null == "auto" or (null is None and settings.get("n_null")):
            settings = {**settings, "null": None, "n_null": None}
            prep.warnings.append(NO_NULL_FOR_FOUND_LEANING.format(method=origin.method))
    if getattr(origin, "method", None) not in _COMMUNITY_METHODS:
        origin = None

    def again(d: Any, found: Any = None) -> float:
        # the measure on a resample (found None) or on a null graph with its sides found again
        lean, side = (leaning, sides) if found is None else (None, found)
        # kept on the sample for the next measure that prepares it alike (dynamics._memo)
        p = reuse(
            d,
            ("echo", need, tuple(shape.items())),
            (side, lean),
            lambda: prepare(d, leaning=lean, sides=side, need=need, func=name, **shape),
        )
        values = p.leaning if need == "leaning" else p.codes
        return math.nan if p.reason else statistic(p, p.src, p.dst, p.w, values)

    test, interval = null_and_bootstrap(
        obj,
        prep,
        value,
        statistic=statistic,
        recompute=again,
        use_leaning=need == "leaning",
        settings=settings,
        alternative=spec.alternative or "greater",
        func=name,
        sides=sides if origin is None else origin,
        params=params,
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
