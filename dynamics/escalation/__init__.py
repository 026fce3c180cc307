"""Flame escalation: contagion, escalation episodes, derailment, instigators (DESIGN section 7).

Every function takes a scored :class:`~dynamics.Discussion` (see :meth:`Discussion.annotate`)
or any Discussion with a numeric hostility column named by ``signal=``.
"""

from __future__ import annotations

import importlib

# The measures register in the order their modules are imported, which is the report's
# order (dynamics._kernel.measures); the imports below then find them loaded.
for _module in ('contagion', 'depth', 'size', 'episodes', 'derailment', 'instigators', 'heat'):
    importlib.import_module(f"dynamics.escalation.{_module}")

from dynamics.escalation.contagion import ContagionResult, contagion
from dynamics.escalation.depth import TrendResult, toxicity_by_depth, toxicity_by_turn
from dynamics.escalation.derailment import DerailmentResult, derailment
from dynamics.escalation.episodes import Episode, EpisodesResult, episodes
from dynamics.escalation.heat import ReplyHeatResult, reply_heat
from dynamics.escalation.instigators import InstigatorsResult, instigators
from dynamics.escalation.size import toxicity_by_thread_size

__all__: list[str] = [
    "ContagionResult",
    "DerailmentResult",
    "Episode",
    "EpisodesResult",
    "InstigatorsResult",
    "ReplyHeatResult",
    "TrendResult",
    "contagion",
    "derailment",
    "episodes",
    "instigators",
    "reply_heat",
    "toxicity_by_depth",
    "toxicity_by_thread_size",
    "toxicity_by_turn",
]
