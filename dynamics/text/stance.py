"""Agreement and disagreement markers in replies, and the stance they give (DESIGN section 5).

The markers are features of the trained stance model (:mod:`dynamics.text.stance_model`) and,
as :class:`MarkerStanceScorer`, a transparent rule of their own.

Each marker is a case-insensitive regular expression with word boundaries, run over all texts
at once with polars (``str.count_matches``, compiled once by the Rust regex engine). That
engine has no look-around, so exceptions are expressed as *subtracted* markers: a pattern that
matches exactly the exceptional cases of another at the same position, with weight -1 (for
example "couldn't agree more" is taken back from "couldn't agree" and counted as agreement).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import numpy as np
import polars as pl

from dynamics.text._needs import on_rows, rows_holding

__all__ = ["MARKERS", "Marker", "MarkerStanceScorer", "marker_totals", "stance_label"]


class Marker(NamedTuple):
    """One (dis)agreement cue: ``kind`` is ``"agreement"`` or ``"disagreement"``; ``weight``
    is +1, or -1 for a pattern that takes back the exceptional matches of another; ``raw``
    markers look at the text with quoted lines kept. ``needs`` lists words or phrases one of
    which every match contains (as a substring of the lower-cased text): the pattern is only
    run on the texts that hold one (one Aho-Corasick pass finds them); empty runs it on all."""

    name: str
    kind: str
    weight: int
    pattern: str
    raw: bool = False
    needs: tuple[str, ...] = ()


# Building blocks (texts are lower-cased and curly quotes made straight before matching).
_LEAD = r"[\s*_\"(]*"  # markdown emphasis, quotes or brackets before a sentence's first word
_S = rf"(?:^|[.!?\n]){_LEAD}"  # the start of a sentence (or of the text)
_END = r"\s*(?:[.!]+|$|\n)"  # the rest of a one-word sentence: "This." / "Exactly!"
_ADV = (
    r"(?:really|totally|completely|fully|strongly|absolutely|definitely|mostly|largely|"
    r"generally|wholeheartedly|respectfully|somewhat|partially|partly|kinda|kind of|sort of|"
    r"so|just|also|actually|100%|do|would|have to|must|tend to|still|mostly)"
)
_ADV_OPEN = (
    r"(?:totally|completely|absolutely|fully|strongly|definitely|100%|so|really|wholeheartedly)"
)
_NEG = (
    r"(?:don't|dont|do not|doesn't|does not|can't|cant|cannot|can not|won't|wont|will not|"
    r"wouldn't|would not|couldn't|couldnt|could not|never|hardly)"
)
_NEG_ADV = r"(?:\s+(?:really|fully|completely|totally|entirely|necessarily|quite|exactly))?"
_YES = r"(?:yes|yeah|yep|yup|yea|ya|yah)"
_NO_OK = (  # "no" at a sentence start that is not an answer
    r"(?:one|doubt|problem|problems|worries|worry|idea|matter|longer|more|need|offense|offence|"
    r"wonder|kidding|thanks|thank|clue|shit|joke|question|surprise|big deal|biggie)"
)
_SUBJ_WRONG = (
    r"(?:you're|youre|you are|you were|u r|ur|that's|thats|that is|that was|this is|it's|"
    r"it is|you(?:'ve| have)?\s+got\s+(?:it|this|that)(?:\s+all)?)"
)
_INTENS = (
    r"(?:so|dead|completely|totally|simply|just|plain|absolutely|very|all|quite|clearly|"
    r"obviously|factually|100%)"
)
_YES_WORDS = ("yes", "yea", "yep", "yup", "ya")  # substrings of every _YES
_WELL_SAID = (
    "well said",
    "well put",
    "nicely put",
    "nicely said",
    "spot on",
    "nailed it",
    "so true",
    "very true",
    "true that",
    "said it better",
)
_YOU_ARE = r"(?:you're|youre|you are|you were|ur|u r)"
_THAT_IS = r"(?:that's|thats|that is|that was|this is|this's|it's|it is)"

#: Every marker, in the order :meth:`StanceScorer.explain` reports them.
MARKERS: tuple[Marker, ...] = (
    # ----------------------------------------------------------------- agreement
    Marker(
        "i agree",
        "agreement",
        1,
        rf"\b(?:i|we)(?:'d)?(?:\s+{_ADV})*\s+agree\b",
        needs=("agree",),
    ),
    Marker(
        "agreed (opening)", "agreement", 1, rf"{_S}(?:{_ADV_OPEN}\s+)*agreed?\b", needs=("agree",)
    ),
    Marker(
        "couldn't agree more",
        "agreement",
        1,
        r"\b(?:couldn't|couldnt|could not|can't|cant|cannot|can not)\s+agree\s+more\b",
        needs=("agree",),
    ),
    Marker(
        "don't disagree",
        "agreement",
        1,
        rf"\b{_NEG}{_NEG_ADV}\s+disagree\b",
        needs=("disagree",),
    ),
    Marker(
        "exactly (opening)",
        "agreement",
        1,
        rf"{_S}(?:exactly|precisely|amen|bingo|this exactly|exactly this|so much this)\b",
        needs=("exactly", "precisely", "amen", "bingo", "so much this"),
    ),
    Marker(
        "this. / true. (one-word reply)",
        "agreement",
        1,
        rf"{_S}(?:this|true|correct|right|absolutely|indeed|same|100%|facts|truth|preach|"
        rf"definitely|of course|certainly|fair enough|fair|seconded|ditto){_END}",
    ),
    Marker("yes (opening)", "agreement", 1, rf"{_S}{_YES}\b", needs=_YES_WORDS),
    Marker(
        "yes, but (taken back)",
        "agreement",
        -1,
        rf"{_S}{_YES}[\s,.!]*(?:but|right|no|nope|nah|sure|whatever|ok buddy)\b",
        needs=_YES_WORDS,
    ),
    Marker(
        "you're right",
        "agreement",
        1,
        rf"\b{_YOU_ARE}(?:\s+(?:absolutely|so|totally|completely|quite|100%|definitely|"
        r"probably|correct and|right and|dead))?\s+(?:right|correct|spot on)(?:[^-\w]|$)",
        needs=("right", "correct", "spot on"),
    ),
    Marker(
        "you're not wrong",
        "agreement",
        1,
        rf"\b(?:{_YOU_ARE}\s+not|you aren't|you arent)\s+wrong\b",
        needs=("wrong",),
    ),
    Marker(
        "good point",
        "agreement",
        1,
        r"\b(?:good|great|fair|valid|excellent|solid|interesting|very good|really good)\s+point\b"
        r"|\byou\s+(?:have|make|made|got|raise|raised)\s+a\s+(?:\w+\s+)?point\b",
        needs=("point",),
    ),
    Marker(
        "well said",
        "agreement",
        1,
        r"\b(?:well said|well put|nicely put|nicely said|spot on|nailed it|so true|very true|"
        r"true that|couldn't have said it better|could not have said it better|"
        r"said it better myself)\b",
        needs=_WELL_SAID,
    ),
    Marker(
        "that's true",
        "agreement",
        1,
        rf"\b{_THAT_IS}\s+(?:so\s+|very\s+|absolutely\s+)?true\b",
        needs=("true",),
    ),
    Marker("voice of reason", "agreement", 1, r"\bvoice of reason\b", needs=("voice of reason",)),
    Marker(
        "i'm with you",
        "agreement",
        1,
        r"\b(?:i'm|i am|im)\s+with\s+you\b|\bsame here\b|\bme\s+too\b|\bi second (?:this|that)\b",
    ),
    Marker(
        "for me too (taken back)",
        "agreement",
        -1,
        r"\b(?:for|from|about|at)\s+me\s+too\b",
    ),
    Marker("+1", "agreement", 1, r"(?:^|\s)\+1\b", needs=("+1",)),
    # -------------------------------------------------------------- disagreement
    Marker(
        "i disagree",
        "disagreement",
        1,
        rf"\b(?:i|we)(?:'d)?(?:\s+{_ADV})*\s+disagree\b",
        needs=("disagree",),
    ),
    Marker(
        "disagree (opening)",
        "disagreement",
        1,
        rf"{_S}(?:{_ADV_OPEN}\s+)*disagree\b",
        needs=("disagree",),
    ),
    Marker(
        "i don't agree",
        "disagreement",
        1,
        rf"\b{_NEG}{_NEG_ADV}\s+agree\b",
        needs=("agree",),
    ),
    Marker(
        "couldn't agree more (taken back)",
        "disagreement",
        -1,
        r"\b(?:couldn't|couldnt|could not|can't|cant|cannot|can not)\s+agree\s+more\b",
        needs=("agree",),
    ),
    Marker("no (opening the reply)", "disagreement", 1, rf"^{_LEAD}(?:no|nope|nah|nay)\b"),
    Marker("no one / no doubt (taken back)", "disagreement", -1, rf"^{_LEAD}no\s+{_NO_OK}\b"),
    Marker(
        "no. (a later sentence)",
        "disagreement",
        1,
        r"[.!?\n][\s*_\"(]*(?:no|nope|nah)\s*(?:[,.!;:)]|$)",
    ),
    Marker(
        "yes, but / yeah right",
        "disagreement",
        1,
        rf"{_S}{_YES}[\s,.!]*(?:but|right|no|nope|nah|sure|whatever|ok buddy)\b",
        needs=_YES_WORDS,
    ),
    Marker(
        "you're wrong",
        "disagreement",
        1,
        rf"\b{_SUBJ_WRONG}(?:\s+{_INTENS})*\s+wrong\b",
        needs=("wrong",),
    ),
    Marker(
        "wrong (opening)",
        "disagreement",
        1,
        rf"{_S}(?:dead\s+|completely\s+|so\s+)?wrong\b",
        needs=("wrong",),
    ),
    Marker(
        "that's a lie",
        "disagreement",
        1,
        rf"\b(?:{_THAT_IS}|what a|such a)\s+(?:(?:a|an|total|complete|blatant|outright|big|fat|"
        r"damn|fucking|bald-faced|bold-faced|flat|flat out)\s+)*lie\b"
        rf"|\b{_YOU_ARE}\s+(?:a\s+)?(?:\w+\s+)?(?:liar|lying)\b|\byou\s+lie\b|\bstop\s+lying\b"
        r"|\b(?:all|more|just|total|pure|blatant|such|your|damn|fucking)\s+lies\b",
        needs=("lie", "liar", "lying"),
    ),
    Marker(
        "you forget",
        "disagreement",
        1,
        r"\byou(?:'re| are)?\s+(?:(?:seem|seems|appear|appears)\s+to\s+(?:have\s+)?|conveniently\s+"
        r"|clearly\s+|obviously\s+|also\s+|must\s+(?:have\s+)?|keep\s+)*"
        r"(?:forget|forgot|forgetting|forgotten|ignore|ignored|ignoring|overlook|overlooked|"
        r"overlooking)\b",
        needs=("forg", "ignor", "overlook"),
    ),
    Marker(
        "missing the point",
        "disagreement",
        1,
        r"\bmiss(?:ing|ed|es)?\s+the\s+(?:whole\s+|entire\s+)?point\b"
        rf"|\b{_THAT_IS}\s+not\s+(?:the\s+(?:point|case|issue)|how\s+it\s+works|what\s+i\s+said)\b"
        r"|\b(?:that|this|it)\s+(?:has|had)\s+nothing\s+to\s+do\s+with\b",
    ),
    Marker(
        "you don't understand",
        "disagreement",
        1,
        r"\byou\s+(?:clearly\s+|obviously\s+|really\s+|just\s+|simply\s+)?(?:don't|dont|do not|"
        r"didn't|didnt|did not)\s+(?:even\s+)?(?:understand|know\s+what|get\s+it|read)\b"
        r"|\byou\s+have\s+no\s+(?:idea|clue)\b|\byou\s+know\s+nothing\b",
    ),
    Marker(
        "nonsense",
        "disagreement",
        1,
        rf"(?:{_S}|\b(?:{_THAT_IS}|what|such|total|complete|pure|utter|absolute|absolutely|"
        r"load\s+of|full\s+of|talking|spouting|more)\s+(?:(?:a|an|some|total|complete|pure|utter|"
        r"absolute|fucking|damn|such)\s+)*)"
        r"(?:nonsense|bullshit|bull\s*shit|bullcrap|bull\s+crap|horseshit|horse\s+shit|rubbish|"
        r"bollocks|hogwash|baloney|balderdash|poppycock|drivel|twaddle|bs)\b",
        needs=(
            "nonsense",
            "bull",
            "horse",
            "rubbish",
            "bollocks",
            "hogwash",
            "baloney",
            "balderdash",
            "poppycock",
            "drivel",
            "twaddle",
            "bs",
        ),
    ),
    Marker(
        "not true",
        "disagreement",
        1,
        r"\b(?:not|isn't|isnt|aren't|arent|wasn't|wasnt|ain't)\s+(?:\w+\s+)?true\b|\buntrue\b"
        rf"|\b(?:{_THAT_IS}|simply|completely|totally|patently|demonstrably)\s+(?:\w+\s+)?"
        r"(?:false|incorrect|inaccurate)\b"
        rf"|{_S}(?:false|incorrect|not really|not necessarily|not quite){_END}",
        needs=(
            "true",
            "false",
            "incorrect",
            "inaccurate",
            "not really",
            "not necessarily",
            "not quite",
        ),
    ),
    Marker(
        "you are mistaken",
        "disagreement",
        1,
        rf"\b{_YOU_ARE}\s+(?:\w+\s+)?(?:mistaken|confused|misinformed|delusional|dreaming|"
        r"kidding yourself)\b|\byou(?:'ve| have)\s+been\s+misinformed\b",
        needs=("mistaken", "confused", "misinformed", "delusional", "dreaming", "kidding yourself"),
    ),
    Marker(
        "i don't think so",
        "disagreement",
        1,
        r"\bi\s+(?:really\s+)?(?:don't|dont|do not)\s+think\s+so\b"
        r"|\bi\s+(?:highly\s+|seriously\s+|really\s+|very\s+much\s+)?doubt\s+(?:it|that|this)\b",
        needs=("think", "doubt"),
    ),
    Marker(
        "what are you talking about",
        "disagreement",
        1,
        r"\b(?:what|wtf)\s+(?:the\s+\w+\s+)?(?:are|r)\s+(?:you|u)\s+(?:talking|on)\s+about\b"
        r"|\bare\s+you\s+(?:serious|kidding|joking|high|insane|crazy)\b"
        rf"|{_S}(?:really|seriously|says who|source|sources|citation needed|prove it)\s*\?",
        needs=(
            "about",
            "serious",
            "kidding",
            "joking",
            "high",
            "insane",
            "crazy",
            "really",
            "says who",
            "source",
            "citation needed",
            "prove it",
        ),
    ),
    Marker(
        "quote, then rebuttal",
        "disagreement",
        1,
        r"(?m)^[ \t]*>[^\n]*\n(?:[ \t]*\n)*[ \t]*[^>\s]"
        r"|^[ \t]*\"[^\"\n]{12,}\"[ \t]*(?:[.,:;!?-]+[ \t]*)?(?:\n[ \t]*)*[^\s\"]",
        raw=True,
        needs=(">", '"'),
    ),
)


def stance_label(agreement: np.ndarray, disagreement: np.ndarray) -> np.ndarray:
    """The stance rule: ``"agree"`` when agreement markers outnumber disagreement markers,
    ``"disagree"`` when disagreement markers outnumber agreement ones, else ``"neutral"``.

    Examples
    --------
    >>> import numpy as np
    >>> stance_label(np.array([2, 0, 1, 0]), np.array([1, 1, 1, 0])).tolist()
    ['agree', 'disagree', 'neutral', 'neutral']
    """
    out = np.full(agreement.shape, "neutral", dtype=object)
    out[agreement > disagreement] = "agree"
    out[disagreement > agreement] = "disagree"
    return out


def _counts(texts: Sequence[str | None] | pl.Series) -> pl.DataFrame:
    """One column per marker: how often it matches each text (weights not applied)."""
    series = texts if isinstance(texts, pl.Series) else pl.Series("t", list(texts), dtype=pl.String)
    raw = (
        series.cast(pl.String)
        .fill_null("")
        .str.to_lowercase()
        .str.replace_all(r"[\u2018\u2019\u02bc\u0060\u00b4]", "'")
        .str.replace_all(r"[\u201c\u201d\u201e\u00ab\u00bb]", '"')
        .str.replace_all("&gt;", ">", literal=True)  # Reddit dumps escape markdown quotes
    )
    frame = pl.DataFrame({"raw": raw}).with_columns(
        # quoted lines are the parent's words, not the replier's: drop them
        pl.col("raw").str.replace_all(r"(?m)^[ \t]*>[^\n]*", "").alias("clean")
    )
    patterns = _engine_patterns()
    # the markers every text is tried on, at once (polars runs them in parallel)
    counts = frame.select(
        pl.col("raw" if m.raw else "clean").str.count_matches(patterns[i]).alias(str(i))
        for i, m in enumerate(MARKERS)
        if not m.needs
    )
    candidates = rows_holding(raw, {i: m.needs for i, m in enumerate(MARKERS) if m.needs})
    for i, m in enumerate(MARKERS):
        if not m.needs:
            continue
        texts = frame.get_column("raw" if m.raw else "clean")
        column = on_rows(
            texts, candidates.get(i), lambda s, i=i: s.str.count_matches(patterns[i]), np.uint32
        )
        counts = counts.with_columns(pl.Series(str(i), column))
    return counts.select(str(i) for i in range(len(MARKERS)))


@cache
def _engine_patterns() -> tuple[str, ...]:
    # ASCII word boundaries for the Rust engine: a Unicode one keeps it off its fast path
    # (the counts are 1.5x cheaper). They differ only where a marker word touches a non-ASCII
    # letter ("agreeé"); the counts were identical on 100,000 real Reddit comments.
    return tuple(m.pattern.replace(r"\b", r"(?-u:\b)") for m in MARKERS)


def marker_totals(texts: Sequence[str | None] | pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """Agreement and disagreement marker counts of each text (int64, weights applied).

    Examples
    --------
    >>> marker_totals(["I agree, well said.", "No, that's a lie."])
    (array([2, 0]), array([0, 2]))
    """
    counts = _counts(texts)
    agreement = np.zeros(counts.height, dtype=np.int64)
    disagreement = np.zeros(counts.height, dtype=np.int64)
    for i, marker in enumerate(MARKERS):
        values = counts.get_column(str(i)).to_numpy().astype(np.int64) * marker.weight
        if marker.kind == "agreement":
            agreement += values
        else:
            disagreement += values
    # subtracted markers take back matches of their base marker, so the sums are >= 0;
    # the clip only guards against a future pattern pair that does not nest exactly
    np.maximum(agreement, 0, out=agreement)
    np.maximum(disagreement, 0, out=disagreement)
    return agreement, disagreement


class MarkerStanceScorer:
    """Agreement and disagreement markers in each comment, and the stance they give (the rule
    used before the trained :class:`~dynamics.text.StanceScorer`; registered as
    ``"stance-markers"``).

    A reply's **agreement** is the number of agreement markers it contains ("I agree",
    "agreed", "exactly", "yes" / "yeah" opening a sentence, "you're right", "good point",
    "well said", "finally a voice of reason", a one-word "This." or "True.", "+1", ...), its
    **disagreement** the number of disagreement markers ("I disagree", "I don't agree", "no" /
    "nope" opening a sentence, "wrong", "that's a lie", "you forget", "nonsense",
    "bullshit", "not true", "you are mistaken", "what are you talking about", and quoting the
    parent to rebut it: a ``>`` quoted line, or a line that opens with a quotation of 12 or
    more characters, followed by the reply's own text). Its **stance** is ``"agree"`` when
    agreement > disagreement, ``"disagree"`` when disagreement > agreement, and ``"neutral"``
    otherwise (no markers, or as many of each).

    Matching is case-insensitive and on whole words (``"yes"`` in "eyes" does not count), and
    minds negation and idiom: "I don't agree" is disagreement, "I couldn't agree more" and
    "you're not wrong" are agreement, "no doubt", "no problem", "no one" are no disagreement,
    "yes, but" and "yeah right" are disagreement (a token agreement that prefaces a rebuttal,
    Pomerantz 1984). "yes" and "no" count only where they open a sentence, as answers do;
    elsewhere ("Russia voted yes", "there is no evidence") they are not about the parent.
    Text in ``>`` quoted lines is the parent's, so markers inside them are not counted. The
    full list is :data:`MARKERS`; :meth:`explain` shows which matched.

    Attributes
    ----------
    name : str
        ``"stance-markers"``.
    version : str
        Revision of the marker list.
    columns : tuple of str
        ``("agreement", "disagreement", "stance")``: two int64 counts and a label.
    reply_columns : tuple of str
        ``("stance",)``: :func:`~dynamics.text.annotate` sets it to null for top-level
        comments, which reply to no comment.

    Notes
    -----
    The cues follow the work on (dis)agreement in online debate: Abbott et al. (2011) found
    that the discourse markers opening a reply ("no", "yes", "really", "I agree", "I
    disagree") are among the best cues of disagreement in the Internet Argument Corpus
    (Walker et al. 2012), whose quote-response pairs also motivate the quote-and-rebut cue;
    Pomerantz (1984) describes how disagreement is prefaced by token agreement ("yes, but").
    Markers are counted, not weighed: the stance is a transparent rule, not a trained
    classifier, so sarcasm ("yeah, great idea") and disagreement without cue words are missed.

    References
    ----------
    Abbott, R., Walker, M., Anand, P., Fox Tree, J.E., Bowmani, R. & King, J. (2011). How can
    you say such things?!?: Recognizing disagreement in informal political argument. Proceedings
    of the Workshop on Language in Social Media (LSM 2011), 2-11. ACL, W11-0702.
    https://aclanthology.org/W11-0702

    Walker, M., Fox Tree, J.E., Anand, P., Abbott, R. & King, J. (2012). A corpus for research
    on deliberation and debate. Proceedings of LREC 2012, 812-817.
    http://www.lrec-conf.org/proceedings/lrec2012/pdf/1078_Paper.pdf

    Pomerantz, A. (1984). Agreeing and disagreeing with assessments: some features of
    preferred/dispreferred turn shapes. In J.M. Atkinson & J. Heritage (eds.), Structures of
    Social Action, 57-101. Cambridge University Press.
    https://doi.org/10.1017/CBO9780511665868.008

    Examples
    --------
    >>> out = dyn.text.MarkerStanceScorer().score([
    ...     "I agree, well said.", "No, that's a lie.", "I don't agree.", "No doubt about it.",
    ...     "Look at her eyes"])
    >>> out["agreement"].tolist(), out["disagreement"].tolist()
    ([2, 0, 0, 0, 0], [0, 2, 1, 0, 0])
    >>> out["stance"].tolist()
    ['agree', 'disagree', 'disagree', 'neutral', 'neutral']
    """

    name = "stance-markers"
    version = "markers-3"
    columns = ("agreement", "disagreement", "stance")
    reply_columns = ("stance",)

    def score(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Marker counts (int64) and stance labels of ``texts``."""
        agreement, disagreement = marker_totals(texts)
        return {
            "agreement": agreement,
            "disagreement": disagreement,
            "stance": stance_label(agreement, disagreement),
        }

    def explain(self, text: str) -> dict[str, int]:
        """The markers that match ``text`` and their signed counts (for checking a result).

        Examples
        --------
        >>> for marker, n in dyn.text.MarkerStanceScorer().explain("Yeah, but you forget!").items():
        ...     print(f"{n:+d} {marker}")
        +1 yes (opening)
        -1 yes, but (taken back)
        +1 yes, but / yeah right
        +1 you forget
        """
        row = _counts([text]).row(0)
        return {m.name: n * m.weight for m, n in zip(MARKERS, row, strict=True) if n}

    def __repr__(self) -> str:
        return "MarkerStanceScorer()"
