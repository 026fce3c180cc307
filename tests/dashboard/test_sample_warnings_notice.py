"""The Polarization and Echo chambers pages say when a number rests on a thin sample."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

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
    children = echo_page.render({"key": thread_key}, "leiden")
    lines = _notice_lines(children)
    assert any(line.startswith("sides under the minimum of 10 users") for line in lines)
    res = echo_page._results(thread_key, "leiden")
    assert echo_page.sample_warnings(res) == lines


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
