"""Flame escalation: contagion, escalation episodes, derailment, instigators (DESIGN section 7).

Every function takes a scored :class:`~dynamics.Discussion` (see :meth:`Discussion.annotate`)
or any Discussion with a numeric hostility column named by ``signal=``.
"""

from __future__ import annotations

# --- contagion and depth (owned by contagion.py / depth.py) ---
from dynamics.escalation.contagion import ContagionResult, contagion
from dynamics.escalation.depth import (
    TrendResult,
    toxicity_by_depth,
    toxicity_by_thread_size,
    toxicity_by_turn,
)

# --- end contagion ---
# --- episodes, derailment, reply heat (owned by episodes.py / derailment.py / heat.py) ---
from dynamics.escalation.derailment import (
    DerailmentResult,
    InstigatorsResult,
    derailment,
    instigators,
)
from dynamics.escalation.episodes import Episode, EpisodesResult, episodes
from dynamics.escalation.heat import ReplyHeatResult, reply_heat

# --- end episodes ---

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
