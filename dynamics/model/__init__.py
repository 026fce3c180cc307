"""The data model: the Discussion, its integrity checks, reply forests and the user graph."""

from dynamics.model.checks import IngestReport
from dynamics.model.discussion import Discussion
from dynamics.model.forest import ReplyForest

__all__ = ["Discussion", "IngestReport", "ReplyForest"]
