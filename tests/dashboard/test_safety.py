"""Comment text is attacker-controlled: planted HTML must show as literal text and never run."""

from __future__ import annotations

from urllib.parse import quote

import polars as pl
import pytest
from selenium.common.exceptions import NoAlertPresentException

import dynamics as dyn
from dashboard import create_app
from dashboard.ids import ID

pytestmark = [
    pytest.mark.usefixtures("browser_ready"),
    # dash[testing] pins selenium 4.2, whose HTTP client calls a deprecated urllib3 1.26 method
    pytest.mark.filterwarnings(
        r"ignore:HTTPResponse.getheader\(\) is deprecated:DeprecationWarning"
    ),
]

SCRIPT = "<script>window.__xss = 'script'; alert('xss')</script>"
IMG = "<img src=x onerror=\"window.__xss = 'img'; alert('xss')\">"
EVIL_AUTHOR = "<b onmouseover=alert(1)>mallory</b>"


@pytest.fixture
def hostile_app():
    """A thread whose escalating chain carries script and onerror payloads."""
    frame = pl.DataFrame(
        {
            "id": ["1", "2", "3", "4", "5"],
            "parent": [None, "1", "2", "3", None],
            "user": ["alice", EVIL_AUTHOR, "alice", EVIL_AUTHOR, "carol"],
            "body": ["calm start", SCRIPT, IMG, f"you idiot {SCRIPT}", "unrelated"],
            "time": [f"2024-01-01T10:0{i}:00" for i in range(5)],
            "toxicity": [0.1, 0.6, 0.8, 0.95, 0.0],
        }
    )
    return create_app(dyn.load(frame), label="hostile")


def _no_execution(dash_duo) -> None:
    with pytest.raises(NoAlertPresentException):
        dash_duo.driver.switch_to.alert.text  # noqa: B018 - raises when no alert is open
    assert dash_duo.driver.execute_script("return window.__xss === undefined")
    assert dash_duo.find_elements("img[src='x']") == []
    assert dash_duo.get_logs() == []


def test_episode_comments_render_as_text(dash_duo, hostile_app, click_until) -> None:
    dash_duo.start_server(hostile_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/escalation")
    dash_duo.wait_for_contains_text(f"#{ID.ESC_EPISODES}", "chain", timeout=60)
    row = f"#{ID.ESC_EPISODES} tr.clickable td"
    click_until(dash_duo, row, f"#{ID.ESC_EPISODE_VIEW}", "<script>", timeout=30)
    shown = dash_duo.find_element(f"#{ID.ESC_EPISODE_VIEW}").text
    assert SCRIPT in shown
    assert IMG in shown
    assert EVIL_AUTHOR in shown
    _no_execution(dash_duo)


def test_user_page_renders_names_and_texts_as_text(dash_duo, hostile_app) -> None:
    dash_duo.start_server(hostile_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/user?author={quote(EVIL_AUTHOR)}")
    dash_duo.wait_for_contains_text(f"#{ID.USER_BODY}", "Their comments", timeout=30)
    body = dash_duo.find_element(f"#{ID.USER_BODY}").text
    assert SCRIPT in body
    dash_duo.wait_for_contains_text(".page", EVIL_AUTHOR, timeout=30)  # the picker shows it
    _no_execution(dash_duo)


def test_graph_labels_render_names_as_text(dash_duo, hostile_app) -> None:
    dash_duo.start_server(hostile_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/graph")
    dash_duo.wait_for_contains_text(f"#{ID.GRAPH_NOTE}", "Every user is named", timeout=30)
    labels = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('g.textpoint text')].map((t) => t.textContent);"
    )
    assert "alice" in labels
    # the planted markup is shown literally (shortened to 24 characters), not as bold text
    assert EVIL_AUTHOR[:23] + "…" in labels
    assert dash_duo.find_elements("g.textpoint tspan[style*='bold']") == []
    _no_execution(dash_duo)


def test_plain_tables_render_markup_as_text(dash_duo, hostile_app) -> None:
    """A table without clickable rows is escaped HTML in one component
    (``components.text_table``): the planted markup shows in its cells as text."""
    dash_duo.start_server(hostile_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/user?author=alice")
    dash_duo.wait_for_contains_text(f"#{ID.USER_BODY}", "Their comments", timeout=30)
    cells = [td.text for td in dash_duo.find_elements(f"#{ID.USER_BODY} table.data-table td")]
    assert IMG in cells
    assert "calm start" in cells
    _no_execution(dash_duo)


#: JSX expressions: dcc.Markdown's HTML goes through a JSX parser, where {...} is code.
JSX_SUM = "{1+1}"
JSX_CALL = "{constructor.constructor(alert.name+(1).constructor.name)()}"
JSX_AUTHOR = "{7*6} } {"


def test_tables_show_jsx_braces_as_text(dash_duo, click_until) -> None:
    """Braces in a table cell or a row's id are text, never a JSX expression: {1+1} shows
    as itself (not 2), a lone brace does not break the table, and nothing runs."""
    frame = pl.DataFrame(
        {
            "id": ["{1}", "{2}", "{3}", "{4}"],
            "parent": [None, "{1}", "{2}", "{3}"],
            "user": ["alice", JSX_AUTHOR, "alice", JSX_AUTHOR],
            "body": ["calm start", JSX_SUM, f"you idiot {JSX_CALL}", "a } b { c"],
            "time": [f"2024-01-01T10:0{i}:00" for i in range(4)],
            "toxicity": [0.1, 0.6, 0.8, 0.95],
        }
    )
    dash_duo.start_server(create_app(dyn.load(frame), label="braces"))
    dash_duo.wait_for_page(f"{dash_duo.server_url}/user?author={quote(JSX_AUTHOR)}")
    dash_duo.wait_for_contains_text(f"#{ID.USER_BODY}", "Their comments", timeout=30)
    cells = [td.text for td in dash_duo.find_elements(f"#{ID.USER_BODY} table.data-table td")]
    assert JSX_SUM in cells
    assert "a } b { c" in cells
    # a clickable table: the episodes, whose ids carry the comments' braces
    dash_duo.wait_for_page(f"{dash_duo.server_url}/escalation")
    dash_duo.wait_for_contains_text(f"#{ID.ESC_EPISODES}", "chain", timeout=60)
    rows = dash_duo.find_elements(f"#{ID.ESC_EPISODES} tr.clickable")
    assert any("{" in (r.get_attribute("data-row") or "") for r in rows)
    assert JSX_AUTHOR in dash_duo.find_element(f"#{ID.ESC_EPISODES}").text
    # and the row opens its episode: the id came back from the browser as it was sent
    row = f"#{ID.ESC_EPISODES} tr.clickable td"
    click_until(dash_duo, row, f"#{ID.ESC_EPISODE_VIEW}", "turns", timeout=60)
    assert JSX_CALL in dash_duo.find_element(f"#{ID.ESC_EPISODE_VIEW}").text
    _no_execution(dash_duo)
