"""The ConvoKit corpus layout as dynamics writes and reads it: file names and meta keys.

One small module that both the reader (:mod:`dynamics.io.convokit`) and the writer
(:mod:`dynamics.io._convokit_write`) import, so neither depends on the other's internals.
"""

from __future__ import annotations

__all__ = [
    "ANONYMOUS_SPEAKER",
    "ANON_KEY",
    "DELETED_SPEAKER",
    "FLAG_KEYS",
    "NO_TIME_KEY",
    "NULL_TEXT_KEY",
    "POST_KEY",
    "SCHEMA_KEY",
    "THREAD_KEY",
    "UTTERANCE_FILES",
]

#: Speaker written for comments whose author was deleted (read back as a null author).
DELETED_SPEAKER = "[deleted]"
#: Speaker written for comments without an author that were not deleted.
ANONYMOUS_SPEAKER = "[anonymous]"

UTTERANCE_FILES = ("utterances.jsonl", "utterances.json")
POST_KEY, THREAD_KEY, ANON_KEY, NULL_TEXT_KEY, NO_TIME_KEY = (
    "dynamics_post",
    "dynamics_thread_id",
    "dynamics_anonymous",
    "dynamics_null_text",
    "dynamics_time_missing",
)
SCHEMA_KEY = "dynamics_columns"
#: comments-table columns ConvoKit has no field for -> utterance meta key
FLAG_KEYS = {
    c: f"dynamics_{c}" for c in ("deleted", "inferred", "inference", "source", "orphan_of")
}
