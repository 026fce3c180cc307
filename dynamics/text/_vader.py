"""A faster, exact re-implementation of VADER's compound score.

``vaderSentiment`` 3.3.2 re-lowercases the whole token list for every sentiment word it meets
(``_negation_check`` and ``_special_idioms_check``), which makes a comment of n words cost
O(n^2), and it rebuilds the text character by character to replace emojis. This module runs
the same rules on a token list lowercased once, replaces emojis only in texts that hold one,
and keeps every quirk of the reference (the ``but`` rule that re-finds values by equality, the
precedence of ``never so``/``this``, ``no`` before a lexicon word, the rounding to 4 places), so
:func:`compound` returns exactly ``SentimentIntensityAnalyzer().polarity_scores(t)["compound"]``;
``tests/text/test_sentiment.py`` checks that equality on every real comment in the test data.

:func:`compound_many`, what :class:`~dynamics.text.SentimentScorer` runs, applies the same
rules to all texts at once: polars splits, strips and lower-cases the words (releasing the GIL
for the other scorers), and numpy applies the rules to the lexicon words only (about 8 % of
the words), with the reference's floating-point operations in the reference's order; its
scores equal :func:`compound`'s (checked on 51,704 real and adversarial texts, and in the
tests).

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
import polars as pl

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


def compound_many(texts: Sequence[str | None] | pl.Series) -> np.ndarray:
    """Compound scores of many texts as a float64 array (null texts score 0.0).

    The same rules as :func:`compound`, run for all texts at once: emojis are spelled out and
    the words split, stripped and lower-cased in polars (which releases the GIL); only the
    lexicon words and the words up to three before and two after them are looked at, and the
    rules are numpy operations over those words, in the reference's order of floating-point
    operations, so the scores are equal to the last bit. Two steps stay in Python, on few
    values: ``str.isupper`` of the non-ASCII words, and the reference's ``but`` rule for the
    texts where a halved or raised value equals a later word's value (its ``list.index``
    quirk).

    Examples
    --------
    >>> compound_many(["I love it", "not good", None]).tolist()
    [0.6369, -0.3412, 0.0]
    """
    series = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
    series = series.cast(pl.String).fill_null("")
    if series.len() == 0:
        return np.zeros(0, dtype=np.float64)
    series = _emojis_spelled(series)
    return _scores(series, _words(series))


# Python's ``str.split()`` separates words at the characters for which ``str.isspace()`` is
# true: Unicode White_Space and the four ASCII separators U+001C-U+001F (the tests check the
# split on every code point). They are made spaces, and the texts split at the spaces.
_SPACES = [
    *"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680",
    *(chr(c) for c in range(0x2000, 0x200B)),
    *"\u2028\u2029\u202f\u205f\u3000",
]


def _words(texts: pl.Series) -> pl.DataFrame:
    """One row per word of every text, in order: ``row`` (the text), ``word`` (stripped of
    punctuation unless that leaves two characters or fewer), ``low`` (lower-cased) and
    ``upper`` (``str.isupper()``)."""
    spaced = texts.str.replace_many(_SPACES, [" "] * len(_SPACES))
    tokens = (
        pl.DataFrame({"tok": spaced.str.split(" ")})
        .with_row_index("row")
        .explode("tok")
        .filter(pl.col("tok") != "")
    )
    frame = (
        tokens.lazy()
        .with_columns(pl.col("tok").str.strip_chars(_PUNCT).alias("stripped"))
        .select(
            "row",
            pl.when(pl.col("stripped").str.len_chars() <= 2)
            .then("tok")
            .otherwise("stripped")
            .alias("word"),
        )
        .with_columns(
            pl.col("word").str.to_lowercase().alias("low"),
            # ASCII words: a capital and no small letter; the others are asked in Python
            pl.col("word").str.contains(r"^[^a-z]*[A-Z][^a-z]*$").alias("upper"),
            (pl.col("word").str.len_bytes() != pl.col("word").str.len_chars()).alias("wide"),
        )
        .collect()
    )
    wide = np.flatnonzero(frame.get_column("wide").to_numpy())
    if wide.size == 0:
        return frame.drop("wide")
    upper = frame.get_column("upper").to_numpy().copy()
    upper[wide] = [w.isupper() for w in frame.get_column("word").gather(wide).to_list()]
    return frame.drop("wide").with_columns(pl.Series("upper", upper))


def _emojis_spelled(texts: pl.Series) -> pl.Series:
    """The texts with each of VADER's emojis replaced by a space and its description.

    The reference puts the space only where the character before is not a space, and strips
    the result; both change only the spaces between words, and the texts are used only split
    into words and for their counts of "!" and "?", which the extra spaces do not change.
    """
    a = _analyzer()
    emoji_chars = sorted(_tables()[6])
    wide = texts.str.len_bytes() != texts.str.len_chars()  # the emojis are not ASCII
    if not wide.any():
        return texts
    spelled = [" " + a.emojis[c] for c in emoji_chars]
    frame = pl.DataFrame({"t": texts, "wide": wide})
    return frame.select(
        pl.when("wide").then(pl.col("t").str.replace_many(emoji_chars, spelled)).otherwise("t")
    ).to_series()


@cache
def _word_series() -> tuple[pl.Series, pl.Series, pl.Series]:
    """The scored lexicon words, the whole lexicon and the boosters, as polars Series (built
    once, not per batch)."""
    lex, boost, *_, active, _ = _tables()
    return (
        pl.Series(sorted(active), dtype=pl.String),
        pl.Series(list(lex), dtype=pl.String),
        pl.Series(list(boost), dtype=pl.String),
    )


def _scores(texts: pl.Series, words: pl.DataFrame) -> np.ndarray:
    """:func:`compound`'s rules on the lexicon words of all texts (``words`` from
    :func:`_words`), each step a numpy operation over those words."""
    lex, boost, negate, special, n_scalar, c_incr, _, _, idiom_words = _tables()
    n_texts = texts.len()
    row = words.get_column("row").to_numpy()
    n = np.bincount(row, minlength=n_texts)
    start = np.cumsum(n) - n
    upper = words.get_column("upper").to_numpy()
    n_upper = np.bincount(row[upper], minlength=n_texts)
    cap_diff = (n_upper > 0) & (n_upper < n)
    low = words.get_column("low")

    active_words, lexicon, boosters = _word_series()
    g = np.flatnonzero(low.is_in(active_words.implode()).to_numpy())
    r = row[g]
    pos = g - start[r]
    last = n[r] - 1

    def near(k: int) -> pl.Series:
        """The word k places from each lexicon word (null outside its text)."""
        inside = (pos + k >= 0) & (pos + k <= last)
        frame = pl.DataFrame({"w": low.gather(np.where(inside, g + k, 0)), "inside": inside})
        return frame.select(pl.when("inside").then("w")).to_series()

    lw = low.gather(g)
    before = {k: near(-k) for k in (1, 2, 3)}
    after1, after2 = near(1), near(2)

    def is_(s: pl.Series, *values: str) -> np.ndarray:
        return s.is_in(pl.Series(values, dtype=pl.String).implode()).fill_null(False).to_numpy()

    def in_lex(s: pl.Series) -> np.ndarray:
        return s.is_in(lexicon.implode()).fill_null(False).to_numpy()

    kind_of = is_(lw, "kind") & is_(after1, "of")
    base = lw.replace_strict(lex, return_dtype=pl.Float64).to_numpy()
    valence = base.copy()
    valence[is_(lw, "no") & in_lex(after1)] = 0.0
    after_no = (
        is_(before[1], "no")
        | is_(before[2], "no")
        | (is_(before[3], "no") & is_(before[1], "or", "nor"))
    )
    valence = np.where(after_no, base * n_scalar, valence)
    caps = cap_diff[r] & upper[g]
    valence = np.where(caps, np.where(valence > 0, valence + c_incr, valence - c_incr), valence)

    so_this = {k: is_(before[k], *_SO_THIS) for k in (1, 2)}
    doubt = {k: is_(before[k], "doubt") for k in (1, 2)}
    for start_i in range(3):
        k = start_i + 1
        lj = before[k]
        valid = (pos - k >= 0) & ~in_lex(lj)
        in_boost = lj.is_in(boosters.implode()).fill_null(False).to_numpy()
        s = lj.replace_strict(boost, default=0.0, return_dtype=pl.Float64).to_numpy()
        s = np.where(in_boost & (valence < 0), s * -1, s)
        j_caps = in_boost & cap_diff[r] & upper[np.clip(g - k, 0, None)]
        s = np.where(j_caps, np.where(valence > 0, s + c_incr, s - c_incr), s)
        if start_i == 1:
            s = np.where(s != 0, s * 0.95, s)
        elif start_i == 2:
            s = np.where(s != 0, s * 0.9, s)
        valence = np.where(valid, valence + s, valence)
        negated = (
            is_(lj, *negate) | lj.str.contains("n't", literal=True).fill_null(False).to_numpy()
        )
        never = is_(lj, "never")
        without = is_(lj, "without")
        if start_i == 0:
            scale = np.where(negated, n_scalar, 1.0)
            times = negated
        elif start_i == 1:
            amplify = never & so_this[1]
            spared = ~amplify & without & doubt[1]  # "without doubt"
            times = amplify | (~amplify & ~spared & negated)
            scale = np.where(amplify, 1.25, n_scalar)
        else:
            amplify = (never & so_this[2]) | so_this[1]
            spared = ~amplify & without & (doubt[2] | doubt[1])
            times = amplify | (~amplify & ~spared & negated)
            scale = np.where(amplify, 1.25, n_scalar)
        valence = np.where(valid & times, valence * scale, valence)
        if start_i == 2:
            window = [lw, before[1], before[2], before[3]]
            idiom = valid & np.logical_or.reduce([is_(w, *idiom_words) for w in window])
            if idiom.any():
                valence = _idioms_many(valence, idiom, lw, before, after1, after2, special, boost)

    # _least_check
    least = is_(before[1], "least") & ~in_lex(before[1])
    valence = np.where(
        least & (pos > 1) & ~is_(before[2], "at", "very"), valence * n_scalar, valence
    )
    valence = np.where(least & (pos == 1), valence * n_scalar, valence)

    keep = ~kind_of & (valence != 0)
    r, pos, valence = r[keep], pos[keep], valence[keep]
    buts = np.flatnonzero((low == "but").to_numpy())
    if buts.size and r.size:
        but_rows, first = np.unique(row[buts], return_index=True)
        _but_many(r, pos, valence, but_rows, buts[first] - start[but_rows])
    sums = _ordered_sums(r, valence, n_texts)

    ep = np.minimum(texts.str.count_matches("!", literal=True).to_numpy(), 4) * 0.292
    qm_count = texts.str.count_matches("?", literal=True).to_numpy()
    qm = np.where(qm_count <= 1, 0.0, np.where(qm_count <= 3, qm_count * 0.18, 0.96))
    punct = ep + qm
    sums = np.where(sums > 0, sums + punct, np.where(sums < 0, sums - punct, sums))
    norm = np.minimum(np.maximum(sums / np.sqrt(sums * sums + 15), -1.0), 1.0)
    return np.array([round(x, 4) for x in norm.tolist()], dtype=np.float64)


def _idioms_many(
    valence: np.ndarray,
    idiom: np.ndarray,
    lw: pl.Series,
    before: dict[int, pl.Series],
    after1: pl.Series,
    after2: pl.Series,
    special: dict[str, float],
    boost: dict[str, float],
) -> np.ndarray:
    """:func:`_idioms` for the lexicon words flagged in ``idiom`` (all at positions >= 3)."""
    at = np.flatnonzero(idiom)
    w = pl.DataFrame(
        {
            "w0": lw.gather(at),
            "b1": before[1].gather(at),
            "b2": before[2].gather(at),
            "b3": before[3].gather(at),
            "a1": after1.gather(at),
            "a2": after2.gather(at),
        }
    )

    def phrase(*names: str) -> pl.Expr:
        return pl.concat_str([pl.col(c) for c in names], separator=" ")  # null if one is

    phrases = {
        "onezero": phrase("b1", "w0"),
        "twoonezero": phrase("b2", "b1", "w0"),
        "twoone": phrase("b2", "b1"),
        "threetwoone": phrase("b3", "b2", "b1"),
        "threetwo": phrase("b3", "b2"),
        "zeroone": phrase("w0", "a1"),
        "zeroonetwo": phrase("w0", "a1", "a2"),
    }
    special = {k: float(v) for k, v in special.items()}  # a few are ints: 3 and 3.0 act alike
    special_of = {
        name: e.replace_strict(special, default=None, return_dtype=pl.Float64)
        for name, e in phrases.items()
    }
    boost_of = {
        name: phrases[name].replace_strict(boost, default=None, return_dtype=pl.Float64)
        for name in ("threetwoone", "threetwo", "twoone")
    }
    looked = w.select(
        pl.coalesce(
            special_of[k] for k in ("onezero", "twoonezero", "twoone", "threetwoone", "threetwo")
        ).alias("first"),
        special_of["zeroone"].alias("zeroone"),
        special_of["zeroonetwo"].alias("zeroonetwo"),
        *(e.alias(f"boost_{k}") for k, e in boost_of.items()),
    )
    v = valence[at]
    for name in ("first", "zeroone", "zeroonetwo"):
        got = looked.get_column(name).to_numpy()
        v = np.where(np.isnan(got), v, got)
    for name in ("threetwoone", "threetwo", "twoone"):
        got = looked.get_column(f"boost_{name}").to_numpy()
        v = np.where(np.isnan(got), v, v + got)
    out = valence.copy()
    out[at] = v
    return out


def _but_many(
    rows: np.ndarray,
    positions: np.ndarray,
    values: np.ndarray,
    but_rows: np.ndarray,
    but_at: np.ndarray,
) -> None:
    """:func:`_but` on the scored words (``rows`` ascending) of every text that holds "but"
    (``but_rows``, its first "but" at position ``but_at``), in place.

    Where no scaled value equals a later word's value, the reference's ``list.index`` finds
    each word itself, and the rule is: values before the "but" halved, after it times 1.5.
    The texts where one does (the same valence twice, say) run :func:`_but` itself.
    """
    at = np.full(rows.size, -1, dtype=np.int64)  # position of the text's first "but"
    lo = np.searchsorted(rows, but_rows, side="left")
    hi = np.searchsorted(rows, but_rows, side="right")
    counts = hi - lo
    at[np.repeat(lo, counts) + _ranks(counts)] = np.repeat(but_at, counts)
    has = at >= 0
    factor = np.where(positions < at, 0.5, np.where(positions > at, 1.5, 1.0))
    scaled = np.where(has, values * factor, values)
    # a scaled value equal to the value of a later word in the same text: the quirk applies
    index = np.arange(rows.size)
    frame = pl.DataFrame({"row": rows, "value": scaled, "i": index}).filter(pl.Series(has))
    later = frame.join(
        pl.DataFrame({"row": rows, "value": values, "k": index}).filter(pl.Series(has)),
        on=["row", "value"],
    ).filter(pl.col("i") < pl.col("k"))
    quirky = np.unique(later.get_column("row").to_numpy())
    for row in quirky.tolist():
        k = but_rows.searchsorted(row)
        a, b = lo[k], hi[k]
        redo = values[a:b].tolist()
        _but(positions[a:b].tolist(), redo, int(but_at[k]))
        scaled[a:b] = redo
    values[:] = scaled


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., c - 1 for each count c, concatenated."""
    total = int(counts.sum())
    return np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)


def _ordered_sums(rows: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Per-text sums of ``values`` (``rows`` ascending) added left to right, as Python's
    ``sum`` adds them (numpy's pairwise sums may differ in the last bit)."""
    sums = np.zeros(n, dtype=np.float64)
    if rows.size == 0:
        return sums
    first = np.searchsorted(rows, rows, side="left")
    rank = np.arange(rows.size) - first
    order = np.argsort(rank, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(rank))])
    for k in range(bounds.size - 1):
        at = order[bounds[k] : bounds[k + 1]]
        sums[rows[at]] += values[at]
    return sums
