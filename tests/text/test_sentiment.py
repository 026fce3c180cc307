"""SentimentScorer: exactly VADER's compound score, faster, optionally in several processes."""

from __future__ import annotations

import itertools
import json
import random
import warnings

import numpy as np
import polars as pl
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import dynamics as dyn
from dynamics.text import SentimentScorer
from dynamics.text.sentiment import MIN_PARALLEL

COLLEGE_RANT = ("reddit-college", "CollegeRant-pushshift.ndjson")


@pytest.fixture(scope="module")
def reference():
    analyzer = SentimentIntensityAnalyzer()
    return lambda texts: [analyzer.polarity_scores(t)["compound"] for t in texts]


def college_rant_comments(shared_data, n: int) -> list[str]:
    path = shared_data.joinpath(*COLLEGE_RANT)
    if not path.exists():
        pytest.skip(f"r/CollegeRant dump not available at {path}")
    texts = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if "body" in record:
                texts.append(record["body"])
            if len(texts) == n:
                break
    return texts


def test_equals_vader_on_the_seed_thread(seed_thread, reference):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        texts = dyn.load(seed_thread).comments.get_column("text").to_list()
    assert len(texts) > 40
    ours = SentimentScorer().score(texts)["sentiment"].tolist()
    assert ours == reference(texts)


def test_equals_vader_on_college_rant(shared_data, reference):
    texts = college_rant_comments(shared_data, 4000)
    assert len(texts) == 4000
    ours = SentimentScorer().score(texts)["sentiment"].tolist()
    assert ours == reference(texts)


# Hand-made texts that exercise each VADER rule: negation, boosters at distance 1-3, "but",
# "no" before a lexicon word, "never so", "without doubt", "kind of", "least", ALL CAPS,
# emoticons, emojis, punctuation emphasis, repeated equal valences (the "but" quirk).
RULE_TEXTS = [
    "The food is not good.",
    "The food is extremely good!!",
    "The food is kind of good",
    "It was good but the service was awful",
    "good good good but bad bad",
    "no good, no love",
    "never so happy",
    "without doubt the best",
    "at least it was not terrible",
    "least happy ever",
    "I LOVE it, it is GREAT",
    "THIS IS ALL CAPS AND GREAT",
    "sad :( but then :) happy",
    "I am so happy 😀 and 💔 sad",
    "Really??? Is that so?? Wow!!!!!",
    "It isn't horrible, it's not bad at all, nor is it no good",
    "",
    "   ",
    "!!!",
    "no",
    "no way, not lovely, not ugly",
]


@pytest.mark.parametrize("text", RULE_TEXTS)
def test_equals_vader_on_each_rule(text, reference):
    assert SentimentScorer().score([text])["sentiment"].tolist() == reference([text])


def test_equals_vader_on_random_word_salad(reference):
    # shuffled sentences built from the words the rules look at (seeded)
    words = ["not", "never", "no", "nor", "or", "but", "BUT", "so", "this", "without", "doubt"]
    words += ["kind", "of", "least", "at", "very", "extremely", "barely", "!", "?", ":)", ":("]
    words += ["good", "GOOD", "bad", "BAD", "love", "hate", "happy", "sad", "great", "awful"]
    words += ["\U0001f600"]
    rng = random.Random(7)
    texts = [" ".join(rng.choices(words, k=rng.randint(1, 12))) for _ in range(3000)]
    assert SentimentScorer().score(texts)["sentiment"].tolist() == reference(texts)


def test_equals_vader_on_unicode_emoji_and_idiom_salad(reference):
    # the vectorised path's own hazards: non-ASCII capitals (isupper asked of Python),
    # every kind of whitespace Python's split() knows, emojis glued to words and emojis whose
    # description holds "!", the idioms and multi-word boosters, "n't" words, repeated
    # valences around "but" (the reference's list.index quirk)
    words = ["not", "never", "no", "nor", "but", "BUT", "so", "this", "without", "doubt"]
    words += ["kind", "of", "sort", "least", "at", "very", "extremely", "the", "shit", "bomb"]
    words += ["kiss", "death", "to", "die", "for", "yeah", "right", "bus", "stop", "bad", "ass"]
    words += ["beating", "heart", "just", "enough", "isn't", "don't", "good", "GOOD", "Good"]
    words += ["love", "LOVE", "hate", "sad", ":)", "ÉNORME", "ÇA", "İs", "Ñoño", "ΣΑΣ", "ok!"]
    words += ["\U0001f602", "x\U0001f602y", "\U0001f51b", "\u2764", "!!", "???", "no.", "NO"]
    separators = [" ", "  ", "\n", "\t", "\xa0", "\u3000", "\x1c", "\x85", "\u2028", ", "]
    rng = random.Random(11)
    texts = [
        "".join(w + rng.choice(separators) for w in rng.choices(words, k=rng.randint(1, 15)))
        for _ in range(3000)
    ]
    assert SentimentScorer().score(texts)["sentiment"].tolist() == reference(texts)


def test_words_split_where_python_splits():
    # every code point between two letters: a word boundary exactly where str.split() has one
    from dynamics.text._vader import _words

    points = [c for c in range(0x3100) if not 0xD800 <= c <= 0xDFFF]
    texts = pl.Series([f"a{chr(c)}b" for c in points])
    words = _words(texts).group_by("row").len().sort("row").get_column("len").to_list()
    assert words == [len(t.split()) for t in texts.to_list()]


def test_range_and_empty_texts():
    out = SentimentScorer().score(["", "I hate this awful, terrible day", "What a lovely day"])
    s = out["sentiment"]
    assert s.dtype == np.float64
    assert s[0] == 0.0
    assert s[1] < -0.5 < 0.5 < s[2]
    assert np.all((s >= -1) & (s <= 1))


def test_parallel_equals_serial():
    rng = random.Random(3)
    texts = [f"{t} {rng.random()}" for t in itertools.islice(itertools.cycle(RULE_TEXTS), 9000)]
    assert len(texts) > 2 * MIN_PARALLEL  # several chunks per worker
    serial = SentimentScorer().score(texts)["sentiment"]
    parallel = SentimentScorer(n_jobs=2).score(texts)["sentiment"]
    np.testing.assert_array_equal(serial, parallel)


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5])
def test_bad_n_jobs(n_jobs):
    with pytest.raises(ValueError, match="'n_jobs' parameter of SentimentScorer"):
        SentimentScorer(n_jobs=n_jobs).score(["x"] * MIN_PARALLEL)


def test_version_names_the_lexicon():
    assert SentimentScorer().version.startswith("vaderSentiment-3.")
