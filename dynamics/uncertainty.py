"""How far a measure moves when the text signals it rests on are uncertain.

The stance and toxicity scores are a model's probabilities, not labels a person gave: the
trained stance model finds about a quarter of ToxiChat's disagreements (README, "Quality on
real labelled conversations"), and toxicity is right for about 85 % of (Offensive, Safe)
pairs. A measure computed on the scores inherits their errors. :func:`signal_uncertainty`
says how much, in the way multiple imputation treats a mismeasured variable: it draws label
sets the scores make plausible (each reply's stance from its ``(p_agree, p_disagree,
p_neutral)``, each comment's Offensive / Safe from its toxicity), recomputes the measure on
each, and reports the spread of the values, the between-imputation part of Rubin's rules.
:func:`threshold_sensitivity` asks the other question a reviewer asks of a measure that calls
a comment toxic when its score passes a threshold: how much does the answer depend on where
that threshold is?

This is the uncertainty that comes from the signal alone: the measure's own bootstrap
interval (sampling of threads) and null model (chance) are separate questions, and its
settings for them are switched off in the draws.
"""

from __future__ import annotations

import inspect
import math
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from dynamics._kernel import find_measure, measures
from dynamics._params import check_seed, draws_seed
from dynamics._progress import progress_bar
from dynamics._results import Backend, frame_as
from dynamics.errors import DynamicsError, UndefinedMetricError

if TYPE_CHECKING:
    import pandas as pd

    from dynamics.model.discussion import Discussion
    from dynamics.text.calibration import Calibration

__all__ = [
    "SIGNALS",
    "THRESHOLDS",
    "SignalUncertainty",
    "ThresholdSensitivity",
    "draw_signals",
    "signal_uncertainty",
    "threshold_sensitivity",
]

#: The signals that can be drawn, and the columns each needs.
SIGNALS: Mapping[str, tuple[str, ...]] = {
    "stance": ("p_agree", "p_disagree", "p_neutral", "stance"),
    "toxicity": ("toxicity",),
}

#: The thresholds :func:`threshold_sensitivity` tries when none are given.
THRESHOLDS: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass(frozen=True)
class SignalUncertainty:
    """A measure on the scores as they are, and over label sets drawn from them.

    Attributes
    ----------
    measure : str
        The measure's name (``"family.name"`` for a registered measure).
    signals : tuple of str
        The signals that were drawn (keys of :data:`SIGNALS`).
    observed : float
        The measure on the Discussion as scored (NaN where undefined).
    draws : numpy.ndarray
        The measure on each drawn label set, in draw order (NaN where undefined there).
    level : float
        Coverage of :attr:`interval`.
    params : dict
        ``n_draws``, ``seed``, ``level`` and the measure's keyword arguments (as passed in the
        draws), for reproducibility; ``"undefined"``: why the measure has no value on the
        scores as they are (``observed`` NaN: its error or its result's reason), e.g. sides
        of three groups for a two-sided measure.

    Examples
    --------
    >>> r = SignalUncertainty("m", ("stance",), 0.5, np.array([0.4, 0.5, 0.6]), 0.95, {})
    >>> r.mean, r.shift, r.n_undefined, r.within
    (0.5, 0.0, 0, True)
    """

    measure: str
    signals: tuple[str, ...]
    observed: float
    draws: np.ndarray = field(repr=False)
    level: float = 0.95
    params: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def _finite(self) -> np.ndarray:
        return self.draws[np.isfinite(self.draws)]

    @property
    def n_undefined(self) -> int:
        """Draws on which the measure was undefined (NaN), left out of the summaries."""
        return int(self.draws.size - self._finite.size)

    @property
    def mean(self) -> float:
        """Mean of the measure over the draws (NaN when no draw gave a value)."""
        v = self._finite
        return float(v.mean()) if v.size else math.nan

    @property
    def sd(self) -> float:
        """Standard deviation over the draws (ddof 1; NaN with fewer than two values)."""
        v = self._finite
        return float(v.std(ddof=1)) if v.size > 1 else math.nan

    @property
    def interval(self) -> tuple[float, float] | None:
        """The central ``level`` share of the draws' values (percentiles); None with fewer
        than two draws that gave a value (one value is no spread)."""
        v = self._finite
        if v.size < 2:
            return None
        tail = (1 - self.level) / 2 * 100
        low, high = np.percentile(v, [tail, 100 - tail])
        return float(low), float(high)

    @property
    def within(self) -> bool | None:
        """Whether the value on the scores lies within :attr:`interval`; None where either
        is undefined."""
        span = self.interval
        if span is None or not math.isfinite(self.observed):
            return None
        return span[0] <= self.observed <= span[1]

    @property
    def shift(self) -> float:
        """``mean - observed``: how far the value on plausible labels lies from the value on
        the scores themselves (hard labels against probabilities, see the module's notes)."""
        return self.mean - self.observed

    def to_frame(self, *, backend: Backend = "pandas") -> pd.DataFrame | pl.DataFrame:
        """One row per draw: ``draw`` (its number) and ``value`` (null where undefined), as
        :meth:`ThresholdSensitivity.to_frame` gives one per threshold (a pandas DataFrame,
        or polars with ``backend="polars"``).

        >>> r = SignalUncertainty("m", ("stance",), 0.5, np.array([0.4, np.nan]), 0.95, {})
        >>> r.to_frame(backend="polars").rows()
        [(0, 0.4), (1, None)]
        """
        frame = pl.DataFrame(
            {"draw": np.arange(self.draws.size), "value": self.draws},
            schema={"draw": pl.Int64, "value": pl.Float64},
        ).with_columns(pl.col("value").fill_nan(None))
        return frame_as(frame, backend)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (JSON-ready): the summaries and every draw (None for NaN)."""
        return {
            "measure": self.measure,
            "signals": list(self.signals),
            "observed": _plain(self.observed),
            "mean": _plain(self.mean),
            "sd": _plain(self.sd),
            "interval": None if self.interval is None else [*self.interval],
            "level": self.level,
            "shift": _plain(self.shift),
            "n_draws": int(self.draws.size),
            "n_undefined": self.n_undefined,
            "draws": [_plain(x) for x in self.draws.tolist()],
            "params": {k: _plain(v) for k, v in self.params.items()},
        }

    def __repr__(self) -> str:
        span = "n/a" if self.interval is None else "[{:.4g}, {:.4g}]".format(*self.interval)
        return (
            f"<{self.measure} over {self.draws.size} draws of {'+'.join(self.signals)}: "
            f"observed {self.observed:.4g}, draws {self.mean:.4g} {span}>"
        )


def _plain(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x if isinstance(x, str | int | float | bool | type(None)) else repr(x)


def draw_signals(
    comments: pl.DataFrame, signals: Sequence[str], rngs: Mapping[str, np.random.Generator]
) -> pl.DataFrame:
    """``comments`` with the columns of ``signals`` replaced by one drawn label set.

    ``stance``: each reply with probabilities gets ``"agree"``, ``"disagree"`` or
    ``"neutral"`` with those probabilities; ``stance`` becomes the drawn label and
    ``p_agree``, ``p_disagree``, ``p_neutral`` its indicator (1.0 / 0.0), so the signed graph
    reads the drawn labels as certain. ``toxicity``: each scored comment is Offensive (1.0)
    with probability its score, else Safe (0.0). Rows without a score keep their null.
    ``rngs`` holds one generator per signal (the stance draws do not depend on whether
    toxicity is drawn too).

    Examples
    --------
    >>> c = pl.DataFrame({"toxicity": [0.0, 1.0, None]})
    >>> draw_signals(c, ["toxicity"], {"toxicity": np.random.default_rng(0)})["toxicity"].to_list()
    [0.0, 1.0, None]
    """
    n = comments.height
    out: list[pl.Series] = []
    if "stance" in signals:
        pa = comments.get_column("p_agree").cast(pl.Float64).to_numpy()
        pd_ = comments.get_column("p_disagree").cast(pl.Float64).to_numpy()
        known = np.isfinite(pa) & np.isfinite(pd_)
        u = rngs["stance"].random(n)
        agree = known & (u < pa)
        disagree = known & ~agree & (u < pa + pd_)
        neutral = known & ~agree & ~disagree
        for name, chosen in (("p_agree", agree), ("p_disagree", disagree), ("p_neutral", neutral)):
            values = np.where(known, chosen.astype(np.float64), np.nan)
            out.append(pl.Series(name, values, nan_to_null=True))
        drawn = pl.DataFrame({"k": known, "a": agree, "d": disagree})
        label = drawn.select(
            pl.when(~pl.col("k"))
            .then(pl.lit(None, dtype=pl.String))
            .when(pl.col("a"))
            .then(pl.lit("agree"))
            .when(pl.col("d"))
            .then(pl.lit("disagree"))
            .otherwise(pl.lit("neutral"))
        ).to_series()
        out.append(label.cast(comments.schema["stance"]).alias("stance"))
    if "toxicity" in signals:
        tox = comments.get_column("toxicity").cast(pl.Float64).to_numpy()
        known = np.isfinite(tox)
        toxic = rngs["toxicity"].random(n) < tox
        values = np.where(known, toxic.astype(np.float64), np.nan)
        out.append(pl.Series("toxicity", values, nan_to_null=True))
    return comments.with_columns(out)


@draws_seed
def signal_uncertainty(
    discussion: Discussion,
    measure: Callable[..., Any] | str,
    *,
    signals: Sequence[str] | str = ("stance",),
    n_draws: int = 100,
    level: float = 0.95,
    seed: int | None = 0,
    calibration: Calibration | str | None = None,
    progress: bool | None = None,
    **kwargs: Any,
) -> SignalUncertainty:
    """Recompute a measure on label sets drawn from the text signals' probabilities.

    Definition: for ``d = 1 .. n_draws``, draw every reply's stance from its ``(p_agree,
    p_disagree, p_neutral)`` and/or every comment's Offensive / Safe label from its toxicity
    (independently, given the scores; :func:`draw_signals`), and compute the measure's value
    ``v_d`` on the Discussion holding those labels. The result reports the observed value
    (on the scores as they are), the mean and standard deviation of the ``v_d`` and the
    central ``level`` interval of them. Where the measure is undefined on a label set (it
    raises :class:`~dynamics.errors.UndefinedMetricError`, or gives NaN) that draw is NaN,
    counted in ``n_undefined`` and left out of the summaries. The spread is the
    between-imputation variance of multiple imputation (Rubin 1987; Blackwell, Honaker and
    King 2017 for measurement error): how much the measure moves over label sets that the
    scores make equally plausible.

    Read it with two cautions. It is only as good as the scores' calibration: where the
    model is over-confident the spread is too narrow, and where the scores' mean is not the
    share of true labels the draws hold the wrong number of them (the reliability tables in
    ``benchmarks/results/signals.json``; ``benchmarks/results/signals-calibration.json``: on
    r/CollegeRant the default toxicity averages 0.16 where 3.7 % of a random sample of 300
    comments are toxic to a moderator). ``calibration`` maps the scores to calibrated
    probabilities before drawing: ``"toxichat"`` corrects the models' own miscalibration on
    ToxiChat's definitions, a :class:`~dynamics.text.calibration.Calibration` fitted on a
    labelled random sample of your comments
    (:meth:`~dynamics.text.calibration.Calibration.from_labels`) corrects it for your
    definition on your data. The observed value stays the one on the scores as they are.
    And the draws put the labels the scores are unsure of at random among
    the comments with those scores: calibrated scores give about the right *number* of
    disagreements (on ToxiChat, 3.7 % of the replies with ``p_disagree`` under 0.1 are ones,
    and they hold most of the disagreements), but not at the right comments, so any link
    between comments that the scores do not carry (a toxic reply to a toxic parent, a
    disagreement across sides) is weakened in the draws. The ``shift`` (mean of the draws
    minus the observed value) shows how much the value depends on reading the scores one
    particular way (a threshold; the signed graph's mean of ``p_agree - p_disagree``) rather
    than as labels; for measures of links between comments it also holds that weakening.

    Parameters
    ----------
    discussion : Discussion
        Annotated with the signals to draw (:meth:`Discussion.annotate`).
    measure : callable or str
        A measure function (``dyn.polarization.frustration``) or a registered measure's key
        (``"polarization.frustration"``, see ``dyn.measures()``); any function
        ``f(discussion, **kwargs)`` returning a result with a ``value`` (or a float) works.
    signals : str or sequence of str, default ("stance",)
        Which of :data:`SIGNALS` to draw: ``"stance"``, ``"toxicity"`` or both.
    n_draws : int, default 100
        Number of label sets.
    level : float, default 0.95
        Coverage of the interval over the draws.
    seed : int or None, default 0
        Seed of the draws (one stream per signal), and the ``seed`` of a registered measure
        (the same in every draw, so only the labels change from one draw to the next).
        None draws a fresh seed, recorded in ``params["seed"]``: passing it back as ``seed``
        gives the same draws.
    calibration : Calibration, "toxichat" or None, default None
        Map the drawn signals' scores through this calibration before drawing (columns it
        does not cover are drawn as they are; the signals not drawn are left as they are,
        and a calibration of none of the drawn signals is not applied, which
        ``params["calibration"]`` says); ``"toxichat"`` is
        :func:`~dynamics.text.calibration.toxichat_calibration`, which belongs to the default
        scorers' models only. A calibration that keeps its labelled sample or bootstrap refits
        of it (both of these do) uses a different refit in every draw
        (:meth:`~dynamics.text.calibration.Calibration.resample`), so the draws carry its
        sampling error too: a calibration on 150 labelled comments is itself uncertain.
        ``params["calibration"]`` describes it.
    progress : bool or None, default None
        Show a progress bar (None: when standard error is a terminal and ``n_draws >= 20``).
    **kwargs
        Passed to the measure (``sides=``, ``edges=``, ...). For a registered measure,
        ``n_boot``, ``null`` and ``progress`` are set to 0, None and False (the draws ask
        only for the value) and ``seed`` to the draws' seed.

    Returns
    -------
    SignalUncertainty
        ``observed``, ``draws``, ``mean``, ``sd``, ``interval``, ``shift``, ``to_dict()``.

    Raises
    ------
    DynamicsError
        When the Discussion lacks a column a drawn signal needs (annotate it first).
    ValueError
        For an unknown signal or measure, ``n_draws < 2`` or ``level`` outside (0, 1).
    TypeError
        When ``measure`` is neither a function nor a string.

    References
    ----------
    .. [1] D. B. Rubin, *Multiple Imputation for Nonresponse in Surveys*, Wiley, 1987.
       doi:10.1002/9780470316696
    .. [2] M. Blackwell, J. Honaker and G. King, "A unified approach to measurement error
       and missing data: overview and applications", Sociological Methods & Research 46(3),
       303-341, 2017. doi:10.1177/0049124115585360

    Examples
    --------
    A share of disagreeing replies, on two replies each disagreeing with probability 1/2:
    each draw gives 0, 1/2 or 1, and their mean comes near 1/2.

    >>> d = dyn.load(pl.DataFrame({"id": ["a", "b", "c"], "parent": [None, "a", "a"],
    ...                            "user": ["ann", "bob", "cy"], "body": ["x", "y", "z"]}))
    >>> d = dyn.Discussion(d.comments.with_columns(
    ...     p_agree=pl.Series([None, 0.0, 0.0]), p_disagree=pl.Series([None, 0.5, 0.5]),
    ...     p_neutral=pl.Series([None, 0.5, 0.5]), stance=pl.Series([None, "neutral", "neutral"])),
    ...     d.report)
    >>> def disagreeing(d):
    ...     return (d.comments["stance"] == "disagree").sum() / d.comments["stance"].count()
    >>> r = signal_uncertainty(d, disagreeing, n_draws=400, seed=1)
    >>> r.observed, sorted(set(r.draws.tolist())), round(r.mean, 1)
    (0.0, [0.0, 0.5, 1.0], 0.5)
    """
    chosen = (signals,) if isinstance(signals, str) else tuple(signals)
    check_seed(seed, "signal_uncertainty")
    func, name, fixed = _resolve(measure, seed, "signal_uncertainty")
    _check(discussion, chosen, n_draws, level)
    from dynamics.text.calibration import named

    try:
        calibrated = named(calibration)
    except ValueError as error:
        msg = f"signal_uncertainty: {error}"
        raise ValueError(msg) from None
    args = {**kwargs, **fixed}
    undefined: list[str] = []
    observed = _value_or_nan(func, discussion, args, said=undefined)
    # one stream per signal, and one more for the calibration's resamples
    streams = np.random.SeedSequence(seed).spawn(len(SIGNALS) + 1)
    rngs = {s: np.random.default_rng(streams[i]) for i, s in enumerate(SIGNALS)}
    refits = np.random.default_rng(streams[-1])
    comments = discussion.comments
    # only the drawn signals' columns are calibrated: the others stay as the measure reads them
    mapped = [c for s in chosen for c in SIGNALS[s]]
    if calibrated is not None and not set(calibrated.columns) & set(mapped):
        # a calibration of other signals only (stance labels, toxicity drawn): said, not applied
        note = f"not applied: it covers none of the drawn signals ({', '.join(chosen)})"
        calibrated, unused = None, f"{calibrated.describe()}; {note}"
    else:
        unused = None
    if calibrated is not None and not calibrated.uncertain:
        comments = calibrated.apply_frame(comments, mapped)
    cls = type(discussion)
    values = np.empty(n_draws, dtype=np.float64)
    show = progress if progress is not None else n_draws >= 20 and sys.stderr.isatty()
    with progress_bar(f"drawing {'+'.join(chosen)}", n_draws, enabled=show) as bar:
        for i in range(n_draws):
            scores = comments
            if calibrated is not None and calibrated.uncertain:
                scores = calibrated.resample(refits).apply_frame(comments, mapped)
            drawn = cls(
                draw_signals(scores, chosen, rngs),
                discussion.report,
                discussion.posts,
                holds_parents=discussion.holds_parents,
            )
            values[i] = _value_or_nan(func, drawn, args)
            bar.advance()
    params = {"n_draws": n_draws, "seed": seed, "level": level, **args}
    if undefined:
        params["undefined"] = undefined[0]
    if unused is not None:
        params["calibration"] = unused
    elif calibrated is not None:
        params["calibration"] = calibrated.describe() + (
            "; a bootstrap refit of it in each draw" if calibrated.uncertain else ""
        )
    return SignalUncertainty(name, chosen, observed, values, level, params)


def _resolve(
    measure: Callable[..., Any] | str, seed: int | None, caller: str
) -> tuple[Callable[..., Any], str, dict]:
    """The function, its name and the settings the repeated calls fix (registered measures
    only); ``caller`` names the public function in error messages."""
    specs = measures()
    if isinstance(measure, str):
        spec = find_measure(measure, caller)
    elif callable(measure):
        spec = next((m for m in specs if m.func is measure), None)
        if spec is None:
            return measure, getattr(measure, "__name__", repr(measure)), {}
    else:
        msg = f"{caller}: 'measure' must be a function or a measure's key, not {measure!r}"
        raise TypeError(msg)
    point = {"n_boot": 0, "null": None, "progress": False, "seed": seed}
    return spec.func, spec.key, {k: v for k, v in point.items() if k in spec.takes}


def _check(discussion: Discussion, signals: tuple[str, ...], n_draws: int, level: float) -> None:
    unknown = [s for s in signals if s not in SIGNALS]
    if unknown or not signals:
        msg = f"signal_uncertainty: signals must be among {list(SIGNALS)}, got {list(signals)}"
        raise ValueError(msg)
    if isinstance(n_draws, bool) or not isinstance(n_draws, int) or n_draws < 2:
        msg = f"signal_uncertainty: n_draws must be an int >= 2, got {n_draws!r}"
        raise ValueError(msg)
    if not 0 < level < 1:
        msg = f"signal_uncertainty: level must be in (0, 1), got {level!r}"
        raise ValueError(msg)
    columns = discussion.comments.columns
    for s in signals:
        missing = [c for c in SIGNALS[s] if c not in columns]
        if missing:
            msg = (
                f"signal_uncertainty: drawing {s!r} needs the column(s) {missing}, which the "
                f"Discussion lacks; annotate it first (d.annotate(), with the {s} scorer)"
            )
            raise DynamicsError(msg)


def _value_or_nan(
    func: Callable[..., Any],
    labels: Discussion,
    args: dict[str, Any],
    caller: str = "signal_uncertainty",
    *,
    said: list[str] | None = None,
) -> float:
    """The measure on one set of labels; NaN where the measure says it is undefined there
    (it raises :class:`~dynamics.errors.UndefinedMetricError`: too few users on a side, say),
    which :attr:`SignalUncertainty.n_undefined` counts; why it is undefined (the error's
    message, or the reason of a NaN result) is appended to ``said`` when given."""
    try:
        result = func(labels, **args)
    except UndefinedMetricError as error:
        if said is not None:
            said.append(str(error))
        return math.nan
    value = _value(result, caller)
    reason = getattr(result, "reason", None)
    if said is not None and math.isnan(value) and reason:
        said.append(str(reason))
    return value


def _value(result: Any, caller: str) -> float:
    value = getattr(result, "value", result)
    try:
        return float(value)
    except (TypeError, ValueError):
        msg = f"{caller}: the measure returned {result!r}, not a value"
        raise ValueError(msg) from None


# --------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class ThresholdSensitivity:
    """A measure at several thresholds of the signal that calls a comment toxic.

    Attributes
    ----------
    measure : str
        The measure's name (``"family.name"`` for a registered measure).
    signal : str
        The comments column the threshold applies to.
    thresholds : numpy.ndarray
        The thresholds, ascending.
    values : numpy.ndarray
        The measure at each threshold (NaN where undefined there).
    flagged : numpy.ndarray
        At each threshold, the share of the scored comments (a non-null ``signal``) whose
        signal is at least the threshold: how many comments the measure counts as toxic.
    observed : float
        The measure with its own default settings (its default threshold), NaN where
        undefined.
    default : float or None
        The measure's default threshold (None where it has none and reads the score itself).
    params : dict
        The measure's keyword arguments as passed at every threshold (the threshold aside).

    Examples
    --------
    >>> r = ThresholdSensitivity("m", "toxicity", np.array([0.4, 0.5, 0.6]),
    ...                          np.array([2.0, 1.0, np.nan]), np.array([0.3, 0.2, 0.1]),
    ...                          1.0, 0.5, {})
    >>> r.span, r.n_undefined
    ((1.0, 2.0), 1)
    """

    measure: str
    signal: str
    thresholds: np.ndarray
    values: np.ndarray = field(repr=False)
    flagged: np.ndarray = field(repr=False)
    observed: float = math.nan
    default: float | None = None
    params: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def n_undefined(self) -> int:
        """Thresholds at which the measure was undefined (NaN), left out of :attr:`span`."""
        return int(np.count_nonzero(~np.isfinite(self.values)))

    @property
    def span(self) -> tuple[float, float] | None:
        """The smallest and largest value over the thresholds; None when none gave one."""
        v = self.values[np.isfinite(self.values)]
        return (float(v.min()), float(v.max())) if v.size else None

    def to_frame(self, *, backend: Backend = "pandas") -> pd.DataFrame | pl.DataFrame:
        """One row per threshold: ``threshold``, ``flagged``, ``value`` (null where undefined;
        a pandas DataFrame, or polars with ``backend="polars"``)."""
        frame = pl.DataFrame(
            {"threshold": self.thresholds, "flagged": self.flagged, "value": self.values},
            schema={"threshold": pl.Float64, "flagged": pl.Float64, "value": pl.Float64},
        ).with_columns(pl.col("value").fill_nan(None))
        return frame_as(frame, backend)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (JSON-ready; None for NaN)."""
        return {
            "measure": self.measure,
            "signal": self.signal,
            "observed": _plain(self.observed),
            "default": self.default,
            "span": None if self.span is None else [*self.span],
            "n_undefined": self.n_undefined,
            "thresholds": [float(t) for t in self.thresholds],
            "flagged": [_plain(float(f)) for f in self.flagged],
            "values": [_plain(float(v)) for v in self.values],
            "params": {k: _plain(v) for k, v in self.params.items()},
        }

    def __repr__(self) -> str:
        pairs = ", ".join(
            f"{t:g}: {v:.4g}" for t, v in zip(self.thresholds, self.values, strict=True)
        )
        return f"<{self.measure} by {self.signal} threshold: {pairs}>"


@draws_seed
def threshold_sensitivity(
    discussion: Discussion,
    measure: Callable[..., Any] | str,
    *,
    thresholds: Sequence[float] | None = None,
    seed: int | None = 0,
    progress: bool | None = None,
    **kwargs: Any,
) -> ThresholdSensitivity:
    """Recompute a measure at several thresholds of the signal that calls a comment toxic.

    Definition: the escalation measures call a comment toxic when its hostility signal
    (``signal=``, ``"toxicity"`` by default) is at least ``threshold`` (0.5 by default for
    most; ``toxicity_by_depth`` and ``toxicity_by_turn`` read the score itself unless given
    one, and are then trends of the share of toxic comments, another quantity than their
    default value). For each ``t`` of ``thresholds`` this computes the measure's value with
    ``threshold=t``, and the share of the scored comments whose signal is at least ``t``. The values show how far
    a conclusion rests on where the line is drawn: a contagion ratio that stays above 1 from
    0.3 to 0.7 says more than one that does so only at 0.5. Nothing is drawn at random;
    the measure's seed is fixed, so only the threshold changes from one value to the next.

    This answers a different question from :func:`signal_uncertainty`, which keeps the
    measure's rule and asks how much it moves over label sets the scores make plausible.
    Read the ``flagged`` shares beside a known rate of toxic comments where one exists (a
    labelled random sample of your data: :meth:`~dynamics.text.calibration.Calibration.
    from_labels`): the thresholds whose share is near that rate are the plausible ones.
    A share near that rate says the threshold flags about as *many* comments as a person
    would, not the same ones. A sensitivity analysis in the sense of Saltelli et al. (2008),
    one input at a time. A warning says when the signal is ``toxicity`` and a threshold lies
    outside [0, 1] (a percentage given for a probability?): it flags every comment or none.

    Parameters
    ----------
    discussion : Discussion
        Scored (:meth:`Discussion.annotate`), or holding the numeric column ``signal=`` names.
    measure : callable or str
        A measure that takes ``signal`` and ``threshold`` (the escalation measures:
        ``dyn.escalation.contagion``, ``"escalation.episodes"``, ...); any function
        ``f(discussion, threshold=..., **kwargs)`` returning a result with a ``value`` (or a
        float) works.
    thresholds : sequence of float, optional
        The thresholds to try (sorted, duplicates dropped); default :data:`THRESHOLDS`
        (0.3 to 0.7 in steps of 0.1).
    seed : int or None, default 0
        The ``seed`` of a registered measure, the same at every threshold. None draws one
        seed for every threshold, recorded in ``params["seed"]`` when the measure takes one.
    progress : bool or None, default None
        Show a progress bar (None: when standard error is a terminal and there are at least
        20 thresholds).
    **kwargs
        Passed to the measure (``signal=``, ``min_turns=``, ...), but not ``threshold``. For
        a registered measure, ``n_boot``, ``null`` and ``progress`` are set to 0, None and
        False (only the value is asked for) and ``seed`` to ``seed``.

    Returns
    -------
    ThresholdSensitivity
        ``thresholds``, ``values``, ``flagged``, ``observed``, ``span``, ``to_frame()``,
        ``to_dict()``.

    Raises
    ------
    ValueError
        For an unknown measure, a measure without a ``threshold`` parameter, a ``threshold``
        keyword argument, an empty list of thresholds or one that is not a finite number, or
        a ``signal`` column the Discussion lacks.
    TypeError
        When ``measure`` is neither a function nor a string.

    References
    ----------
    .. [1] A. Saltelli et al., *Global Sensitivity Analysis: The Primer*, Wiley, 2008.
       doi:10.1002/9780470725184

    Examples
    --------
    Four comments, toxicity 0.35, 0.45, 0.55 and 0.65: the share of toxic comments is 1, 3/4,
    1/2, 1/4 and 0 at thresholds 0.3 to 0.7.

    >>> d = dyn.load(pl.DataFrame({"id": ["a", "b", "c", "d"], "parent": [None, "a", "b", "c"],
    ...                            "user": ["ann", "bob", "ann", "bob"], "body": list("wxyz"),
    ...                            "toxicity": [0.35, 0.45, 0.55, 0.65]}))
    >>> def toxic_share(d, threshold=0.5):
    ...     return float((d.comments["toxicity"] >= threshold).mean())
    >>> r = threshold_sensitivity(d, toxic_share)
    >>> r.values.tolist(), r.observed
    ([1.0, 0.75, 0.5, 0.25, 0.0], 0.5)
    >>> r.flagged.tolist() == r.values.tolist()
    True
    """
    from dynamics.escalation._signal import signal_values

    func, name, fixed = _resolve(measure, seed, "threshold_sensitivity")
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):  # a builtin without a signature
        parameters = {}
    if "threshold" not in parameters:
        msg = (
            f"threshold_sensitivity: the measure {name!r} has no 'threshold' parameter; "
            "the escalation measures have one (contagion, episodes, derailment, ...)"
        )
        raise ValueError(msg)
    if "threshold" in kwargs:
        msg = (
            "threshold_sensitivity: pass the thresholds as thresholds=[...], not threshold=; "
            "the value at the measure's own threshold is the result's observed"
        )
        raise ValueError(msg)
    chosen = _thresholds(thresholds)
    args = {**kwargs, **fixed}
    signal = args.get("signal", _default(parameters, "signal", "toxicity"))
    if signal == "toxicity" and ((chosen < 0) | (chosen > 1)).any():
        outside = ", ".join(f"{t:g}" for t in chosen[(chosen < 0) | (chosen > 1)])
        warnings.warn(
            f"threshold_sensitivity: toxicity lies in [0, 1], so the thresholds {outside} "
            "flag every comment or none (a percentage given for a probability?)",
            UserWarning,
            stacklevel=2,
        )
    scores = signal_values(discussion, signal, "threshold_sensitivity").drop_nulls()
    n_scored = scores.len()
    flagged = np.array(
        [float((scores >= t).sum()) / n_scored if n_scored else math.nan for t in chosen]
    )
    observed = _value_or_nan(func, discussion, args, "threshold_sensitivity")
    values = np.empty(chosen.size, dtype=np.float64)
    show = progress if progress is not None else chosen.size >= 20 and sys.stderr.isatty()
    with progress_bar(f"{name} by threshold", chosen.size, enabled=show) as bar:
        for i, t in enumerate(chosen):
            at = {**args, "threshold": float(t)}
            values[i] = _value_or_nan(func, discussion, at, "threshold_sensitivity")
            bar.advance()
    default = _default(parameters, "threshold", None)
    return ThresholdSensitivity(
        name,
        signal,
        chosen,
        values,
        flagged,
        observed,
        None if default is None else float(default),
        args,
    )


def _thresholds(thresholds: Sequence[float] | None) -> np.ndarray:
    """``thresholds`` checked, sorted and without duplicates (default :data:`THRESHOLDS`)."""
    if thresholds is None:
        return np.array(THRESHOLDS, dtype=np.float64)
    values = list(thresholds)
    if not values or not finite_numbers(values):
        msg = (
            "threshold_sensitivity: thresholds must be a non-empty sequence of finite numbers, "
            f"got {thresholds!r}"
        )
        raise ValueError(msg)
    return np.unique(np.asarray(values, dtype=np.float64))


def finite_numbers(values: Iterable[Any]) -> bool:
    """Whether every one of ``values`` is a finite real number (not a bool, not a string):
    the check of a list of thresholds, here and in the report's settings.

    >>> finite_numbers([0.3, 1, np.float32(0.5)]), finite_numbers([0.5, "0.7"])
    (True, False)
    >>> finite_numbers([True]), finite_numbers([float("nan")])
    (False, False)
    """
    return all(isinstance(t, Real) and not isinstance(t, bool) and math.isfinite(t) for t in values)


def _default(parameters: Mapping[str, Any], name: str, fallback: Any) -> Any:
    """The default of parameter ``name`` (``fallback`` where there is none)."""
    p = parameters.get(name)
    if p is None or p.default is inspect.Parameter.empty:
        return fallback
    return p.default
