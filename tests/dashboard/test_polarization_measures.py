"""The Polarization page's measures on data without two sides (dashboard.callbacks.polarization)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

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


def test_the_report_sides_give_the_report_numbers() -> None:
    """'Leiden, the two largest communities' with a seed gives what dynamics analyze gives
    with that --seed (its sides, and the measures seeded alike: RWC's walks too)."""
    from dashboard.callbacks.polarization import measures_table
    from dashboard.estimates_table import tails
    from dashboard.sides_options import SIDE_METHODS
    from dynamics.errors import DataQualityWarning

    seed_thread = Path(dyn.__file__).parent / "data" / "southfront-idlib-thread.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        d = dyn.load(seed_thread, infer_replies="adjacent")
    key = cache.put_discussion(d)
    assert SIDE_METHODS["leiden-two"][1] == {"method": "leiden", "n_sides": 2, "others": "drop"}
    table = measures_table(key, "leiden-two", 3, 0).set_index("metric")
    report_sides = dyn.polarization.sides(d, method="leiden", n_sides=2, seed=3)
    for name in ("ei_index", "modularity", "random_walk_controversy"):
        direct = getattr(dyn.polarization, name)(d, sides=report_sides, seed=3)
        assert table.loc[name, "value"] == direct.value, name
    # the one-sided tests say their direction
    frame = pl.DataFrame({"metric": ["ei_index", "modularity"], "p_value": [0.5, 0.5]})
    assert tails(frame.to_pandas(), measure_specs()).tolist() == ["lower", "higher"]


def test_a_measure_without_a_null_says_so_when_nulls_are_asked() -> None:
    """The leaning measures take no null model: their empty z and p cells get the report's
    reason instead of staying blank."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = dyn.load(
            Path(dyn.__file__).parent / "data" / "southfront-idlib-thread.txt",
            infer_replies="adjacent",
        )
    key = cache.put_discussion(d)
    sides = dyn.polarization.sides(d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        row = _run("bimodality", key, sides, 10).iloc[0]
    assert row["reason"] == "no null model applies to this measure"
    assert math.isnan(row["p_value"]) or row["p_value"] is None
