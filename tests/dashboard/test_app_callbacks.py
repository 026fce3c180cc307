"""Every app gets its callbacks through Dash's public ``app.callback`` API."""

from __future__ import annotations

from dash import _callback

from dashboard import create_app


def test_each_app_gets_its_own_callbacks() -> None:
    """Two apps in one process both answer every callback; Dash's global list stays empty."""
    first, second = create_app(score=False), create_app(score=False)
    assert len(first.callback_map) >= 20
    assert set(first.callback_map) == set(second.callback_map)
    assert not _callback.GLOBAL_CALLBACK_LIST  # nothing registered or patched globally


def test_escalation_card_details_join_with_semicolons() -> None:
    """A card's detail lists null mean, interval and p-value once each, separated by "; "."""
    from dashboard.callbacks.escalation import _card
    from dynamics._results import MetricResult

    r = MetricResult("contagion", 2.083, ci=(1.5, 2.5), p_value=0.025)
    detail = _card("contagion", r, "null mean 0.901").children[2].children
    assert detail == (
        "null mean 0.901; CI [1.500, 2.500]; "
        "p = 0.025 (one-sided, higher: null draws at or above the value)"
    )
    plain = MetricResult("derailment", 0.5)
    assert _card("derailed", plain).children[2] is None  # nothing to say: no detail line
