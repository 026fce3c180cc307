"""MetricResult: plain floats, JSON-ready dicts, tidy frames and detail tables."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest

from dynamics._results import MetricResult, jsonable


def test_numbers_become_plain_floats() -> None:
    r = MetricResult("m", np.float32(0.5), ci=(np.float64(0.1), 1), z=np.int64(2), p_value=0.01)
    assert type(r.value) is float
    assert all(type(x) is float for x in r.ci)
    assert (type(r.z), r.z) == (float, 2.0)


def test_undefined_value_keeps_its_reason() -> None:
    r = MetricResult("m", None, reason="only one side has nodes")
    assert math.isnan(r.value)
    assert not r.defined
    assert "only one side" in repr(r)
    assert r.to_dict()["value"] is None  # NaN is not JSON


def test_to_dict_is_json_and_keeps_params() -> None:
    r = MetricResult("ei_index", 0.25, ci=(0.1, 0.4), params={"seed": 0, "pair": ("a", "b")})
    data = json.loads(json.dumps(r.to_dict()))
    assert data == {
        "name": "ei_index",
        "value": 0.25,
        "ci": [0.1, 0.4],
        "z": None,
        "p_value": None,
        "null_mean": None,
        "null_sd": None,
        "excess": None,
        "reason": None,
        "warnings": [],
        "params": {"seed": 0, "pair": ["a", "b"]},
    }


def test_warnings_reach_dict_frame_and_repr() -> None:
    said = ("side 'L' has 2 users, under the minimum of 10", "the sides share no edge")
    r = MetricResult("rwc", -1.0, warnings=list(said))
    assert r.warnings == said  # stored as a tuple whatever was passed
    assert json.loads(json.dumps(r.to_dict()))["warnings"] == list(said)
    assert r.to_frame().loc[0, "warnings"] == "; ".join(said)
    assert "2 warnings" in repr(r)
    plain = MetricResult("rwc", 0.5)
    assert plain.warnings == ()
    assert plain.to_frame().loc[0, "warnings"] == ""
    assert "warning" not in repr(plain)


def test_to_frame_is_one_tidy_row() -> None:
    r = MetricResult("m", 1.0, ci=(0.5, 1.5), params={"k": 10})
    frame = r.to_frame()
    assert frame.shape[0] == 1
    assert frame.loc[0, "metric"] == "m"
    assert (frame.loc[0, "ci_low"], frame.loc[0, "ci_high"]) == (0.5, 1.5)
    assert frame.loc[0, "param_k"] == 10
    assert math.isnan(frame.loc[0, "p_value"])


@dataclass(frozen=True, repr=False)
class _Counted(MetricResult):
    n_users: int = 0


def test_subclass_scalars_reach_dict_and_frame() -> None:
    r = _Counted("m", 0.5, n_users=7)
    assert r.to_dict()["n_users"] == 7
    assert r.to_frame().loc[0, "n_users"] == 7


def test_tables_by_name() -> None:
    table = pl.DataFrame({"author": ["a", "b"], "x": [1, 2]})
    r = MetricResult("m", 1.0, tables={"per_user": table})
    assert r.table("per_user")["author"].tolist() == ["a", "b"]
    assert r.table("per_user", backend="polars").equals(table)
    with pytest.raises(KeyError, match="per_user"):
        r.table("per_thread")


def test_results_are_frozen() -> None:
    r = MetricResult("m", 1.0)
    with pytest.raises(AttributeError):
        r.value = 2.0  # type: ignore[misc]


def test_jsonable_handles_numpy_nan_and_nesting() -> None:
    assert jsonable({"a": (np.int64(1), float("inf")), 2: {np.float64(0.5)}}) == {
        "a": [1, None],
        "2": [0.5],
    }


def test_every_table_the_library_hands_out_is_pandas_or_polars_on_request() -> None:
    """MetricResult, IngestReport, Sides, a reply forest, a threshold sweep and signal draws:
    ``to_frame()`` gives pandas, ``backend="polars"`` the same rows in polars, and a wrong
    name is an error."""
    from pathlib import Path

    import pandas as pd

    import dynamics as dyn
    from dynamics.uncertainty import signal_uncertainty, threshold_sensitivity

    thread = Path(dyn.__file__).parent / "data" / "southfront-idlib-thread.txt"
    with pytest.warns(dyn.errors.DataQualityWarning):
        d = dyn.load(thread, infer_replies="adjacent")
    d = d.annotate(progress=False)
    r = dyn.polarization.ei_index(d, sides=dyn.polarization.sides(d, seed=0))
    made = {
        "result": r,
        "report": d.report,
        "sides": dyn.polarization.sides(d, seed=0),
        "forest": d.forest(d.threads["thread_id"][0]),
        "sweep": threshold_sensitivity(d, "escalation.derailment", thresholds=[0.4, 0.6]),
        "draws": signal_uncertainty(d, "escalation.derailment", n_draws=3, signals="toxicity"),
    }
    for name, obj in made.items():
        pandas_frame, polars_frame = obj.to_frame(), obj.to_frame(backend="polars")
        assert isinstance(pandas_frame, pd.DataFrame), name
        assert isinstance(polars_frame, pl.DataFrame), name
        assert list(pandas_frame.columns) == polars_frame.columns, name
        assert len(pandas_frame) == polars_frame.height > 0, name
        with pytest.raises(ValueError, match="backend must be 'pandas' or 'polars'"):
            obj.to_frame(backend="pd")
    with pytest.raises(ValueError, match="got 'pd'"):
        r.table(next(iter(r.tables)), backend="pd")
