"""Graph building helpers: attribute values equal polars' own conversion, type for type."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from dynamics.model.graph import python_values

TIMES = [
    datetime(1969, 12, 31, 23, 59, 59, 999_999),
    datetime(2021, 7, 15, 0, 57, 25),
    datetime(2024, 2, 29, 12, 0, 0, 123_456),
]


@pytest.mark.parametrize("unit", ["us", "ms", "ns"])
@pytest.mark.parametrize("zone", [None, "UTC", "Europe/Berlin", "America/New_York"])
def test_python_values_equal_to_list(unit, zone):
    series = pl.Series(TIMES).cast(pl.Datetime(unit))
    if zone is not None:
        series = series.dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
    got, expected = python_values(series), series.to_list()
    assert got == expected
    assert [v.tzinfo for v in got] == [v.tzinfo for v in expected]
    assert [v.utcoffset() for v in got] == [v.utcoffset() for v in expected]
    assert all(type(v) is datetime for v in got)


@pytest.mark.parametrize(
    "series",
    [
        pl.Series([TIMES[0], None]).dt.replace_time_zone("UTC"),
        pl.Series([], dtype=pl.Datetime("us", "UTC")),
        pl.Series([3, 1, 2]),
        pl.Series(["a", None]),
    ],
)
def test_python_values_other_columns(series):
    assert python_values(series) == series.to_list()
