"""The fast inference paths of the shipped linear models give the reference features exactly."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics.text._linear import load_model, tfidf, token_table, word_lists
from dynamics.text._pair_features import pair_features


@pytest.fixture
def real_texts(shared_data) -> pl.Series:
    """Real r/CollegeRant comments, plus texts with the quotes the stance features normalise."""
    path = shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        texts = dyn.load(path).comments.get_column("text").head(3000)
    extra = ["don\u02bct you \u02bcagree\u2019 `x` \u201cno\u201d", "I \u02bcm ok?", None, ""]
    return pl.concat([texts, pl.Series(extra, dtype=pl.String)])


@pytest.mark.parametrize("name", ["stance", "toxicity"])
def test_model_tfidf_equals_the_string_tfidf(real_texts, name):
    model = load_model(name)
    expected = tfidf(real_texts, model.vocabulary, model.idf, bigrams=model.bigrams)
    got = model.tfidf(real_texts)
    assert got.shape == expected.shape
    assert expected.nnz > 10 * real_texts.len()  # the texts do hit the vocabulary
    assert (got != expected).nnz == 0


def test_model_tfidf_with_given_words(real_texts):
    model = load_model("stance")
    words = token_table(real_texts, bigrams=False, words=word_lists(real_texts))
    assert (model.tfidf(real_texts, words) != model.tfidf(real_texts)).nnz == 0


def test_pair_features_with_given_words_and_repeated_parents(real_texts):
    rng = np.random.default_rng(0)
    # many replies share a parent, as in real threads
    parents = real_texts.gather(rng.integers(0, real_texts.len() // 3, real_texts.len()))
    reference = pair_features(real_texts, parents)
    fast = pair_features(real_texts, parents, reply_words=word_lists(real_texts))
    np.testing.assert_array_equal(fast, reference)
    # one pair at a time gives the same rows (nothing depends on the other pairs)
    for i in [0, 5, real_texts.len() - 4, real_texts.len() - 3]:
        one = pair_features(real_texts.slice(i, 1), parents.slice(i, 1))
        np.testing.assert_array_equal(one[0], reference[i])


def test_modifier_apostrophe_is_normalised_in_the_overlap():
    # U+02BC is a word character: "don\u02bct" is one word as written, "don" + "t" normalised
    replies = pl.Series(["don\u02bct stop"])
    parents = pl.Series(["don't stop"])
    x = pair_features(replies, parents, reply_words=word_lists(replies))
    share = dict(zip(("overlap_jaccard", "overlap_reply_share"), x[0, -2:], strict=True))
    assert share["overlap_reply_share"] == 1.0  # {"don", "stop"} both in the parent
