"""The label-draws cards' upload of a labelled sample (dashboard.label_draws.labels_answer)."""

from __future__ import annotations

import base64

import polars as pl
from dash import no_update

import dynamics as dyn
from dashboard.background import stored_result
from dashboard.label_draws import CALIBRATIONS, labels_answer


def _upload(text: str) -> str:
    return "data:text/csv;base64," + base64.b64encode(text.encode()).decode()


def _discussion() -> dyn.Discussion:
    d = dyn.load(
        pl.DataFrame(
            {"id": list("abcd"), "parent": [None, "a", "a", "b"], "user": list("wxyz"),
             "body": list("pqrs")}
        )
    )  # fmt: skip
    return dyn.Discussion(
        d.comments.with_columns(toxicity=pl.Series([0.1, 0.3, 0.6, 0.9])), d.report
    )


def test_a_good_file_is_fitted_stored_offered_and_chosen():
    text = "comment_id,toxic\na,0\nb,0\nc,1\nd,1\n"
    options, value, status = labels_answer(_upload(text), "mine.csv", "k1", _discussion())
    assert [o["value"] for o in options[: len(CALIBRATIONS)]] == list(CALIBRATIONS)
    assert options[-1]["value"] == value
    assert value.startswith("labels:")
    assert "mine.csv" in options[-1]["label"]
    assert status.startswith("Calibration fitted: 4 labelled comments in mine.csv, platt")
    # 2 toxic, 2 not: the status says the map is very uncertain
    assert "few labels, the map is very uncertain: toxicity: 2 with and 2 without" in status
    frame, name = stored_result(("labels", "k1", value.removeprefix("labels:")), versioned=False)
    assert name == "mine.csv"
    assert frame["comment_id"].to_list() == list("abcd")


def test_bad_files_say_why_and_keep_the_choices():
    d = _discussion()
    cases = {
        "comment_id,toxic\na,0\nb,perhaps\n": "mine.csv: comment_id 'b': 'toxic' is 'perhaps'",
        "id,toxic\na,0\n": "mine.csv: no 'comment_id' column",
        "comment_id,toxic\na,1\nb,1\n": "mine.csv: every one of the 2 'toxic' labels is toxic",
    }
    for text, words in cases.items():
        options, value, status = labels_answer(_upload(text), "mine.csv", "k2", d)
        assert options is no_update  # the choices (an earlier upload, ToxiChat) stay
        assert value is no_update
        assert words in status, status
    _, value, status = labels_answer("not a data url", "mine.csv", "k2", d)
    assert (value, status) == (no_update, "mine.csv: the upload arrived damaged; try again")


def test_a_card_refuses_labels_of_signals_it_does_not_draw():
    d = _discussion()
    d = dyn.Discussion(
        d.comments.with_columns(
            p_agree=pl.Series([None, 0.2, 0.6, 0.1]),
            p_disagree=pl.Series([None, 0.5, 0.1, 0.2]),
            p_neutral=pl.Series([None, 0.3, 0.3, 0.7]),
        ),
        d.report,
    )
    text = "comment_id,stance\nb,disagree\nc,agree\nd,neutral\n"
    _, value, status = labels_answer(_upload(text), "stance.csv", "k3", d, ("toxicity",))
    assert value is no_update
    assert status == "stance.csv: this card draws toxicity; the file needs 'toxic' labels"
    _, value, _ = labels_answer(_upload(text), "stance.csv", "k3", d, ("stance", "toxicity"))
    assert value.startswith("labels:")
