"""Load the labelled toxicity evaluation set: labels from this folder joined to their texts.

The repository keeps only ids and labels (``toxicity_labels.csv``). Texts are read at evaluation
time from the public data in ``../shared/data`` (r/CollegeRant comments) and from the thread
bundled with the package (``dynamics/data/southfront-idlib-thread.txt``). See ``README.md``.

Example::

    from load_labels import load_labelled
    test = load_labelled("test")      # columns comment_id, source, stratum, split, label, text
"""

from __future__ import annotations

import warnings
from pathlib import Path

import polars as pl

__all__ = ["LABELS", "SHARED_DATA", "SharedDataMissingError", "load_labelled"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
COLLEGERANT = SHARED_DATA / "reddit-college" / "CollegeRant-pushshift.ndjson"
SOUTHFRONT = REPO / "dynamics" / "data" / "southfront-idlib-thread.txt"
LABELS = HERE / "toxicity_labels.csv"
SPLITS = ("dev", "test")
COLUMNS = ["comment_id", "source", "stratum", "split", "label", "text"]


class SharedDataMissingError(FileNotFoundError):
    """The public data the labels point into is not available in this checkout."""


def read_labels(path: Path = LABELS) -> pl.DataFrame:
    """The labels file as a frame (``source, comment_id, stratum, split, label, note``)."""
    return pl.read_csv(
        path,
        schema_overrides={
            "source": pl.String,
            "comment_id": pl.String,
            "stratum": pl.String,
            "split": pl.String,
            "label": pl.Int8,
            "note": pl.String,
        },
    )


def _collegerant_texts(ids: list[str], path: Path) -> pl.DataFrame:
    if not path.is_file():
        msg = (
            f"shared data not available: {path} is missing. The CollegeRant texts of the "
            "labelled set are read from ../shared/data/reddit-college (see "
            "benchmarks/labels/README.md); they are not stored in this repository."
        )
        raise SharedDataMissingError(msg)
    frame = pl.read_ndjson(path, infer_schema_length=None)
    return (
        frame.filter(pl.col("parent_id").is_not_null() & pl.col("id").is_in(ids))
        .select(pl.col("id").alias("comment_id"), pl.col("body").fill_null("").alias("text"))
        .with_columns(pl.lit("collegerant").alias("source"))
    )


def _southfront_texts(path: Path) -> pl.DataFrame:
    import dynamics

    with warnings.catch_warnings():
        # the scrape has no reply structure; load() reports that, which is expected here
        warnings.simplefilter("ignore", dynamics.DataQualityWarning)
        discussion = dynamics.load(path, format="plaintext")
    return discussion.comments.select("comment_id", "text").with_columns(
        pl.lit("southfront").alias("source")
    )


def load_labelled(
    split: str | None = None,
    *,
    labels: Path = LABELS,
    collegerant: Path = COLLEGERANT,
    southfront: Path = SOUTHFRONT,
) -> pl.DataFrame:
    """The labelled comments with their texts.

    Parameters
    ----------
    split : {"dev", "test"} or None
        ``"dev"`` (may be used to tune a scorer), ``"test"`` (held out: report figures on it
        only) or None for both.
    labels, collegerant, southfront : Path
        Locations of the labels file and of the two text sources (defaults: this folder,
        ``../shared/data/reddit-college/CollegeRant-pushshift.ndjson``, the bundled thread).

    Returns
    -------
    polars.DataFrame
        Columns ``comment_id, source, stratum, split, label, text`` (``label`` 1 = toxic),
        one row per labelled comment, in the order of the labels file.

    Raises
    ------
    SharedDataMissingError
        When the CollegeRant file is not available (the texts are not in the repository).
    ValueError
        For an unknown split, or when a labelled id has no text in its source.
    """
    if split is not None and split not in SPLITS:
        msg = f"split must be one of {SPLITS} or None, not {split!r}"
        raise ValueError(msg)
    table = read_labels(labels)
    if split is not None:
        table = table.filter(pl.col("split") == split)
    ids = table.filter(pl.col("source") == "collegerant")["comment_id"].to_list()
    texts = pl.concat([_collegerant_texts(ids, collegerant), _southfront_texts(southfront)])
    joined = table.join(texts, on=["source", "comment_id"], how="left", maintain_order="left")
    missing = joined.filter(pl.col("text").is_null())
    if missing.height:
        shown = ", ".join(f"{s}:{c}" for s, c in missing.select("source", "comment_id").rows()[:5])
        msg = (
            f"{missing.height} labelled comment(s) have no text in their source ({shown}): "
            "the data files differ from the ones the labels were drawn from"
        )
        raise ValueError(msg)
    return joined.select(COLUMNS)
