"""MarkerStanceScorer: agreement / disagreement markers and the stance rule they give."""

from __future__ import annotations

import re
import warnings

import polars as pl
import pytest

import dynamics as dyn
from dynamics.text import MarkerStanceScorer as StanceScorer
from dynamics.text import annotate
from dynamics.text.stance import MARKERS

# (text, agreement markers, disagreement markers), each count worked out by reading the text
KNOWN = [
    ("I agree.", 1, 0),
    ("I totally agree with you", 1, 0),
    ("Agreed.", 1, 0),
    ("Exactly! That is what I meant.", 1, 0),
    ("Yes, that is how it works.", 1, 0),
    ("Yep i agree", 2, 0),
    ("Finally a voice of reason", 1, 0),
    ("Well said. Good point about the fees.", 2, 0),
    ("This.", 1, 0),
    ("+1", 1, 0),
    ("You're right.", 1, 0),
    ("I couldn't agree more!", 1, 0),
    ("You're not wrong.", 1, 0),
    ("I don't disagree.", 1, 0),
    ("No, that's a lie.", 0, 2),
    ("No. You are mistaken.", 0, 2),
    ("I don't agree.", 0, 1),
    ("I do not really agree with that", 0, 1),
    ("I disagree.", 0, 1),
    ("You're wrong.", 0, 1),
    ("Wrong.", 0, 1),
    ("That's not true.", 0, 1),
    ("Nonsense!", 0, 1),
    ("What a load of bullshit.", 0, 1),
    ("Seems you forget Russia recognises Israel.", 0, 1),
    ("Yeah, but the fees went up.", 0, 1),
    ("Yeah right.", 0, 1),
    ("> the exam was fair\n\nIt was not, half the class failed.", 0, 1),
    ("\u201cFor every attack we retaliated\u201d\n\nBut the attacks haven\u2019t stopped.", 0, 1),
    # not markers
    ("No doubt about it, the exam was hard.", 0, 0),
    ("No problem, happy to help.", 0, 0),
    ("No one told us about the deadline.", 0, 0),
    ("Look at her eyes.", 0, 0),
    ("Russia voted yes, China voted yes.", 0, 0),
    ("There is no evidence either way.", 0, 0),
    ("This is the third email I sent.", 0, 0),
    ("2+1=3 and 10+10=20", 0, 0),
    ("I have a BS in biology.", 0, 0),
    ("The agreement was signed in Sochi.", 0, 0),
    ("", 0, 0),
]


@pytest.mark.parametrize(("text", "agree", "disagree"), KNOWN)
def test_known_sentences(text, agree, disagree):
    out = StanceScorer().score([text])
    assert (out["agreement"][0], out["disagreement"][0]) == (agree, disagree), (
        StanceScorer().explain(text)
    )


def test_vectorised_equals_one_by_one():
    texts = [t for t, _, _ in KNOWN]
    together = StanceScorer().score(texts)
    for i, text in enumerate(texts):
        alone = StanceScorer().score([text])
        assert together["agreement"][i] == alone["agreement"][0]
        assert together["disagreement"][i] == alone["disagreement"][0]


def test_case_and_curly_apostrophes_do_not_matter():
    out = StanceScorer().score(["I DON\u2019T AGREE", "i don't agree", "YOU\u2019RE RIGHT"])
    assert out["disagreement"].tolist()[:2] == [1, 1]
    assert out["agreement"].tolist()[2] == 1


def test_quoted_lines_are_not_the_repliers_words():
    # "I agree" inside the quote is the parent's; the reply itself rebuts
    out = StanceScorer().score(["> I agree with the professor\n\nThe professor was unfair."])
    assert (out["agreement"][0], out["disagreement"][0]) == (0, 1)
    # Reddit dumps escape the quote marker as &gt;
    escaped = StanceScorer().score(["&gt; I agree with him\n\nHe was unfair."])
    assert escaped["disagreement"][0] == 1


def test_stance_rule():
    texts = ["I agree, good point.", "No, you're wrong.", "I agree, but you're wrong.", "Hi"]
    out = StanceScorer().score(texts)
    # 2 agree / 0; 0 / 2; one of each: a tie; no markers
    assert out["stance"].tolist() == ["agree", "disagree", "neutral", "neutral"]


def test_explain_lists_signed_matches():
    assert StanceScorer().explain("No doubt.") == {
        "no (opening the reply)": 1,
        "no one / no doubt (taken back)": -1,
    }
    assert StanceScorer().explain("Plain text") == {}


def test_every_marker_is_a_valid_pattern_with_a_known_kind():
    for marker in MARKERS:
        assert marker.kind in {"agreement", "disagreement"}
        assert marker.weight in {1, -1}
        re.compile(marker.pattern)  # also valid for Python's engine
        pl.Series(["x"]).str.count_matches(marker.pattern)  # and for polars'


def test_needed_words_skip_no_match(seed_thread, shared_data):
    # each marker with `needs` is run only on texts holding one of its words; run every
    # pattern on every text instead, and the counts must be the same
    from dynamics.text.stance import _counts, _engine_patterns

    texts = [t for t, _, _ in KNOWN]
    texts += ["Disagree. The fees went up.", "Totally disagree!", "So much this.", "Bingo!"]
    texts += ["Not really.", "Citation needed?", "Says who?", "You're lying.", "Such lies"]
    texts += ["That is complete horseshit", "Bull shit.", "I doubt it", "Are you serious?"]
    texts += ["Wtf are you talking about", "You make a good point", "Yup, but whatever"]
    texts += ["That's just plain wrong", "That is patently false", "Precisely."]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        texts += dyn.load(seed_thread).comments.get_column("text").to_list()
    path = shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson"
    if path.exists():
        texts += pl.read_ndjson(path).get_column("body").drop_nulls().head(3000).to_list()
    texts += [f"{a} {b}" for a, b in zip(texts[:40], reversed(texts[:40]), strict=True)]
    series = pl.Series(texts, dtype=pl.String)
    lowered = series.str.to_lowercase().str.replace_all(r"[\u2018\u2019\u02bc`\u00b4]", "'")
    lowered = lowered.str.replace_all(r"[\u201c\u201d\u201e\u00ab\u00bb]", '"')
    lowered = lowered.str.replace_all("&gt;", ">", literal=True)
    clean = lowered.str.replace_all(r"(?m)^[ \t]*>[^\n]*", "")
    got = _counts(series)
    for i, (marker, pattern) in enumerate(zip(MARKERS, _engine_patterns(), strict=True)):
        every = (lowered if marker.raw else clean).str.count_matches(pattern)
        assert got.get_column(str(i)).to_list() == every.to_list(), marker.name
        if marker.needs:
            assert every.sum() > 0, f"no text here exercises {marker.name!r}"
            assert all(w == w.lower() for w in marker.needs)


def seed_annotated(seed_thread) -> pl.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(seed_thread, infer_replies="adjacent")
    return annotate(d, ["stance-markers"], cache=False).comments


@pytest.mark.parametrize(
    ("opening", "stance"),
    [
        # read in the thread: each replies to the comment before it
        ("Finally a voice of reason", "agree"),
        ("Yep i agree, i would compare it", "agree"),
        ("I agree. I cant see any of this being good", "agree"),
        ("Seems you forget Russia recognises", "disagree"),
        ("No :) The real picture is much wider", "disagree"),
        ("Do you think your fantasies can fool anyone?", "disagree"),  # "Thats a lie"
        ("\u201cFor every attack on Russian forces", "disagree"),  # quotes, then "But ..."
        ("Russia prefers to have Turkey than a poor", "neutral"),  # argues, without cue words
    ],
)
def test_seed_thread_replies(seed_thread, opening, stance):
    c = seed_annotated(seed_thread)
    row = c.filter(pl.col("text").str.starts_with(opening))
    assert row.height == 1
    assert row.get_column("parent_id")[0] is not None  # a reply, so it has a stance
    assert row.get_column("stance")[0] == stance


def test_seed_thread_roots_have_no_stance_but_keep_counts(seed_thread):
    c = seed_annotated(seed_thread)
    root = c.filter(pl.col("text").str.starts_with("No cease fires, Idlib terrorists"))
    assert root.get_column("parent_id")[0] is None
    assert root.get_column("stance")[0] is None
    assert root.get_column("disagreement")[0] == 1


def test_deterministic(seed_thread):
    assert seed_annotated(seed_thread).equals(seed_annotated(seed_thread))


def test_me_too_is_agreement_but_not_inside_for_me_too():
    out = StanceScorer().score(["Me too!", "This is hard for me too.", "Works for me too. Me too."])
    assert out["agreement"].tolist() == [1, 0, 1]
