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
    "annotate",
    "as_scorer",
    "available_scorers",
    "describe",
    "get_scorer",
    "register",
    "toxichat_calibration",
]


def __getattr__(name: str) -> Any:
    # the toxicity model and the calibration are imported only when asked for
    if name == "ToxicityScorer":
        from dynamics.text.toxicity import ToxicityScorer

        return ToxicityScorer
    if name in ("Calibration", "toxichat_calibration"):
        from dynamics.text import calibration

        return getattr(calibration, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
