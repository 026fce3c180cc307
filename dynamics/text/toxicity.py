"""Offline toxicity: a trained bag-of-words model from a wheel, plus a flame-war lexicon.

The model is the linear SVM of ``profanity-check`` (Victor Zhou, 2018; maintained as
``alt-profanity-check``, whose wheel ships the weights): a TF-IDF bag of words (English stop
words removed) fed to ``LinearSVC``, calibrated to a probability with Platt's sigmoid
(``CalibratedClassifierCV``), trained on about 200k human-labelled texts from Davidson et al.
(2017) and the Wikipedia comments of the Jigsaw Toxic Comment Classification Challenge. It
learns which *words* are offensive, so it misses offensive *phrases* made of clean words ("these
people are vermin and should be wiped out") and masked swear words ("f#cking"). The lexicon in
:mod:`dynamics.text._toxicity_lexicon` covers those.

References
----------
Zhou, V. (2018). profanity-check. https://github.com/vzhou842/profanity-check; maintained as
alt-profanity-check, https://github.com/dimitrismistriotis/alt-profanity-check.

Davidson, T., Warmsley, D., Macy, M. & Weber, I. (2017). Automated Hate Speech Detection and the
Problem of Offensive Language. ICWSM-17. https://doi.org/10.1609/icwsm.v11i1.14955
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.metadata import version as _package_version
from typing import Any

import numpy as np
import polars as pl

from dynamics._docs import doc_blocks
from dynamics.text._linear import load_model, term_counts, token_table, weigh, weighted_counts
from dynamics.text._needs import on_rows, rows_holding
from dynamics.text._toxicity_lexicon import CATEGORIES, NEEDS, PATTERNS

__all__ = [
    "CATEGORIES",
    "DEFAULT_WEIGHTS",
    "ToxicityScorer",
    "combine",
    "lexicon_matches",
    "model_probability",
    "normalise",
]

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "dehumanising": 0.95,
    "violence": 0.95,
    "insult": 0.9,
    "obfuscated": 0.9,
}
"""Weight of each lexicon category in :func:`combine`.

Chosen on the ``dev`` half of the labelled set in ``benchmarks/labels`` only, by a grid over
0.30-0.95 for two weights (``dehumanising``/``violence`` and ``insult``/``obfuscated``) and two
rules (this noisy-OR and a max); ``python benchmarks/eval_toxicity.py --tune`` prints the grid.
The dev ROC AUC is flat near the top: 0.909-0.913 for the noisy-OR with both weights at 0.8 or
more (0.913 here), against 0.914 for the best max rule, a difference of a few pairs.
"""

_LEXICON_VERSION = "2"

#: The ``texts`` parameter the module's functions share (see :mod:`dynamics._docs`).
_TEXTS = doc_blocks(
    {
        "texts_parameter": """\
Parameters
----------
texts : sequence of str or None, or polars.Series
    Comment texts; ``None`` counts as the empty text."""
    }
)


def _series(texts: Sequence[str | None] | pl.Series) -> pl.Series:
    if isinstance(texts, pl.Series):
        return texts.cast(pl.String).fill_null("")
    return pl.Series("text", list(texts), dtype=pl.String).fill_null("")


@_TEXTS
def normalise(texts: Sequence[str | None] | pl.Series) -> pl.Series:
    """Lowercase the texts and straighten curly apostrophes: what the lexicon patterns expect.

    {texts_parameter}

    Returns
    -------
    polars.Series
        The normalised texts, same length and order.

    Examples
    --------
    >>> normalise(["You\u2019re a MORON", None]).to_list()
    ["you're a moron", '']
    """
    return _series(texts).str.to_lowercase().str.replace_all("[\u2018\u2019\u02bc`]", "'")


@cache
def _compiled_categories() -> dict[str, str]:
    # ASCII word boundaries: a Unicode one makes the regex engine leave its fast DFA (20x slower)
    return {
        category: "|".join(f"(?:{p})" for p in PATTERNS[category]).replace(r"\b", r"(?-u:\b)")
        for category in CATEGORIES
    }


@_TEXTS
def lexicon_matches(texts: Sequence[str | None] | pl.Series) -> dict[str, np.ndarray]:
    """Which lexicon categories each text matches.

    A text matches a category when any of its patterns occurs in the text after
    :func:`normalise`. The patterns of one category run as one regular expression, vectorised
    over all texts by polars.

    {texts_parameter}

    Returns
    -------
    dict of str to numpy.ndarray
        One boolean array per category of :data:`CATEGORIES` (``dehumanising``, ``violence``,
        ``insult``, ``obfuscated``), each as long as ``texts``.

    Examples
    --------
    >>> hits = lexicon_matches(["they are vermin", "wipe them out", "what a f*cking liar", "hi"])
    >>> {category: hits[category].tolist() for category in CATEGORIES}  # doctest: +NORMALIZE_WHITESPACE
    {'dehumanising': [True, False, False, False], 'violence': [False, True, False, False],
     'insult': [False, False, True, False], 'obfuscated': [False, False, True, False]}
    """
    text = normalise(texts)
    patterns = _compiled_categories()
    frame = pl.DataFrame({"text": text}).select(
        pl.col("text").str.contains(patterns[c]).alias(c) for c in CATEGORIES if c not in NEEDS
    )
    out = {c: frame.get_column(c).to_numpy() for c in frame.columns}
    candidates = rows_holding(text, NEEDS)
    for c in NEEDS:
        out[c] = on_rows(text, candidates.get(c), lambda s, c=c: s.str.contains(patterns[c]), bool)
    return {category: out[category] for category in CATEGORIES}


@cache
def _model() -> tuple[Any, Any, pl.DataFrame]:
    from profanity_check import profanity_check as pc

    vectorizer = pc.vectorizer
    vocabulary = pl.DataFrame(
        {
            "token": list(vectorizer.vocabulary_),
            "column": np.fromiter(vectorizer.vocabulary_.values(), dtype=np.uint32),
        }
    )
    return pc.model, vectorizer, vocabulary


def _is_plain_tfidf(vectorizer: Any) -> bool:
    params = vectorizer.get_params()
    expected = {
        "analyzer": "word",
        "lowercase": True,
        "ngram_range": (1, 1),
        "norm": "l2",
        "preprocessor": None,
        "strip_accents": None,
        "sublinear_tf": False,
        "token_pattern": r"(?u)\b\w\w+\b",
        "tokenizer": None,
        "use_idf": True,
        "binary": False,
    }
    return all(params.get(key) == value for key, value in expected.items())


@_TEXTS
def model_probability(texts: Sequence[str | None] | pl.Series) -> np.ndarray:
    """The probability that each text is offensive, from the ``profanity-check`` model.

    Equal to ``profanity_check.predict_prob(texts)`` (to floating-point rounding), computed with
    the model's TF-IDF step run in polars, which is several times faster on long comments.

    {texts_parameter}

    Returns
    -------
    numpy.ndarray
        Float64 probabilities in [0, 1], one per text.

    Examples
    --------
    >>> p = model_probability(["you are an idiot and a liar", "thanks, see you in class"])
    >>> bool(p[0] > 0.9), bool(p[1] < 0.2)
    (True, True)
    """
    return _model_probability(_series(texts))


def _model_probability(
    series: pl.Series, words: pl.DataFrame | None = None, features: Any = None
) -> np.ndarray:
    # ``words``: token_table(series, bigrams=False), ``features``: the vectorizer's rows, when
    # the caller has them
    if series.len() == 0:
        return np.zeros(0, dtype=np.float64)
    model, vectorizer, vocabulary = _model()
    if features is None and _is_plain_tfidf(vectorizer):
        # the vectorizer's transform, in polars: lowercase, tokens of 2+ word characters,
        # counts of in-vocabulary tokens (stop words are not in the vocabulary), times idf,
        # l2-normalised
        if words is None:
            words = token_table(series, bigrams=False)
        features = weighted_counts(
            words, series.len(), vocabulary, vectorizer.idf_, sublinear=False
        )
    elif features is None:  # a future model with other settings: its own (slower) transform
        features = vectorizer.transform(series.to_list())
    return np.asarray(model.predict_proba(features)[:, 1], dtype=np.float64)


def combine(
    p_model: np.ndarray,
    matches: Mapping[str, np.ndarray],
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> np.ndarray:
    r"""Combine the model's probability with the lexicon matches (a noisy-OR).

    Each matched category :math:`c` is treated as independent evidence that the text is toxic,
    with probability :math:`w_c`:

    .. math:: p = 1 - (1 - p_\text{model}) \prod_{c \,\text{matched}} (1 - w_c)

    so a text that matches nothing keeps the model's probability, one match raises it to at
    least :math:`w_c`, and each further category raises it again. The score never decreases when
    a category is added, and stays in [0, 1].

    Parameters
    ----------
    p_model : numpy.ndarray
        The model's probabilities, in [0, 1].
    matches : mapping of str to numpy.ndarray
        One boolean array per category, as from :func:`lexicon_matches`.
    weights : mapping of str to float, default DEFAULT_WEIGHTS
        :math:`w_c` in [0, 1] for each category; a category without a weight is ignored.

    Returns
    -------
    numpy.ndarray
        Float64 probabilities in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> hits = {"insult": np.array([True, True, False]), "violence": np.array([False, True, False])}
    >>> combine(np.array([0.5, 0.5, 0.5]), hits, {"insult": 0.6, "violence": 0.5}).round(3)
    array([0.8, 0.9, 0.5])
    """
    p_model = np.asarray(p_model, dtype=np.float64)
    lexicon_keep = np.ones_like(p_model)  # prod of (1 - w_c) over the matched categories
    for category, weight in weights.items():
        if category in matches:
            lexicon_keep *= np.where(matches[category], 1.0 - weight, 1.0)
    # the same as 1 - (1 - p_model) * lexicon_keep, written so that a text without a match
    # keeps exactly the model's value
    return np.clip(p_model + (1.0 - p_model) * (1.0 - lexicon_keep), 0.0, 1.0)


def _toxichat_probability(
    series: pl.Series, matches: Mapping[str, np.ndarray], words: pl.DataFrame | None = None
) -> np.ndarray:
    """The trained ToxiChat model's probability (its dense inputs: the profanity-check logit and
    the four lexicon categories). Both models read the same words, tokenised once (``words``,
    ``token_table(series, bigrams=False)``, when the caller has it), and where they can, the
    same word counts (one join with the union of their vocabularies)."""
    model = load_model("toxicity")
    if words is None:
        words = token_table(series, bigrams=False)
    shared = _shared_columns()
    x = profanity = None
    if shared is not None and series.len():
        union, profanity_columns, toxichat_columns = shared
        counts = term_counts(words, series.len(), union, union.height)
        profanity = weigh(counts[:, profanity_columns], _model()[1].idf_, sublinear=False)
        x = weigh(counts[:, toxichat_columns], model.idf, sublinear=True)
    p = np.clip(_model_probability(series, words, profanity), 1e-4, 1 - 1e-4)
    dense = np.column_stack(
        [np.log(p / (1 - p))] + [matches[c].astype(np.float64) for c in CATEGORIES]
    )
    return model.probabilities(series, dense, words, x=x)


@cache
def _shared_columns() -> tuple[pl.DataFrame, np.ndarray, np.ndarray] | None:
    """The union of the two models' vocabularies (``token``, ``column``), sorted, and the
    union's columns of each model's columns, or None where they cannot share counts.

    Both vocabularies list their words in sorted order (scikit-learn sorts a fitted
    vocabulary; ``train/signals.py`` sorts its own) and so does the union, so each model's
    columns come out of the union in increasing order and :func:`weigh` gives exactly the rows
    of counting over that model's vocabulary alone.
    """
    _, vectorizer, profanity = _model()
    toxichat = load_model("toxicity")
    if not _is_plain_tfidf(vectorizer) or toxichat.bigrams:
        return None
    a = profanity.sort("column").get_column("token")
    b = toxichat.vocabulary.sort("column").get_column("token")
    if not (a.is_sorted() and b.is_sorted()):
        return None
    tokens = pl.concat([a, b]).unique().sort()
    union = pl.DataFrame(
        {"token": tokens, "column": np.arange(tokens.len(), dtype=np.uint32)},
        schema={"token": pl.String, "column": pl.UInt32},
    )
    return union, tokens.search_sorted(a).to_numpy(), tokens.search_sorted(b).to_numpy()


class ToxicityScorer:
    r"""Probability that a comment is toxic: a model trained on real Reddit threads, combined
    with a flame-war lexicon.

    The score is the noisy-OR of :func:`combine`,
    :math:`p = 1 - (1 - p_\text{model}) \prod_{c\,\text{matched}} (1 - w_c)`, where :math:`c`
    runs over the lexicon categories the text matches (:func:`lexicon_matches`):
    ``dehumanising`` (people called vermin, parasites, animals), ``violence`` (calls to kill or
    wipe out, wishes of harm), ``insult`` (name-calling, "shut up") and ``obfuscated`` (masked
    swear words such as "f*ck", "sh!t", "f.u.c.k"). The OR keeps the lexicon's strength on
    dehumanising language whatever the model says.

    :math:`p_\text{model}` is, by default (``model="toxichat"``), the trained model below; with
    ``model="profanity"`` it is the ``profanity-check`` linear SVM's calibrated probability
    (:func:`model_probability`), the scorer of earlier versions.

    Model card (``model="toxichat"``)
    ---------------------------------
    **Model** (version 2). The mean of the logits of two logistic regressions (scikit-learn,
    no class weights, C = 3) over the comment's TF-IDF words (sublinear tf, words in at least
    2 training comments) and five dense inputs, the ``profanity-check`` logit and the four
    lexicon categories: one over the words as they are, one over the words scaled by their
    naive Bayes log-count ratios (NBSVM, Wang & Manning 2012, ACL). Both are linear in the same
    TF-IDF rows, so the mean is one weight per word (version 1 was the first regression
    alone). Arrays in ``dynamics/text/models/toxicity.npz`` (about 0.06 MB), loaded on first
    use; inference in polars + numpy. Trained by ``train/train_signals.py`` (seeded).

    **Training data.** ToxiChat (Baheti et al. 2021) train + dev: 3,919 real Reddit turns
    from 1,700 threads, 1,133 labelled Offensive by crowd workers (machine-generated turns left
    out). ToxiChat is CC BY-SA 4.0; this model is derived from it and shared under the same
    licence, with attribution. ``profanity-check`` was trained on Davidson et al. (2017) and
    the Jigsaw Wikipedia comments.

    **Cross-validated quality** (5 folds grouped by thread, seeded; ``python
    benchmarks/eval_signals.py``), for the score this scorer gives (model and lexicon): ROC
    AUC 0.851 on ToxiChat train + dev (target 0.85) and 0.824 on replies only, against 0.845
    and 0.817 for model version 1 and 0.770 and 0.746 for ``model="profanity"``; 0.928
    (version 1: 0.923, ``"profanity"``: 0.914) on the 449 labelled comments of
    ``benchmarks/labels``. The target is met at the margin, not with room: over the folds of
    eight seeds (``train/compare_toxicity_folds.py``) the AUC is 0.846-0.852, mean 0.8497, and
    at least 0.85 for five of them (version 1: 0.838-0.845, mean 0.843). Calibration is close
    below 0.9, a little low between 0.2 and 0.4 (predicted 0.35 -> observed 0.42); scores
    above 0.9, mostly lexicon matches, are Offensive 78 % of the time on ToxiChat.

    **Known failure modes.** Offensiveness carried by context (a Safe-looking reply to an
    offensive post), sarcasm, and slurs or dog whistles absent from 3,900 training comments;
    venting with swear words ("this fucking exam") still scores high; trained on English Reddit
    threads sampled for offensive content, so the base rate (29 % Offensive) is that of
    heated threads.

    Parameters
    ----------
    weights : mapping of str to float, optional
        :math:`w_c` per category, in [0, 1]; defaults to :data:`DEFAULT_WEIGHTS`. A category left
        out is not used; ``{}`` gives the model alone.
    use_model : bool, default True
        False scores with the lexicon alone (:math:`p_\text{model} = 0`).
    model : {"toxichat", "profanity"}, default "toxichat"
        Which model gives :math:`p_\text{model}`.

    Attributes
    ----------
    name : str
        ``"toxicity"``.
    version : str
        Changes whenever the scores would: the model, the lexicon version, the weights and the
        installed ``alt-profanity-check`` version.
    columns : tuple of str
        ``("toxicity",)``.

    Notes
    -----
    ``None`` texts score as the empty text. Scoring is vectorised (polars regular expressions
    and sparse matrix products) and deterministic.

    References
    ----------
    Baheti, A., Sap, M., Ritter, A. & Riedl, M. (2021). Just Say No: Analyzing the Stance of
    Neural Dialogue Generation in Offensive Contexts. EMNLP 2021.
    https://doi.org/10.18653/v1/2021.emnlp-main.397

    Wang, S. & Manning, C. D. (2012). Baselines and Bigrams: Simple, Good Sentiment and Topic
    Classification. ACL 2012. https://aclanthology.org/P12-2018

    Zhou, V. (2018). profanity-check. https://github.com/vzhou842/profanity-check

    Davidson, T., Warmsley, D., Macy, M. & Weber, I. (2017). Automated Hate Speech Detection and
    the Problem of Offensive Language. ICWSM-17. https://doi.org/10.1609/icwsm.v11i1.14955

    Examples
    --------
    >>> scorer = ToxicityScorer()
    >>> texts = ["these people are vermin and should be wiped out", "what time is the exam?"]
    >>> p = scorer.score(texts)["toxicity"]
    >>> bool(p[0] > 0.9), bool(p[1] < 0.3)
    (True, True)
    """

    name = "toxicity"
    columns = ("toxicity",)

    @property
    def uses_words(self) -> bool:
        """True when the model runs: :func:`~dynamics.text.annotate` then passes the words."""
        return self.use_model

    def __init__(
        self,
        *,
        weights: Mapping[str, float] | None = None,
        use_model: bool = True,
        model: str = "toxichat",
    ) -> None:
        self.weights = weights
        self.use_model = use_model
        self.model = model

    def _weights(self) -> Mapping[str, float]:
        if self.model not in ("toxichat", "profanity"):
            msg = (
                "The 'model' parameter of ToxicityScorer must be 'toxichat' or 'profanity'. "
                f"Got {self.model!r} instead."
            )
            raise ValueError(msg)
        weights = DEFAULT_WEIGHTS if self.weights is None else self.weights
        for category, weight in weights.items():
            if category not in CATEGORIES:
                msg = (
                    f"The 'weights' parameter of ToxicityScorer must have keys in {CATEGORIES}. "
                    f"Got {category!r} instead."
                )
                raise ValueError(msg)
            if not 0.0 <= float(weight) <= 1.0:
                msg = (
                    "The 'weights' parameter of ToxicityScorer must have values in [0, 1]. "
                    f"Got {weight!r} for {category!r} instead."
                )
                raise ValueError(msg)
        return weights

    @property
    def model_name(self) -> str:
        """The model behind :math:`p_\text{model}`, e.g. ``"toxichat-toxicity 2"``."""
        if not self.use_model:
            return "lexicon only"
        if self.model == "profanity":
            return f"alt-profanity-check {_package_version('alt-profanity-check')}"
        from dynamics.text._linear import load_model

        meta = load_model("toxicity").meta
        return f"{meta['name']} {meta['version']}"

    @property
    def version(self) -> str:
        """Identifies the scores, for caching: model, lexicon, weights, profanity-check version."""
        weights = self._weights()
        key = ",".join(f"{c}={float(weights[c]):g}" for c in CATEGORIES if c in weights)
        digest = hashlib.sha1(f"{key};{self.use_model}".encode(), usedforsecurity=False)
        apc = _package_version("alt-profanity-check") if self.use_model else "none"
        head = self.model_name.replace(" ", "-") if self.use_model else "none"
        return f"{head}+lexicon{_LEXICON_VERSION}-{digest.hexdigest()[:8]}+apc{apc}"

    def score(
        self, texts: Sequence[str | None], words: pl.Series | None = None
    ) -> dict[str, np.ndarray]:
        """``{"toxicity": array}``: float64 probabilities in [0, 1], one per text.

        ``None`` counts as the empty text. ``words``: the texts' words
        (:func:`~dynamics.text._linear.word_lists`) when the caller has them
        (:func:`~dynamics.text.annotate` passes them).
        """
        weights = self._weights()
        series = _series(texts)
        matches = lexicon_matches(series) if weights or self.model == "toxichat" else {}
        table = None if words is None else token_table(series, bigrams=False, words=words)
        if not self.use_model:
            p_model = np.zeros(series.len(), dtype=np.float64)
        elif self.model == "profanity" or series.len() == 0:
            p_model = _model_probability(series, table)
        else:
            p_model = _toxichat_probability(series, matches, table)
        return {"toxicity": combine(p_model, matches, weights)}

    def __repr__(self) -> str:
        return (
            f"ToxicityScorer(weights={self.weights!r}, use_model={self.use_model!r}, "
            f"model={self.model!r})"
        )
