"""Text signals per comment: toxicity, sentiment and (dis)agreement stance (DESIGN section 5).

>>> import dynamics.text
>>> d = dyn.load("thread.txt")                                  # doctest: +SKIP
>>> d = d.annotate()  # adds toxicity, sentiment, p_agree, p_disagree, p_neutral, stance  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from dynamics.text.annotate import DEFAULT_SCORERS, annotate
from dynamics.text.base import (
    CallableScorer,
    Scorer,
    as_scorer,
    available_scorers,
    describe,
    get_scorer,
    register,
)
from dynamics.text.sentiment import SentimentScorer
from dynamics.text.stance import MarkerStanceScorer
from dynamics.text.stance_model import StanceScorer

__all__ = [
    "DEFAULT_SCORERS",
    "Calibration",
    "CallableScorer",
    "MarkerStanceScorer",
    "Scorer",
    "SentimentScorer",
    "StanceScorer",
    "ToxicityScorer",
    "TransformersScorer",
    "annotate",
    "as_scorer",
    "available_scorers",
    "describe",
    "get_scorer",
    "register",
    "toxichat_calibration",
]


def __getattr__(name: str) -> Any:
    # the toxicity model, the calibration and the heavy-model scorer are imported only when
    # asked for (``dyn.text.calibration`` is the module itself)
    if name == "ToxicityScorer":
        from dynamics.text.toxicity import ToxicityScorer

        return ToxicityScorer
    if name == "TransformersScorer":
        from dynamics.text.transformers_scorer import TransformersScorer

        return TransformersScorer
    if name in ("Calibration", "toxichat_calibration", "calibration"):
        import importlib

        module = importlib.import_module("dynamics.text.calibration")
        return module if name == "calibration" else getattr(module, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
