"""Run a costly pattern only on the texts it can match: those holding a word it needs.

A pattern whose every match contains one of a few literal words (``"agree"`` for "I agree",
"agreed", ...) cannot match a text without them. One Aho-Corasick pass over all texts
(polars' ``extract_many``) finds, for every pattern at once, the texts that hold one of its
words; the regular expression then runs on those texts only. The words are substrings, not
whole words, so the filter never depends on how the pattern draws word boundaries.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence

import numpy as np
import polars as pl

__all__ = ["on_rows", "rows_holding"]


def rows_holding(
    texts: pl.Series, needs: Mapping[Hashable, Sequence[str]]
) -> dict[Hashable, np.ndarray]:
    """For each key of ``needs``, the rows of ``texts`` (ascending, int64) that contain one
    of its words as a substring; keys no text holds a word of are left out.

    Examples
    --------
    >>> rows_holding(pl.Series(["I agree", "no", "disagree"]), {"a": ["agree"], "n": ["no"]})
    {'a': array([0, 2]), 'n': array([1])}
    """
    keys = list(needs)
    pairs = [(word, i) for i, key in enumerate(keys) for word in needs[key]]
    if not pairs or texts.len() == 0:
        return {}
    table = pl.DataFrame(pairs, schema={"word": pl.String, "key": pl.Int64}, orient="row")
    words = table.get_column("word").unique().sort().to_list()
    found = (
        pl.DataFrame({"word": texts.str.extract_many(words, overlapping=True)})
        .with_row_index("row")
        .explode("word")
        .drop_nulls("word")
        .unique()
        .join(table, on="word")
        .select("key", pl.col("row").cast(pl.Int64))
        .unique()
        .sort("key", "row")
        .partition_by("key", as_dict=True)
    )
    return {keys[key[0]]: part.get_column("row").to_numpy() for key, part in found.items()}


def on_rows(
    texts: pl.Series,
    rows: np.ndarray | None,
    run: Callable[[pl.Series], pl.Series],
    dtype: type | np.dtype,
) -> np.ndarray:
    """``run`` (a pattern's match test or count) on ``texts`` at ``rows`` only, zero (False)
    on every other text: one value per text, as ``dtype``.

    >>> on_rows(pl.Series(["a", "b a", "c"]), np.array([1]), lambda s: s.str.count_matches("a"),
    ...         np.uint32).tolist()
    [0, 1, 0]
    """
    out = np.zeros(texts.len(), dtype=dtype)
    if rows is not None and rows.size:
        out[rows] = run(texts.gather(rows)).to_numpy()
    return out
