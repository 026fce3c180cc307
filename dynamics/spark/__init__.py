"""The same analysis on Apache Spark: archive dumps -> Parquet dataset -> metrics.

Row-level work (parsing, integrity checks, parent joins, edge and thread aggregation, text
scoring) runs on Spark; what the metrics need comes back small (the user reply graph, per-thread
and per-author tables); the per-thread measures run as grouped maps that reuse the in-memory
functions. PySpark (``pip install "dynamics[spark]"``) and Java 17 are needed at call time only.

>>> from dynamics import spark as dsp
>>> sorted(n for n in dsp.__all__)  # doctest: +NORMALIZE_WHITESPACE
['SparkDataset', 'contagion', 'derailment', 'dyadic_exchanges', 'episodes', 'get_session',
 'ingest', 'instigators', 'open', 'participation_inequality', 'reciprocity', 'reply_heat',
 'require_spark', 'response_times', 'thread_measure', 'thread_stat', 'toxicity_by_depth',
 'toxicity_by_thread_size', 'toxicity_by_turn']
"""

from __future__ import annotations

from dynamics.spark.dataset import SparkDataset, open
from dynamics.spark.ingest import ingest
from dynamics.spark.per_thread import (
    contagion,
    derailment,
    dyadic_exchanges,
    episodes,
    instigators,
    participation_inequality,
    reciprocity,
    reply_heat,
    response_times,
    thread_measure,
    thread_stat,
    toxicity_by_depth,
    toxicity_by_thread_size,
    toxicity_by_turn,
)
from dynamics.spark.session import get_session, require_spark

__all__ = [
    "SparkDataset",
    "contagion",
    "derailment",
    "dyadic_exchanges",
    "episodes",
    "get_session",
    "ingest",
    "instigators",
    "open",
    "participation_inequality",
    "reciprocity",
    "reply_heat",
    "require_spark",
    "response_times",
    "thread_measure",
    "thread_stat",
    "toxicity_by_depth",
    "toxicity_by_thread_size",
    "toxicity_by_turn",
]
