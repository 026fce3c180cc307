"""Every score column says which model produced it: describe(), results.json, the report."""

from __future__ import annotations

import json

import polars as pl

import dynamics as dyn
import dynamics.report
from dynamics.text._linear import load_model


def small() -> dyn.Discussion:
    return dyn.load(
        pl.DataFrame(
            {
                "id": ["1", "2", "3"],
                "parent": [None, "1", "2"],
                "user": ["ann", "bob", "ann"],
                "body": ["Tuition should be free.", "No, you are wrong.", "You idiot."],
                "stance": [None, "disagree", "disagree"],  # a gold label column
            }
        )
    )


def test_describe_names_the_shipped_models():
    tox = dyn.text.describe("toxicity")
    stance = dyn.text.describe("stance")
    meta = load_model("toxicity").meta
    assert (meta["name"], meta["version"]) == ("toxichat-toxicity", "2")  # train_signals.py
    assert tox["model"] == "toxichat-toxicity 2"
    assert stance["model"].startswith("toxichat-stance ")
    assert stance["version"] == dyn.text.StanceScorer().version
    assert "p_disagree" in stance["columns"]
    assert dyn.text.describe(dyn.text.ToxicityScorer(model="profanity"))["model"].startswith(
        "alt-profanity-check"
    )


def test_results_and_report_name_models_and_replaced_columns(tmp_path):
    out = dyn.report.analyze(small(), tmp_path / "r", n_null=5, n_boot=0, progress=False).parent
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    models = {m["scorer"]: m for m in results["text_signals"]["models"]}
    assert set(models) == {"toxicity", "sentiment", "stance"}
    assert models["stance"]["version"] == dyn.text.StanceScorer().version
    # the gold column was replaced by the scores, and the report says so
    assert "stance" in results["text_signals"]["replaced_columns"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert models["toxicity"]["model"] in page
    assert models["stance"]["version"] in page
    assert "input columns replaced by scores: stance" in page
