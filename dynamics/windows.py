"""Any metric per time window, as a tidy table (DESIGN section 6, "Time windows")."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics._params import check_param, draws_seed
from dynamics._results import MetricResult
from dynamics.errors import DataQualityWarning, DynamicsError, GraphKindError

if TYPE_CHECKING:
    import pandas as pd

    from dynamics.model.discussion import Discussion

__all__ = ["over_time"]


@draws_seed  # one seed for every window, so the table can be repeated
def over_time(
    metric: Callable[..., MetricResult] | str,
    discussion: Discussion,
    *,
    by: str = "1w",
    rolling: str | None = None,
    min_comments: int = 1,
    **kwargs: Any,
) -> pd.DataFrame:
    """Compute ``metric`` on each time window of ``discussion``.

    Windows are consecutive, non-overlapping calendar periods of length ``by`` (a month from
    the first of one month to the first of the next) starting at the first
    comment's time truncated to ``by`` (polars duration strings: ``"1d"``, ``"1w"``, ``"1mo"``,
    ``"6h"``; the pandas aliases ``"1D"``, ``"1W"``, ``"1M"`` / ``"1MS"`` (month), ``"1H"``,
    ``"1Y"`` are accepted too). With ``rolling``, each window instead covers the ``rolling`` period that ends at
    the end of each ``by`` step (e.g. ``by="1w", rolling="4w"``: four-week windows every week).
    A window holds the comments with ``start <= created_at < end``; replies keep who they
    replied to even when the parent is older (see :meth:`Discussion.filter`).

    Parameters
    ----------
    metric : callable or str
        A metric function ``metric(discussion, **kwargs) -> MetricResult``, or the name of a
        registered measure, as ``dyn.uncertainty`` takes it: its key
        (``"polarization.ei_index"``) or its function name (``"ei_index"``); see
        ``dyn.measures()``.
    discussion : Discussion
        Comments need timestamps; comments without one are left out.
    by : str, default "1w"
        Step (and window length when ``rolling`` is None).
    rolling : str, optional
        Window length for rolling windows.
    min_comments : int, default 1
        Windows with fewer comments get NaN with the reason "too few comments".
    **kwargs
        Passed to ``metric`` (e.g. ``sides=...``, ``seed=0``). ``seed=None`` draws one seed
        for the whole table (every window gets the same one), recorded in
        ``frame.attrs["seed"]``. Sides found in the graph (``sides(d)``) are found once, on
        the whole discussion, and held fixed in every window, so where the measure would
        choose the null (``null="auto"``, or ``n_null`` alone) each window's null shuffles
        their labels (``"label-shuffle"``, recorded in ``frame.attrs["null"]``) rather than
        finding sides again on rewired window graphs, which the window's value does not do;
        an explicit ``null`` is used as given.

    Returns
    -------
    pandas.DataFrame
        One row per window: ``window_start``, ``window_end``, ``n_comments``, ``metric``,
        ``value``, ``ci_low``, ``ci_high``, ``z``, ``p_value``, ``null_mean``, ``null_sd``,
        ``excess``, ``reason`` and ``warnings`` (the window's small-sample warnings, joined
        by ``"; "``). A window where the metric is undefined (or raises a
        :class:`~dynamics.errors.DynamicsError`) has NaN and the reason. Comments without a
        time are in no window (one ``DataQualityWarning`` counts them). With a ``seed`` in
        ``kwargs``, ``frame.attrs["seed"]`` holds the seed every window ran with (the one
        drawn for ``seed=None``): passing it back as ``seed`` gives the same table.

    Raises
    ------
    ValueError
        For a name that is no registered measure's (the message lists the valid names), or
        bad ``by``, ``rolling`` or ``min_comments``.
    TypeError
        When ``metric`` is neither a function nor a name; ``GraphKindError`` (a
        ``TypeError``) when ``discussion`` is not a Discussion (a graph has no times).
    DynamicsError
        When no comment has a timestamp.

    Examples
    --------
    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b", "c", "d"], "parent": [None, "a", None, "c"],
    ...     "user": ["ann", "bob", "ann", "cy"], "body": ["x"] * 4,
    ...     "time": ["2024-01-01", "2024-01-02", "2024-01-09", "2024-01-10"]}))
    >>> def replies(disc):
    ...     return MetricResult("replies", disc.comments["parent_id"].is_not_null().sum())
    >>> over_time(replies, d, by="1w")[["window_start", "n_comments", "value"]]
                   window_start  n_comments  value
    0 2024-01-01 00:00:00+00:00           2    1.0
    1 2024-01-08 00:00:00+00:00           2    1.0

    A registered measure by name:

    >>> over_time("thread_size", d, by="1w")[["window_start", "metric", "value"]]
                   window_start       metric  value
    0 2024-01-01 00:00:00+00:00  thread_size    2.0
    1 2024-01-08 00:00:00+00:00  thread_size    2.0
    """
    import pandas as pd

    from dynamics.model.discussion import Discussion

    metric = _metric(metric)
    if not isinstance(discussion, Discussion):
        msg = (
            f"over_time needs a Discussion (its windows are cut by the comments' times), not "
            f"{type(discussion).__name__}: a graph has no times to cut"
        )
        raise GraphKindError(msg)
    check_param(
        min_comments >= 0, "min_comments", "over_time", "a non-negative integer", min_comments
    )
    held = _sides_held_fixed(kwargs)
    if held is not None:
        kwargs["null"] = held
    all_times = discussion.comments.get_column("created_at")
    times = all_times.drop_nulls()
    if all_times.null_count() > 0 and times.len():
        msg = (
            f"over_time: {all_times.null_count():,} of {all_times.len():,} comments have no "
            "time and are in no window"
        )
        warnings.warn(msg, DataQualityWarning, stacklevel=2)
    if times.len() == 0:
        msg = "over_time needs comments with timestamps; this discussion has none"
        raise DynamicsError(msg)
    by = _polars_duration(by)
    rolling = _polars_duration(rolling) if rolling is not None else None
    _check_duration(by, "by")
    if rolling is not None:
        _check_duration(rolling, "rolling")
    first = times.min().replace(tzinfo=None)  # type: ignore[union-attr]
    last = times.max().replace(tzinfo=None)  # type: ignore[union-attr]
    starts = pl.datetime_range(
        pl.Series([first]).dt.truncate(by)[0], last, interval=by, eager=True
    ).dt.replace_time_zone("UTC")
    # calendar steps: a month window ends where the next month starts (not 30 days on)
    ends = starts.dt.offset_by(by)
    begins = ends.dt.offset_by(f"-{rolling}") if rolling is not None else starts
    rows = []
    for window_start, end_of_step in zip(begins, ends, strict=True):
        with warnings.catch_warnings():  # said once above
            warnings.simplefilter("ignore", DataQualityWarning)
            window = discussion.filter(start=window_start, end=end_of_step)
        row: dict[str, Any] = {
            "window_start": window_start,
            "window_end": end_of_step,
            "n_comments": len(window),
            "metric": getattr(metric, "__name__", "metric"),
        }
        if len(window) < max(min_comments, 1):
            res = MetricResult(row["metric"], math.nan, reason="too few comments")
        else:
            try:
                res = metric(window, **kwargs)
            except DynamicsError as error:
                res = MetricResult(row["metric"], math.nan, reason=str(error))
        frame = res.to_frame().iloc[0]
        row.update({k: frame[k] for k in _COLUMNS})
        row["metric"] = res.name
        rows.append(row)
    frame = pd.DataFrame(rows)
    if "seed" in kwargs:
        frame.attrs["seed"] = kwargs["seed"]
    if held is not None:
        frame.attrs["null"] = held
    return frame


def _sides_held_fixed(kwargs: dict[str, Any]) -> str | None:
    """``"label-shuffle"`` when ``kwargs`` give sides found in the graph (a ``Sides`` of
    Leiden, ...) and let the measure choose the null (``null="auto"``, or ``n_null`` without
    ``null``); else None.

    Such sides were found once, on the whole discussion, and every window reads them as they
    are. The null the measure would choose for them, ``"rewire-refit"``, finds the sides
    again on each rewired window graph, which the observed value did not do: it would compare
    unlike things. With the sides held fixed the matching null shuffles their labels over
    the window's users.

    >>> import networkx as nx
    >>> found = dyn.polarization.sides(nx.karate_club_graph(), seed=0)
    >>> _sides_held_fixed({"sides": found, "n_null": 50}), _sides_held_fixed({"sides": found})
    ('label-shuffle', None)
    >>> _sides_held_fixed({"sides": {"a": 0}, "null": "auto"}) is None  # given labels
    True
    >>> _sides_held_fixed({"leaning": found.leaning, "n_null": 50})  # two found sides' leaning
    'label-shuffle'
    >>> signed = dyn.polarization.sides(nx.Graph([(1, 2, {"sign": -1})]), method="signed")
    >>> _sides_held_fixed({"leaning": signed.leaning, "n_null": 50}) is None  # a fitted score
    True
    """
    from dynamics._significance import found_scores, sides_found

    given = kwargs.get("sides", kwargs.get("leaning"))
    if found_scores(given):  # the measure runs no automatic null for it, and says why
        return None
    given = getattr(given, "sides", given)  # a leaning of two found sides: those sides
    null = kwargs.get("null")
    chooses = null == "auto" or (null is None and kwargs.get("n_null"))
    return "label-shuffle" if chooses and sides_found(given) else None


def _metric(metric: Callable[..., MetricResult] | str) -> Callable[..., MetricResult]:
    """The metric function: ``metric`` itself, or the registered measure it names."""
    if isinstance(metric, str):
        from dynamics._kernel import find_measure

        return find_measure(metric, "over_time").func
    if not callable(metric):
        msg = (
            "The 'metric' parameter of over_time must be a metric function or the name of a "
            f"registered measure (see dyn.measures()). Got {metric!r} instead."
        )
        raise TypeError(msg)
    return metric


#: The result columns each window's row takes (MetricResult.to_frame's names).
_COLUMNS = (
    "value",
    "ci_low",
    "ci_high",
    "z",
    "p_value",
    "null_mean",
    "null_sd",
    "excess",
    "reason",
    "warnings",
)

#: pandas offset aliases -> polars duration units ("M" is a month in pandas, a minute nowhere here)
_PANDAS_UNITS = {"D": "d", "W": "w", "H": "h", "M": "mo", "MS": "mo", "Y": "y", "YS": "y", "A": "y"}


def _polars_duration(text: str) -> str:
    """``text`` with pandas-style units ("1W", "7D", "1M") turned into polars ones."""
    import re

    match = re.fullmatch(r"(\d*)([A-Z]+)", text)
    if match and match.group(2) in _PANDAS_UNITS:
        return (match.group(1) or "1") + _PANDAS_UNITS[match.group(2)]
    return text


def _check_duration(text: str, name: str) -> None:
    """Raise the sklearn-style error unless ``text`` is a polars duration string."""
    import re

    parts = re.findall(r"(\d+)(mo|ns|us|ms|s|m|h|d|w|y)", text)
    check_param(
        bool(parts) and "".join(n + u for n, u in parts) == text,
        name,
        "over_time",
        "a duration such as '1d', '1w', '1mo' or '6h'",
        text,
    )
