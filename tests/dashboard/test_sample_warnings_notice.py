"""The Polarization and Echo chambers pages say when a number rests on a thin sample."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pandas as pd
import pytest
from dash import no_update

import dynamics as dyn
from dashboard import cache
from dashboard.callbacks import echo_chambers as echo_page
from dashboard.callbacks import polarization as pol_page
from dynamics.errors import DataQualityWarning

SEED_THREAD = (
    Path(__file__).resolve().parents[2] / "dynamics" / "data" / "southfront-idlib-thread.txt"
)


@pytest.fixture(scope="module")
def thread_key() -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        d = dyn.load(SEED_THREAD, infer_replies="adjacent")
    return cache.put_discussion(d, persist=False)


def _quiet(_progress: tuple[str, str, str]) -> None:
    """``set_progress`` of a background callback called directly (progress not looked at)."""


def _notice_lines(children: list) -> list[str]:
    found = [c for c in children if c is not None and "sample-warnings" in c.className]
    assert len(found) == 1
    items = found[0].children[1].children
    return [li.children for li in items]


def test_helper_says_each_warning_once_with_its_measures() -> None:
    class FakeSides:  # only the details the helper reads
        def __init__(self) -> None:
            self.details = {"coverage": {"warnings": ("the sides share no edge: x",)}}

    table = pd.DataFrame(
        {
            "metric": ["ei_index", "modularity", "frustration"],
            "warnings": ["the sides share no edge: x; no bootstrap interval: y", "", None],
        }
    )
    assert pol_page.sample_warnings(FakeSides(), table) == [
        "the sides share no edge: x (sides, ei_index)",
        "no bootstrap interval: y (ei_index)",
    ]
    assert pol_page.sample_warnings(None, table.iloc[1:]) == []


def test_polarization_page_warns_on_the_bundled_thread(thread_key: str) -> None:
    children = pol_page.render_null(_quiet, {"key": thread_key}, "leiden", 0, 20)
    lines = _notice_lines(children)
    assert any(line.startswith("sides under the minimum of 10 users") for line in lines)
    boot = [line for line in lines if line.startswith("no bootstrap interval: 1 thread")]
    assert len(boot) == 1
    assert "ei_index" in boot[0]
    table = pol_page.measures_table(thread_key, "leiden", 0, 20)
    ei = table.set_index("metric").loc["ei_index"]
    assert pd.isna(ei["ci_low"])  # no degenerate [-1, -1]
    assert pd.isna(ei["ci_high"])


def test_echo_page_warns_on_the_bundled_thread(thread_key: str) -> None:
    children = echo_page.render({"key": thread_key}, "leiden", 0, 0)
    lines = _notice_lines(children)
    assert any(line.startswith("sides under the minimum of 10 users") for line in lines)
    res = echo_page.echo_results(thread_key, "leiden", 0, 0)
    # every measure's warnings, each said once, with the measures it concerns
    said = {w for r in res.values() for w in r.warnings}
    assert {line.rsplit(" (", 1)[0] for line in lines} == said


def test_echo_page_shows_estimates_before_the_null(thread_key: str) -> None:
    """The Echo chambers page, as the Polarization page: point estimates at once, then every
    measure with its null model, p-value and bootstrap interval from a background job."""
    first = echo_page.render({"key": thread_key}, "leiden-two", 2, 25)
    assert "are being computed" in str(first[0].children)
    assert not echo_page.results_ready(thread_key, "leiden-two", 2, 25)
    shown: list[tuple[str, str, str]] = []
    done = echo_page.render_null(shown.append, {"key": thread_key}, "leiden-two", 2, 25)
    assert done[0] is None  # no pending notice
    assert shown[-1][2].endswith("done")
    assert [total for _, total, _ in shown] == [str(len(shown) - 1)] * len(shown)
    cache.results.clear()  # what the job stored is read back
    assert echo_page.results_ready(thread_key, "leiden-two", 2, 25)
    full = echo_page.echo_results(thread_key, "leiden-two", 2, 25)
    point = echo_page.echo_results(thread_key, "leiden-two", 2, 0)
    assert set(full) == set(point) == {m.name for m in dyn.measures("echo_chambers")}
    for name, r in full.items():
        assert r.value == point[name].value or (math.isnan(r.value) and not point[name].defined)
        assert r.p_value is not None, name
        assert point[name].p_value is None, name
        assert r.params["n_null"] == 25, name
    # the sides were found in the graph: every null re-finds them, the leaning measures too
    assert {r.params["null"] for r in full.values()} == {"rewire-refit"}
    again = echo_page.render({"key": thread_key}, "leiden-two", 2, 25)
    assert again[0] is None
    text = str(again)
    assert "null mean" in text  # on the cards, with their p-values
    # the side search's own spread: the values on the sides of seeds 2 to 6, as the report
    # gives them (the bootstrap holds the sides fixed); the spectral split has none
    from dashboard.estimates_table import side_seed_values

    spreads = side_seed_values(thread_key, "echo", "leiden-two", 2, lambda s: {})
    assert set(spreads) == set(full)  # what the page computed (the lambda is not called)
    for name, values in spreads.items():
        direct = [echo_page.echo_results(thread_key, "leiden-two", s, 0)[name].value
                  for s in range(2, 7)]  # fmt: skip
        assert values == pytest.approx(direct, nan_ok=True), name
    assert "side seeds 2-6: " in text
    assert side_seed_values(thread_key, "echo", "signed", 2, lambda s: {}) is None
    assert "Bootstrap resamples" not in text  # the controls are the page's, not the body's


def test_a_seed_that_is_no_whole_number_computes_nothing(thread_key: str) -> None:
    """The seed box gives None for -1 or 2.5 (it has min=0 and step=1): the pages said
    nothing and computed seed 0; they now say the seed is wrong and compute nothing."""
    from dashboard.components import SEED_ERROR

    assert SEED_ERROR in str(echo_page.render({"key": thread_key}, "leiden", None, 25))
    cards, estimates = pol_page.render({"key": thread_key}, "leiden", None, 25)
    assert SEED_ERROR in str(cards)
    assert estimates == []
    assert pol_page.render_null(_quiet, {"key": thread_key}, "leiden", 2.5, 25) is no_update


def test_echo_page_numbers_are_the_library_numbers(thread_key: str) -> None:
    """Each card is the measure called on the page's sides with the page's seed: the leaning
    measures of the spectral split read its continuous leaning, which has no null (a shuffle
    of a leaning fitted to the graph would be beaten by construction): no p-value, and the
    card and the warnings say why."""
    d = cache.get_discussion(thread_key).annotate(progress=False)
    key = cache.put_discussion(d, persist=False)
    sides = dyn.polarization.sides(d, method="signed", seed=1)
    res = echo_page.echo_results(key, "signed", 1, 20)
    direct = dyn.echo_chambers.neighbour_leaning(
        d, leaning=sides.leaning, bins=21, n_null=20, n_boot=20, seed=1
    )
    assert res["neighbour_leaning"].value == direct.value
    assert res["neighbour_leaning"].p_value is direct.p_value is None
    assert res["neighbour_leaning"].params["null"] is None
    assert any(w.startswith("no null model: this leaning was found") for w in direct.warnings)
    assert "no null model (the warnings say why)" in str(
        echo_page.render({"key": key}, "signed", 1, 20)
    )
    ins = dyn.echo_chambers.insularity(d, sides=sides, n_null=20, n_boot=20, seed=1)
    assert res["insularity"].p_value == ins.p_value
    assert res["insularity"].params["null"] == "rewire-refit"


def test_escalation_page_warns_on_the_bundled_thread(thread_key: str) -> None:
    from dashboard.callbacks import escalation as esc_page

    scored = cache.put_discussion(cache.get_discussion(thread_key).annotate(), persist=False)
    body, _ = esc_page.render({"key": scored}, 0.5, 3)
    lines = _notice_lines(body)
    assert "only 1 thread, under the minimum of 10 (contagion, toxicity_by_depth, derailment)" in (
        lines
    )
    assert any(line.startswith("no bootstrap interval: 1 thread") for line in lines)


def test_polarization_page_shows_estimates_before_the_null(thread_key: str) -> None:
    """Point estimates at once with a note; the null and intervals replace them when done."""
    _cards, first = pol_page.render({"key": thread_key}, "multilevel", 0, 30)
    texts = [getattr(c, "children", "") for c in first]
    assert any("are being computed" in str(t) for t in texts)
    assert not pol_page.measures_ready(thread_key, "multilevel", 0, 30)
    shown: list[tuple[str, str, str]] = []
    done = pol_page.render_null(shown.append, {"key": thread_key}, "multilevel", 0, 30)
    assert not any("are being computed" in str(getattr(c, "children", "")) for c in done)
    assert pol_page.measures_ready(thread_key, "multilevel", 0, 30)
    # the job said which measure it was on, from 0 of 8 to 8 of 8
    names = list(pol_page.measure_specs())
    assert [(value, total) for value, total, _ in shown] == [
        (str(i), str(len(names))) for i in range(len(names) + 1)
    ]
    assert f"0 of {len(names)} measures" in shown[0][2]
    assert f"computing {names[0]}" in shown[0][2]
    assert shown[-1][2].endswith("done")
    # each finished measure is stored for the app's process, which reads it from there
    cache.results.clear()
    assert pol_page.measures_ready(thread_key, "multilevel", 0, 30)
    full = pol_page.measures_table(thread_key, "multilevel", 0, 30).set_index("metric")
    point = pol_page.measures_table(thread_key, "multilevel", 0, 0).set_index("metric")
    assert full["null_mean"].notna().any()  # the null filled in
    assert "null_mean" not in point.columns or point["null_mean"].isna().all()
    pd.testing.assert_series_equal(full["value"], point["value"])  # same point estimates
    # once computed, the first callback shows everything (nothing to wait for)
    _, again = pol_page.render({"key": thread_key}, "multilevel", 0, 30)
    assert not any("are being computed" in str(getattr(c, "children", "")) for c in again)
    assert (
        pol_page.render_null(_quiet, {"key": thread_key}, "multilevel", 0, 0) is pol_page.no_update
    )
