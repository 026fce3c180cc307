"""Seeded synthetic Reddit-like reply trees, for benchmarks.

The generator is vectorised numpy (no Python loop per comment): 1M comments take a few seconds.
It models what makes real discussion data hard to process fast:

- **thread sizes** are lognormal (``thread_mu``, ``thread_sigma``): many threads of a few
  comments, a few of thousands;
- **authors** come from a pool of ``n_comments * authors_per_comment`` names with
  Zipf-Mandelbrot activity, weight ``(rank + zipf_offset) ** -zipf_exponent``;
- **reply structure**: a comment is top-level, replies to a recent comment, to a uniformly drawn
  earlier one, or (preferential attachment by copying) to the parent of an earlier one, so
  comments that already have replies attract more; on top of that, runs of back-and-forth
  exchanges of Zipf-distributed length (each reply answers the comment just before it, and its
  author is usually the grandparent's author) give the long tail of reply depth;
- **timestamps** increase within a thread by exponential gaps (per-thread pace), so every reply
  comes after its parent; the file is ordered by time, as a Pushshift dump is, and ids are
  base-36 and increase with time like Reddit's;
- **texts** of lognormal length drawn (Zipf) from a small vocabulary; about ``deleted_share`` of
  comments have author ``"[deleted]"`` (half of those also body ``"[deleted]"``).

Outputs (see :func:`write`): Pushshift / Arctic-Shift layout NDJSON, submissions and comments
mixed in one file ordered by ``created_utc`` (comments: ``id``, ``parent_id`` with ``t1_``/``t3_``
prefix, ``link_id``, ``author``, ``body``, ``created_utc``, ``score``, ``subreddit``; submissions:
``id``, ``title``, ``selftext``, ``author``, ``created_utc``, ``score``, ``subreddit``,
``num_comments``), and the same comments as Parquet in the generic table layout
(``comment_id, parent_id, thread_id, author, text, created_at``; ``parent_id`` null for top-level).

Run as a script::

    python benchmarks/synthetic.py --comments 1000000 --out benchmarks/_data --seed 0
"""

from __future__ import annotations

import argparse
import io
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

__all__ = ["Params", "Synthetic", "describe", "ensure_files", "generate", "write"]

DEFAULT_OUT = Path(__file__).resolve().parent / "_data"
_EPOCH0 = 1_672_531_200  # 2023-01-01T00:00:00Z
_COMMENT_ID0 = int("j000000", 36)  # 7-character base-36 ids, like Reddit's 2023 comments
_POST_ID0 = int("10a0000", 36)  # 7-character post ids, like 2023 submissions

_VOCAB = (  # noqa: SIM905 - a word list reads better as one string
    "the a to and of is that it you i in for this not be are on have with they was but what "
    "people just like think would if do can all about so no more one there get because your "
    "only know even really should it's don't i'm that's their them who how when than also "
    "agree disagree exactly wrong yes nonsense true source read actually point argument "
    "fact evidence opinion thread post comment vote votes policy government law court rights "
    "war peace money tax taxes jobs market price prices school college students teacher "
    "class exam city rent housing car bike train game team season player fans movie book "
    "music song science study data climate energy oil power vaccine doctor health food "
    "water dog cat kids parents work boss job company internet phone app reddit mods ban "
    "idiot troll liar clown stupid great good bad better worse best worst maybe never always "
    "sure thanks lol lmao edit source? why? really? ok nope yeah imagine literally basically "
    "seriously honestly clearly obviously probably definitely sorry please stop"
).split()
_ADJECTIVES = (  # noqa: SIM905 - a word list reads better as one string
    "quiet brave lazy happy angry sleepy clever rusty purple salty tiny giant lucky odd "
    "silent wild gentle proud cosmic sneaky frozen golden"
).split()
_NOUNS = (  # noqa: SIM905 - a word list reads better as one string
    "otter falcon badger panda walrus ferret lynx heron moose beaver raven toad gecko "
    "bison koala lemur marmot puffin squid yak"
).split()
_SUBREDDITS = (  # noqa: SIM905 - a word list reads better as one string
    "politics worldnews AskReddit news science technology gaming movies sports Economics "
    "europe canada unpopularopinion changemyview todayilearned books Music college "
    "personalfinance history"
).split()


@dataclass(frozen=True)
class Params:
    """Parameters of the generator (defaults give Reddit-like heavy tails).

    Attributes
    ----------
    n_comments : int
        Comments to generate (threads are drawn until they hold this many).
    seed : int
        Seed of ``numpy.random.default_rng``; the same parameters give the same files.
    thread_mu, thread_sigma : float
        Log-mean and log-sd of the thread size (median ``exp(mu)``).
    max_thread : int
        Largest thread size.
    authors_per_comment : float
        Author pool size as a share of ``n_comments``.
    zipf_exponent, zipf_offset : float
        Author activity ``(rank + offset) ** -exponent``.
    p_top, p_recent, p_uniform : float
        Outside exchanges, the chances that a comment is top-level, replies to one of the last
        few comments, or to a uniformly drawn earlier one; the rest reply to the parent of a
        uniformly drawn earlier comment (preferential attachment).
    exchange_gap, exchange_exponent, max_exchange : float, float, int
        Back-and-forth exchanges: mean run of other comments between two exchanges, Zipf
        exponent of an exchange's length, and its cap.
    p_echo : float
        Chance that an exchange reply is written by the author of the comment two levels up.
    deleted_share : float
        Share of comments whose author is ``"[deleted]"``.
    words_median, words_sigma, max_words : float, float, int
        Text length in words: lognormal median and log-sd, and cap.
    gap_seconds : float
        Median of the per-thread mean gap between consecutive comments.
    span_days : float
        Threads start uniformly within this many days from 2023-01-01.
    """

    n_comments: int = 1_000_000
    seed: int = 0
    thread_mu: float = 1.6
    thread_sigma: float = 1.5
    max_thread: int = 50_000
    authors_per_comment: float = 0.1
    zipf_exponent: float = 1.3
    zipf_offset: float = 50.0
    p_top: float = 0.4
    p_recent: float = 0.2
    p_uniform: float = 0.2
    exchange_gap: float = 15.0
    exchange_exponent: float = 2.5
    max_exchange: int = 100
    p_echo: float = 0.8
    deleted_share: float = 0.02
    words_median: float = 8.0
    words_sigma: float = 0.9
    max_words: int = 200
    gap_seconds: float = 300.0
    span_days: float = 30.0


@dataclass(frozen=True)
class Synthetic:
    """A generated data set.

    Attributes
    ----------
    comments : polars.DataFrame
        Generic layout, in time order: ``comment_id, parent_id, thread_id, author, text,
        created_at`` (epoch seconds, Int64) plus ``score``, ``subreddit`` and ``depth``.
    posts : polars.DataFrame
        One row per thread: ``id, title, selftext, author, created_utc, score, subreddit,
        num_comments``.
    params : Params
    """

    comments: pl.DataFrame
    posts: pl.DataFrame
    params: Params


# --------------------------------------------------------------------------- helpers


def _base36(values: np.ndarray, width: int) -> pl.Series:
    """Fixed-width lower-case base-36 strings of non-negative integers."""
    alphabet = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    powers = 36 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (values.astype(np.int64)[:, None] // powers) % 36
    offsets = np.arange(values.size + 1, dtype=np.int64) * width
    arr = pa.LargeStringArray.from_buffers(
        values.size, pa.py_buffer(offsets), pa.py_buffer(alphabet[digits].ravel())
    )
    return pl.Series(pl.from_arrow(arr)).cast(pl.String)


def _texts(rng: np.random.Generator, n: int, median: float, sigma: float, cap: int) -> pl.Series:
    """``n`` space-separated texts of lognormal word counts from the vocabulary (Zipf)."""
    weights = 1.0 / np.arange(1, len(_VOCAB) + 1)
    n_words = np.clip(np.rint(rng.lognormal(np.log(median), sigma, n)), 1, cap).astype(np.int64)
    tokens = rng.choice(len(_VOCAB), size=int(n_words.sum()), p=weights / weights.sum())
    offsets = np.concatenate([[0], np.cumsum(n_words)])
    words = pa.array(_VOCAB, type=pa.large_string()).take(pa.array(tokens))
    lists = pa.LargeListArray.from_arrays(pa.array(offsets, type=pa.int64()), words)
    return pl.Series(pl.from_arrow(lists)).list.join(" ")


def _resolve(pointer: np.ndarray, follow: np.ndarray) -> np.ndarray:
    """Follow ``pointer`` from every row while ``follow`` holds; return the first row where not.

    Pointers only go to smaller rows, so the chains end; pointer doubling takes O(log n) rounds.
    """
    nxt = np.where(follow, pointer, np.arange(pointer.size))
    while True:
        step = nxt[nxt]
        if np.array_equal(step, nxt):
            return nxt
        nxt = step


def _depths(parent: np.ndarray) -> np.ndarray:
    jump = parent.copy()
    dist = (parent >= 0).astype(np.int64)
    while True:
        live = np.flatnonzero(jump >= 0)
        if live.size == 0:
            return dist
        dist[live] += dist[jump[live]]
        jump[live] = jump[jump[live]]


def _exchange_mask(rng: np.random.Generator, n: int, p: Params) -> np.ndarray:
    """Rows inside back-and-forth runs: alternate geometric gaps and Zipf-length exchanges."""
    m = int(n / p.exchange_gap) + 64
    while True:
        gaps = rng.geometric(1.0 / p.exchange_gap, m)
        runs = np.minimum(rng.zipf(p.exchange_exponent, m), p.max_exchange)
        if gaps.sum() + runs.sum() >= n:
            break
        m *= 2
    flags = np.repeat(np.tile(np.array([False, True]), m), np.column_stack([gaps, runs]).ravel())
    return flags[:n]


# --------------------------------------------------------------------------- generation


def generate(n_comments: int = 1_000_000, *, seed: int = 0, **options: float) -> Synthetic:
    """Generate a synthetic discussion.

    Parameters
    ----------
    n_comments : int, default 1,000,000
        Comments to generate (at least 1).
    seed : int, default 0
        The same seed and options give the same data, row for row.
    **options
        Any other field of :class:`Params` (thread sizes, author activity, reply structure...).

    Returns
    -------
    Synthetic
        Comments in time order and one post per thread.

    Examples
    --------
    >>> data = generate(1000, seed=0)
    >>> data.comments.height, data.posts["num_comments"].sum()
    (1000, 1000)
    """
    p = Params(n_comments=n_comments, seed=seed, **options)
    if n_comments < 1:
        msg = f"The 'n_comments' parameter of generate must be >= 1. Got {n_comments} instead."
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    n = n_comments

    # threads: lognormal sizes until they hold n comments
    sizes = np.empty(0, dtype=np.int64)
    while sizes.sum() < n:
        draw = np.rint(rng.lognormal(p.thread_mu, p.thread_sigma, max(16, n // 8)))
        sizes = np.concatenate([sizes, np.clip(draw, 1, p.max_thread).astype(np.int64)])
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    sizes[-1] -= sizes.sum() - n
    n_threads = sizes.size
    first = np.cumsum(sizes) - sizes  # row of each thread's first comment
    thread = np.repeat(np.arange(n_threads), sizes)
    rows = np.arange(n)
    k = rows - first[thread]  # position inside the thread (chronological)

    # reply structure; parents are always earlier rows of the same thread (-1 = the post)
    u = rng.random(n)
    exchange = _exchange_mask(rng, n, p) & (k > 0)
    top = (k == 0) | (~exchange & (u < p.p_top))
    recent = ~exchange & ~top & (u < p.p_top + p.p_recent)
    uniform = ~exchange & ~top & ~recent & (u < p.p_top + p.p_recent + p.p_uniform)
    copy = ~exchange & ~top & ~recent & ~uniform
    earlier = first[thread] + np.floor(rng.random(n) * k).astype(np.int64)
    back = np.minimum(rng.geometric(0.5, n), np.maximum(k, 1))
    target = np.where(top, -1, np.where(exchange, rows - 1, np.where(recent, rows - back, earlier)))
    # copying: the parent of an earlier comment (chosen in proportion to its replies so far)
    parent = target[_resolve(target, copy)]

    # authors: Zipf-Mandelbrot over the pool; exchange replies echo the grandparent's author
    n_authors = max(10, int(n * p.authors_per_comment))
    weights = (np.arange(1, n_authors + 1) + p.zipf_offset) ** -p.zipf_exponent
    cdf = np.cumsum(weights)
    rank = np.searchsorted(cdf, rng.random(n + n_threads) * cdf[-1])
    person = rng.permutation(n_authors)[np.minimum(rank, n_authors - 1)]
    grand = np.where(parent >= 0, parent[np.maximum(parent, 0)], -1)
    echo = exchange & (grand >= 0) & (rng.random(n) < p.p_echo)
    who = person[:n][_resolve(np.where(echo, grand, rows), echo)]
    pool = _author_names(rng, n_authors)

    # times: per-thread start and pace, exponential gaps, strictly after the parent
    posted = _EPOCH0 + np.floor(rng.random(n_threads) * p.span_days * 86400).astype(np.int64)
    pace = p.gap_seconds * rng.lognormal(0.0, 1.0, n_threads)
    gaps = np.floor(rng.exponential(1.0, n) * pace[thread]).astype(np.int64) + 1
    csum = np.cumsum(gaps)
    created = posted[thread] + csum - (csum[first] - gaps[first])[thread]

    # order everything by time, as dumps are; ids grow with time
    order = np.lexsort((rows, created))
    rank_of = np.empty(n, dtype=np.int64)
    rank_of[order] = rows
    post_order = np.lexsort((np.arange(n_threads), posted))
    post_rank = np.empty(n_threads, dtype=np.int64)
    post_rank[post_order] = np.arange(n_threads)
    comment_ids = _base36(_COMMENT_ID0 + rows, 7)  # rows here are ranks in time order
    post_ids = _base36(_POST_ID0 + post_rank, 7)

    parent_sorted = parent[order]
    parent_rank = np.where(parent_sorted >= 0, rank_of[np.maximum(parent_sorted, 0)], 0)
    parent_ids = comment_ids.gather(parent_rank).set(pl.Series(parent_sorted < 0), None)
    deleted = rng.random(n) < p.deleted_share
    authors = pool.gather(who[order]).set(pl.Series(deleted), "[deleted]")
    texts = _texts(rng, n, p.words_median, p.words_sigma, p.max_words)
    texts = texts.set(pl.Series(deleted & (rng.random(n) < 0.5)), "[deleted]")
    sub_of_thread = _zipf_choice(rng, len(_SUBREDDITS), n_threads)
    subreddits = pl.Series(_SUBREDDITS).gather(sub_of_thread)
    comments = pl.DataFrame(
        {
            "comment_id": comment_ids,
            "parent_id": parent_ids,
            "thread_id": post_ids.gather(thread[order]),
            "author": authors,
            "text": texts,
            "created_at": created[order],
            "score": _scores(rng, n),
            "subreddit": subreddits.gather(thread[order]),
            "depth": _depths(parent)[order],
        }
    )
    post_deleted = rng.random(n_threads) < p.deleted_share
    posts = pl.DataFrame(
        {
            "id": post_ids,
            "title": _texts(rng, n_threads, 9.0, 0.5, 40),
            "selftext": _texts(rng, n_threads, 30.0, 0.8, p.max_words).set(
                pl.Series(rng.random(n_threads) < 0.5), ""
            ),
            "author": pool.gather(person[n:]).set(pl.Series(post_deleted), "[deleted]"),
            "created_utc": posted,
            "score": _scores(rng, n_threads) * 10,
            "subreddit": subreddits,
            "num_comments": sizes,
        }
    ).sort("created_utc", maintain_order=True)
    return Synthetic(comments=comments, posts=posts, params=p)


def _zipf_choice(rng: np.random.Generator, k: int, n: int) -> np.ndarray:
    w = 1.0 / np.arange(1, k + 1)
    return rng.choice(k, size=n, p=w / w.sum())


def _scores(rng: np.random.Generator, n: int) -> np.ndarray:
    """Reddit-like scores: mostly 1, a heavy upper tail, some negatives."""
    score = np.floor(rng.pareto(1.3, n) * 2).astype(np.int64) + 1
    negative = rng.random(n) < 0.08
    return np.where(negative, 1 - rng.geometric(0.3, n), score)


def _author_names(rng: np.random.Generator, n: int) -> pl.Series:
    adj = np.array(_ADJECTIVES)[rng.integers(0, len(_ADJECTIVES), n)]
    noun = np.array(_NOUNS)[rng.integers(0, len(_NOUNS), n)]
    suffix = _base36(np.arange(n), 4).str.strip_chars_start("0")
    return pl.DataFrame({"a": adj, "b": noun, "c": suffix}).select(
        pl.concat_str("a", pl.lit("_"), "b", "c").alias("author")
    )["author"]


# --------------------------------------------------------------------------- output


def write(data: Synthetic, out: Path) -> tuple[Path, Path]:
    """Write ``<stem>.ndjson`` (Pushshift layout) and ``<stem>.parquet`` (generic) under ``out``.

    Returns
    -------
    (ndjson path, parquet path)
    """
    out.mkdir(parents=True, exist_ok=True)
    stem = _stem(data.params)
    ndjson, parquet = out / f"{stem}.ndjson", out / f"{stem}.parquet"
    c = data.comments
    reddit = c.select(
        pl.col("comment_id").alias("id"),
        pl.when(pl.col("parent_id").is_null())
        .then("t3_" + pl.col("thread_id"))
        .otherwise("t1_" + pl.col("parent_id"))
        .alias("parent_id"),
        ("t3_" + pl.col("thread_id")).alias("link_id"),
        "author",
        pl.col("text").alias("body"),
        pl.col("created_at").alias("created_utc"),
        "score",
        "subreddit",
    )
    lines = _ndjson_lines(data.posts) + _ndjson_lines(reddit)
    times = np.concatenate([data.posts["created_utc"].to_numpy(), reddit["created_utc"].to_numpy()])
    merged = np.argsort(times, kind="stable")  # a post precedes its comments
    tmp = ndjson.with_suffix(".ndjson.part")
    with tmp.open("wb") as fh:
        fh.write(b"\n".join([lines[i] for i in merged.tolist()]))
        fh.write(b"\n")
    tmp.replace(ndjson)
    c.select(
        "comment_id",
        "parent_id",
        "thread_id",
        "author",
        "text",
        pl.from_epoch("created_at", time_unit="s").dt.replace_time_zone("UTC"),
    ).write_parquet(parquet)
    return ndjson, parquet


def _ndjson_lines(df: pl.DataFrame) -> list[bytes]:
    buf = io.BytesIO()
    df.write_ndjson(buf)
    return buf.getvalue().rstrip(b"\n").split(b"\n")


def _stem(p: Params) -> str:
    return f"synthetic-{p.n_comments}-s{p.seed}"


def describe(comments: pl.DataFrame) -> dict[str, object]:
    """Shape statistics of a generated comments table (for checking realism)."""
    sizes = comments.group_by("thread_id").len()["len"].to_numpy()
    depth = comments["depth"].to_numpy()
    per_author = comments.filter(pl.col("author") != "[deleted]")["author"].value_counts()["count"]
    counts = np.sort(per_author.to_numpy())[::-1]
    kids = comments.group_by("parent_id").len().drop_nulls("parent_id")["len"].to_numpy()
    return {
        "comments": comments.height,
        "threads": int(sizes.size),
        "thread_size_percentiles_50_90_99_max": np.percentile(sizes, [50, 90, 99, 100]).tolist(),
        "top_level_share": round(float((depth == 0).mean()), 3),
        "depth_counts_0_to_9": np.bincount(depth, minlength=10)[:10].tolist(),
        "depth_mean_p99_max": [
            round(float(depth.mean()), 2),
            float(np.percentile(depth, 99)),
            int(depth.max()),
        ],
        "replies_per_comment_max": int(kids.max(initial=0)),
        "authors": int(counts.size),
        "top_author_share": round(float(counts[0] / counts.sum()), 4),
        "authors_with_one_comment_share": round(float((counts == 1).mean()), 3),
        "deleted_share": round(float((comments["author"] == "[deleted]").mean()), 4),
        "words_mean": round(float(comments["text"].str.count_matches(" ").mean() + 1), 1),
    }


def ensure_files(n_comments: int, out: Path = DEFAULT_OUT, *, seed: int = 0) -> tuple[Path, Path]:
    """Paths of the NDJSON and Parquet files for ``n_comments``/``seed``, generated if absent.

    The files are reused when a ``<stem>.json`` beside them records the same parameters.
    """
    p = Params(n_comments=n_comments, seed=seed)
    stem = _stem(p)
    meta = out / f"{stem}.json"
    ndjson, parquet = out / f"{stem}.ndjson", out / f"{stem}.parquet"
    fresh = meta.exists() and ndjson.exists() and parquet.exists()
    if fresh and json.loads(meta.read_text()).get("params") == asdict(p):
        return ndjson, parquet
    data = generate(n_comments, seed=seed)
    ndjson, parquet = write(data, out)
    meta.write_text(json.dumps({"params": asdict(p), "stats": describe(data.comments)}, indent=1))
    return ndjson, parquet


def main(argv: list[str] | None = None) -> None:
    """Command line: generate and write one data set, print its statistics."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--comments", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=0)
    defaults = Params()
    for name in ("thread_mu", "thread_sigma", "zipf_exponent", "zipf_offset", "deleted_share"):
        ap.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(defaults, name))
    args = ap.parse_args(argv)
    options = {
        k: getattr(args, k)
        for k in ("thread_mu", "thread_sigma", "zipf_exponent", "zipf_offset", "deleted_share")
    }
    t0 = time.perf_counter()
    data = generate(args.comments, seed=args.seed, **options)
    t1 = time.perf_counter()
    ndjson, parquet = write(data, args.out)
    t2 = time.perf_counter()
    stats = describe(data.comments)
    meta = args.out / f"{_stem(data.params)}.json"
    meta.write_text(json.dumps({"params": asdict(data.params), "stats": stats}, indent=1))
    print(f"generated in {t1 - t0:.1f} s, written in {t2 - t1:.1f} s")
    print(f"{ndjson} ({ndjson.stat().st_size / 1e6:.0f} MB)")
    print(f"{parquet} ({parquet.stat().st_size / 1e6:.0f} MB)")
    for key, value in stats.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
