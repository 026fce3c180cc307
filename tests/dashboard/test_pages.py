"""Every page in headless Chromium (dash_duo) on the bundled real thread.

Each test: the page renders with data, one interaction, ``dash_duo.get_logs() == []``.
Screenshots go to $DYNAMICS_SCREENSHOTS (docs/screenshots) or a temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By

from dashboard import create_app
from dashboard.ids import ID
from dashboard.settings import EPISODE_PROMPT

pytestmark = [
    pytest.mark.usefixtures("browser_ready"),
    # dash[testing] pins selenium 4.2, whose HTTP client calls a deprecated urllib3 1.26 method
    pytest.mark.filterwarnings(
        r"ignore:HTTPResponse.getheader\(\) is deprecated:DeprecationWarning"
    ),
]

TIMEOUT = 30
THREAD = Path(__file__).resolve().parents[2] / "dynamics" / "data" / "southfront-idlib-thread.txt"


@pytest.fixture(scope="module")
def app():
    """One app on the bundled thread (the default), shared by the page tests."""
    return create_app()


def _open(dash_duo, app, path: str) -> None:
    dash_duo.start_server(app)
    if path != "/":
        dash_duo.wait_for_page(f"{dash_duo.server_url}{path}")


def _chosen(dash_duo, selector: str, label: str) -> bool:
    """Choose ``label`` in a dcc.Dropdown unless it is chosen already; True once it is.
    A dropdown whose menu does not open yet (a job it starts is still running), or that a
    loading overlay covers for a moment, is tried again by the caller's ``until``."""
    if dash_duo.find_element(selector).text.strip() != label:
        try:
            dash_duo.select_dcc_dropdown(selector, value=label)
        except (NoSuchElementException, ElementClickInterceptedException):
            return False
    return dash_duo.find_element(selector).text.strip() == label


def _text(dash_duo, selector: str) -> str:
    """The text of the element at ``selector``; empty while it is being drawn again (a
    dropdown's menu re-renders as the search narrows it) or is not there yet."""
    try:
        return dash_duo.find_element(selector).text
    except (NoSuchElementException, StaleElementReferenceException):
        return ""


def _choose(dash_duo, selector: str, label: str) -> None:
    """Choose ``label`` in a dcc.Dropdown, trying again while the menu is not ready."""
    until(lambda: _chosen(dash_duo, selector, label), timeout=TIMEOUT)


def _graph_sel(name: str) -> str:
    return f'[id*=\'"name":"{name}"\'][id*=\'"type":"figure"\']'


def _click_point(dash_duo, name: str, customdata: str) -> None:
    """Fire plotly_click on a figure as a click on the point with ``customdata`` would."""
    dash_duo.driver.execute_script(
        "var gd = document.querySelector(arguments[0]).querySelector('.js-plotly-plot');"
        "gd.emit('plotly_click', {points: [{customdata: arguments[1], curveNumber: 0,"
        " pointNumber: 0, pointIndex: 0}]});",
        _graph_sel(name),
        customdata,
    )


def _labels(dash_duo, name: str) -> list[str]:
    """The text labels drawn on a figure's points."""
    return dash_duo.driver.execute_script(
        "return [...document.querySelector(arguments[0]).querySelectorAll('g.textpoint text')]"
        ".map((t) => t.textContent);",
        _graph_sel(name),
    )


_FIGURES_DRAWN = (
    'return [...document.querySelectorAll(`[id*=\'"type":"figure"\']`)]'
    ".every((f) => f.querySelector('.main-svg'));"
)


def _shot(dash_duo, directory, name: str) -> None:
    """Save a screenshot once every figure on the page has been drawn."""
    until(lambda: dash_duo.driver.execute_script(_FIGURES_DRAWN), timeout=TIMEOUT)
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.save_screenshot(str(directory / f"{name}.png"))


def test_overview(dash_duo, app, screenshot_dir) -> None:
    _open(dash_duo, app, "/")
    dash_duo.wait_for_contains_text(f"#{ID.OVERVIEW_CARDS}", "49", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ID.OVERVIEW_BODY}", "empty_text", timeout=TIMEOUT)
    assert "plaintext" in dash_duo.find_element(f"#{ID.OVERVIEW_CARDS}").text
    # no timestamps: the largest thread's reply tree instead of an empty activity chart
    dash_duo.wait_for_contains_text(_graph_sel("largest_thread"), "Reply tree of the largest",
                                    timeout=TIMEOUT)  # fmt: skip
    assert dash_duo.find_elements(_graph_sel("activity")) == []
    # the toxicity score says which model produced it
    assert "toxichat-toxicity" in dash_duo.find_element(f"#{ID.OVERVIEW_CARDS}").text
    _shot(dash_duo, screenshot_dir, "overview")
    # the wide tables scroll inside their cards: the page itself is no wider than the window
    width = "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    page, window = dash_duo.driver.execute_script(width)
    assert page <= window
    assert dash_duo.get_logs() == []


def test_graph_filter_and_click(dash_duo, app, screenshot_dir) -> None:
    _open(dash_duo, app, "/graph")
    dash_duo.wait_for_contains_text(f"#{ID.GRAPH_NOTE}", "users and", timeout=TIMEOUT)
    before = dash_duo.find_element(f"#{ID.GRAPH_NOTE}").text
    n_before = int(before.split()[0].replace(",", ""))
    assert n_before > 5
    # a small graph: every user is labelled with their name, and the legend explains direction
    until(lambda: len(_labels(dash_duo, "user_graph")) == n_before, timeout=TIMEOUT)
    assert "Tudor Miron" in _labels(dash_duo, "user_graph")
    assert "arrowhead: replier → user replied to" in dash_duo.find_element(
        _graph_sel("user_graph")).text  # fmt: skip
    _shot(dash_duo, screenshot_dir, "graph")
    # a filter change updates the figure: minimum degree 2 keeps 3 of the 14 users
    _choose(dash_duo, f"#{ID.GRAPH_MIN_DEGREE}", "2")
    until(lambda: dash_duo.find_element(f"#{ID.GRAPH_NOTE}").text != before, timeout=TIMEOUT)
    n_after = int(dash_duo.find_element(f"#{ID.GRAPH_NOTE}").text.split()[0].replace(",", ""))
    assert n_before == 14
    assert n_after == 3
    # clicking a node opens the user
    _click_point(dash_duo, "user_graph", "Tudor Miron")
    dash_duo.wait_for_contains_text(f"#{ID.USER_BODY}", "toxicity given", timeout=TIMEOUT)
    assert "/user" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_thread_click_shows_chain(dash_duo, app, screenshot_dir) -> None:
    _open(dash_duo, app, "/thread")
    dash_duo.wait_for_contains_text(_graph_sel("reply_tree"), "Reply tree", timeout=TIMEOUT)
    _shot(dash_duo, screenshot_dir, "thread")
    _click_point(dash_duo, "reply_tree", "southfront-idlib-thread#35")
    dash_duo.wait_for_contains_text(f"#{ID.THREAD_COMMENT}", "Tudor Miron", timeout=TIMEOUT)
    blocks = dash_duo.find_elements(f"#{ID.THREAD_COMMENT} .comment")
    assert len(blocks) >= 2  # the comment after the ones it replies to
    assert "#35" in blocks[-1].text
    assert dash_duo.get_logs() == []


def test_user_page(dash_duo, app, screenshot_dir) -> None:
    _open(dash_duo, app, "/user?author=Tudor%20Miron")
    dash_duo.wait_for_contains_text(f"#{ID.USER_BODY}", "toxicity received", timeout=TIMEOUT)
    body = dash_duo.find_element(f"#{ID.USER_BODY}").text
    assert "Their comments" in body
    assert "started no flame-war episode" in body
    _shot(dash_duo, screenshot_dir, "user")
    assert dash_duo.get_logs() == []


def test_user_episodes_follow_the_escalation_parameters(dash_duo, app) -> None:
    """The User page's episodes are found with the Escalation page's last threshold and
    minimum turns (they were always found at 0.5 and 3), and say which."""
    _open(dash_duo, app, "/user?author=Tudor%20Miron")
    # (waited for, not read at once: the body may be drawn again while the page settles)
    dash_duo.wait_for_contains_text(
        f"#{ID.USER_BODY}", "toxicity >= 0.5, windows of 3 turns, as on Escalation", timeout=TIMEOUT
    )
    dash_duo.wait_for_page(f"{dash_duo.server_url}/escalation")
    dash_duo.wait_for_contains_text(f"#{ID.ESC_EPISODES}", "chain", timeout=60)
    _choose(dash_duo, f"#{ID.ESC_THRESHOLD}", "0.3")
    _choose(dash_duo, f"#{ID.ESC_MIN_TURNS}", "2")
    # leave once the choice is kept (a page left before its callbacks answer keeps nothing)
    kept = f"return JSON.parse(window.sessionStorage.getItem('{ID.ESC_SETTINGS}') || 'null')"
    until(
        lambda: dash_duo.driver.execute_script(kept) == {"threshold": 0.3, "min_turns": 2},
        timeout=TIMEOUT,
    )
    dash_duo.wait_for_page(f"{dash_duo.server_url}/user?author=Tudor%20Miron")
    dash_duo.wait_for_contains_text(
        f"#{ID.USER_BODY}", "toxicity >= 0.3, windows of 2 turns, as on Escalation", timeout=TIMEOUT
    )
    assert dash_duo.get_logs() == []


def test_polarization(dash_duo, app, screenshot_dir) -> None:
    _open(dash_duo, app, "/polarization")
    dash_duo.wait_for_contains_text(f"#{ID.POL_BODY}", "users with a side", timeout=60)
    # the null models and intervals fill in after the point estimates, computed by a
    # background job whose progress bar shows while it runs (what it says is checked in
    # test_sample_warnings_notice.py: on this small thread the job may end between polls)
    dash_duo.wait_for_style_to_equal(f"#{ID.POL_PROGRESS}", "display", "block", timeout=60)
    dash_duo.wait_for_contains_text(f"#{ID.POL_ESTIMATES}", "no bootstrap interval", timeout=90)
    dash_duo.wait_for_style_to_equal(f"#{ID.POL_PROGRESS}", "display", "none", timeout=30)
    text = dash_duo.find_element(f"#{ID.POL_BODY}").text
    text += dash_duo.find_element(f"#{ID.POL_ESTIMATES}").text
    assert "being computed" not in text
    assert "ei_index" in text
    assert "modularity" in text
    # 4-odd users with a side in one thread: the page says so instead of quoting [-1, -1]
    assert "Read these numbers with care" in text
    assert "sides under the minimum of 10 users" in text
    assert "no bootstrap interval: 1 thread, under the minimum of 10" in text
    assert "reply edges on a side" in text
    assert "null_mean" in text  # the null beside every number
    assert "excess" in text
    _shot(dash_duo, screenshot_dir, "polarization")
    assert dash_duo.get_logs() == []


def test_polarization_label_draws_fill_in(dash_duo, app) -> None:
    _open(dash_duo, app, "/polarization")
    dash_duo.wait_for_contains_text(f"#{ID.POL_BODY}", "users with a side", timeout=60)
    assert "Choose how many sets to draw" in dash_duo.find_element(f"#{ID.POL_DRAWS_BODY}").text
    _choose(dash_duo, f"#{ID.POL_DRAWS}", "20")
    dash_duo.wait_for_contains_text(
        f"#{ID.POL_DRAWS_BODY}", "On the scores and over drawn labels", timeout=90
    )
    body = dash_duo.find_element(f"#{ID.POL_DRAWS_BODY}").text
    assert "Each of 20 label sets" in body
    for label in ("frustration (signed graph)", "cross-side hostility", "E/I index, agreement"):
        assert label in body
    assert "stance + toxicity" in body  # the signed measures draw both signals
    assert "with the same sides" in body
    assert "calibration" not in body
    # the same draws from the scores calibrated on ToxiChat: the note names the calibration
    _choose(dash_duo, f"#{ID.POL_DRAWS_CALIBRATION}", "the scores calibrated on ToxiChat")
    dash_duo.wait_for_contains_text(
        f"#{ID.POL_DRAWS_BODY}", "first mapped through a calibration", timeout=90
    )
    body = dash_duo.find_element(f"#{ID.POL_DRAWS_BODY}").text
    assert "ToxiChat train+dev" in body
    assert "On the scores and over drawn labels" in body
    assert dash_duo.get_logs() == []


def test_echo_chambers(dash_duo, app, screenshot_dir) -> None:
    _open(dash_duo, app, "/echo-chambers")
    dash_duo.wait_for_contains_text(f"#{ID.ECHO_BODY}", "insularity", timeout=60)
    # the null models and intervals fill in after the point estimates, from a background job
    # (on this small thread it ends within a poll or two: the point estimates first, then
    # the full answer, are checked in test_sample_warnings_notice.py)
    # ("p = " is on a card only once its null is computed)
    dash_duo.wait_for_contains_text(f"#{ID.ECHO_BODY}", "p = ", timeout=90)
    dash_duo.wait_for_style_to_equal(f"#{ID.ECHO_PROGRESS}", "display", "none", timeout=30)
    text = dash_duo.find_element(f"#{ID.ECHO_BODY}").text
    assert "being computed" not in text
    assert "neighbour_leaning" in text
    assert "sides under the minimum of 10 users" in text
    cells = [td.text for td in dash_duo.find_elements(f"#{ID.ECHO_BODY} table td")]
    assert "rewire-refit" in cells  # a null_model cell: the sides found again on null graphs
    # the spectral split's continuous leaning has no null: no p-value, said on the card
    assert "no null model (the warnings say why)" in text
    assert "no null model: this leaning was found in the graph" in text
    assert "reply edges on a side" in text  # the sides' coverage, as on Polarization
    # the measures table was made in the job's process: its CSV button still gives it
    dash_duo.find_element('[id*=\'"name":"echo_measures_table"\'][id*=\'"type":"csv"\']').click()
    folder = Path(dash_duo.download_path)
    until((folder / "echo_measures_table.csv").exists, timeout=30)
    csv = (folder / "echo_measures_table.csv").read_text()
    header = csv.splitlines()[0].split(",")
    assert header[:4] == ["sides_method", "sides", "seed", "bootstrap_and_null_draws"]
    assert "null_model" in header
    assert "insularity" in csv
    _shot(dash_duo, screenshot_dir, "echo_chambers")
    assert dash_duo.get_logs() == []


def test_escalation_episode_click(dash_duo, app, screenshot_dir, click_until) -> None:
    _open(dash_duo, app, "/escalation")
    dash_duo.wait_for_contains_text(f"#{ID.ESC_EPISODES}", "chain", timeout=60)
    # one thread: the bootstrap gives no interval, and the figure draws none
    dash_duo.wait_for_contains_text(
        f"#{ID.ESC_BODY}", "Mean toxicity by depth (no interval)", timeout=TIMEOUT
    )
    # the cards give their denominators
    cards = dash_duo.find_element(f"#{ID.ESC_BODY}").text
    assert "1 of 1 thread with a scored comment" in cards
    assert "49 scored comments in 1 thread; reads the scores, not the threshold" in cards
    # what the cards and the window control mean, and how many draws are behind them
    assert "threads with a comment at toxicity >= 0.5 (a toxic first comment counts)" in cards
    assert "flat (toxicity climbs by less than 0.1 within the episode)" in cards
    page = dash_duo.find_element(".page").text
    assert "Episode window (turns)" in page
    assert "it is not a filter on the same episodes" in page
    assert "Intervals: 200 bootstrap resamples of threads" in page
    row = f"#{ID.ESC_EPISODES} tr.clickable td"
    click_until(dash_duo, row, f"#{ID.ESC_EPISODE_VIEW}", "turns", timeout=TIMEOUT)
    comments = dash_duo.find_elements(f"#{ID.ESC_EPISODE_VIEW} .comment")
    assert len(comments) == 3  # the bundled thread's episode: #33 -> #34 -> #35
    assert [c.text.count("southfront-idlib-thread#3") for c in comments] == [1, 1, 1]
    view = dash_duo.find_element(f"#{ID.ESC_EPISODE_VIEW}")
    assert "Rank 1 (flat): chain in thread southfront-idlib-thread: 3 turns" in view.text
    link = view.find_element(By.CSS_SELECTOR, "a")
    assert link.get_attribute("href").endswith("/thread?thread=southfront-idlib-thread")
    # the clicked row is marked; new parameters make new episodes and clear the view
    assert len(dash_duo.find_elements(f"#{ID.ESC_EPISODES} tr.chosen")) == 1
    _shot(dash_duo, screenshot_dir, "escalation")
    _choose(dash_duo, f"#{ID.ESC_MIN_TURNS}", "2")
    dash_duo.wait_for_text_to_equal(f"#{ID.ESC_EPISODE_VIEW}", EPISODE_PROMPT, timeout=TIMEOUT)
    # the page's new episodes drawn before the test ends (a server stopped mid-callback
    # raises in its request thread)
    dash_duo.wait_for_contains_text(f"#{ID.ESC_BODY}", "windows of 2 turns", timeout=TIMEOUT)
    until(lambda: not dash_duo.find_elements('[data-dash-is-loading="true"]'), timeout=TIMEOUT)
    assert dash_duo.get_logs() == []


def test_escalation_label_draws_fill_in(dash_duo, app, screenshot_dir) -> None:
    _open(dash_duo, app, "/escalation")
    dash_duo.wait_for_contains_text(f"#{ID.ESC_EPISODES}", "chain", timeout=60)
    assert "Choose how many sets to draw" in dash_duo.find_element(f"#{ID.ESC_DRAWS_BODY}").text
    _choose(dash_duo, f"#{ID.ESC_DRAWS}", "20")
    dash_duo.wait_for_contains_text(f"#{ID.ESC_DRAWS_BODY}", "mean of draws", timeout=90)
    body = dash_duo.find_element(f"#{ID.ESC_DRAWS_BODY}").text
    assert "Each of 20 label sets marks every comment Offensive" in body
    # how many comments the draws mark against the threshold: why values differ from them
    assert "of the 49 scored comments Offensive on average" in body
    assert "the threshold 0.5 flags" in body
    assert "stance" not in body  # this page draws toxicity alone
    for label in ("escalation episodes", "derailed threads (share)", "toxicity slope"):
        assert label in body
    dash_duo.driver.execute_script(
        f"document.getElementById('{ID.ESC_DRAWS_BODY}').scrollIntoView()"
    )
    _shot(dash_duo, screenshot_dir, "escalation-draws")
    # back to none: the note again, no table
    _choose(dash_duo, f"#{ID.ESC_DRAWS}", "none")
    dash_duo.wait_for_contains_text(
        f"#{ID.ESC_DRAWS_BODY}", "Choose how many sets to draw", timeout=60
    )
    assert dash_duo.get_logs() == []


def test_escalation_threshold_sweep(dash_duo, app, screenshot_dir, click_until) -> None:
    """The threshold card recomputes the page's measures at 0.2-0.9 when asked, and the
    table holds the library's values (dynamics.uncertainty.threshold_sensitivity)."""
    import warnings

    import dynamics as dyn
    from dashboard.callbacks.escalation import SWEEP
    from dynamics.uncertainty import threshold_sensitivity

    _open(dash_duo, app, "/escalation")
    dash_duo.wait_for_contains_text(f"#{ID.ESC_EPISODES}", "chain", timeout=60)
    assert "threshold_sensitivity" in dash_duo.find_element(f"#{ID.ESC_SWEEP_BODY}").text
    click_until(dash_duo, f"#{ID.ESC_SWEEP}", f"#{ID.ESC_SWEEP_BODY}", "share flagged", timeout=120)
    body = dash_duo.find_element(f"#{ID.ESC_SWEEP_BODY}")
    assert "Flat lines" in body.text
    header = [th.text for th in body.find_elements(By.CSS_SELECTOR, "th")]
    assert header[:2] == ["threshold", "share flagged (%)"]
    rows = [
        [td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")]
        for tr in body.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]
    assert [float(r[0]) for r in rows] == list(SWEEP)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(THREAD, infer_replies="adjacent").annotate(progress=False)
    episodes = threshold_sensitivity(d, "escalation.episodes", thresholds=SWEEP, min_turns=3)
    column = header.index("escalation episodes")
    assert [float(r[column]) for r in rows] == episodes.values.tolist()
    flagged = [round(100 * f, 1) for f in episodes.flagged]
    assert [float(r[1]) for r in rows] == flagged
    dash_duo.driver.execute_script(
        f"document.getElementById('{ID.ESC_SWEEP_BODY}').scrollIntoView()"
    )
    _shot(dash_duo, screenshot_dir, "escalation-thresholds")
    assert dash_duo.get_logs() == []


def test_escalation_draws_calibrated_on_uploaded_labels(dash_duo, app, tmp_path) -> None:
    """A labelled sample of the bundled thread's comments calibrates the draws; a file with
    an id the dataset lacks is refused, naming the id."""
    import warnings

    import dynamics as dyn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(THREAD, infer_replies="adjacent")
    ids = d.comments["comment_id"].to_list()
    labels = tmp_path / "my_labels.csv"
    rows = [f"{i},{int(n % 5 == 0)}" for n, i in enumerate(ids) if n % 2 == 0]
    labels.write_text("comment_id,toxic\n" + "\n".join(rows) + "\n", encoding="utf-8")
    unknown = tmp_path / "wrong_ids.csv"
    unknown.write_text("comment_id,toxic\nno-such-comment,1\n", encoding="utf-8")
    _open(dash_duo, app, "/escalation")
    dash_duo.wait_for_contains_text(f"#{ID.ESC_EPISODES}", "chain", timeout=60)
    upload = f"#{ID.ESC_DRAWS_LABELS} input[type=file]"
    dash_duo.driver.find_element(By.CSS_SELECTOR, upload).send_keys(str(unknown))
    dash_duo.wait_for_contains_text(
        f"#{ID.ESC_DRAWS_LABELS_STATUS}",
        "'no-such-comment' (1 in all) is not a comment",
        timeout=TIMEOUT,
    )
    dash_duo.driver.find_element(By.CSS_SELECTOR, upload).send_keys(str(labels))
    dash_duo.wait_for_contains_text(
        f"#{ID.ESC_DRAWS_LABELS_STATUS}",
        f"Calibration fitted: {len(rows)} labelled comments in my_labels.csv, platt scaling",
        timeout=TIMEOUT,
    )
    dash_duo.wait_for_contains_text(
        f"#{ID.ESC_DRAWS_CALIBRATION}", "calibrated on your labels (my_labels.csv)", timeout=TIMEOUT
    )
    # the status line has just grown the card: choose again if the menu click missed
    _choose(dash_duo, f"#{ID.ESC_DRAWS}", "20")
    dash_duo.wait_for_contains_text(f"#{ID.ESC_DRAWS_BODY}", "mean of draws", timeout=90)
    body = dash_duo.find_element(f"#{ID.ESC_DRAWS_BODY}").text
    assert "first mapped through a calibration" in body
    assert f"{len(rows)} labelled comments in my_labels.csv" in body
    assert dash_duo.get_logs() == []


def test_unreadable_upload_shows_error(dash_duo, app, tmp_path) -> None:
    bad = tmp_path / "garbage.json"
    bad.write_bytes(b"\x00\x01 this is { not json [")
    _open(dash_duo, app, "/")
    dash_duo.wait_for_contains_text(f"#{ID.OVERVIEW_CARDS}", "49", timeout=TIMEOUT)
    dash_duo.find_element(".loader summary").click()
    upload = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ID.UPLOAD} input[type=file]")
    upload.send_keys(str(bad))
    dash_duo.wait_for_contains_text(f"#{ID.LOAD_MESSAGE}", "Could not read garbage.json",
                                    timeout=TIMEOUT)  # fmt: skip
    # the app keeps the dataset it had
    assert "49" in dash_duo.find_element(f"#{ID.OVERVIEW_CARDS}").text
    assert dash_duo.get_logs() == []


def test_upload_then_switch(dash_duo, app, tmp_path) -> None:
    good = tmp_path / "small.csv"
    good.write_text("id,parent,user,body\n1,,ann,hello\n2,1,bob,no way\n3,2,ann,yes way\n")
    _open(dash_duo, app, "/")
    dash_duo.find_element(".loader summary").click()
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ID.UPLOAD} input[type=file]").send_keys(
        str(good)
    )
    dash_duo.wait_for_contains_text(f"#{ID.LOAD_MESSAGE}", "Loaded small.csv", timeout=60)
    dash_duo.wait_for_text_to_equal(f"#{ID.DATASET_LABEL}", "small.csv", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ID.OVERVIEW_CARDS}", "comments\n3", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []


def test_too_large_upload_is_refused(dash_duo, tmp_path) -> None:
    big = tmp_path / "big.csv"
    big.write_text("id,parent,user,body\n" + "1,,ann,hello\n" * 100)
    small_limit = create_app(max_upload_bytes=200)
    _open(dash_duo, small_limit, "/")
    dash_duo.find_element(".loader summary").click()
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ID.UPLOAD} input[type=file]").send_keys(
        str(big)
    )
    dash_duo.wait_for_contains_text(f"#{ID.LOAD_MESSAGE}", "larger than the upload limit",
                                    timeout=TIMEOUT)  # fmt: skip
    assert dash_duo.get_logs() == []


def test_too_large_labels_upload_is_refused(dash_duo, app, tmp_path) -> None:
    big = tmp_path / "big_labels.csv"
    big.write_text("comment_id,toxic\n" + "x,1\n" * 1_500_000)  # 6 MB, over the 5 MiB
    _open(dash_duo, app, "/escalation")
    dash_duo.wait_for_contains_text(f"#{ID.ESC_EPISODES}", "chain", timeout=60)
    upload = f"#{ID.ESC_DRAWS_LABELS} input[type=file]"
    dash_duo.driver.find_element(By.CSS_SELECTOR, upload).send_keys(str(big))
    dash_duo.wait_for_contains_text(
        f"#{ID.ESC_DRAWS_LABELS_STATUS}",
        "big_labels.csv is larger than the upload limit of 5.0 MB; a labelled sample needs",
        timeout=TIMEOUT,
    )
    assert dash_duo.get_logs() == []


def test_exports_download_files(dash_duo, app) -> None:
    from pathlib import Path

    _open(dash_duo, app, "/thread")
    dash_duo.wait_for_contains_text(_graph_sel("reply_tree"), "Reply tree", timeout=TIMEOUT)
    for fmt in ("png", "svg", "html"):
        dash_duo.find_element(f'[id*=\'"name":"reply_tree"\'][id*=\'"format":"{fmt}"\']').click()
    folder = Path(dash_duo.download_path)
    until(lambda: {p.suffix for p in folder.iterdir()} >= {".png", ".svg", ".html"}, timeout=30)
    html = (folder / "reply_tree.html").read_text()
    assert "plotly" in html.lower()
    assert (folder / "reply_tree.png").read_bytes()[:4] == b"\x89PNG"
    # tables: the whole table as CSV
    dash_duo.find_element("a[href='/']").click()
    dash_duo.wait_for_contains_text(f"#{ID.OVERVIEW_BODY}", "empty_text", timeout=TIMEOUT)
    dash_duo.find_element('[id*=\'"name":"ingest_report"\'][id*=\'"type":"csv"\']').click()
    until((folder / "ingest_report.csv").exists, timeout=30)
    csv = (folder / "ingest_report.csv").read_text()
    assert csv.splitlines()[0] == "problem,description,count,policy,samples"
    assert "empty_text" in csv
    assert dash_duo.get_logs() == []


def test_user_search_finds_users_beyond_the_first_options(dash_duo, app, tmp_path) -> None:
    """260 users, the picker lists the 200 most active: typing finds any of them."""
    rows = ["id,parent,user,body"]
    for i in range(260):
        rows.append(f"a{i},,u{i:03d},opening {i}")
        if i < 200:  # the first 200 write twice, so u250 is not among the options listed
            rows.append(f"b{i},a{i},u{i:03d},again {i}")
    data = tmp_path / "many_users.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _open(dash_duo, app, "/")
    dash_duo.find_element(".loader summary").click()
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ID.UPLOAD} input[type=file]").send_keys(
        str(data)
    )
    dash_duo.wait_for_text_to_equal(f"#{ID.DATASET_LABEL}", "many_users.csv", timeout=60)
    dash_duo.find_element("a.nav-link[href='/user']").click()
    dash_duo.wait_for_contains_text(f"#{ID.USER_SELECT}", "u000", timeout=TIMEOUT)
    dash_duo.find_element(f"#{ID.USER_SELECT}").click()
    menu = dash_duo.find_element(".dash-dropdown-options")
    assert "u250" not in menu.text
    dash_duo.find_element("input.dash-dropdown-search").send_keys("U25")
    until(lambda: "u250" in _text(dash_duo, ".dash-dropdown-options"), timeout=TIMEOUT)
    options = dash_duo.find_elements(".dash-dropdown-option")
    assert [o.text for o in options] == [f"u{i}" for i in range(250, 260)]
    options[0].click()
    dash_duo.wait_for_contains_text(f"#{ID.USER_BODY}", "Their comments", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []


def test_a_reload_keeps_the_loaded_dataset(dash_duo, app, tmp_path) -> None:
    """After an upload, reloading the page (or opening a page by its address) shows the
    uploaded data, not the bundled thread again."""
    good = tmp_path / "kept.csv"
    good.write_text("id,parent,user,body\n1,,ann,hello\n2,1,bob,no way\n3,2,ann,yes way\n")
    _open(dash_duo, app, "/")
    dash_duo.find_element(".loader summary").click()
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ID.UPLOAD} input[type=file]").send_keys(
        str(good)
    )
    dash_duo.wait_for_text_to_equal(f"#{ID.DATASET_LABEL}", "kept.csv", timeout=60)
    dash_duo.driver.refresh()
    dash_duo.wait_for_text_to_equal(f"#{ID.DATASET_LABEL}", "kept.csv", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ID.OVERVIEW_CARDS}", "comments\n3", timeout=TIMEOUT)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/user")
    dash_duo.wait_for_contains_text(f"#{ID.USER_SELECT}", "ann", timeout=TIMEOUT)
    assert dash_duo.find_element(f"#{ID.DATASET_LABEL}").text == "kept.csv"
    assert dash_duo.get_logs() == []


def test_page_choices_survive_a_page_switch(dash_duo, app) -> None:
    """A sides method and an escalation threshold chosen, another page visited: both pages
    show the choices again (kept in the tab's session storage)."""
    leiden = "Leiden communities, merged into two"
    _open(dash_duo, app, "/polarization")
    dash_duo.wait_for_contains_text(f"#{ID.POL_BODY}", "users with a side", timeout=60)
    until(lambda: _chosen(dash_duo, f"#{ID.POL_METHOD}", leiden), timeout=TIMEOUT)
    dash_duo.find_element("a.nav-link[href='/escalation']").click()
    dash_duo.wait_for_contains_text(f"#{ID.ESC_EPISODES}", "chain", timeout=60)
    until(lambda: _chosen(dash_duo, f"#{ID.ESC_THRESHOLD}", "0.7"), timeout=TIMEOUT)
    dash_duo.find_element("a.nav-link[href='/']").click()
    dash_duo.wait_for_contains_text(f"#{ID.OVERVIEW_CARDS}", "49", timeout=TIMEOUT)
    dash_duo.find_element("a.nav-link[href='/polarization']").click()
    dash_duo.wait_for_text_to_equal(f"#{ID.POL_METHOD}", leiden, timeout=TIMEOUT)
    dash_duo.find_element("a.nav-link[href='/escalation']").click()
    dash_duo.wait_for_text_to_equal(f"#{ID.ESC_THRESHOLD}", "0.7", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []
