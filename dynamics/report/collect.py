"""Run every metric family on a Discussion and gather the results (the data behind the report).

:func:`collect` runs, in order: the text signals (:meth:`Discussion.annotate`), the sides
(:func:`dynamics.polarization.sides`), then each metric of :data:`METRICS` with its own
documented defaults, passing only the report-wide settings the metric takes (``seed``,
``n_null``, ``n_boot``, ``sides``, ``progress``). A family that cannot be imported, a metric
that does not exist, and a metric that raises a :class:`~dynamics.errors.DynamicsError` (for
example "only one side has nodes") are recorded as *skipped* with the reason; any other
exception is recorded as *failed* (a bug to report), so one metric never sinks the report.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dynamics._params import check_param
from dynamics._results import MetricResult
from dynamics._significance import NULL_MODELS
from dynamics.errors import DynamicsError

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = [
    "FAMILIES",
    "METRICS",
    "Collected",
    "MetricRun",
    "MetricSpec",
    "Settings",
    "SidesRun",
    "collect",
]

logger = logging.getLogger(__name__)

#: The metric families, in report order.
FAMILIES: tuple[str, ...] = ("structure", "polarization", "echo_chambers", "escalation")


@dataclass(frozen=True)
class MetricSpec:
    """One metric the report runs: ``dynamics.<family>.<name>``."""

    family: str
    name: str

    @property
    def key(self) -> str:
        """``family.name``, the metric's id in ``results.json``."""
        return f"{self.family}.{self.name}"


#: Every metric the report runs, family by family.
METRICS: tuple[MetricSpec, ...] = tuple(
    MetricSpec(family, name)
    for family, names in (
        (
            "structure",
            (
                "thread_size",
                "depth",
                "width",
                "structural_virality",
                "h_index",
                "reciprocity",
                "dyadic_exchanges",
                "participation_inequality",
                "response_times",
            ),
        ),
        (
            "polarization",
            (
                "random_walk_controversy",
                "boundary_polarization",
                "ei_index",
                "modularity",
                "frustration",
                "polarization_index",
                "bimodality",
                "cross_side_hostility",
            ),
        ),
        (
            "echo_chambers",
            (
                "neighbour_leaning",
                "assortativity",
                "insularity",
                "conductance",
                "exposure_entropy",
                "homogeneity",
            ),
        ),
        (
            "escalation",
            (
                "contagion",
                "toxicity_by_depth",
                "toxicity_by_turn",
                "toxicity_by_thread_size",
                "episodes",
                "derailment",
                "instigators",
                "reply_heat",
            ),
        ),
    )
    for name in names
)


@dataclass(frozen=True)
class Settings:
    """The report-wide settings; everything else is each metric's documented default.

    Attributes
    ----------
    seed : int, default 0
        Passed as ``seed`` to the sides and to every metric that takes one.
    n_null : int, default 200
        Null-model samples, for every metric that takes ``n_null``.
    n_boot : int, default 200
        Bootstrap samples over threads for the confidence intervals, for every metric that
        takes ``n_boot``; 0 computes no interval.
    null : str or None, default "auto"
        Null model passed to the metrics whose null model is off unless asked for (their
        ``null`` defaults to None). ``"auto"``: each measure picks the null by the sides, so
        sides found in the graph (the report's Leiden sides) get ``"rewire-refit"``: the user
        graph rewired keeping degrees, the sides found again the same way on every rewired
        graph (Garimella et al. 2018; Guimera et al. 2004), and given labels get
        ``"label-shuffle"``. Or one of :data:`~dynamics._significance.NULL_MODELS`; None runs
        none. Metrics whose null model is on by default (contagion's within-thread shuffle)
        keep theirs.
    annotate : bool, default True
        Score the texts (toxicity, sentiment, stance) before measuring; without scores the
        escalation metrics and the cross-side hostility are skipped.
    sides_method : str, default "leiden"
        ``method`` of :func:`dynamics.polarization.sides`.
    n_sides : int, default 2
        Number of sides asked of :func:`dynamics.polarization.sides`.
    n_jobs : int, default 1
        Worker processes for the null samples that re-find the sides (joblib; -1: every
        core). The results are the same for any value, so it is not part of :meth:`to_dict`.
    """

    seed: int = 0
    n_null: int = 200
    n_boot: int = 200
    null: str | None = "auto"
    annotate: bool = True
    sides_method: str = "leiden"
    n_sides: int = 2
    n_jobs: int = 1

    def __post_init__(self) -> None:
        def _int(v: Any) -> bool:
            return isinstance(v, int) and not isinstance(v, bool)

        check_param(_int(self.seed), "seed", "analyze", "an int", self.seed)
        check_param(
            _int(self.n_null) and self.n_null >= 1, "n_null", "analyze", "an int >= 1", self.n_null
        )
        check_param(
            _int(self.n_boot) and (self.n_boot == 0 or self.n_boot >= 2),
            "n_boot",
            "analyze",
            "0 or an int >= 2",
            self.n_boot,
        )
        nulls = ("auto", *NULL_MODELS)
        check_param(
            self.null is None or self.null in nulls,
            "null",
            "analyze",
            f"None or one of {nulls}",
            self.null,
        )
        ok = _int(self.n_sides) and self.n_sides >= 2
        check_param(ok, "n_sides", "analyze", "an int >= 2", self.n_sides)
        ok = _int(self.n_jobs) and self.n_jobs != 0
        check_param(ok, "n_jobs", "analyze", "a non-zero int", self.n_jobs)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form, for ``results.json``."""
        return {
            "seed": self.seed,
            "n_null": self.n_null,
            "n_boot": self.n_boot,
            "null": self.null,
            "annotate": self.annotate,
            "sides": {"method": self.sides_method, "n_sides": self.n_sides},
        }


@dataclass(frozen=True)
class MetricRun:
    """What happened to one metric: ``status`` is "ok", "skipped" or "failed".

    ``reason`` says why a metric was skipped or failed; for an "ok" run it is a note on how
    it ran, if any (e.g. that it takes no null model).
    """

    spec: MetricSpec
    status: str
    result: MetricResult | None = None
    reason: str | None = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class SidesRun:
    """The sides used by the side-based metrics (``labels`` is None when they were skipped).

    ``labels`` is what :func:`dynamics.polarization.sides` returned (a ``Sides`` mapping
    ``author -> side``); ``reason`` says why it has fewer than two sides, when it does.
    """

    status: str
    labels: Mapping[str, Any] | None = None
    reason: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def sizes(self) -> dict[str, int]:
        """Users per side, largest first (ties by label)."""
        counts: dict[str, int] = {}
        for side in (self.labels or {}).values():
            counts[str(side)] = counts.get(str(side), 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form, for ``results.json`` (the per-user labels go to a CSV table)."""
        from dynamics._results import jsonable

        unassigned = getattr(self.labels, "unassigned", ())
        return {
            "status": self.status,
            "reason": self.reason,
            "params": jsonable(dict(self.params)),
            "details": jsonable(dict(getattr(self.labels, "details", {}) or {})),
            "sizes": self.sizes(),
            "n_unassigned": len(unassigned),
        }


@dataclass(frozen=True)
class Collected:
    """Everything :func:`collect` produced, in report order."""

    discussion: Discussion
    settings: Settings
    annotation: dict[str, Any]
    sides: SidesRun
    runs: tuple[MetricRun, ...]

    def by_family(self, family: str) -> list[MetricRun]:
        """The runs of one family."""
        return [r for r in self.runs if r.spec.family == family]


def n_steps(settings: Settings) -> int:
    """Steps :func:`collect` reports to ``on_step``: scoring, sides, then one per metric."""
    return int(settings.annotate) + 1 + len(METRICS)


def collect(
    discussion: Discussion,
    settings: Settings | None = None,
    *,
    on_step: Callable[[str], None] | None = None,
) -> Collected:
    """Score the texts, find the sides, and run every metric of :data:`METRICS`.

    Parameters
    ----------
    discussion : Discussion
        What to measure.
    settings : Settings, optional
        Report-wide settings (default ``Settings()``).
    on_step : callable, optional
        Called with a short description before each step (for a progress display).

    Returns
    -------
    Collected

    Examples
    --------
    >>> d = dyn.load(pl.DataFrame({"id": ["a", "b", "c"], "parent": [None, "a", "b"],
    ...     "user": ["ann", "bob", "ann"], "body": ["hi", "you are wrong", "no, you are"]}))
    >>> c = collect(d, Settings(annotate=False, n_null=5, n_boot=0))
    >>> run = c.by_family("structure")[0]
    >>> run.spec.key, run.status, run.result.value          # 3 comments in one thread
    ('structure.thread_size', 'ok', 3.0)
    >>> sorted({r.status for r in c.by_family("escalation")})  # no toxicity scores
    ['skipped']
    """
    settings = settings or Settings()
    step = on_step or (lambda _: None)
    annotation: dict[str, Any] = {"scorers": [], "status": "off"}
    if settings.annotate:
        step("scoring texts")
        from dynamics.text import describe
        from dynamics.text.annotate import DEFAULT_SCORERS

        models = [describe(name) for name in DEFAULT_SCORERS]
        produced = {c for m in models for c in m["columns"].split(", ")}
        replaced = sorted(produced & set(discussion.comments.columns))
        # the report's metrics read these columns by name: scores replace input columns of
        # the same name, and the report says which ones (text_signals.replaced_columns)
        discussion = discussion.annotate(DEFAULT_SCORERS, progress=False, existing="replace")
        annotation = {
            "scorers": list(DEFAULT_SCORERS),
            "status": "ok",
            "models": models,
            "replaced_columns": replaced,
        }
    step("finding sides")
    sides = _find_sides(discussion, settings)
    from joblib import parallel_config

    runs = []
    with parallel_config(n_jobs=settings.n_jobs):  # the re-inferring null's workers
        for spec in METRICS:
            step(spec.key)
            runs.append(_run(spec, discussion, settings, sides))
    return Collected(discussion, settings, annotation, sides, tuple(runs))


def _find_sides(discussion: Discussion, settings: Settings) -> SidesRun:
    started = time.perf_counter()
    try:
        func = _function(MetricSpec("polarization", "sides"))
    except _Missing as exc:
        return SidesRun("skipped", reason=str(exc))
    wanted = {"method": settings.sides_method, "n_sides": settings.n_sides, "seed": settings.seed}
    kwargs = _accepted(func, wanted)
    try:
        labels = func(discussion, **kwargs)
    except DynamicsError as exc:
        return SidesRun("skipped", reason=str(exc), params=kwargs)
    except Exception as exc:  # a bug in sides(): record it, keep the report going
        logger.exception("polarization.sides failed")
        return SidesRun("failed", reason=f"{type(exc).__name__}: {exc}", params=kwargs)
    reason = getattr(labels, "reason", None)
    return SidesRun(
        "ok", labels, reason=reason, params=kwargs, seconds=time.perf_counter() - started
    )


class _Missing(Exception):
    pass


def _function(spec: MetricSpec) -> Callable[..., Any]:
    try:
        module = importlib.import_module(f"dynamics.{spec.family}")
    except ImportError as exc:
        msg = f"family dynamics.{spec.family} is not available ({exc})"
        raise _Missing(msg) from exc
    func = getattr(module, spec.name, None)
    if not callable(func):
        msg = f"dynamics.{spec.family} has no metric {spec.name!r}"
        raise _Missing(msg)
    return func


def _accepted(func: Callable[..., Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``wanted`` that ``func`` names as parameters (None values dropped)."""
    params = inspect.signature(func).parameters
    return {k: v for k, v in wanted.items() if k in params and v is not None}


def _run(
    spec: MetricSpec, discussion: Discussion, settings: Settings, sides: SidesRun
) -> MetricRun:
    try:
        func = _function(spec)
    except _Missing as exc:
        return MetricRun(spec, "skipped", reason=str(exc))
    params = inspect.signature(func).parameters
    if "sides" in params and sides.labels is None:
        return MetricRun(spec, "skipped", reason=f"no sides: {sides.reason}")
    signal = params["signal"].default if "signal" in params else None
    if isinstance(signal, str) and signal not in discussion.comments.columns:
        reason = (
            f"no {signal!r} column: the texts were not scored (run without --no-annotate, "
            "or call Discussion.annotate() first)"
        )
        return MetricRun(spec, "skipped", reason=reason)
    optional_null = "null" in params and params["null"].default is None
    wanted: dict[str, Any] = {
        "seed": settings.seed,
        "null": settings.null if optional_null else None,
        # n_null alone would make the measure pick a null: none asked, none given
        "n_null": None if optional_null and settings.null is None else settings.n_null,
        "n_boot": settings.n_boot,
        "sides": sides.labels,
        "progress": False,
    }
    kwargs = _accepted(func, wanted)
    started = time.perf_counter()
    note = None
    try:
        try:
            result = func(discussion, **kwargs)
        except ValueError as exc:
            # a metric whose value no null model can change refuses one: run it without
            if "null" not in kwargs or "'null' parameter" not in str(exc):
                raise
            why = re.search(r"\((.+)\)", str(exc))
            note = "no null model applies" + (f": {why.group(1)}" if why else f" ({exc})")
            kwargs = {k: v for k, v in kwargs.items() if k != "null"}
            result = func(discussion, **kwargs)
    except DynamicsError as exc:
        return MetricRun(spec, "skipped", reason=str(exc), kwargs=kwargs)
    except Exception as exc:  # a bug in a metric: record it, keep the report going
        logger.exception("%s failed", spec.key)
        return MetricRun(spec, "failed", reason=f"{type(exc).__name__}: {exc}", kwargs=kwargs)
    seconds = time.perf_counter() - started
    if not isinstance(result, MetricResult):
        reason = f"returned {type(result).__name__}, not a MetricResult"
        return MetricRun(spec, "failed", reason=reason, kwargs=kwargs, seconds=seconds)
    return MetricRun(spec, "ok", result, reason=note, kwargs=kwargs, seconds=seconds)
