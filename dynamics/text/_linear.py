"""Bag-of-words features in polars and the small linear models that ship as ``.npz`` files.

The trained toxicity and stance models (``dynamics/text/models/*.npz``, written by
``train/train_signals.py``) are plain arrays: a vocabulary of words and word pairs with their
idf, one weight row per class, weights for a few dense features and per-class offsets. Their
inference is a TF-IDF transform run in polars (tokens exploded, joined with the vocabulary,
counted) and a sparse matrix product; no scikit-learn is needed at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from typing import Any

import numpy as np
import polars as pl

__all__ = [
    "TOKEN_PATTERN",
    "LinearModel",
    "load_model",
    "term_counts",
    "tfidf",
    "token_table",
    "weigh",
    "weighted_counts",
    "word_lists",
]

#: Tokens: runs of two or more word characters, after lower-casing (scikit-learn's default).
TOKEN_PATTERN = r"\b\w\w+\b"
# What the regex engine runs: a greedy ``\w\w+`` always starts and ends on a word boundary, so
# it finds the same tokens, and without the Unicode boundary the engine keeps its fast path.
_TOKENS = r"\w\w+"


def word_lists(texts: pl.Series) -> pl.Series:
    """The lower-cased words (:data:`TOKEN_PATTERN`) of each text, as a list column.

    Examples
    --------
    >>> word_lists(pl.Series(["No, you are wrong"])).to_list()
    [['no', 'you', 'are', 'wrong']]
    """
    return texts.fill_null("").str.to_lowercase().str.extract_all(_TOKENS)


def token_table(
    texts: pl.Series, *, bigrams: bool = True, words: pl.Series | None = None
) -> pl.DataFrame:
    """One row per (text index ``row``, ``token``): the words of each text and, with
    ``bigrams``, each pair of neighbouring words joined by a space. ``words`` is
    ``word_lists(texts)`` when the caller already has it.

    Examples
    --------
    >>> token_table(pl.Series(["No, you are wrong"])).get_column("token").to_list()
    ['no', 'you', 'are', 'wrong', 'no you', 'you are', 'are wrong']
    """
    words = (
        pl.DataFrame({"token": word_lists(texts) if words is None else words})
        .with_row_index("row")
        .explode("token")
        .drop_nulls("token")
    )
    if not bigrams:
        return words
    # a word and the next one, where the next is in the same text (the rows are in order)
    pairs = words.select(
        "row",
        pl.when(pl.col("row") == pl.col("row").shift(-1)).then(
            pl.col("token") + " " + pl.col("token").shift(-1)
        ),
    ).drop_nulls("token")
    return pl.concat([words, pairs])


def tfidf(
    texts: pl.Series,
    vocabulary: pl.DataFrame,
    idf: np.ndarray,
    *,
    bigrams: bool,
    tokens: pl.DataFrame | None = None,
) -> Any:
    """L2-normalised TF-IDF rows of ``texts`` over ``vocabulary`` (``token``, ``column``).

    Term frequencies are sublinear (``1 + log(count)``); only in-vocabulary tokens count, as in
    scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` with a fixed vocabulary. ``tokens``
    is ``token_table(texts, bigrams=bigrams)`` when the caller already has it.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``len(texts)`` rows, ``len(idf)`` columns.
    """
    if tokens is None:
        tokens = token_table(texts, bigrams=bigrams)
    return weighted_counts(tokens, texts.len(), vocabulary, idf, sublinear=True)


def weighted_counts(
    tokens: pl.DataFrame, n: int, vocabulary: pl.DataFrame, idf: np.ndarray, *, sublinear: bool
) -> Any:
    """L2-normalised rows of term frequency times ``idf`` from a :func:`token_table`.

    Only tokens in ``vocabulary`` (``token``, ``column``) count; the term frequency is the
    count, or ``1 + log(count)`` with ``sublinear`` (scikit-learn's ``TfidfVectorizer`` with a
    fixed vocabulary and ``sublinear_tf``). The same as
    ``weigh(term_counts(tokens, n, vocabulary, len(idf)), idf, sublinear=sublinear)``.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``n`` rows, ``len(idf)`` columns.
    """
    return weigh(term_counts(tokens, n, vocabulary, idf.shape[0]), idf, sublinear=sublinear)


def term_counts(tokens: pl.DataFrame, n: int, vocabulary: pl.DataFrame, width: int) -> Any:
    """How often each ``vocabulary`` token occurs in each text of a :func:`token_table`.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``n`` rows, ``width`` columns, float64 counts; each row's entries in column order.
    """
    from scipy import sparse

    hits = tokens.join(vocabulary, on="token", how="inner")
    rows = hits["row"].to_numpy().astype(np.int32)
    columns = hits["column"].to_numpy().astype(np.int32)
    # the CSR constructor sums duplicate (row, column) entries: the token counts; it also
    # sorts the entries of each row, so the sums in ``weigh`` run in a fixed order
    x = sparse.csr_matrix((np.ones(rows.size, dtype=np.float64), (rows, columns)), shape=(n, width))
    x.sum_duplicates()
    return x


def weigh(counts: Any, idf: np.ndarray, *, sublinear: bool) -> Any:
    """TF-IDF rows, L2-normalised, from :func:`term_counts`: ``counts`` itself, changed in
    place (take a column slice or a copy to keep the counts).

    Each row's norm sums the squares in the order of the row's entries, so the columns of a
    counts matrix taken in increasing order (``counts[:, sorted_columns]``) give exactly the
    rows that counting over those columns alone would give.
    """
    x = counts
    if sublinear:
        x.data = 1.0 + np.log(x.data)
    x.data *= idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x.data /= np.repeat(norms, np.diff(x.indptr))
    return x


@dataclass(frozen=True)
class LinearModel:
    """A multinomial (or binary) logistic model over TF-IDF and dense features.

    ``logits = tfidf(texts) @ coef.T + ((dense - mean) / scale) @ dense_coef.T + intercept
    + offset``; probabilities are the softmax of the logits (the sigmoid of the one logit for a
    binary model). ``offset`` holds the per-class decision offsets chosen inside the
    cross-validation folds at training time (zero for a model used as a probability only).
    """

    classes: tuple[str, ...]
    vocabulary: pl.DataFrame
    idf: np.ndarray
    coef: np.ndarray
    dense_names: tuple[str, ...]
    dense_mean: np.ndarray
    dense_scale: np.ndarray
    dense_coef: np.ndarray
    intercept: np.ndarray
    offset: np.ndarray
    bigrams: bool
    meta: dict[str, str]

    def logits(
        self,
        texts: pl.Series,
        dense: np.ndarray | None = None,
        word_table: pl.DataFrame | None = None,
        *,
        x: Any = None,
    ) -> np.ndarray:
        """Raw scores, shape ``(len(texts), len(intercept))``; ``word_table`` is
        ``token_table(texts, bigrams=False)`` and ``x`` the TF-IDF rows (:meth:`tfidf`) when
        the caller already has them."""
        if x is None:
            x = self.tfidf(texts, word_table)
        out = np.asarray(x @ self.coef.T) + self.intercept
        if self.dense_names:
            if dense is None or dense.shape != (texts.len(), len(self.dense_names)):
                msg = f"model {self.meta.get('name')!r} needs dense features {self.dense_names}"
                raise ValueError(msg)
            out += ((dense - self.dense_mean) / self.dense_scale) @ self.dense_coef.T
        return out

    def probabilities(
        self,
        texts: pl.Series,
        dense: np.ndarray | None = None,
        word_table: pl.DataFrame | None = None,
        *,
        x: Any = None,
    ) -> np.ndarray:
        """Class probabilities (without the decision offsets), one row per text; arguments
        as in :meth:`logits`."""
        z = self.logits(texts, dense, word_table, x=x)
        if z.shape[1] == 1:
            return 1.0 / (1.0 + np.exp(-z[:, 0]))
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def tfidf(self, texts: pl.Series, word_table: pl.DataFrame | None = None) -> Any:
        """The model's TF-IDF rows of ``texts``: :func:`tfidf` over its vocabulary.

        For a model with word pairs, the words are first replaced by integer codes (one join
        with the words the vocabulary uses) and the pairs are looked up as pairs of codes,
        which gives the same matrix without building a string per pair of neighbouring words
        (about twice as fast). ``word_table`` as in :meth:`logits`.

        Examples
        --------
        >>> m = load_model("stance")
        >>> t = pl.Series(["No, you are wrong", "I agree with you"])
        >>> bool((abs(m.tfidf(t) - tfidf(t, m.vocabulary, m.idf, bigrams=True)) > 1e-12).nnz == 0)
        True
        """
        if word_table is None:
            word_table = token_table(texts, bigrams=False)
        if not self.bigrams:
            return weighted_counts(
                word_table, texts.len(), self.vocabulary, self.idf, sublinear=True
            )
        codes, vocabulary, width = self._pair_codes
        coded = word_table.join(codes, on="token", how="left", maintain_order="left")
        code = pl.col("code")
        pairs = coded.select(
            "row",
            pl.when(pl.col("row") == pl.col("row").shift(-1))
            .then((code + 1) * width + code.shift(-1))
            .alias("token"),
        )
        tokens = pl.concat([coded.select("row", code.alias("token")), pairs]).drop_nulls("token")
        return weighted_counts(tokens, texts.len(), vocabulary, self.idf, sublinear=True)

    @cached_property
    def _pair_codes(self) -> tuple[pl.DataFrame, pl.DataFrame, int]:
        """Integer codes of the vocabulary's words (``token``, ``code``), the vocabulary with
        each entry coded (a word: its code ``c``; a pair ``a b``: ``(a + 1) * width + b``), and
        ``width``, the number of words."""
        entries = self.vocabulary.get_column("token")
        parts = entries.str.split_exact(" ", 1).struct.unnest()
        first, second = parts.get_column("field_0"), parts.get_column("field_1")
        used = pl.concat([first, second.drop_nulls()]).unique().sort()
        width = used.len()
        codes = pl.DataFrame({"token": used, "code": np.arange(width, dtype=np.uint64)})
        lookup = dict(zip(used.to_list(), range(width), strict=True))
        a = np.array([lookup[w] for w in first.to_list()], dtype=np.uint64)
        b = np.array([lookup.get(w, -1) for w in second.to_list()], dtype=np.int64)
        coded = np.where(b < 0, a, (a + 1) * width + b.clip(0).astype(np.uint64))
        vocabulary = pl.DataFrame(
            {"token": coded, "column": self.vocabulary.get_column("column")},
            schema={"token": pl.UInt64, "column": pl.UInt32},
        )
        return codes, vocabulary, width

    def save(self, path: Any) -> None:
        """Write the model as one compressed ``.npz`` file."""
        np.savez_compressed(
            path,
            classes=np.array(self.classes),
            tokens=np.array(self.vocabulary.get_column("token").to_list()),
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float32),
            dense_names=np.array(self.dense_names, dtype=str),
            dense_mean=self.dense_mean,
            dense_scale=self.dense_scale,
            dense_coef=self.dense_coef,
            intercept=self.intercept,
            offset=self.offset,
            bigrams=np.array(self.bigrams),
            meta_keys=np.array(list(self.meta)),
            meta_values=np.array(list(self.meta.values())),
        )

    @classmethod
    def from_arrays(cls, arrays: Any) -> LinearModel:
        """Rebuild a model from the arrays :meth:`save` wrote."""
        tokens = arrays["tokens"].tolist()
        vocabulary = pl.DataFrame(
            {"token": tokens, "column": np.arange(len(tokens), dtype=np.uint32)},
            schema={"token": pl.String, "column": pl.UInt32},
        )
        return cls(
            classes=tuple(arrays["classes"].tolist()),
            vocabulary=vocabulary,
            idf=arrays["idf"].astype(np.float64),
            coef=arrays["coef"].astype(np.float64),
            dense_names=tuple(arrays["dense_names"].tolist()),
            dense_mean=arrays["dense_mean"].astype(np.float64),
            dense_scale=arrays["dense_scale"].astype(np.float64),
            dense_coef=arrays["dense_coef"].astype(np.float64),
            intercept=arrays["intercept"].astype(np.float64),
            offset=arrays["offset"].astype(np.float64),
            bigrams=bool(arrays["bigrams"]),
            meta=dict(
                zip(arrays["meta_keys"].tolist(), arrays["meta_values"].tolist(), strict=True)
            ),
        )


@cache
def load_model(name: str) -> LinearModel:
    """The shipped model ``dynamics/text/models/<name>.npz``, loaded once (on first use).

    Examples
    --------
    >>> load_model("stance").classes
    ('agree', 'disagree', 'neutral')
    """
    resource = files("dynamics.text") / "models" / f"{name}.npz"
    with resource.open("rb") as fh, np.load(fh, allow_pickle=False) as arrays:
        return LinearModel.from_arrays(arrays)
