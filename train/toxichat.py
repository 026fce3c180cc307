"""Read ToxiChat (Baheti et al. 2021) train and dev splits from ``../shared/data/toxichat/``.

Only the real Reddit turns are read (``reddit_thread``); the machine-generated
``final_dgpt_response`` / ``final_gpt3_response`` are left out, except by
:func:`machine_pairs`, which gives their crowd-labelled stance for training trials only.
Turn 1 is the post, each later turn replies to the one before. Data: CC BY-SA 4.0 (see the
SOURCE.md next to the files).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import polars as pl

__all__ = ["DATA", "machine_pairs", "pairs", "turns"]

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "toxichat"
_STANCE = {"Agree": "agree", "Disagree": "disagree", "Neutral": "neutral"}


_COLUMNS = ["thread", "turn", "towards", "text", "parent", "stance", "adjacent"]
_MACHINE = ("final_dgpt_response", "final_gpt3_response")


def _records(data: Path = DATA) -> list[tuple[str, dict]]:
    out = []
    for split in ("train", "dev"):
        path = data / f"{split}.jsonl"
        with path.open("rb") as fh:
            out += [(f"{split}-{i}", orjson.loads(line)) for i, line in enumerate(fh)]
    return out


def _threads(data: Path = DATA) -> list[tuple[str, list[dict]]]:
    return [(thread, record["reddit_thread"]) for thread, record in _records(data)]


def turns(data: Path = DATA) -> pl.DataFrame:
    """One row per real turn: ``thread``, ``turn``, ``text``, ``offensive`` (bool)."""
    rows = [
        (thread, t["turn_id"], t["text"], t["offense_label"] == "Offensive")
        for thread, ts in _threads(data)
        for t in ts
    ]
    return pl.DataFrame(rows, schema=["thread", "turn", "text", "offensive"], orient="row")


def pairs(data: Path = DATA, *, all_earlier: bool = False) -> pl.DataFrame:
    """One row per (reply, earlier turn) with a stance label.

    ``adjacent`` is True when the earlier turn is the one replied to (the previous turn);
    with ``all_earlier`` the stance towards every earlier turn is included too.
    """
    rows = []
    for thread, ts in _threads(data):
        by_id = {t["turn_id"]: t["text"] for t in ts}
        for t in ts:
            k = t["turn_id"]
            for j in range(1, k):
                if not all_earlier and j != k - 1:
                    continue
                label = t.get(f"stance_label_towards_turn_{j}")
                if label is None:
                    continue
                rows.append((thread, k, j, t["text"], by_id[j], _STANCE[label], j == k - 1))
    return pl.DataFrame(rows, schema=_COLUMNS, orient="row")


def machine_pairs(data: Path = DATA) -> pl.DataFrame:
    """The two machine-generated responses of each thread (DialoGPT, GPT-3) and the real
    turn they answer (the thread's last), with the crowd workers' stance label: the columns
    of :func:`pairs`. Not comments by people: for training trials only, never scored.
    """
    rows = []
    for thread, record in _records(data):
        ts = record["reddit_thread"]
        last = ts[-1]
        for key in _MACHINE:
            response = record.get(key) or {}
            label = response.get(f"stance_label_towards_turn_{last['turn_id']}")
            if label is not None:
                rows.append(
                    (
                        thread,
                        response["turn_id"],
                        last["turn_id"],
                        response["text"],
                        last["text"],
                        _STANCE[label],
                        True,
                    )
                )
    return pl.DataFrame(rows, schema=_COLUMNS, orient="row")
