"""A faster, exact re-implementation of VADER's compound score.

``vaderSentiment`` 3.3.2 re-lowercases the whole token list for every sentiment word it meets
(``_negation_check`` and ``_special_idioms_check``), which makes a comment of n words cost
O(n^2), and it rebuilds the text character by character to replace emojis. This module runs
the same rules on a token list lowercased once, replaces emojis only in texts that hold one,
and keeps every quirk of the reference (the ``but`` rule that re-finds values by equality, the
precedence of ``never so``/``this``, ``no`` before a lexicon word, the rounding to 4 places), so
:func:`compound` returns exactly ``SentimentIntensityAnalyzer().polarity_scores(t)["compound"]``;
``tests/text/test_sentiment.py`` checks that equality on every real comment in the test data.

References
----------
Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment
Analysis of Social Media Text. ICWSM-14. https://doi.org/10.1609/icwsm.v8i1.14550
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from functools import cache

import numpy as np

__all__ = ["compound", "compound_many"]

_PUNCT = string.punctuation
_SO_THIS = ("so", "this")


@cache
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@cache
def _tables() -> tuple:
    from vaderSentiment import vaderSentiment as vs

    a = _analyzer()
    emoji_chars = frozenset(k for k in a.emojis if len(k) == 1)
    return (
        a.lexicon,
        vs.BOOSTER_DICT,
        frozenset(vs.NEGATE),
        vs.SPECIAL_CASES,
        vs.N_SCALAR,
        vs.C_INCR,
        emoji_chars,
        frozenset(w for w in a.lexicon if w not in vs.BOOSTER_DICT),
        # the words of the idioms and of the multi-word boosters: a phrase of words that are
        # not all in this set is neither
        frozenset(
            w
            for phrase in [*vs.SPECIAL_CASES, *vs.BOOSTER_DICT]
            if " " in phrase or phrase in vs.SPECIAL_CASES
            for w in phrase.split()
        ),
    )


def _replace_emojis(text: str, emojis: dict[str, str]) -> str:
    # The reference loop, run only on the rare texts that hold an emoji.
    out = []
    prev_space = True
    for ch in text:
        if ch in emojis:
            if not prev_space:
                out.append(" ")
            out.append(emojis[ch])
            prev_space = False
        else:
            out.append(ch)
            prev_space = ch == " "
    return "".join(out).strip()


def compound(text: str) -> float:
    """VADER compound score of one text, in [-1, 1] rounded to 4 places (0.0 for no words)."""
    lex, boost, negate, special, n_scalar, c_incr, emoji_chars, active, idiom_words = _tables()
    if not text.isascii() and not emoji_chars.isdisjoint(text):
        text = _replace_emojis(text, _analyzer().emojis)
    words = [
        tok if len(stripped) <= 2 else stripped
        for tok in text.split()
        if (stripped := tok.strip(_PUNCT)) is not None
    ]
    n = len(words)
    if n == 0:
        return 0.0
    low = [w.lower() for w in words]
    hits = [i for i, w in enumerate(low) if w in active]
    if not hits:
        return 0.0  # every word scored 0: the sum is 0 whatever the punctuation
    n_upper = sum(map(str.isupper, words))
    cap_diff = 0 < n - n_upper < n

    # Only lexicon words can score; the others are the reference's zeros, which change
    # neither the sum nor the ``but`` rule, so keep (position, valence) of the hits only.
    positions: list[int] = []
    values: list[float] = []
    for i in hits:
        lw = low[i]
        if i < n - 1 and lw == "kind" and low[i + 1] == "of":
            continue
        valence = lex[lw]
        if lw == "no" and i != n - 1 and low[i + 1] in lex:
            valence = 0.0
        if (
            (i > 0 and low[i - 1] == "no")
            or (i > 1 and low[i - 2] == "no")
            or (i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor"))
        ):
            valence = lex[lw] * n_scalar
        if cap_diff and words[i].isupper():
            valence = valence + c_incr if valence > 0 else valence - c_incr
        for start_i in range(3):  # the three words before, nearest first
            j = i - start_i - 1
            if j < 0:
                continue
            lj = low[j]
            if lj in lex:
                continue
            # scalar_inc_dec
            s = 0.0
            if lj in boost:
                s = boost[lj]
                if valence < 0:
                    s *= -1
                if cap_diff and words[j].isupper():
                    s = s + c_incr if valence > 0 else s - c_incr
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            # _negation_check (inlined: it runs three times for every lexicon word)
            negated = lj in negate or "n't" in lj
            if start_i == 0:
                if negated:
                    valence = valence * n_scalar
            elif start_i == 1:
                if lj == "never" and low[i - 1] in _SO_THIS:
                    valence = valence * 1.25
                elif lj == "without" and low[i - 1] == "doubt":
                    pass
                elif negated:
                    valence = valence * n_scalar
            else:
                if (lj == "never" and low[i - 2] in _SO_THIS) or low[i - 1] in _SO_THIS:
                    valence = valence * 1.25
                elif lj == "without" and (low[i - 2] == "doubt" or low[i - 1] == "doubt"):
                    pass
                elif negated:
                    valence = valence * n_scalar
                if not idiom_words.isdisjoint(low[j : i + 1]):
                    # every phrase _idioms looks up holds low[i] or ends at low[i - 1]
                    valence = _idioms(valence, low, i, special, boost)
        # _least_check
        if i > 1 and low[i - 1] not in lex and low[i - 1] == "least":
            if low[i - 2] != "at" and low[i - 2] != "very":
                valence = valence * n_scalar
        elif i > 0 and low[i - 1] not in lex and low[i - 1] == "least":
            valence = valence * n_scalar
        if valence:
            positions.append(i)
            values.append(valence)

    if values and "but" in low:
        _but(positions, values, low.index("but"))
    sum_s = float(sum(values))
    ep = min(text.count("!"), 4) * 0.292
    qm_count = text.count("?")
    qm = 0 if qm_count <= 1 else (qm_count * 0.18 if qm_count <= 3 else 0.96)
    punct = ep + qm
    if sum_s > 0:
        sum_s += punct
    elif sum_s < 0:
        sum_s -= punct
    norm = sum_s / math.sqrt(sum_s * sum_s + 15)
    return round(min(max(norm, -1.0), 1.0), 4)


def _but(positions: list[int], values: list[float], bi: int) -> None:
    """The reference ``_but_check``, quirk included, on the nonzero valences (in place).

    The reference walks the list and, for each value, rescales the *first* entry equal to it
    (``list.index``), halving it before the first "but" and multiplying it by 1.5 after.
    Zeros never equal a nonzero value, so running the walk on the nonzero entries alone, in
    order, rescales exactly the same entries.
    """
    for k in range(len(values)):
        v = values[k]
        m = values.index(v)
        if positions[m] < bi:
            values[m] = v * 0.5
        elif positions[m] > bi:
            values[m] = v * 1.5


def _idioms(
    valence: float, low: list[str], i: int, special: dict[str, float], boost: dict[str, float]
) -> float:
    onezero = f"{low[i - 1]} {low[i]}"
    twoonezero = f"{low[i - 2]} {low[i - 1]} {low[i]}"
    twoone = f"{low[i - 2]} {low[i - 1]}"
    threetwoone = f"{low[i - 3]} {low[i - 2]} {low[i - 1]}"
    threetwo = f"{low[i - 3]} {low[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in special:
            valence = special[seq]
            break
    n = len(low)
    if n - 1 > i:
        zeroone = f"{low[i]} {low[i + 1]}"
        if zeroone in special:
            valence = special[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{low[i]} {low[i + 1]} {low[i + 2]}"
        if zeroonetwo in special:
            valence = special[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in boost:
            valence = valence + boost[n_gram]
    return valence


def compound_many(texts: Sequence[str | None]) -> np.ndarray:
    """Compound scores of many texts as a float64 array (null texts score 0.0)."""
    return np.fromiter(
        (compound(t) if t else 0.0 for t in texts), dtype=np.float64, count=len(texts)
    )
