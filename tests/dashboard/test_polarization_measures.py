"""The Polarization page's measures on data without two sides (dashboard.callbacks.polarization)."""

from __future__ import annotations

import math

import polars as pl

import dynamics as dyn
from dashboard import cache
from dashboard.callbacks.polarization import _run, measure_specs


def test_leaning_measures_say_why_there_are_no_sides() -> None:
    """One comment: no reply edge, no sides. The leaning measures said "TypeError: 'NoneType'
    object is not iterable" once; they give NaN and the sides' reason."""
    d = dyn.load(pl.DataFrame({"id": ["a"], "user": ["x"], "body": ["hi"]}))
    key = cache.put_discussion(d)
    sides = dyn.polarization.sides(d)
    assert sides.leaning is None
    for name in ("polarization_index", "bimodality"):
        assert name in measure_specs()
        row = _run(name, key, sides, 0).iloc[0]
        assert math.isnan(row["value"])
        assert row["reason"] == "no leaning: the sides found are not two (the graph has no edges)"
