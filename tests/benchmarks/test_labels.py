"""The labelled toxicity evaluation set in benchmarks/labels: ids, splits and text resolution."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import dynamics as dyn

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
SEED_THREAD = REPO / "dynamics" / "data" / "southfront-idlib-thread.txt"
LABELS_DIR = REPO / "benchmarks" / "labels"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, LABELS_DIR / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


load_labels = _module("load_labels")


@pytest.fixture(scope="module")
def table():
    return load_labels.read_labels()


def test_labels_file_shape(table) -> None:
    assert table.height >= 400
    assert table["comment_id"].n_unique() == table.height
    assert set(table["label"].unique()) == {0, 1}
    assert set(table["split"].unique()) == {"dev", "test"}
    assert set(table["stratum"].unique()) == {"random", "prefilter", "southfront"}
    assert table.filter(table["stratum"] == "random").height == 300
    for split in ("dev", "test"):
        labels = set(table.filter(table["split"] == split)["label"].unique())
        assert labels == {0, 1}, split


def test_southfront_ids_exist_in_bundled_thread(table) -> None:
    with pytest.warns(dyn.DataQualityWarning):
        thread = dyn.load(SEED_THREAD, format="plaintext")
    labelled = set(table.filter(table["source"] == "southfront")["comment_id"])
    assert labelled == set(thread.comments["comment_id"])


def test_every_id_resolves_to_a_text(table) -> None:
    if not (SHARED_DATA / "reddit-college").is_dir():
        pytest.skip(f"shared data not available at {SHARED_DATA}")
    frame = load_labels.load_labelled()
    assert frame.columns == ["comment_id", "source", "stratum", "split", "label", "text"]
    assert frame.height == table.height
    assert frame["text"].null_count() == 0
    test = load_labels.load_labelled("test")
    assert set(test["split"].unique()) == {"test"}
    assert set(test["label"].unique()) == {0, 1}
    # CollegeRant texts are real comments: none empty (southfront has two empty scraped lines)
    college = frame.filter(frame["source"] == "collegerant")
    assert (college["text"].str.strip_chars() != "").all()


def test_missing_shared_data_raises_clear_error(tmp_path: Path) -> None:
    with pytest.raises(load_labels.SharedDataMissingError, match="shared data not available"):
        load_labels.load_labelled(collegerant=tmp_path / "absent.ndjson")
