"""Tests of the keyed within-group permutations and of contagion's null built on them."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl

from dynamics.escalation._keyed_shuffle import GroupBlock, splitmix64
from dynamics.escalation.contagion import _prepare, null_counts

# chi-square critical values at the 0.1 % level
CHI2_999 = {5: 20.52, 23: 49.73}


def _chi2(orders: np.ndarray, width: int) -> tuple[float, int]:
    """Pearson's statistic of the counts of each order (rows of ``orders``) against uniform."""
    perms = {p: k for k, p in enumerate(itertools.permutations(range(width)))}
    counts = np.bincount([perms[tuple(row)] for row in orders.tolist()], minlength=len(perms))
    expected = orders.shape[0] / len(perms)
    return float(((counts - expected) ** 2 / expected).sum()), len(perms) - 1


def test_splitmix64_is_the_reference_generator():
    # the first outputs of splitmix64 seeded with 0 (state advanced by the golden gamma)
    state = np.array([0x9E3779B97F4A7C15 * k % 2**64 for k in range(3)], dtype=np.uint64)
    got = splitmix64(state).tolist()
    assert got == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]


def test_every_order_is_equally_likely_across_groups_and_samples():
    rows = 12_000
    block = GroupBlock(3, np.arange(rows), np.full(rows, 3), 3)
    stat, df = _chi2(block.orders(0), 3)  # one sample, many groups
    assert stat < CHI2_999[df], stat
    one = GroupBlock(3, np.array([5]), np.array([4]), 4)  # one group, many samples
    stat, df = _chi2(np.concatenate([one.orders(i) for i in range(12_000)]), 4)
    assert stat < CHI2_999[df], stat
    # a group of 3 padded to 5 slots: its 3 members are still uniformly ordered
    padded = GroupBlock(9, np.arange(rows), np.full(rows, 3), 5).orders(2)
    assert (padded[:, 3:] == [3, 4]).all()
    stat, df = _chi2(padded[:, :3], 3)
    assert stat < CHI2_999[df], stat


def test_orders_depend_on_key_place_and_sample_only():
    sizes = np.array([2, 5, 7, 7])
    block = GroupBlock(11, np.array([4, 9, 2, 3]), sizes, 7)
    for i in range(20):
        together = block.orders(i)
        for r, (place, size) in enumerate(zip([4, 9, 2, 3], sizes, strict=True)):
            alone = GroupBlock(11, np.array([place]), np.array([size]), int(size)).orders(i)
            assert (together[r, :size] == alone[0]).all()
            assert sorted(together[r].tolist()) == list(range(7))
    assert not (
        GroupBlock(12, np.array([4]), np.array([5]), 5).orders(0) == block.orders(0)[0, :5]
    ).all()


def _varied(seed: int) -> pl.DataFrame:
    """Random reply trees of 3 to 80 comments (sizes that fall in different blocks), a
    third of the comments toxic, the threads' comments interleaved."""
    gen = np.random.default_rng(seed)
    ids, parents, threads = [], [], []
    for k, size in enumerate([3, 5, 9, 17, 18, 19, 23, 40, 80, 5, 17]):
        for i in range(size):
            p = -1 if i == 0 or gen.random() < 0.2 else int(gen.integers(0, i))
            ids.append(f"{k}-{i}")
            parents.append(None if p < 0 else f"{k}-{p}")
            threads.append(f"T{k}")
    tox = np.where(gen.random(len(ids)) < 1 / 3, 0.9, 0.1)
    comments = pl.DataFrame(
        {"comment_id": ids, "parent_id": parents, "thread_id": threads, "toxicity": tox},
        schema_overrides={"parent_id": pl.String},
    )
    return comments.sample(fraction=1.0, shuffle=True, seed=seed)


def test_null_counts_of_parts_add_up_to_the_whole():
    """What the Spark buckets do: threads split into parts, each part given its threads'
    places in the whole input, give null counts that sum to those of the whole."""
    comments = _varied(40)
    tox = comments.get_column("toxicity").to_numpy()
    whole = _prepare(comments, tox, 0.5)
    want = null_counts(whole, key=123, n_null=50)
    assert want[:, 0].std() > 0  # the null moves the counts
    place = {t: k for k, t in enumerate(whole.thread_ids.to_list())}
    got = np.zeros_like(want)
    for part in ({"T0", "T3", "T8"}, {"T1", "T2", "T4", "T5"}, {"T6", "T7", "T9", "T10"}):
        sub = comments.filter(pl.col("thread_id").is_in(list(part)))
        data = _prepare(sub, sub.get_column("toxicity").to_numpy(), 0.5)
        places = np.array([place[t] for t in data.thread_ids.to_list()])
        got += null_counts(data, key=123, n_null=50, places=places)
    assert (got == want).all()
    assert not (null_counts(whole, key=124, n_null=50) == want).all()


def test_null_counts_without_moving_threads():
    # every comment toxic: nothing can move, every sample keeps the observed counts
    comments = _varied(3).with_columns(pl.lit(0.9).alias("toxicity"))
    data = _prepare(comments, comments.get_column("toxicity").to_numpy(), 0.5)
    counts = null_counts(data, key=1, n_null=4)
    n = data.child.size
    assert counts.tolist() == [[n, n, n]] * 4
    empty = _prepare(comments.head(0), np.array([], dtype=float), 0.5)
    assert null_counts(empty, key=1, n_null=2).tolist() == [[0, 0, 0]] * 2
