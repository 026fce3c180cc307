"""The result every metric returns: a value, its uncertainty, its parameters and detail tables.

Metric functions return a frozen :class:`MetricResult` (or a subclass that adds fields). All
numbers are plain Python floats; ids in detail tables are author names and comment ids, never
igraph indices (STYLE section 2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import polars as pl

from dynamics._sample_checks import interval_warning

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Backend", "MetricResult", "as_float", "frame_as", "jsonable"]

#: The table libraries every ``to_frame`` and ``table`` can answer in.
Backend = Literal["pandas", "polars"]


def frame_as(frame: pd.DataFrame | pl.DataFrame, backend: str) -> pd.DataFrame | pl.DataFrame:
    """``frame`` as a pandas or polars DataFrame (``backend``), converted only when needed.

    >>> frame_as(pl.DataFrame({"a": [1]}), "pandas").loc[0, "a"]
    np.int64(1)
    >>> frame_as(pl.DataFrame({"a": [1]}), "pd")
    Traceback (most recent call last):
    ...
    ValueError: backend must be 'pandas' or 'polars', got 'pd'
    """
    if backend not in ("pandas", "polars"):
        msg = f"backend must be 'pandas' or 'polars', got {backend!r}"
        raise ValueError(msg)
    if isinstance(frame, pl.DataFrame):
        return frame.to_pandas() if backend == "pandas" else frame
    return frame if backend == "pandas" else pl.from_pandas(frame)


def as_float(value: Any) -> float:
    """``value`` as a plain Python float (None and NaN become NaN)."""
    if value is None:
        return math.nan
    return float(value)


@dataclass(frozen=True, repr=False)
class MetricResult:
    """The outcome of one metric on one discussion or graph.

    Attributes
    ----------
    name : str
        The metric's function name, e.g. ``"ei_index"``.
    value : float
        The estimate; NaN when the metric is undefined on the input (``reason`` says why).
    ci : tuple of float, or None
        Confidence interval ``(low, high)`` at level ``params["ci"]`` (bootstrap over threads
        where it makes sense), or None when not computed.
    params : dict
        Every parameter the value depends on (seed included: for ``seed=None``, the seed
        drawn, so that passing it back repeats the run), for reproducibility.
    z, p_value : float or None
        Null-model z-score and p-value, when a null model was run (``params["null"]`` names it).
    null_mean, null_sd : float or None
        Mean and standard deviation of the measure over the null samples.
    excess : float or None
        ``value - null_mean``: the part of the value the null model does not explain (for
        sides found in the graph, what is left once random graphs of the same degrees, split
        the same way, are accounted for).
    reason : str or None
        Why ``value`` is NaN, e.g. ``"only one side has nodes"``.
    tables : dict of str to polars.DataFrame
        Detail tables (per user, per thread, per community, ...); see :meth:`table`.
    warnings : tuple of str
        Plain sentences on what the value rests on when that is thin: sides smaller than a
        minimum, sides that cover few users or share no edge, too few threads for a bootstrap
        interval (thresholds in :mod:`dynamics._sample_checks`), an estimate outside its
        own interval (:func:`~dynamics._sample_checks.interval_warning`, added here). Empty
        when none applies.

    Examples
    --------
    >>> r = MetricResult("share", 0.25, ci=(0.1, 0.4), params={"seed": 0})
    >>> r
    <share: 0.25 [0.1, 0.4]>
    >>> r.to_dict()["ci"]
    [0.1, 0.4]
    >>> MetricResult("rwc", -1.0, warnings=("side 'L' has 2 users",))
    <rwc: -1 (1 warning)>
    """

    name: str
    value: float
    ci: tuple[float, float] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    z: float | None = None
    p_value: float | None = None
    reason: str | None = None
    tables: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    null_mean: float | None = None
    null_sd: float | None = None
    excess: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "warnings", tuple(str(w) for w in self.warnings))
        object.__setattr__(self, "value", as_float(self.value))
        if self.ci is not None:
            object.__setattr__(self, "ci", (as_float(self.ci[0]), as_float(self.ci[1])))
            off = interval_warning(self.value, self.ci)
            if off is not None and off not in self.warnings:
                object.__setattr__(self, "warnings", (*self.warnings, off))
        for name in _NULL_FIELDS:
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, as_float(v))

    @property
    def defined(self) -> bool:
        """False when ``value`` is NaN (see ``reason``)."""
        return not math.isnan(self.value)

    def table(self, name: str, *, backend: Backend = "pandas") -> pd.DataFrame | pl.DataFrame:
        """A detail table as a pandas (default) or polars DataFrame."""
        if name not in self.tables:
            known = ", ".join(self.tables) or "none"
            msg = f"{self.name} has no table {name!r}; its tables: {known}"
            raise KeyError(msg)
        return frame_as(self.tables[name], backend)

    def _extra(self) -> dict[str, Any]:
        """Scalar fields that subclasses add."""
        base = {f.name for f in fields(MetricResult)}
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in base and _is_scalar(getattr(self, f.name))
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: name, value, ci, z, p_value, null fields, reason, warnings, params."""
        out: dict[str, Any] = {
            "name": self.name,
            "value": jsonable(self.value),
            "ci": None if self.ci is None else [jsonable(self.ci[0]), jsonable(self.ci[1])],
            "z": jsonable(self.z),
            "p_value": jsonable(self.p_value),
            "null_mean": jsonable(self.null_mean),
            "null_sd": jsonable(self.null_sd),
            "excess": jsonable(self.excess),
            "reason": self.reason,
            "warnings": list(self.warnings),
            "params": {k: jsonable(v) for k, v in self.params.items()},
        }
        out.update({k: jsonable(v) for k, v in self._extra().items()})
        return out

    def to_frame(self, *, backend: Backend = "pandas") -> pd.DataFrame | pl.DataFrame:
        """One tidy row: metric, value, CI, z, p_value, null fields, reason, warnings, params
        (a pandas DataFrame, or polars with ``backend="polars"``).

        ``warnings`` is one string, the sentences joined by ``"; "`` (empty when none).
        """
        import pandas as pd

        row: dict[str, Any] = {
            "metric": self.name,
            "value": self.value,
            "ci_low": self.ci[0] if self.ci else math.nan,
            "ci_high": self.ci[1] if self.ci else math.nan,
            "z": math.nan if self.z is None else self.z,
            "p_value": math.nan if self.p_value is None else self.p_value,
            "null_mean": math.nan if self.null_mean is None else self.null_mean,
            "null_sd": math.nan if self.null_sd is None else self.null_sd,
            "excess": math.nan if self.excess is None else self.excess,
            "reason": self.reason,
            "warnings": "; ".join(self.warnings),
        }
        row.update(self._extra())
        row.update({f"param_{k}": _cell(v) for k, v in self.params.items()})
        return frame_as(pd.DataFrame([row]), backend)

    def __repr__(self) -> str:
        text = f"<{self.name}: {self.value:.4g}"
        if self.ci is not None:
            text += f" [{self.ci[0]:.4g}, {self.ci[1]:.4g}]"
        if self.p_value is not None:
            text += f", p={self.p_value:.3g}"
        if self.reason is not None:
            text += f" ({self.reason})"
        if self.warnings:
            n = len(self.warnings)
            text += f" ({n} warning{'s' if n > 1 else ''})"
        return text + ">"


#: The optional float fields a null model fills.
_NULL_FIELDS = ("z", "p_value", "null_mean", "null_sd", "excess")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | np.generic)


def _cell(value: Any) -> Any:
    return value if _is_scalar(value) else repr(value)


def jsonable(value: Any) -> Any:
    """``value`` in a form ``json.dumps`` accepts (NaN and inf become None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)
