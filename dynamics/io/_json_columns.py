"""Table columns through JSON metadata and back, with their polars types.

Writers that store a table in JSON (ConvoKit's utterance ``meta``) record each column's type
with :func:`type_name`, write the values of :func:`json_ready`, and readers rebuild the column
with :func:`restore`, so a round trip gives the same dtype: integers stay ``Int32`` or
``Int64``, an all-null ``Int64`` column stays ``Int64``, datetimes keep their unit and time zone.
Types JSON cannot carry (lists, structs, categoricals, durations, ...) travel as text.
"""

from __future__ import annotations

from typing import Any

import polars as pl

__all__ = ["index_type", "json_ready", "restore", "scalar_series", "type_name"]

_SIMPLE = {
    str(t): t
    for t in (
        pl.Boolean(),
        pl.Int8(),
        pl.Int16(),
        pl.Int32(),
        pl.Int64(),
        pl.UInt8(),
        pl.UInt16(),
        pl.UInt32(),
        pl.UInt64(),
        pl.Float32(),
        pl.Float64(),
        pl.String(),
        pl.Date(),
        pl.Null(),
    )
}
_ISO = "%Y-%m-%dT%H:%M:%S%.f"


def type_name(dtype: pl.DataType) -> str:
    """The name :func:`restore` rebuilds ``dtype`` from (``"String"`` for types sent as text).

    Examples
    --------
    >>> type_name(pl.Int32()), type_name(pl.Datetime("us", "UTC")), type_name(pl.List(pl.Int64))
    ('Int32', 'Datetime[us,UTC]', 'String')
    """
    if isinstance(dtype, pl.Datetime):
        return f"Datetime[{dtype.time_unit},{dtype.time_zone or ''}]"
    return str(dtype) if str(dtype) in _SIMPLE else "String"


def json_ready(series: pl.Series) -> pl.Series:
    """``series`` with values JSON can hold: dates and datetimes as ISO 8601 text.

    Nested values become their JSON text; other types JSON cannot carry, their string form.
    NaN and infinite floats become null (JSON has no such numbers).
    """
    dtype = series.dtype
    if isinstance(dtype, pl.Datetime):
        return series.dt.to_string(_ISO + ("%:z" if dtype.time_zone else ""))
    if dtype == pl.Date:
        return series.dt.to_string("%Y-%m-%d")
    if dtype.is_float():
        return pl.select(pl.when(series.is_finite()).then(series)).to_series().alias(series.name)
    if str(dtype) in _SIMPLE:
        return series
    if dtype.is_nested():
        import orjson

        text = [None if v is None else orjson.dumps(v, default=str).decode() for v in series]
        return pl.Series(series.name, text, pl.String)
    return series.cast(pl.String)


def restore(column: str, values: list[Any], name: str) -> pl.Series:
    """Rebuild a column from JSON ``values`` and the :func:`type_name` it was written with.

    Examples
    --------
    >>> restore("n", [1, None], "Int32").dtype
    Int32
    >>> restore("t", ["2020-01-02T03:04:05.5+00:00"], "Datetime[us,UTC]").to_list()
    [datetime.datetime(2020, 1, 2, 3, 4, 5, 500000, tzinfo=zoneinfo.ZoneInfo(key='UTC'))]
    """
    if name.startswith("Datetime["):
        unit, tz = name[len("Datetime[") : -1].split(",")
        text = pl.Series(column, values, pl.String, strict=False)
        if not tz:
            return text.str.to_datetime(_ISO, time_unit=unit)  # type: ignore[arg-type]
        parsed = text.str.to_datetime(_ISO + "%:z", time_unit=unit)  # type: ignore[arg-type]
        return parsed.dt.convert_time_zone(tz)
    if name == "Date":
        return pl.Series(column, values, pl.String, strict=False).str.to_date("%Y-%m-%d")
    return pl.Series(column, values, _SIMPLE.get(name, pl.String()), strict=False)


def scalar_series(column: str, values: list[Any]) -> pl.Series:
    """A column from JSON scalars of any mixture (numbers and text together become text)."""
    try:
        return pl.Series(column, values, strict=False)
    except (TypeError, pl.exceptions.PolarsError):
        return pl.Series(column, [None if v is None else str(v) for v in values], pl.String)


def index_type(series: pl.Series) -> list[str]:
    """ConvoKit's ``index.json`` entry for a column written by :func:`json_ready`.

    Examples
    --------
    >>> index_type(pl.Series([1, None])), index_type(pl.Series([None]))
    (["<class 'int'>"], [])
    """
    if series.null_count() == series.len():
        return []
    dtype = series.dtype
    if dtype == pl.Boolean:
        return ["<class 'bool'>"]
    if dtype.is_integer():
        return ["<class 'int'>"]
    if dtype.is_float():
        return ["<class 'float'>"]
    return ["<class 'str'>"]
