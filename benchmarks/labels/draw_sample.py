"""Draw the toxicity evaluation sample reproducibly, and split the labelled set into dev / test.

The sample has three strata (see ``README.md`` in this folder):

- ``random``: ``N_RANDOM`` comments drawn uniformly at random (fixed seed) from all comments of
  ``reddit-college/CollegeRant-pushshift.ndjson`` (records with a ``parent_id``; bodies that are
  empty, ``[deleted]`` or ``[removed]`` are skipped);
- ``prefilter``: ``N_PREFILTER`` comments drawn at random from the CollegeRant comments that match
  the hostility pre-filter :data:`PREFILTER` and are not already in the random stratum. The
  pre-filter only over-samples likely positives; the label always comes from reading the comment.
  **Its word lists must not be reused as lexicon entries of the toxicity scorer** (that would make
  the scorer look better on this stratum than it is);
- ``southfront``: all comments of the bundled thread ``dynamics/data/southfront-idlib-thread.txt``
  (read with ``dynamics.load(path, format="plaintext")``, ids ``southfront-idlib-thread#<n>``).

Commands::

    python benchmarks/labels/draw_sample.py sample --out /tmp/sample.csv   # source,comment_id,stratum
    python benchmarks/labels/draw_sample.py verify   # labels file holds exactly the drawn sample
    python benchmarks/labels/draw_sample.py split    # (re)write the split column of the labels file

Only ids are written; texts stay in ``../shared/data`` and in the bundled thread.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import warnings
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
COLLEGERANT = SHARED_DATA / "reddit-college" / "CollegeRant-pushshift.ndjson"
SOUTHFRONT = REPO / "dynamics" / "data" / "southfront-idlib-thread.txt"
LABELS = HERE / "toxicity_labels.csv"

SEED = 20261125
N_RANDOM = 300
N_PREFILTER = 100
SPLIT_SEED = 7

SOURCE_COLLEGERANT = "collegerant"
SOURCE_SOUTHFRONT = "southfront"

# Hostility pre-filter, case-insensitive. A comment matches when it contains a DIRECT phrase or a
# SLUR, or an EPITHET noun, or a second-person word together with an insulting ADJECTIVE.
_DIRECT = r"\b(shut up|stfu|fuck (you|off)|screw you|you people|go to hell|kys|kill yourself)\b"
_SLUR = r"\b(retard(ed|s)?|fag(got)?s?|n[i1]gg(er|a)s?|trann(y|ies)|kikes?|spics?|chinks?)\b"
_EPITHET = (
    r"\b(idiots?|morons?|assholes?|bitch(es)?|cunts?|jerks?|losers?|dick(head)?s?|dumbass(es)?"
    r"|clowns?|pricks?|bastards?|scumbags?|piece of shit)\b"
)
_SECOND_PERSON = r"\b(you|you're|youre|your|ur|u)\b"
_ADJECTIVE = r"\b(stupid|dumb|pathetic|ignorant|entitled|disgusting|trash|worthless|braindead)\b"
PREFILTER = {
    "direct": _DIRECT,
    "slur": _SLUR,
    "epithet": _EPITHET,
    "second_person": _SECOND_PERSON,
    "adjective": _ADJECTIVE,
}
_COMPILED = {key: re.compile(pattern, re.IGNORECASE) for key, pattern in PREFILTER.items()}


def matches_prefilter(text: str) -> bool:
    """Whether a comment passes the hostility pre-filter (used only to over-sample)."""
    c = _COMPILED
    if c["direct"].search(text) or c["slur"].search(text) or c["epithet"].search(text):
        return True
    return bool(c["second_person"].search(text) and c["adjective"].search(text))


def collegerant_comments(path: Path = COLLEGERANT) -> pl.DataFrame:
    """Eligible CollegeRant comments (``comment_id``, ``text``), sorted by id."""
    if not path.is_file():
        msg = f"shared data not available: {path} (see benchmarks/labels/README.md)"
        raise FileNotFoundError(msg)
    frame = pl.read_ndjson(path, infer_schema_length=None)
    return (
        frame.filter(pl.col("parent_id").is_not_null())
        .select(pl.col("id").alias("comment_id"), pl.col("body").fill_null("").alias("text"))
        .filter(
            (pl.col("text").str.strip_chars() != "")
            & ~pl.col("text").str.strip_chars().is_in(["[deleted]", "[removed]"])
        )
        .sort("comment_id")
    )


def southfront_comments(path: Path = SOUTHFRONT) -> pl.DataFrame:
    """All comments of the bundled thread (``comment_id``, ``text``), in file order."""
    import dynamics

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dynamics.DataQualityWarning)
        discussion = dynamics.load(path, format="plaintext")
    return discussion.comments.select("comment_id", "text")


def draw() -> list[tuple[str, str, str]]:
    """The sample as ``(source, comment_id, stratum)`` rows, in a fixed order."""
    rng = random.Random(SEED)
    comments = collegerant_comments()
    ids = comments["comment_id"].to_list()
    random_ids = rng.sample(ids, N_RANDOM)
    taken = set(random_ids)
    pool = [
        cid
        for cid, text in comments.select("comment_id", "text").iter_rows()
        if cid not in taken and matches_prefilter(text)
    ]
    prefilter_ids = rng.sample(pool, N_PREFILTER)
    rows = [(SOURCE_COLLEGERANT, cid, "random") for cid in random_ids]
    rows += [(SOURCE_COLLEGERANT, cid, "prefilter") for cid in prefilter_ids]
    rows += [(SOURCE_SOUTHFRONT, cid, "southfront") for cid in southfront_comments()["comment_id"]]
    return rows


def prefilter_pool_size() -> tuple[int, int]:
    """(eligible CollegeRant comments, of which matching the pre-filter), for the README."""
    comments = collegerant_comments()
    return comments.height, sum(matches_prefilter(t) for t in comments["text"])


def read_labels(path: Path = LABELS) -> list[dict[str, str]]:
    """The labels file as a list of row dicts."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def assign_splits(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Set ``split`` to ``dev`` / ``test``: a fixed-seed random half within each (stratum, label).

    Splitting within each stratum and label keeps both splits alike; within a cell the odd item
    goes to ``test``.
    """
    rng = random.Random(SPLIT_SEED)
    cells: dict[tuple[str, str], list[int]] = {}
    for index, row in enumerate(rows):
        cells.setdefault((row["stratum"], row["label"]), []).append(index)
    out = [dict(row) for row in rows]
    for key in sorted(cells):
        members = sorted(cells[key], key=lambda i: rows[i]["comment_id"])
        rng.shuffle(members)
        n_dev = len(members) // 2
        for rank, index in enumerate(members):
            out[index]["split"] = "dev" if rank < n_dev else "test"
    return out


def write_labels(rows: list[dict[str, str]], path: Path = LABELS) -> None:
    """Write the labels file with columns source, comment_id, stratum, split, label, note."""
    fields = ["source", "comment_id", "stratum", "split", "label", "note"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in fields})


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample", help="write source,comment_id,stratum of the drawn sample")
    sample.add_argument("--out", type=Path, required=True)
    sub.add_parser("verify", help="check that the labels file holds exactly the drawn sample")
    sub.add_parser("split", help="(re)write the split column of the labels file")
    args = parser.parse_args(argv)

    if args.command == "sample":
        with args.out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["source", "comment_id", "stratum"])
            writer.writerows(draw())
        total, matching = prefilter_pool_size()
        print(f"eligible CollegeRant comments: {total}; matching the pre-filter: {matching}")
        return 0
    if args.command == "verify":
        drawn = draw()
        labelled = [(r["source"], r["comment_id"], r["stratum"]) for r in read_labels()]
        if drawn != labelled:
            print("labels file does not match the drawn sample", file=sys.stderr)
            return 1
        print(f"labels file matches the drawn sample ({len(drawn)} rows)")
        return 0
    write_labels(assign_splits(read_labels()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
