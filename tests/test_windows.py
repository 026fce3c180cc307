"""over_time: any metric per time window."""

from __future__ import annotations

import math

import pandas as pd
import polars as pl
import pytest

import dynamics as dyn
from dynamics._results import MetricResult
from dynamics.errors import DynamicsError, UndefinedMetricError
from dynamics.windows import over_time


@pytest.fixture
def month() -> dyn.Discussion:
    days = [f"2024-01-{d:02d}T12:00:00" for d in (1, 2, 3, 9, 10, 30)]
    return dyn.load(
        pl.DataFrame(
            {
                "id": list("abcdef"),
                "parent": [None, "a", "b", None, "d", None],
                "user": ["u", "v", "u", "v", "w", "u"],
                "body": ["x"] * 6,
                "time": days,
            }
        )
    )


def count(d: dyn.Discussion, *, scale: float = 1.0) -> MetricResult:
    return MetricResult("count", len(d) * scale, params={"scale": scale})


def test_weekly_windows(month: dyn.Discussion) -> None:
    frame = over_time(count, month, by="1w", scale=2.0)
    # weeks start on Monday 2024-01-01: 3 comments, 2 (9th, 10th), two empty weeks, the 30th
    assert frame["n_comments"].tolist() == [3, 2, 0, 0, 1]
    assert frame["value"].tolist()[:2] == [6.0, 4.0]
    assert frame.loc[2, "reason"] == "too few comments"
    assert math.isnan(frame.loc[2, "value"])
    assert (frame["metric"] == "count").all()


def test_rolling_windows_overlap(month: dyn.Discussion) -> None:
    frame = over_time(count, month, by="1w", rolling="2w")
    # each window ends where a weekly step ends and covers the two weeks before
    assert frame["n_comments"].tolist() == [3, 5, 2, 0, 1]
    assert (frame["window_end"] - frame["window_start"]).dt.days.unique().tolist() == [14]


def test_undefined_windows_keep_the_reason(month: dyn.Discussion) -> None:
    def fussy(d: dyn.Discussion) -> MetricResult:
        if len(d) < 3:
            msg = "needs three comments"
            raise UndefinedMetricError(msg)
        return MetricResult("fussy", 1.0)

    frame = over_time(fussy, month, by="1w")
    assert frame["reason"].tolist()[1] == "needs three comments"
    assert frame["value"].tolist()[0] == 1.0


def test_errors(month: dyn.Discussion) -> None:
    with pytest.raises(ValueError, match="'by' parameter of over_time"):
        over_time(count, month, by="weekly")
    untimed = dyn.load(pl.DataFrame({"id": ["a"], "user": ["u"], "body": ["x"]}))
    with pytest.raises(DynamicsError, match="timestamps"):
        over_time(count, untimed)


def test_pandas_style_periods(month: dyn.Discussion) -> None:
    weekly = over_time(count, month, by="1w")
    assert over_time(count, month, by="1W").equals(weekly)
    assert over_time(count, month, by="W").equals(weekly)
    monthly = over_time(count, month, by="1M")
    assert monthly["n_comments"].tolist() == [6]
    assert monthly.equals(over_time(count, month, by="1mo"))


def test_graph_measures_of_windows_whose_replies_answer_earlier_windows(
    month: dyn.Discussion,
) -> None:
    """Daily windows: on Jan 2, v answers u's comment of Jan 1 (outside the window); the
    window's user graph holds that reply, to u without comments there (this raised once)."""
    frame = over_time(dyn.structure.reciprocity, month, by="1d")
    jan2 = frame[frame["window_start"] == pd.Timestamp("2024-01-02", tz="UTC")].iloc[0]
    assert jan2["n_comments"] == 1
    assert jan2["value"] == 0.0  # one edge v -> u, not returned within the day
    assert month.filter(start="2024-01-02", end="2024-01-03").user_edges()["target"].to_list() == [
        "u"
    ]


def test_month_windows_are_calendar_months() -> None:
    """Each comment falls in exactly one month window (months of 28 to 31 days, a leap
    year's December 31 included); a 30-day window once lost January 31 and counted March 1
    twice."""
    times = ["2024-01-15", "2024-01-31 12:00", "2024-02-29 23:00", "2024-03-01 12:00"]
    times += ["2024-12-31 23:59"]
    d = dyn.load(
        pl.DataFrame(
            {"id": list("abcde"), "parent": [None, "a", None, "c", None],
             "user": ["ann", "bob", "ann", "cy", "dee"], "body": ["x"] * 5, "time": times}
        )
    )  # fmt: skip
    monthly = over_time(count, d, by="1mo")
    assert monthly["n_comments"].sum() == 5
    assert monthly["n_comments"].tolist()[:3] == [2, 1, 1]
    assert (
        monthly["window_end"].iloc[:-1].to_numpy() == monthly["window_start"].iloc[1:].to_numpy()
    ).all()
    assert monthly["window_end"].iloc[1] == pd.Timestamp("2024-03-01", tz="UTC")
    yearly = over_time(count, d, by="1y")
    assert yearly["n_comments"].tolist() == [5]
    rolling = over_time(count, d, by="1mo", rolling="2mo")
    # the window ending March 1 covers January and February
    assert rolling["window_start"].iloc[1] == pd.Timestamp("2024-01-01", tz="UTC")
    assert rolling["n_comments"].iloc[1] == 3


def test_windows_keep_the_null_fields_and_warnings(month: dyn.Discussion) -> None:
    def tested(d: dyn.Discussion) -> MetricResult:
        return MetricResult(
            "tested", 2.0, z=1.0, null_mean=1.5, null_sd=0.5, excess=0.5, warnings=("thin", "few")
        )

    frame = over_time(tested, month, by="1w")
    first = frame.iloc[0]
    assert (first["null_mean"], first["null_sd"], first["excess"]) == (1.5, 0.5, 0.5)
    assert first["warnings"] == "thin; few"


def test_comments_without_a_time_are_counted_once() -> None:
    d = dyn.load(
        pl.DataFrame(
            {
                "id": list("abc"),
                "parent": [None, "a", None],
                "user": ["u", "v", "w"],
                "body": ["x"] * 3,
                "time": ["2024-01-01T12:00:00", None, "2024-01-20T12:00:00"],
            }
        )
    )
    with pytest.warns(dyn.DataQualityWarning, match="1 of 3 comments have no time") as said:
        frame = over_time(count, d, by="1w")
    assert len(said) == 1
    assert frame["n_comments"].sum() == 2


def test_registered_measures_by_name(month: dyn.Discussion) -> None:
    """over_time rejected "thread_size" (a TypeError: 'str' object is not callable) where the
    registry and dyn.uncertainty take names."""
    by_function = over_time(dyn.structure.thread_size, month, by="1w")
    for name in ("thread_size", "structure.thread_size"):
        frame = over_time(name, month, by="1w")
        pd.testing.assert_frame_equal(frame, by_function)
    assert (by_function["metric"].iloc[:2] == "thread_size").all()


def test_unknown_names_list_the_valid_ones(month: dyn.Discussion) -> None:
    with pytest.raises(ValueError, match="over_time: no measure 'ei_indx'") as caught:
        over_time("ei_indx", month, by="1w")
    assert "'polarization.ei_index'" in str(caught.value)
    assert "'structure.thread_size'" in str(caught.value)
    with pytest.raises(TypeError, match="'metric' parameter of over_time must be"):
        over_time(3, month, by="1w")  # type: ignore[arg-type]


def test_seed_none_draws_one_seed_for_every_window() -> None:
    """seed=None: one seed drawn for the table, kept in frame.attrs, and the same table back
    from it."""
    n = 112  # 28 days of two threads of two comments: 28 threads per two-week window
    d = dyn.load(
        pl.DataFrame(
            {
                "id": [f"c{i}" for i in range(n)],
                "parent": [None if i % 2 == 0 else f"c{i - 1}" for i in range(n)],
                "user": [f"u{i % 3}" for i in range(n)],
                "body": ["x"] * n,
                "time": [f"2024-01-{i // 4 + 1:02d}T12:{i % 4:02d}:00" for i in range(n)],
                "toxicity": [(i * 37 % 100) / 100 for i in range(n)],
            }
        )
    )
    seen: list[object] = []

    def boot(disc: dyn.Discussion, *, seed: int | None = 0) -> MetricResult:
        seen.append(seed)
        return dyn.escalation.toxicity_by_depth(disc, n_boot=20, seed=seed)

    first = over_time(boot, d, by="2w", seed=None)
    seed = first.attrs["seed"]
    assert isinstance(seed, int)
    assert len(set(seen)) == 1
    assert first["ci_low"].notna().all()  # the bootstrap ran in every window
    again = over_time("toxicity_by_depth", d, by="2w", n_boot=20, seed=seed)
    pd.testing.assert_frame_equal(again, first)
    assert again.attrs["seed"] == seed


def test_found_sides_are_held_fixed_with_a_label_shuffle_null() -> None:
    """Sides found once on the whole discussion: each window's null shuffles their labels
    (the value reads them as they are), not re-finds sides on rewired window graphs."""
    rows = []
    for week in range(2):
        for k in range(40):  # two camps of 8 users each, replying within the camp
            camp, i = k % 2, k // 2
            user, other = f"c{camp}u{i % 8}", f"c{camp}u{(i + 1) % 8}"
            day = f"2024-01-{1 + 7 * week + k % 5:02d}T12:00:00"
            rows.append((f"p{week}_{k}", None, user, day))
            rows.append((f"r{week}_{k}", f"p{week}_{k}", other, day))
    d = dyn.load(
        pl.DataFrame(rows, schema=["id", "parent", "user", "time"], orient="row").with_columns(
            body=pl.lit("x")
        )
    )
    found = dyn.polarization.sides(d, seed=0)
    frame = over_time("ei_index", d, by="1w", sides=found, n_null=19, seed=0)
    assert frame.attrs["null"] == "label-shuffle"
    first = d.filter(start=frame.loc[0, "window_start"], end=frame.loc[0, "window_end"])
    direct = dyn.polarization.ei_index(first, sides=found, null="label-shuffle", n_null=19, seed=0)
    assert frame.loc[0, "p_value"] == direct.p_value
    assert frame.loc[0, "value"] == direct.value
    # an explicit null is used as given
    explicit = over_time("ei_index", d, by="1w", sides=found, null="rewire-refit", n_null=5)
    assert "null" not in explicit.attrs


def test_a_graph_is_refused_saying_why() -> None:
    """A graph has no times to cut into windows: a clear TypeError, not an AttributeError."""
    import networkx as nx

    with pytest.raises(dyn.errors.GraphKindError, match="over_time needs a Discussion"):
        dyn.windows.over_time("reciprocity", nx.DiGraph([("a", "b")]), by="1w")
