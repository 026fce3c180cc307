"""Run every metric family on a Discussion and gather the results (the data behind the report).

:func:`collect` runs, in order: the text signals (:meth:`Discussion.annotate`), the sides
(:func:`dynamics.polarization.sides`), then every measure of the registry
(:func:`dynamics._kernel.measures`, family by family) with its own documented defaults. The
measure's spec says what to pass and when to skip: the report-wide settings go to the measures
that take them (``seed``, ``n_boot``, ``progress``; ``null`` and ``n_null`` to those with null
models), the sides to those that need sides or leanings; a measure that needs sides when none
were found, or a score column the comments lack, is *skipped* with the reason. A measure that
raises a :class:`~dynamics.errors.DynamicsError` (for example "only one side has nodes") is
*skipped* with its message; any other exception is recorded as *failed* (a bug to report), so
one measure never sinks the report.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics._kernel import DEFAULTS, FAMILIES, Measure, measures
from dynamics._params import check_param, check_seed
from dynamics._results import MetricResult
from dynamics._significance import NULL_MODELS
from dynamics.errors import DynamicsError
from dynamics.uncertainty import (
    SIGNALS,
    SignalUncertainty,
    ThresholdSensitivity,
    finite_numbers,
    signal_uncertainty,
    threshold_sensitivity,
)

if TYPE_CHECKING:
    from dynamics.model.checks import IngestReport
    from dynamics.model.discussion import Discussion
    from dynamics.text.calibration import Calibration

__all__ = [
    "FAMILIES",
    "Collected",
    "MetricRun",
    "Settings",
    "SideSeedSpread",
    "SidesRun",
    "collect",
    "default_jobs",
    "has_p",
    "with_side_seeds",
]

logger = logging.getLogger(__name__)

#: Below this many comments ``dynamics analyze`` draws the null samples in one process.
POOL_MIN_COMMENTS = 5_000
#: At most this many worker processes by default.
POOL_MAX_JOBS = 4


def default_jobs(n_comments: int) -> int:
    """The worker processes ``dynamics analyze`` uses unless told (``--n-jobs``).

    One process below :data:`POOL_MIN_COMMENTS` comments: starting a worker pool costs about a
    second, more than the re-inferring null's samples take on a small discussion. Above, the
    cores this process may use, at most :data:`POOL_MAX_JOBS` (each worker holds a copy of the
    user graph; 200 samples gain little from more). The results do not depend on it.

    >>> default_jobs(100)
    1
    >>> 1 <= default_jobs(1_000_000) <= POOL_MAX_JOBS
    True
    """
    if n_comments < POOL_MIN_COMMENTS:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, POOL_MAX_JOBS))


@dataclass(frozen=True)
class Settings:
    """The report-wide settings; everything else is each metric's documented default.

    Attributes
    ----------
    seed : int, default 0
        Passed as ``seed`` to the sides and to every metric that takes one.
    n_null : int, default 200
        Null-model samples, for every metric that takes ``n_null``; 0 runs no null model (no
        z or p-value), as ``null=None`` does.
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
        Number of sides asked of :func:`dynamics.polarization.sides`. With more than two, the
        measures defined for two sides (random walk controversy, boundary polarization,
        frustration, the leaning distributions, neighbour leaning) are skipped, saying why.
    n_jobs : int, default 1
        Worker processes for the null samples that re-find the sides (joblib; -1: every
        core). The results are the same for any value, so it is not part of :meth:`to_dict`.
    signal_draws : int, default 0
        Label sets drawn from the text signals for every measure that reads them
        (:func:`dynamics.uncertainty.signal_uncertainty`: stance and toxicity for the signed
        measures, toxicity for the others); 0 draws none. In-memory Discussions only.
    signal_calibration : str, Path or None, default None
        With ``signal_draws``: map the scores through a calibration before drawing
        (:mod:`dynamics.text.calibration`): ``"toxichat"`` (the shipped one, for ToxiChat's
        definitions) or the path of a CSV of your labelled comments (``comment_id`` and
        ``toxic`` and/or ``stance``, a random sample of this input), fitted by Platt scaling
        after the texts are scored (:meth:`Calibration.from_labels
        <dynamics.text.calibration.Calibration.from_labels>`).
    thresholds : tuple of float, default ()
        Also compute every measure that calls a comment toxic above a threshold of its signal
        at each of these thresholds (:func:`dynamics.uncertainty.threshold_sensitivity`);
        sorted and without duplicates; empty computes none. In-memory Discussions only.
    side_seeds : int, default 5
        Find the sides with this many seeds, ``seed`` to ``seed + side_seeds - 1`` (the same
        method and ``n_sides``), and give every side-based measure's value on each
        (:class:`SideSeedSpread`): the spread of the side search, which the thread bootstrap
        holds fixed and so leaves out of its interval. Values only (no null, no bootstrap;
        about a second for 8 seeds on r/CollegeRant). 0 or 1 finds the sides once.
    """

    seed: int = 0
    n_null: int = 200
    n_boot: int = 200
    null: str | None = "auto"
    annotate: bool = True
    sides_method: str = "leiden"
    n_sides: int = 2
    n_jobs: int = 1
    signal_draws: int = 0
    signal_calibration: str | Path | None = None
    thresholds: tuple[float, ...] = ()
    side_seeds: int = 5

    @property
    def runs_null(self) -> bool:
        """Whether the report runs null models (a ``null`` and at least one sample)."""
        return self.null is not None and self.n_null > 0

    def __post_init__(self) -> None:
        def _int(v: Any) -> bool:
            return isinstance(v, int) and not isinstance(v, bool)

        check_param(_int(self.seed), "seed", "analyze", "an int", self.seed)
        check_seed(self.seed, "analyze")
        check_param(
            _int(self.n_null) and self.n_null >= 0, "n_null", "analyze", "an int >= 0", self.n_null
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
        ok = _int(self.signal_draws) and (self.signal_draws == 0 or self.signal_draws >= 2)
        check_param(ok, "signal_draws", "analyze", "0 or an int >= 2", self.signal_draws)
        ok = _int(self.side_seeds) and self.side_seeds >= 0
        check_param(ok, "side_seeds", "analyze", "an int >= 0", self.side_seeds)
        calibration = self.signal_calibration
        ok = calibration is None or (
            bool(self.signal_draws)
            and isinstance(calibration, str | Path)
            and (calibration == "toxichat" or Path(calibration).is_file())
        )
        check_param(
            ok,
            "signal_calibration",
            "analyze",
            "None, or with signal_draws 'toxichat' or the path of a labels CSV file",
            calibration,
        )
        given = self.thresholds
        if isinstance(given, Iterable) and not isinstance(given, str | bytes):
            given = tuple(given)
        ok = isinstance(given, tuple) and finite_numbers(given)
        check_param(ok, "thresholds", "analyze", "a sequence of finite numbers", given)
        object.__setattr__(self, "thresholds", tuple(sorted({float(t) for t in given})))

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form, for ``results.json``."""
        plain = ("seed", "n_null", "n_boot", "null", "annotate")
        sides = {"method": self.sides_method, "n_sides": self.n_sides}
        drawn = {"signal_draws": self.signal_draws} if self.signal_draws else {}
        if self.signal_calibration is not None:
            drawn["signal_calibration"] = str(self.signal_calibration)
        if self.thresholds:
            drawn["thresholds"] = list(self.thresholds)
        sides["seeds"] = max(self.side_seeds, 1)
        return {name: getattr(self, name) for name in plain} | {"sides": sides} | drawn


@dataclass(frozen=True)
class MetricRun:
    """What happened to one metric: ``status`` is "ok", "skipped" or "failed".

    ``reason`` says why a metric was skipped or failed; for an "ok" run it is a note on how
    it ran, if any (e.g. that it takes no null model).
    """

    spec: Measure
    status: str
    result: MetricResult | None = None
    reason: str | None = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    #: the measure over label sets drawn from the text signals (``Settings.signal_draws``)
    signal: SignalUncertainty | None = None
    #: the measure at each of ``Settings.thresholds``
    thresholds: ThresholdSensitivity | None = None
    #: the measure on the sides found with each of ``Settings.side_seeds`` seeds
    side_seeds: SideSeedSpread | None = None

    @property
    def undefined(self) -> bool:
        """True when the metric ran but gave no value (NaN with a reason: too few data...)."""
        value = None if self.result is None else self.result.value
        return self.status == "ok" and (value is None or math.isnan(value))

    @property
    def notes(self) -> tuple[str, ...]:
        """The result's reason and the report's note on how the metric ran, those given."""
        said = (None if self.result is None else self.result.reason, self.reason)
        return tuple(n for n in said if n)

    @property
    def p_direction(self) -> str:
        """The measure's :attr:`~dynamics._kernel.Measure.p_direction`.

        >>> ei, modularity = (m for m in measures("polarization")
        ...                   if m.name in ("ei_index", "modularity"))
        >>> MetricRun(ei, "ok").p_direction, MetricRun(modularity, "ok").p_direction
        ('less', 'greater')
        """
        return self.spec.p_direction


def has_p(result: MetricResult | None) -> bool:
    """True when ``result`` has a p-value (not None, not NaN).

    >>> has_p(MetricResult("m", 1.0, p_value=0.04)), has_p(MetricResult("m", 1.0))
    (True, False)
    >>> has_p(MetricResult("m", 1.0, p_value=float("nan"))), has_p(None)
    (False, False)
    """
    p = None if result is None else result.p_value
    return p is not None and not math.isnan(p)


@dataclass(frozen=True)
class SideSeedSpread:
    """A side-based measure's value on the sides found with each of several seeds.

    ``seeds[0]`` is the report's own seed, so ``values[0]`` is the value the report gives;
    ``sizes`` are the sides' sizes for each seed (largest first). NaN where the measure gives
    no value on those sides. The thread bootstrap keeps the sides fixed, so its interval
    leaves this spread out: report both.

    Examples
    --------
    >>> spread = SideSeedSpread((0, 1, 2), (-0.98, -0.95, float("nan")), ((3, 2),) * 3)
    >>> spread.low, spread.high, spread.n_undefined
    (-0.98, -0.95, 1)
    """

    seeds: tuple[int, ...]
    values: tuple[float, ...]
    sizes: tuple[tuple[int, ...], ...]

    @property
    def defined(self) -> list[float]:
        """The values that are not NaN."""
        return [v for v in self.values if not math.isnan(v)]

    @property
    def low(self) -> float:
        """The smallest value (NaN when none is defined)."""
        return min(self.defined, default=math.nan)

    @property
    def high(self) -> float:
        """The largest value (NaN when none is defined)."""
        return max(self.defined, default=math.nan)

    @property
    def n_undefined(self) -> int:
        """Seeds on whose sides the measure gave no value."""
        return len(self.values) - len(self.defined)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form, for ``results.json``."""
        from dynamics._results import jsonable

        return {
            "seeds": list(self.seeds),
            "values": [jsonable(v) for v in self.values],
            "side_sizes": [list(x) for x in self.sizes],
            "low": jsonable(self.low),
            "high": jsonable(self.high),
            "n_undefined": self.n_undefined,
        }


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
class InputFacts:
    """What the report shows of its input besides the measures.

    Attributes
    ----------
    report : IngestReport
        What reading found (counts, problems, policies).
    n_user_edges : int
        Edges of the user reply graph.
    activity : tuple or None
        Comments per time unit (:func:`dynamics.report.figures.activity_counts`).
    texts : callable
        Comment ids -> ``{id: text}``, for the ids the page shows beside its tables.
    """

    report: IngestReport
    n_user_edges: int
    activity: tuple[str, pl.DataFrame] | None
    texts: Callable[[Sequence[str]], dict[str, str]]

    @classmethod
    def of(cls, discussion: Discussion) -> InputFacts:
        """The facts of an in-memory Discussion."""
        from dynamics.report.figures import activity_counts

        comments = discussion.comments

        def texts(ids: Sequence[str]) -> dict[str, str]:
            rows = comments.filter(pl.col("comment_id").is_in(list(ids))).select(
                "comment_id", pl.col("text").fill_null("")
            )
            return dict(rows.iter_rows())

        return cls(
            discussion.report,
            discussion.user_edges().height,
            activity_counts(comments.get_column("created_at")),
            texts,
        )


@dataclass(frozen=True)
class Collected:
    """Everything :func:`collect` produced, in report order.

    ``discussion`` is the scored Discussion the measures ran on (None when they ran on Spark,
    :func:`dynamics.report.on_spark.collect`); ``facts`` what the page shows of the input.
    """

    discussion: Discussion | None
    settings: Settings
    annotation: dict[str, Any]
    sides: SidesRun
    runs: tuple[MetricRun, ...]
    facts: InputFacts
    #: the calibration the label draws used (``Settings.signal_calibration``), if any
    calibration: Calibration | None = None

    def by_family(self, family: str) -> list[MetricRun]:
        """The runs of one family."""
        return [r for r in self.runs if r.spec.family == family]


def n_steps(settings: Settings) -> int:
    """Steps :func:`collect` reports to ``on_step``: scoring, sides, then one per metric."""
    return int(settings.annotate) + 1 + len(measures())


def collect(
    discussion: Discussion,
    settings: Settings | None = None,
    *,
    on_step: Callable[[str], None] | None = None,
) -> Collected:
    """Score the texts, find the sides, and run every registered measure.

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
    labels = None
    if settings.signal_calibration not in (None, "toxichat"):
        from dynamics.text.calibration import read_labels

        labels = read_labels(settings.signal_calibration)[0]  # a bad file fails before scoring
    annotation: dict[str, Any] = {"scorers": [], "status": "off"}
    if settings.annotate:
        step("scoring texts")
        annotation = scored_annotation(discussion.comments.columns)
        # the report's metrics read these columns by name: scores replace input columns of
        # the same name, and the report says which ones (text_signals.replaced_columns)
        discussion = discussion.annotate(annotation["scorers"], progress=False, existing="replace")
    calibration = _calibration(settings, discussion, labels)
    step("finding sides")
    sides = _find_sides(discussion, settings)
    runs = run_all(
        settings, step, lambda spec: _run(spec, discussion, settings, sides, calibration)
    )
    if settings.side_seeds >= 2 and sides.labels is not None:
        step("finding the sides with other seeds")
        runs = with_side_seeds(runs, discussion, settings, sides)
    facts = InputFacts.of(discussion)
    return Collected(discussion, settings, annotation, sides, runs, facts, calibration)


def _calibration(
    settings: Settings, discussion: Discussion, labels: pl.DataFrame | None
) -> Calibration | None:
    """The calibration of ``settings.signal_calibration`` (its labels file, already read as
    ``labels``, is fitted on the scored ``discussion``), or None. The ToxiChat one belongs to
    the default scorers, so it is refused for scores the input brought (``annotate=False``)."""
    from dynamics.text.calibration import Calibration, named

    chosen = settings.signal_calibration
    if chosen is None or chosen == "toxichat":
        if chosen is not None and not settings.annotate:
            msg = (
                "analyze: the 'toxichat' calibration maps the default scorers' scores, and "
                "with annotate=False (--no-annotate) the scores are the input's own; fit a "
                "calibration on labelled comments instead (a labels CSV)"
            )
            raise DynamicsError(msg)
        return named(chosen)
    return Calibration.from_labels(discussion, labels, source=str(chosen))


def scored_annotation(columns: Sequence[str]) -> dict[str, Any]:
    """The report's ``text_signals`` record of the default scorers, for input ``columns``
    (those the scores replace are listed)."""
    from dynamics.text import describe
    from dynamics.text.annotate import DEFAULT_SCORERS

    models = [describe(name) for name in DEFAULT_SCORERS]
    produced = {c for m in models for c in m["columns"].split(", ")}
    return {
        "scorers": list(DEFAULT_SCORERS),
        "status": "ok",
        "models": models,
        "replaced_columns": sorted(produced & set(columns)),
    }


def run_all(
    settings: Settings, step: Callable[[str], None], run: Callable[[Measure], MetricRun]
) -> tuple[MetricRun, ...]:
    """``run`` every registered measure in report order, announcing each to ``step``."""
    from joblib import parallel_config

    runs = []
    with parallel_config(n_jobs=settings.n_jobs):  # the re-inferring null's workers
        for spec in measures():
            step(spec.key)
            runs.append(run(spec))
    return tuple(runs)


def _find_sides(discussion: Discussion, settings: Settings) -> SidesRun:
    from dynamics.polarization import sides as find

    started = time.perf_counter()
    kwargs = {"method": settings.sides_method, "n_sides": settings.n_sides, "seed": settings.seed}
    try:
        labels = find(discussion, **kwargs)
    except DynamicsError as exc:
        return SidesRun("skipped", reason=str(exc), params=kwargs)
    except Exception as exc:  # a bug in sides(): record it, keep the report going
        logger.exception("polarization.sides failed")
        return SidesRun("failed", reason=f"{type(exc).__name__}: {exc}", params=kwargs)
    reason = getattr(labels, "reason", None)
    return SidesRun(
        "ok", labels, reason=reason, params=kwargs, seconds=time.perf_counter() - started
    )


def arguments(spec: Measure, settings: Settings, sides: SidesRun) -> dict[str, Any]:
    """What the report passes to a measure, read from its spec.

    The settings the measure takes (``spec.takes``); ``null`` and ``n_null`` only to measures
    with null models (``spec.nulls``; ``null=None`` or ``n_null=0`` runs none); the sides to
    measures of sides or leanings (two sides are the leanings -1 and +1).
    """
    takes = spec.takes
    wanted: dict[str, Any] = {"seed": settings.seed, "n_boot": settings.n_boot, "progress": False}
    kwargs = {k: v for k, v in wanted.items() if k in takes}
    if spec.nulls and settings.runs_null:
        chosen = settings.null if settings.null in spec.nulls else spec.nulls[0]
        kwargs.update(
            {k: v for k, v in (("null", chosen), ("n_null", settings.n_null)) if k in takes}
        )
    if spec.needs & {"sides", "leaning"} and "sides" in spec.params:
        kwargs["sides"] = sides.labels
    return kwargs


def _skip_reason(spec: Measure, discussion: Discussion, sides: SidesRun) -> str | None:
    """Why the measure cannot run on this input, from its needs (None: it can)."""
    if spec.needs & {"sides", "leaning"} and sides.labels is None:
        return f"no sides: {sides.reason}"
    signal = DEFAULTS["signal"]
    if "signal" in spec.needs and signal not in discussion.comments.columns:
        return (
            f"no {signal!r} column: the texts were not scored (run without --no-annotate, "
            "or call Discussion.annotate() first)"
        )
    return None


def _run(
    spec: Measure,
    discussion: Discussion,
    settings: Settings,
    sides: SidesRun,
    calibration: Calibration | None = None,
) -> MetricRun:
    skip = _skip_reason(spec, discussion, sides)
    if skip is not None:
        return MetricRun(spec, "skipped", reason=skip)
    kwargs = arguments(spec, settings, sides)
    note = null_note(spec, settings)
    run = recorded(spec, lambda: spec.func(discussion, **kwargs), kwargs, note)
    signals = drawn_signals(spec, discussion.comments.columns)
    if settings.signal_draws and run.status == "ok" and signals:
        run = _with_draws(run, discussion, signals, settings, kwargs, calibration)
    if settings.thresholds and run.status == "ok" and {"signal", "threshold"} <= set(spec.params):
        run = _with_thresholds(run, discussion, settings, kwargs)
    return run


def with_side_seeds(
    runs: tuple[MetricRun, ...], data: Any, settings: Settings, sides: SidesRun
) -> tuple[MetricRun, ...]:
    """``runs`` with, for every side-based measure that ran, its values on the sides found
    with each of ``settings.side_seeds`` seeds (:class:`SideSeedSpread`), measured on
    ``data`` (the Discussion, or on Spark the collected user graph). The sides of each seed
    are found once and given to every measure; a measure's own randomness (random walks)
    keeps the report's seed, so only the side search varies. The report's own sides
    (``sides``) are the first; a side search that fails for a seed gives NaN there."""
    from dynamics.polarization import sides as find

    seeds = tuple(settings.seed + k for k in range(settings.side_seeds))
    kwargs = {"method": settings.sides_method, "n_sides": settings.n_sides}
    found: list[Any] = [sides.labels]  # the report's own seed: found already
    for seed in seeds[1:]:
        try:
            found.append(find(data, seed=seed, **kwargs))
        except Exception as exc:  # a bug or a refusal for one seed: NaN there, go on
            if not isinstance(exc, DynamicsError):
                logger.exception("polarization.sides failed with seed %s", seed)
            found.append(None)
    sizes = tuple(() if s is None else tuple(sorted(s.sizes.values(), reverse=True)) for s in found)
    out = []
    for run in runs:
        if run.status != "ok" or "sides" not in run.kwargs:
            out.append(run)
            continue
        # the value alone: no null model, no interval
        point = {k: v for k, v in run.kwargs.items() if k not in ("null", "n_null", "sides")}
        if "n_boot" in point:
            point["n_boot"] = 0

        def values(run: MetricRun = run, point: dict[str, Any] = point) -> SideSeedSpread:
            measured = (
                [run.result.value]
                + [  # type: ignore[union-attr]
                    math.nan
                    if s is None
                    else _value_or_nan(lambda s=s: run.spec.func(data, sides=s, **point))
                    for s in found[1:]
                ]
            )
            return SideSeedSpread(seeds, tuple(float(v) for v in measured), sizes)

        out.append(_with_extra(run, "side_seeds", "the side seeds", values))
    return tuple(out)


def _value_or_nan(call: Callable[[], MetricResult]) -> float:
    """The measure's value, or NaN where it refuses these sides (a DynamicsError)."""
    try:
        return call().value
    except DynamicsError:
        return math.nan


#: What a report user can do where a two-sided measure is skipped for more than two sides.
TWO_SIDES_IN_THE_REPORT = (
    "In the report: --n-sides 2 (the two largest communities as sides); pair= is for the "
    "Python API."
)


def _point_arguments(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """A metric's report arguments without those of its sampling (the repeated calls of
    the label draws and the thresholds fix them themselves)."""
    return {k: v for k, v in kwargs.items() if k not in ("n_null", "ci", "seed", "progress")}


def _with_thresholds(
    run: MetricRun, discussion: Discussion, settings: Settings, kwargs: Mapping[str, Any]
) -> MetricRun:
    """``run`` with the measure at each of ``settings.thresholds``."""
    return _with_extra(
        run,
        "thresholds",
        "the threshold sweep",
        lambda: threshold_sensitivity(
            discussion,
            run.spec.key,
            thresholds=settings.thresholds,
            seed=settings.seed,
            progress=False,
            **_point_arguments(kwargs),
        ),
    )


def _with_draws(
    run: MetricRun,
    discussion: Discussion,
    signals: tuple[str, ...],
    settings: Settings,
    kwargs: Mapping[str, Any],
    calibration: Calibration | None = None,
) -> MetricRun:
    """``run`` with the measure over ``settings.signal_draws`` drawn label sets."""
    return _with_extra(
        run,
        "signal",
        "the label draws",
        lambda: signal_uncertainty(
            discussion,
            run.spec.key,
            signals=signals,
            n_draws=settings.signal_draws,
            seed=settings.seed,
            calibration=calibration,
            progress=False,
            **_point_arguments(kwargs),
        ),
    )


def _with_extra(run: MetricRun, name: str, what: str, compute: Callable[[], Any]) -> MetricRun:
    """``run`` with ``compute()`` as its field ``name`` (its time added); where that fails,
    the run keeps its value and its note says why (``what`` failed), and the report goes on."""
    started = time.perf_counter()
    try:
        extra = compute()
    except Exception as exc:  # a bug in a measure on other inputs: record it, go on
        if not isinstance(exc, DynamicsError):
            logger.exception("%s: %s failed", run.spec.key, what)
        failed = f"{what} failed: {type(exc).__name__}: {exc}"
        return replace(run, reason=f"{run.reason}; {failed}" if run.reason else failed)
    return replace(run, **{name: extra}, seconds=run.seconds + time.perf_counter() - started)


def drawn_signals(spec: Measure, columns: Sequence[str]) -> tuple[str, ...]:
    """The signals :func:`~dynamics.uncertainty.signal_uncertainty` draws for ``spec`` in the
    report: stance (and toxicity, when scored: a hostile reply is a negative edge) for the
    signed measures, toxicity for those that read the toxicity signal; none for the others,
    or when the columns a draw needs are missing (a stance without probabilities).

    >>> from dynamics._kernel import REGISTRY
    >>> import dynamics.polarization
    >>> full = ["toxicity", "p_agree", "p_disagree", "p_neutral", "stance"]
    >>> drawn_signals(REGISTRY["polarization.frustration"], full)
    ('stance', 'toxicity')
    >>> drawn_signals(REGISTRY["polarization.frustration"], ["toxicity", "stance"])
    ()
    >>> drawn_signals(REGISTRY["polarization.ei_index"], full)
    ()
    """
    has = {name: set(needed) <= set(columns) for name, needed in SIGNALS.items()}
    if "signed" in spec.needs:
        if not has["stance"]:
            return ()
        return ("stance", "toxicity") if has["toxicity"] else ("stance",)
    if "signal" in spec.needs and DEFAULTS["signal"] == "toxicity" and has["toxicity"]:
        return ("toxicity",)
    return ()


def null_note(spec: Measure, settings: Settings) -> str | None:
    """The note of a measure without a null model in a family whose measures have one (the
    leaning distributions of polarization), when the report runs nulls."""
    refuses_null = (
        spec.family in ("polarization", "echo_chambers") and not spec.nulls and settings.runs_null
    )
    return "no null model applies to this measure" if refuses_null else None


def recorded(
    spec: Measure,
    call: Callable[[], Any],
    kwargs: dict[str, Any],
    note: str | None,
    *,
    log: logging.Logger | None = None,
) -> MetricRun:
    """Run one measure (``call``, with ``kwargs`` bound) and record it as the report does.

    A :class:`~dynamics.errors.DynamicsError` skips it with its message; any other exception
    is a bug in the metric, logged to ``log`` (default: this module's) and recorded as
    failed, so the report goes on; a result that is not a ``MetricResult`` fails too. ``note``
    is the reason kept beside a result.
    """
    log = log or logger
    started = time.perf_counter()
    try:
        result = call()
    except DynamicsError as exc:
        reason = str(exc)
        if "compares two sides" in reason:  # too_many_sides: say what the report can do
            reason = f"{reason} {TWO_SIDES_IN_THE_REPORT}"
        return MetricRun(spec, "skipped", reason=reason, kwargs=kwargs)
    except Exception as exc:  # a bug in a metric: record it, keep the report going
        log.exception("%s failed", spec.key)
        return MetricRun(spec, "failed", reason=f"{type(exc).__name__}: {exc}", kwargs=kwargs)
    seconds = time.perf_counter() - started
    if not isinstance(result, MetricResult):
        reason = f"returned {type(result).__name__}, not a MetricResult"
        return MetricRun(spec, "failed", reason=reason, kwargs=kwargs, seconds=seconds)
    return MetricRun(spec, "ok", result, reason=note, kwargs=kwargs, seconds=seconds)
