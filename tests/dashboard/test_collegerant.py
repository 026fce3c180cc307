"""Overview and Graph in headless Chromium on real Reddit data: r/CollegeRant (22,825 comments).

The shared data is read in place (``../shared/data``); the tests skip when it is absent.
Screenshots go to $DYNAMICS_SCREENSHOTS (docs/screenshots) or a temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dash.testing.wait import until

from dashboard import create_app
from dashboard.figures.graph import LABEL_LIMIT
from dashboard.ids import ID

COLLEGERANT = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "reddit-college"
    / "CollegeRant-pushshift.ndjson"
)

pytestmark = [
    pytest.mark.usefixtures("browser_ready"),
    pytest.mark.skipif(not COLLEGERANT.exists(), reason=f"needs {COLLEGERANT}"),
    # dash[testing] pins selenium 4.2, whose HTTP client calls a deprecated urllib3 1.26 method
    pytest.mark.filterwarnings(
        r"ignore:HTTPResponse.getheader\(\) is deprecated:DeprecationWarning"
    ),
    # the dump has deleted authors and self-replies: the app reports them, pytest must not fail
    pytest.mark.filterwarnings("ignore::dynamics.errors.DataQualityWarning"),
]

TIMEOUT = 60


@pytest.fixture(scope="module")
def app():
    """One app on r/CollegeRant, scored like any dataset the app opens."""
    return create_app(COLLEGERANT)


def _graph_sel(name: str) -> str:
    return f'[id*=\'"name":"{name}"\'][id*=\'"type":"figure"\']'


def _labels(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "return [...document.querySelector(arguments[0]).querySelectorAll('g.textpoint text')]"
        ".map((t) => t.textContent);",
        _graph_sel("user_graph"),
    )


def _n_users(dash_duo) -> int:
    return int(dash_duo.find_element(f"#{ID.GRAPH_NOTE}").text.split()[0].replace(",", ""))


def _shot(dash_duo, directory: Path, name: str) -> None:
    until(
        lambda: dash_duo.driver.execute_script(
            'return [...document.querySelectorAll(`[id*=\'"type":"figure"\']`)]'
            ".every((f) => f.querySelector('.main-svg'));"
        ),
        timeout=TIMEOUT,
    )
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.save_screenshot(str(directory / f"{name}.png"))


def test_overview_shows_activity_over_time(dash_duo, app, screenshot_dir) -> None:
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text(f"#{ID.OVERVIEW_CARDS}", "22,825", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(_graph_sel("activity"), "Activity over time", timeout=TIMEOUT)
    assert "2018-12-01 to 2021-12-18" in dash_duo.find_element(f"#{ID.OVERVIEW_CARDS}").text
    assert dash_duo.find_elements(_graph_sel("largest_thread")) == []
    _shot(dash_duo, screenshot_dir, "overview_collegerant")
    assert dash_duo.get_logs() == []


def test_graph_labels_a_thread_small_enough_to_read(dash_duo, app, screenshot_dir) -> None:
    dash_duo.start_server(app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/graph")
    dash_duo.wait_for_contains_text(f"#{ID.GRAPH_NOTE}", "users and", timeout=TIMEOUT)
    whole = dash_duo.find_element(f"#{ID.GRAPH_NOTE}").text
    assert _n_users(dash_duo) > LABEL_LIMIT
    _shot(dash_duo, screenshot_dir, "graph_collegerant")
    assert _labels(dash_duo) == []  # thousands of users: names on hover only
    # one thread (the largest): few enough users to carry their names
    dash_duo.select_dcc_dropdown(f"#{ID.GRAPH_THREADS}", index=0)
    until(lambda: dash_duo.find_element(f"#{ID.GRAPH_NOTE}").text != whole, timeout=TIMEOUT)
    n_users = _n_users(dash_duo)
    assert 0 < n_users <= LABEL_LIMIT
    assert "laid out on their own" in dash_duo.find_element(f"#{ID.GRAPH_NOTE}").text
    until(lambda: len(_labels(dash_duo)) == n_users, timeout=TIMEOUT)
    dash_duo.find_element("h2").click()  # close the thread picker
    _shot(dash_duo, screenshot_dir, "graph_collegerant_thread")
    assert dash_duo.get_logs() == []
