"""The Scorer protocol, the callable wrapper and the scorer registry."""

from __future__ import annotations

import numpy as np
import pytest

import dynamics.text as dt
from dynamics.text import base


@pytest.fixture(autouse=True)
def _clean_registry():
    """Each test starts from the registry as it was, and leaves it so."""
    saved = dict(base._REGISTRY)
    yield
    base._REGISTRY.clear()
    base._REGISTRY.update(saved)


def n_chars(texts):
    return [len(t) for t in texts]


def test_builtin_scorers_satisfy_the_protocol():
    for name in ("sentiment", "stance"):
        scorer = dt.get_scorer(name)
        assert isinstance(scorer, dt.Scorer)
        assert scorer.name == name
        out = scorer.score(["I agree, great!", ""])
        assert set(out) == set(scorer.columns)
        assert all(len(v) == 2 for v in out.values())


def test_objects_without_score_are_not_scorers():
    class Half:
        name, version, columns = "half", "1", ("half",)

    assert not isinstance(Half(), dt.Scorer)


def test_callable_is_wrapped_with_name_column_and_code_version():
    s = dt.as_scorer(n_chars)
    assert isinstance(s, dt.Scorer)
    assert (s.name, s.columns) == ("n_chars", ("n_chars",))
    assert s.score(["ab", ""])["n_chars"].tolist() == [2, 0]
    assert s.version.startswith("code-")

    def n_chars_doubled(texts):
        return [2 * len(t) for t in texts]

    # a different body gives a different version, so cached scores are not reused
    assert dt.as_scorer(n_chars_doubled).version != s.version
    assert dt.as_scorer(n_chars).version == s.version  # and it is stable


def test_callable_version_attribute_wins():
    def scored(texts):
        return np.zeros(len(texts))

    scored.version = "2024-06"
    assert dt.as_scorer(scored).version == "2024-06"
    assert dt.CallableScorer(scored, name="zero", version="7").version == "7"
    assert dt.CallableScorer(scored, name="zero").columns == ("zero",)


def test_callable_object_gets_a_version():
    class Counter:
        def __call__(self, texts):
            return [1] * len(texts)

    s = dt.as_scorer(Counter())
    assert s.name == "Counter"
    assert s.version.startswith("code-")


def test_scorer_class_is_instantiated():
    s = dt.as_scorer(dt.StanceScorer)
    assert isinstance(s, dt.StanceScorer)


def test_register_and_get():
    dt.register(n_chars)
    assert "n_chars" in dt.available_scorers()
    assert dt.get_scorer("n_chars").score(["abc"])["n_chars"].tolist() == [3]


def test_register_refuses_a_taken_name_unless_replace():
    dt.register(n_chars)
    with pytest.raises(ValueError, match="already registered"):
        dt.register(n_chars)
    with pytest.raises(ValueError, match="already registered"):
        dt.register(dt.CallableScorer(n_chars, name="sentiment"))
    dt.register(dt.CallableScorer(n_chars, name="sentiment"), replace=True)
    assert dt.get_scorer("sentiment").score(["abcd"])["sentiment"].tolist() == [4]


def test_available_lists_the_builtins():
    assert {"toxicity", "sentiment", "stance"} <= set(dt.available_scorers())


def test_unknown_name_lists_what_exists():
    with pytest.raises(ValueError, match=r"unknown scorer 'nope'.*sentiment"):
        dt.get_scorer("nope")


def test_missing_builtin_module_raises_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(base._BUILTINS, "ghost", ("dynamics.text.no_such_module", "Ghost"))
    with pytest.raises(ImportError, match=r"built-in scorer 'ghost' is not available.*no_such"):
        dt.get_scorer("ghost")


def test_non_scorers_are_refused():
    with pytest.raises(TypeError, match="must be a registered name"):
        dt.as_scorer(42)


def test_check_output_catches_bad_scorers():
    s = dt.as_scorer(n_chars)
    with pytest.raises(ValueError, match="one value per text"):
        base.check_output(s, {"n_chars": [1, 2]}, 3)
    with pytest.raises(ValueError, match="no column 'n_chars'"):
        base.check_output(s, {"other": [1]}, 1)
    with pytest.raises(TypeError, match="must return a dict"):
        base.check_output(s, [1], 1)
