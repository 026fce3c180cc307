"""Read ToxiChat (Baheti et al. 2021) train and dev splits from ``../shared/data/toxichat/``.

Only the real Reddit turns are read (``reddit_thread``); the machine-generated
``final_dgpt_response`` / ``final_gpt3_response`` are left out. Turn 1 is the post, each later
turn replies to the one before. Data: CC BY-SA 4.0 (see the SOURCE.md next to the files).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import polars as pl

__all__ = ["DATA", "pairs", "turns"]

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "toxichat"
_STANCE = {"Agree": "agree", "Disagree": "disagree", "Neutral": "neutral"}


def _threads(data: Path = DATA) -> list[tuple[str, list[dict]]]:
    out = []
    for split in ("train", "dev"):
        path = data / f"{split}.jsonl"
        with path.open("rb") as fh:
            for i, line in enumerate(fh):
                record = orjson.loads(line)
                out.append((f"{split}-{i}", record["reddit_thread"]))
    return out


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
    return pl.DataFrame(
        rows,
        schema=["thread", "turn", "towards", "text", "parent", "stance", "adjacent"],
        orient="row",
    )
