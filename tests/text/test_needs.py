"""rows_holding: the texts a pattern can match, found in one Aho-Corasick pass."""

from __future__ import annotations

import polars as pl

from dynamics.text._needs import rows_holding


def test_overlapping_words_are_all_found():
    # "agree" inside "disagree", "no" inside "nope" and "know": substrings, every one of them
    texts = pl.Series(["I disagree", "nope", "you know", "fine", ""])
    found = rows_holding(texts, {"agree": ["agree"], "dis": ["disagree"], "no": ["no", "nah"]})
    assert {k: v.tolist() for k, v in found.items()} == {
        "agree": [0],
        "dis": [0],
        "no": [1, 2],
    }


def test_keys_without_a_holding_text_are_left_out():
    texts = pl.Series(["plain text", "more text"])
    assert rows_holding(texts, {1: ["vermin"], 2: ["text"]}).keys() == {2}
    assert rows_holding(texts, {}) == {}
    assert rows_holding(pl.Series([], dtype=pl.String), {1: ["x"]}) == {}


def test_a_word_shared_by_two_keys_counts_for_both():
    texts = pl.Series(["a lie", "lies", "truth"])
    found = rows_holding(texts, {"lie": ["lie"], "lies": ["lies", "lie"]})
    assert found["lie"].tolist() == [0, 1]
    assert found["lies"].tolist() == [0, 1]
