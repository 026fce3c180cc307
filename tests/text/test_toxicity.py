"""Toxicity: the wheel-shipped model, the flame-war lexicon, their combination, the seed thread."""

from __future__ import annotations

import re
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from profanity_check import predict_prob

import dynamics as dyn
from dynamics.text.base import Scorer
from dynamics.text.toxicity import (
    CATEGORIES,
    DEFAULT_WEIGHTS,
    ToxicityScorer,
    _toxichat_probability,
    combine,
    lexicon_matches,
    model_probability,
)

# --- the model part: our polars TF-IDF must reproduce profanity_check exactly -----------------


def _collegerant_texts(shared_data: Path) -> list[str]:
    path = shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson"
    frame = pl.read_ndjson(path, infer_schema_length=None)
    return frame.filter(pl.col("parent_id").is_not_null())["body"].fill_null("").to_list()


def test_model_probability_equals_profanity_check_on_real_comments(shared_data: Path) -> None:
    texts = _collegerant_texts(shared_data)
    assert len(texts) > 20_000
    np.testing.assert_allclose(model_probability(texts), predict_prob(texts), rtol=0, atol=1e-12)


def test_model_probability_equals_profanity_check_on_edge_cases() -> None:
    texts = [
        "",
        "   ",
        "a",  # one-letter tokens are not tokens
        "the and of",  # stop words only
        "Ça va? Überhaupt nicht, du Idiot!",  # non-ASCII letters
        "idiot idiot idiot moron",  # repeated tokens: counts, not presence
        "YOU ARE AN IDIOT",  # case
        "emoji 😡 and\ttabs\nnewlines",
        "under_score snake_case_words 2020 a1",
    ]
    np.testing.assert_allclose(model_probability(texts), predict_prob(texts), rtol=0, atol=1e-12)


def test_model_probability_none_is_empty_text() -> None:
    p = model_probability([None, ""])
    assert p[0] == p[1]
    assert model_probability([]).shape == (0,)


# --- the lexicon ------------------------------------------------------------------------------

HOSTILE = {
    "dehumanising": [
        "These people are vermin.",
        "They are animals, all of them.",
        "go back to your cave, you subhuman parasite",
        "cockroaches, every last one",
        "Those filthy rats should leave",
    ],
    "violence": [
        "Wipe them out.",
        "kill them all",
        "They should be shot.",
        "Gas them.",
        "I hope he gets hit by a bus",
        "just kys",
    ],
    "insult": [
        "you idiot",
        "What a moron.",
        "She is a liar.",
        "You're pathetic.",
        "shut up",
        "You are so stupid it hurts",
    ],
    "obfuscated": [
        "f*ck this",
        "f.u.c.k off",
        "None ceasefire..fu..ck Turkish",
        "holy sh!t",
        "what an a$$hole",
        "you b1tch",
        "f#cking burn it",
        "who the f*** cares",
    ],
}
NEUTRAL = [
    "What time does the exam start?",
    "Could you please explain the article in simple English?",
    "I agree, the ceasefire will not hold.",
    "The buffer zone needs to be carved out of the territory.",
    "Thanks, that helped a lot!",
    "My professor posted the grades late again.",
    "The lab rats in our biology course were well cared for.",
]
# spellings that look masked but are not: the obfuscated category must stay quiet on them
NOT_OBFUSCATED = [
    "I really fucking hate this exam",  # plain swearing: the model's job, not the lexicon's
    "what?????? no way!!!!",
    "it costs $$$$ to park",
    "students who refused to work",
    "(until next week)",
    "a's!!! now",
]


@pytest.mark.parametrize(
    ("category", "text"), [(c, t) for c, texts in HOSTILE.items() for t in texts]
)
def test_lexicon_matches_its_category(category: str, text: str) -> None:
    assert lexicon_matches([text])[category][0], text


def test_needed_words_skip_no_match(shared_data: Path) -> None:
    # a category with NEEDS runs only on texts holding one of its words; run every category
    # on every text instead, and the matches must be the same
    from dynamics.text._toxicity_lexicon import NEEDS
    from dynamics.text.toxicity import _compiled_categories, normalise

    texts = [*_collegerant_texts(shared_data)[:5000], *NEUTRAL]
    texts += [t for examples in HOSTILE.values() for t in examples]
    got = lexicon_matches(texts)
    lowered = normalise(texts)
    for category, pattern in _compiled_categories().items():
        every = lowered.str.contains(pattern).to_numpy()
        np.testing.assert_array_equal(got[category], every, err_msg=category)
        if category in NEEDS:
            assert every.sum() >= 3, f"too few texts here exercise {category!r}"


@pytest.mark.parametrize("text", NEUTRAL)
def test_lexicon_quiet_on_neutral_text(text: str) -> None:
    hits = lexicon_matches([text])
    assert not any(hits[c][0] for c in CATEGORIES), {c: bool(hits[c][0]) for c in CATEGORIES}


@pytest.mark.parametrize("text", NOT_OBFUSCATED)
def test_obfuscated_needs_a_masked_letter(text: str) -> None:
    assert not lexicon_matches([text])["obfuscated"][0]


def test_lexicon_handles_curly_apostrophes_and_case() -> None:
    hits = lexicon_matches(["YOU\u2019RE PATHETIC", "you\u2019re fine"])
    assert hits["insult"].tolist() == [True, False]


def test_lexicon_shapes_and_none() -> None:
    hits = lexicon_matches([None, "", "idiot"])
    assert set(hits) == set(CATEGORIES)
    for values in hits.values():
        assert values.dtype == bool
        assert values.shape == (3,)
    assert hits["insult"].tolist() == [False, False, True]


# --- the combination rule ---------------------------------------------------------------------


def test_combine_is_noisy_or_on_known_inputs() -> None:
    p_model = np.array([0.2, 0.2, 0.2, 0.0, 1.0])
    matches = {
        "insult": np.array([False, True, True, True, False]),
        "violence": np.array([False, False, True, False, True]),
    }
    weights = {"insult": 0.5, "violence": 0.5}
    got = combine(p_model, matches, weights)
    # no match: the model's value; one match: 1 - 0.8 * 0.5; two: 1 - 0.8 * 0.5 * 0.5;
    # model 0 with one match: the weight itself; model 1 stays 1
    np.testing.assert_allclose(got, [0.2, 0.6, 0.8, 0.5, 1.0])


def test_combine_ignores_categories_without_weight_and_is_monotone() -> None:
    rng = np.random.default_rng(0)
    p_model = rng.uniform(size=200)
    matches = {c: rng.uniform(size=200) < 0.3 for c in CATEGORIES}
    base = combine(p_model, matches, {})
    np.testing.assert_array_equal(base, p_model)
    previous = base
    weights: dict[str, float] = {}
    for category in CATEGORIES:  # adding a category never lowers a score
        weights[category] = DEFAULT_WEIGHTS[category]
        current = combine(p_model, matches, weights)
        assert (current >= previous).all()
        assert ((current >= 0) & (current <= 1)).all()
        previous = current


def test_scorer_is_the_documented_combination() -> None:
    texts = [*NEUTRAL, *(t for texts in HOSTILE.values() for t in texts)]
    hits = lexicon_matches(texts)
    p_trained = _toxichat_probability(pl.Series(texts), hits)
    expected = combine(p_trained, hits, DEFAULT_WEIGHTS)
    np.testing.assert_array_equal(ToxicityScorer().score(texts)["toxicity"], expected)
    # the previous scorer: profanity-check's model OR the lexicon
    previous = combine(model_probability(texts), hits, DEFAULT_WEIGHTS)
    np.testing.assert_array_equal(
        ToxicityScorer(model="profanity").score(texts)["toxicity"], previous
    )


def test_trained_model_is_the_shipped_arrays() -> None:
    # the logistic model recomputed by hand from the .npz arrays and scipy's own TF-IDF
    from dynamics.text._linear import load_model

    m = load_model("toxicity")
    texts = ["you are a complete idiot", "thanks for the link"]
    hits = lexicon_matches(texts)
    p = np.clip(model_probability(texts), 1e-4, 1 - 1e-4)
    dense = np.column_stack([np.log(p / (1 - p))] + [hits[c] for c in CATEGORIES])
    vocab = dict(
        zip(m.vocabulary["token"].to_list(), m.vocabulary["column"].to_list(), strict=True)
    )
    logits = []
    for i, text in enumerate(texts):
        tokens = [t for t in re.findall(r"\b\w\w+\b", text.lower()) if t in vocab]
        counts = Counter(tokens)
        x = np.zeros(len(m.idf))
        for token, n in counts.items():
            x[vocab[token]] = (1 + np.log(n)) * m.idf[vocab[token]]
        x /= np.linalg.norm(x)
        z = x @ m.coef[0] + ((dense[i] - m.dense_mean) / m.dense_scale) @ m.dense_coef[0]
        logits.append(z + m.intercept[0])
    expected = 1 / (1 + np.exp(-np.array(logits)))
    got = _toxichat_probability(pl.Series(texts), hits)
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    assert got[0] > 0.5 > got[1]


def test_shared_counts_equal_each_models_own(shared_data: Path) -> None:
    # the two models count words once over the union of their vocabularies; each model's
    # TF-IDF rows, and so the probabilities, must be exactly those of its own vocabulary
    from dynamics.text._linear import load_model, token_table

    texts = pl.Series([*_collegerant_texts(shared_data)[:5000], "", "idiot idiot moron"])
    hits = lexicon_matches(texts)
    model = load_model("toxicity")
    p = np.clip(model_probability(texts), 1e-4, 1 - 1e-4)
    dense = np.column_stack([np.log(p / (1 - p))] + [hits[c] for c in CATEGORIES])
    own = model.probabilities(texts, dense, token_table(texts, bigrams=False))
    np.testing.assert_array_equal(_toxichat_probability(texts, hits), own)


def test_model_alone_and_lexicon_alone() -> None:
    texts = ["they are vermin", "what time is it", "you are an idiot and a liar"]
    np.testing.assert_array_equal(
        ToxicityScorer(weights={}, model="profanity").score(texts)["toxicity"],
        model_probability(texts),
    )
    lexicon_only = ToxicityScorer(use_model=False).score(texts)["toxicity"]
    # "they are vermin" matches dehumanising only; "what time" nothing; the last insult only
    np.testing.assert_allclose(
        lexicon_only, [DEFAULT_WEIGHTS["dehumanising"], 0.0, DEFAULT_WEIGHTS["insult"]]
    )


# --- the scorer -------------------------------------------------------------------------------


def test_hostile_sentences_score_above_neutral_ones() -> None:
    scorer = ToxicityScorer()
    hostile = [t for texts in HOSTILE.values() for t in texts]
    p_hostile = scorer.score(hostile)["toxicity"]
    p_neutral = scorer.score(NEUTRAL)["toxicity"]
    assert p_hostile.min() > p_neutral.max(), (
        hostile[int(p_hostile.argmin())],
        NEUTRAL[int(p_neutral.argmax())],
    )


def test_lexicon_lifts_what_the_model_misses() -> None:
    # the phrases TESTING.md reports the model alone scoring low
    texts = [
        "these people are vermin and should be wiped out",
        "go back to your cave, you subhuman parasite",
    ]
    assert (model_probability(texts) < 0.5).all()
    assert (ToxicityScorer().score(texts)["toxicity"] > 0.9).all()


def test_scorer_protocol_shape_range_and_determinism() -> None:
    scorer = ToxicityScorer()
    assert isinstance(scorer, Scorer)
    assert scorer.name == "toxicity"
    assert scorer.columns == ("toxicity",)
    texts = [*NEUTRAL, *HOSTILE["insult"], "", None]
    first = scorer.score(texts)
    assert set(first) == {"toxicity"}
    values = first["toxicity"]
    assert values.shape == (len(texts),)
    assert values.dtype == np.float64
    assert ((values >= 0) & (values <= 1)).all()
    np.testing.assert_array_equal(ToxicityScorer().score(texts)["toxicity"], values)
    # each text is scored alone: batch order and batch size do not matter
    np.testing.assert_array_equal(scorer.score(texts[::-1])["toxicity"][::-1], values)
    np.testing.assert_array_equal(scorer.score(texts[:3])["toxicity"], values[:3])


def test_empty_and_none_texts() -> None:
    scorer = ToxicityScorer()
    values = scorer.score(["", None, "   "])["toxicity"]
    assert values[0] == values[1]
    assert values[0] < 0.5
    assert scorer.score([])["toxicity"].shape == (0,)


def test_version_tracks_weights_and_bad_weights_are_rejected() -> None:
    default = ToxicityScorer().version
    assert default == ToxicityScorer(weights=dict(DEFAULT_WEIGHTS)).version
    assert default != ToxicityScorer(weights={"insult": 0.5}).version
    assert default != ToxicityScorer(use_model=False).version
    with pytest.raises(ValueError, match="The 'weights' parameter of ToxicityScorer"):
        ToxicityScorer(weights={"rudeness": 0.5}).score(["x"])
    with pytest.raises(ValueError, match=r"values in \[0, 1\]. Got 1.5"):
        ToxicityScorer(weights={"insult": 1.5}).score(["x"])


# --- issue point 7: the seed thread -----------------------------------------------------------

# Read from dynamics/data/southfront-idlib-thread.txt. Hostile: #10 "such a piece of shit scum
# worthless rats they are" (dehumanising + swearing), #6 "eliminate these US termites"
# (dehumanising), #12 "just f#cking burn them" (violence, masked swearing), #22 "fu..ck Turkish.
# ... must disappeared for ever" (masked swearing), #15 "trust the arsehole Erdogan" (insult),
# #9 "Al Nusra are still peices of shit ... Let them rot!" (swearing), #2 "Idlib terrorists must
# be eliminated!" (call for killing). Neutral questions and remarks: #7 "could you please
# explain the article for me", #19 "Doesnt help the Syrians though does it?", #25 "Seems you
# forget Russia recognises Israël", #41 "The buffer zone needs to be carved out of Turkey's
# territory", #43 "I was not aware Turkey had ever even started", #5 "I support fully.",
# #17 "Finally a voice of reason".
THREAD_HOSTILE = [10, 6, 12, 22, 15, 9, 2]
THREAD_NEUTRAL = [7, 19, 25, 41, 43, 5, 17]


def test_seed_thread_hostile_comments_score_clearly_above_neutral_ones(seed_thread: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        thread = dyn.load(seed_thread, infer_replies="adjacent")
    comments = thread.comments
    scores = dict(
        zip(
            comments["comment_id"].to_list(),
            ToxicityScorer().score(comments["text"].to_list())["toxicity"].tolist(),
            strict=True,
        )
    )

    def score(n: int) -> float:
        return scores[f"southfront-idlib-thread#{n}"]

    lowest_hostile = min(THREAD_HOSTILE, key=score)
    highest_neutral = max(THREAD_NEUTRAL, key=score)
    for hostile in THREAD_HOSTILE:
        for neutral in THREAD_NEUTRAL:
            assert score(hostile) > score(neutral), (hostile, neutral)
    # "clearly": a wide gap between the two groups, not a tie broken by rounding
    assert score(lowest_hostile) - score(highest_neutral) > 0.25, (lowest_hostile, highest_neutral)
    # the lexicon is what separates the dehumanising and violent ones: the model alone does not
    model = model_probability([comments["text"][n - 1] for n in (6, 2)])
    assert (model < 0.5).all()
    assert score(6) > 0.9
    assert score(2) > 0.9
