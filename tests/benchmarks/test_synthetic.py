"""The synthetic generator behind benchmarks/: deterministic, valid, and readable both ways."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn
from dynamics.errors import DataQualityWarning

_FILE = Path(__file__).resolve().parents[2] / "benchmarks" / "synthetic.py"
_spec = importlib.util.spec_from_file_location("synthetic", _FILE)
assert _spec is not None
assert _spec.loader is not None
synthetic = importlib.util.module_from_spec(_spec)
sys.modules["synthetic"] = synthetic
_spec.loader.exec_module(synthetic)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return synthetic.write(synthetic.generate(5_000, seed=3), tmp_path_factory.mktemp("syn"))


def test_same_seed_same_data_other_seed_other_data() -> None:
    a = synthetic.generate(3_000, seed=1).comments
    assert a.equals(synthetic.generate(3_000, seed=1).comments)
    assert not a.equals(synthetic.generate(3_000, seed=2).comments)


def test_ndjson_and_parquet_give_the_same_discussion(files: tuple[Path, Path]) -> None:
    ndjson, parquet = files
    with pytest.warns(DataQualityWarning):
        a = dyn.load(ndjson)
    with pytest.warns(DataQualityWarning):
        b = dyn.load(parquet)
    assert a.report.format == "reddit"
    assert a.report.n_comments == b.report.n_comments == 5_000
    cols = ["comment_id", "parent_id", "thread_id", "author"]
    assert (
        a.to_polars()
        .select(cols)
        .sort("comment_id")
        .equals(b.to_polars().select(cols).sort("comment_id"))
    )
    # generated data is clean apart from the deleted accounts it models on purpose
    assert set(a.report.counts) <= {"deleted_author", "removed_text", "self_reply"}
    assert a.report["orphan"] == a.report["reply_before_parent"] == 0


def test_shapes_are_heavy_tailed(files: tuple[Path, Path]) -> None:
    with pytest.warns(DataQualityWarning):
        d = dyn.load(files[1])
    sizes = d.to_polars().group_by("thread_id").len().get_column("len")
    activity = d.to_polars().drop_nulls("author").group_by("author").len().get_column("len")
    # lognormal threads and Zipf authors: the largest is far above the median
    assert sizes.max() > 10 * sizes.median()
    assert activity.max() > 10 * activity.median()
    assert d.tree_table().get_column("depth").max() >= 10
    replies = d.to_polars().filter(pl.col("parent_id").is_not_null()).height
    assert 0.3 < replies / d.report.n_comments < 0.9
