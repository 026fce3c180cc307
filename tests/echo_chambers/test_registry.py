"""The echo-chamber measures in the metric kernel's registry, and what the driver promises."""

from __future__ import annotations

import inspect

import networkx as nx
import pytest

import dynamics as dyn
from dynamics._kernel import DEFAULTS, SETTINGS, SIDE_NULLS, measures

SPECS = measures("echo_chambers")
SIDES = {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}
LEANING = {"a": -1.0, "b": -0.5, "c": -0.2, "d": 0.3, "e": 0.6, "f": 1.0}


def _graph() -> nx.DiGraph:
    edges = [("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("c", "d")]
    edges += [("d", "e"), ("e", "f"), ("f", "d"), ("e", "d"), ("a", "f")]
    return nx.DiGraph(edges)


def test_every_measure_of_the_package_is_registered_once() -> None:
    public = {
        name
        for name in dyn.echo_chambers.__all__
        if inspect.isfunction(getattr(dyn.echo_chambers, name))
    }
    names = [spec.name for spec in SPECS]
    assert sorted(names) == sorted(public)
    assert all(spec.key == f"echo_chambers.{spec.name}" for spec in SPECS)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_spec_states_needs_nulls_and_settings(spec) -> None:
    assert spec.needs == {"sides", "leaning"}
    assert spec.nulls == SIDE_NULLS
    assert spec.takes == set(SETTINGS)
    assert spec.alternative in {"greater", "less"}
    params = inspect.signature(spec.func).parameters
    for key in SETTINGS:
        assert params[key].default == DEFAULTS[key], key
    assert params["weight"].default is None


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
@pytest.mark.parametrize("given", ["sides", "leaning"])
def test_result_follows_the_spec(spec, given: str) -> None:
    kwargs = {"sides": SIDES} if given == "sides" else {"leaning": LEANING}
    r = spec.func(_graph(), **kwargs, n_null=9, seed=1)
    assert isinstance(r, spec.result)
    assert set(r.tables) <= set(spec.tables)
    keys = list(r.params)
    assert keys[0] == "input"
    assert r.params["input"] == given
    assert keys[-5:] == ["null", "n_null", "n_boot", "ci", "seed"]
    assert r.params["null"] == "label-shuffle"
    assert r.params["n_null"] == 9
    # the options between input and the settings are the measure's own, in signature order
    own = [k for k in inspect.signature(spec.func).parameters if k in keys[1:-5]]
    assert keys[1:-5] == own
    if r.reason is None:
        assert r.p_value is not None
        assert 0 < r.p_value <= 1


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_input_errors_come_from_the_driver(spec) -> None:
    with pytest.raises(ValueError, match="exactly one of 'leaning' and 'sides'"):
        spec.func(_graph())
    with pytest.raises(ValueError, match="The 'null' parameter of " + spec.name):
        spec.func(_graph(), sides=SIDES, null="shuffle")
    with pytest.raises(ValueError, match="n_boot"):
        spec.func(_graph(), sides=SIDES, n_boot=5)
