"""Stance of a reply towards its parent: a model trained on ToxiChat, shipped as arrays.

Model card
----------
**What it predicts.** For a (reply, parent) pair, the probabilities that the reply *agrees*
with, *disagrees* with, or is *neutral* towards its parent, and a label (the argmax after the
decision offsets below).

**Model.** Multinomial logistic regression (scikit-learn, no class weights, so the
probabilities stay near the data's class frequencies; C = 1) over the reply's TF-IDF words and
word pairs (sublinear tf, tokens in at least 2 training replies) and 16 dense pair features
(:data:`~dynamics.text._pair_features.PAIR_FEATURES`: the agreement and disagreement markers
of :mod:`dynamics.text.stance`, questions in the reply and the parent, negations,
second-person address, quoting, lengths, word overlap with the parent). The label is the
argmax of the log-probabilities plus per-class offsets (+1 agree, +2 disagree, 0 neutral),
chosen for macro-F1 on grouped out-of-fold probabilities. Inference is polars + numpy
(:mod:`dynamics.text._linear`); the arrays are in ``dynamics/text/models/stance.npz`` (about
0.1 MB), loaded on first use.

**Training data.** ToxiChat (Baheti, Sap, Ritter & Riedl 2021) train + dev splits: 1,700 real
Reddit threads, 2,219 replies with a crowd-sourced stance towards the turn they reply to
(1,706 neutral, 418 agree, 95 disagree). Machine-generated turns are left out. ToxiChat is
licensed CC BY-SA 4.0, and this model is derived from it: the weights are shared under the
same licence (CC BY-SA 4.0, attribution to Baheti et al. 2021).

**Cross-validated quality** (5 folds grouped by thread, seed 0; offsets chosen inside each
training fold only; ``python benchmarks/eval_signals.py``; 2,219 replies): macro-F1 0.445
(target 0.55, **not met**), agreement F1 0.356, disagreement F1 0.163 (precision 0.13, recall
0.23; target 0.5, **not met**), neutral F1 0.816. The marker rule it replaces: macro-F1
0.399, agreement 0.246, disagreement 0.088; always "neutral": macro-F1 0.290.

**Known failure modes.** Disagreement without cue words, sarcasm and irony ("yeah, great
idea"), and stance carried by the parent's content rather than the reply's words; replies to
posts (the first turn) are scored like replies to comments. ToxiChat's threads were sampled
for offensive content, so agreement rates are those of heated Reddit threads. Probabilities
are calibrated to ToxiChat's class balance only roughly (see the reliability table in
``benchmarks/results/``); treat them as scores for aggregating, not as exact frequencies.
Stronger local models plug in through :class:`~dynamics.text.TransformersScorer`.

References
----------
Baheti, A., Sap, M., Ritter, A. & Riedl, M. (2021). Just Say No: Analyzing the Stance of Neural
Dialogue Generation in Offensive Contexts. EMNLP 2021, 4846-4862.
https://doi.org/10.18653/v1/2021.emnlp-main.397
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from dynamics.text._linear import load_model, token_table, word_lists
from dynamics.text._pair_features import pair_features
from dynamics.text.stance import marker_totals

__all__ = ["STANCE_COLUMNS", "StanceScorer"]

#: Columns of :class:`StanceScorer`.
STANCE_COLUMNS = ("agreement", "disagreement", "p_agree", "p_disagree", "p_neutral", "stance")


def _series(texts: Sequence[str | None] | pl.Series | None, n: int) -> pl.Series:
    if texts is None:
        return pl.Series("t", [""] * n, dtype=pl.String)
    if isinstance(texts, pl.Series):
        return texts.cast(pl.String).fill_null("")
    return pl.Series("t", list(texts), dtype=pl.String).fill_null("")


class StanceScorer:
    """Stance of each reply towards its parent: P(agree), P(disagree), P(neutral) and a label.

    The model sees the reply **and** its parent (see the module's model card).
    :func:`~dynamics.text.annotate` passes each comment's parent text; top-level comments get
    null probabilities and label. ``agreement`` and ``disagreement`` are the counts of the
    reply's (dis)agreement markers (:mod:`dynamics.text.stance`), kept for transparency.

    Attributes
    ----------
    name : str
        ``"stance"``.
    version : str
        The model file's name and version and the marker revision.
    columns : tuple of str
        ``("agreement", "disagreement", "p_agree", "p_disagree", "p_neutral", "stance")``.
    reply_columns : tuple of str
        The probabilities and the label: null for top-level comments.
    needs_parent : bool
        True: ``score(texts, parents)`` takes the parent texts too.
    uses_words : bool
        True: :func:`~dynamics.text.annotate` passes the words of the replies and parents.

    Examples
    --------
    >>> s = dyn.text.StanceScorer()
    >>> out = s.score(["No, that's a lie. You are wrong.", "I agree, well said."],
    ...               parents=["The earth is flat.", "Vaccines work."])
    >>> out["stance"].tolist()
    ['disagree', 'agree']
    >>> bool(np.allclose(out["p_agree"] + out["p_disagree"] + out["p_neutral"], 1.0))
    True
    """

    name = "stance"
    columns = STANCE_COLUMNS
    reply_columns = ("p_agree", "p_disagree", "p_neutral", "stance")
    needs_parent = True
    uses_words = True

    @property
    def version(self) -> str:
        """Model name and version plus the marker revision (features of the model)."""
        from dynamics.text.stance import MarkerStanceScorer

        meta = load_model("stance").meta
        return f"{meta['name']}-{meta['version']}+{MarkerStanceScorer.version}"

    @property
    def model_name(self) -> str:
        """The trained model behind the scores, e.g. ``"toxichat-stance 1"``."""
        meta = load_model("stance").meta
        return f"{meta['name']} {meta['version']}"

    def score(
        self,
        texts: Sequence[str | None] | pl.Series,
        parents: Sequence[str | None] | pl.Series | None = None,
        words: pl.Series | None = None,
        parent_words: pl.Series | None = None,
    ) -> dict[str, np.ndarray]:
        """Score replies against their parents (missing parents count as empty texts).

        ``words`` and ``parent_words``: the words of the replies and of the parents
        (:func:`~dynamics.text._linear.word_lists`) when the caller has them
        (:func:`~dynamics.text.annotate` passes them).

        Returns
        -------
        dict
            Marker counts (int64), probabilities (float64, rows sum to 1) and labels.
        """
        replies = _series(texts, 0)
        parent = _series(parents, replies.len())
        if parent.len() != replies.len():
            msg = (
                "The 'parents' parameter of StanceScorer.score must be as long as 'texts'. "
                f"Got {parent.len()} parents for {replies.len()} texts instead."
            )
            raise ValueError(msg)
        model = load_model("stance")
        agreement, disagreement = marker_totals(replies)
        if replies.len() == 0:
            p = np.zeros((0, 3))
        else:
            if words is None:
                words = word_lists(replies)
            dense = pair_features(replies, parent, (agreement, disagreement), words, parent_words)
            p = model.probabilities(
                replies, dense, token_table(replies, bigrams=False, words=words)
            )
        decision = np.argmax(np.log(np.clip(p, 1e-12, 1.0)) + model.offset, axis=1)
        labels = np.array(model.classes, dtype=object)[decision]
        order = {c: i for i, c in enumerate(model.classes)}
        return {
            "agreement": agreement,
            "disagreement": disagreement,
            "p_agree": p[:, order["agree"]],
            "p_disagree": p[:, order["disagree"]],
            "p_neutral": p[:, order["neutral"]],
            "stance": labels,
        }

    def __repr__(self) -> str:
        return "StanceScorer()"
