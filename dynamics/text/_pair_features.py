"""Dense features of a (reply, parent) pair for the trained stance model.

A reply's stance is a relation between two texts, so besides the reply's own words the model
sees: the (dis)agreement markers of :mod:`dynamics.text.stance` in the reply, questions and
exclamations in both texts, negations, second-person address, quoting, both lengths, and how
much of the reply's vocabulary it shares with its parent. Everything is computed for all pairs
at once with polars string expressions.
"""

from __future__ import annotations

import numpy as np
import polars as pl

__all__ = ["PAIR_FEATURES", "pair_features"]

#: Names of the columns of :func:`pair_features`, in order.
PAIR_FEATURES: tuple[str, ...] = (
    "agree_markers",
    "disagree_markers",
    "reply_questions",
    "reply_exclamations",
    "reply_words_log",
    "reply_negations",
    "reply_you",
    "reply_but",
    "reply_laughs",
    "reply_thanks",
    "reply_quotes_parent",
    "parent_questions",
    "parent_ends_question",
    "parent_words_log",
    "overlap_jaccard",
    "overlap_reply_share",
)

# the words of TOKEN_PATTERN (``\b\w\w+\b``): a greedy ``\w\w+`` always starts and ends on
# a word boundary, so it finds the same words, without the Unicode boundary that slows the
# regex engine
_WORDS = r"\w\w+"
_QUOTES = "[\u2018\u2019\u02bc`]"
_NEGATIONS = r"\b(?:not|no|never|nothing|nobody|none|isn't|aren't|wasn't|don't|doesn't|didn't|can't|won't|wouldn't|shouldn't|nope|nah)\b"


def pair_features(
    replies: pl.Series,
    parents: pl.Series,
    markers: tuple[np.ndarray, np.ndarray] | None = None,
    reply_words: pl.Series | None = None,
    parent_words: pl.Series | None = None,
) -> np.ndarray:
    """Dense features of each (reply, parent) pair, shape ``(n, len(PAIR_FEATURES))``.

    Parameters
    ----------
    replies, parents : polars.Series of str
        Equally long; a missing parent is the empty text.
    markers : (agreement, disagreement) arrays, optional
        The replies' marker counts from :func:`~dynamics.text.stance.marker_totals`, when
        already computed.
    reply_words, parent_words : polars.Series of list of str, optional
        ``word_lists(replies)`` and ``word_lists(parents)``
        (:func:`~dynamics.text._linear.word_lists`), when already computed.

    Examples
    --------
    >>> x = pair_features(pl.Series(["No, you are wrong?"]), pl.Series(["Cats are great?"]))
    >>> dict(zip(PAIR_FEATURES, x[0].round(2).tolist()))["disagree_markers"]  # "No", "wrong"
    2.0
    """
    from dynamics.text.stance import marker_totals

    agree, disagree = marker_totals(replies) if markers is None else markers
    r = _lowered(replies.fill_null(""))
    feats = pl.DataFrame({"r": r}).select(
        pl.col("r").str.count_matches(r"\?").alias("reply_questions"),
        pl.col("r").str.count_matches("!").alias("reply_exclamations"),
        pl.col("r").str.count_matches(_NEGATIONS).alias("reply_negations"),
        pl.col("r").str.count_matches(r"\b(?:you|your|you're|youre|u|ur)\b").alias("reply_you"),
        pl.col("r").str.contains(r"\b(?:but|however|although|though)\b").alias("reply_but"),
        pl.col("r").str.contains(r"\b(?:lol|lmao|haha\w*|rofl)\b").alias("reply_laughs"),
        pl.col("r").str.contains(r"\b(?:thanks|thank you|thx|ty)\b").alias("reply_thanks"),
        pl.col("r").str.contains(r"(?m)^\s*(?:>|&gt;)").alias("reply_quotes_parent"),
        _words(replies, reply_words, r).alias("rw"),
    )
    # a parent often has several replies: its features are computed once per distinct text
    parent = pl.DataFrame({"p": parents.fill_null("")})
    per_text = [
        pl.col("p").str.count_matches(r"\?").alias("parent_questions"),
        pl.col("p").str.contains(r"\?\s*$").alias("parent_ends_question"),
    ]
    if parent_words is None:
        per_text.append(_lowered(pl.col("p")).str.extract_all(_WORDS).alias("pw"))
    distinct = parent.unique().with_columns(per_text)
    parts = [feats, parent.join(distinct, on="p", how="left", maintain_order="left").drop("p")]
    if parent_words is not None:
        parts.append(pl.DataFrame({"pw": _words(parents.fill_null(""), parent_words)}))
    feats = pl.concat(parts, how="horizontal")
    feats = feats.with_columns(
        pl.col("rw").list.len().alias("nr"),
        pl.col("pw").list.len().alias("np"),
        pl.col("rw").list.unique(),
        pl.col("pw").list.unique(),
    ).with_columns(
        pl.col("rw").list.set_intersection("pw").list.len().alias("common"),
        pl.col("rw").list.len().alias("nrw"),
        pl.col("pw").list.len().alias("npw"),
    )
    common = feats["common"].to_numpy().astype(np.float64)
    nrw = feats["nrw"].to_numpy().astype(np.float64)
    union = nrw + feats["npw"].to_numpy() - common  # size of the union: |R| + |P| - |R and P|
    columns = {
        "agree_markers": agree.astype(np.float64),
        "disagree_markers": disagree.astype(np.float64),
        "reply_questions": feats["reply_questions"].to_numpy(),
        "reply_exclamations": feats["reply_exclamations"].to_numpy(),
        "reply_words_log": np.log1p(feats["nr"].to_numpy().astype(np.float64)),
        "reply_negations": feats["reply_negations"].to_numpy(),
        "reply_you": feats["reply_you"].to_numpy(),
        "reply_but": feats["reply_but"].to_numpy(),
        "reply_laughs": feats["reply_laughs"].to_numpy(),
        "reply_thanks": feats["reply_thanks"].to_numpy(),
        "reply_quotes_parent": feats["reply_quotes_parent"].to_numpy(),
        "parent_questions": feats["parent_questions"].to_numpy(),
        "parent_ends_question": feats["parent_ends_question"].to_numpy(),
        "parent_words_log": np.log1p(feats["np"].to_numpy().astype(np.float64)),
        "overlap_jaccard": np.divide(common, union, out=np.zeros_like(common), where=union > 0),
        "overlap_reply_share": np.divide(common, nrw, out=np.zeros_like(common), where=nrw > 0),
    }
    out = np.column_stack([np.asarray(columns[c], dtype=np.float64) for c in PAIR_FEATURES])
    # counts are capped so one very long comment cannot dominate a linear model
    return np.minimum(out, 10.0)


def _lowered(texts: pl.Series | pl.Expr) -> pl.Series | pl.Expr:
    """The texts lower-cased, with their apostrophe-like quotes made ``'``."""
    return texts.str.replace_all(_QUOTES, "'").str.to_lowercase()


def _words(
    texts: pl.Series, given: pl.Series | None, lowered: pl.Series | None = None
) -> pl.Series:
    """The words of :func:`_lowered` ``texts``: ``given`` (their words as written,
    :func:`~dynamics.text._linear.word_lists`) where normalising the quotes cannot change
    them. Of the quotes, only the modifier letter apostrophe (U+02BC) is a word character, so
    only texts holding it are tokenised again. ``lowered``: ``_lowered(texts)``, when the
    caller has it."""
    redo = None if given is None else texts.str.contains("\u02bc", literal=True).fill_null(False)
    if redo is not None and not redo.any():
        return given
    if lowered is None:
        lowered = _lowered(texts)
    if redo is None:
        return lowered.str.extract_all(_WORDS)
    frame = pl.DataFrame({"redo": redo, "text": lowered, "given": given})
    again = pl.when("redo").then(pl.col("text")).str.extract_all(_WORDS)  # null elsewhere
    return frame.select(pl.when("redo").then(again).otherwise("given")).to_series()
