"""Within-group permutations drawn from a counter-based hash, the same piece by piece.

A permutation null that draws from one generator in sequence gives different samples when the
data are split (by thread bucket on Spark) than when they are whole. Here the permutation of
a group in sample ``i`` is a pure function of ``(key, the group's place, i)``: each member at
position ``j`` gets the hash ``splitmix64(base(key, place) + j * STEP + (i + 1) * SAMPLE)``
and the members are put in the order of their hashes. Whoever holds a group (the whole
discussion in memory, or one bucket on an executor) draws the same permutation of it.

``splitmix64`` (Steele, Lea and Flood 2014, "Fast splittable pseudorandom number
generators", OOPSLA, doi:10.1145/2660193.2660195) is a bijection of 64-bit integers, and the
inputs of one group in one sample are distinct (``STEP`` is odd and a group has fewer than
2**64 members), so the hashes of a group differ; the order sorts their high bits with the
member's position in the low bits (:class:`GroupBlock`), so it is well defined, and the
hashes are uniform enough that every order of a group is equally likely (tested with a
chi-square test).
"""

from __future__ import annotations

import numpy as np

__all__ = ["GroupBlock", "splitmix64"]

_MASK = 2**64 - 1
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
#: Odd constants that spread positions and samples over the 64-bit range.
STEP = 0xD1B54A32D192ED03
SAMPLE = 0x8CB92BA72F3D8DD7


def splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 output function of every uint64 in ``x`` (a bijection; wraps mod 2**64).

    Examples
    --------
    >>> int(splitmix64(np.array([0], dtype=np.uint64))[0])  # the reference's first output
    16294208416658607535
    """
    z = np.asarray(x, dtype=np.uint64) + _GAMMA
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


class GroupBlock:
    """Groups of at most ``width`` members, one row each, and their keyed permutations.

    Row ``r`` is the group at ``places[r]`` with ``sizes[r]`` members in its first slots; the
    other slots are padding, which sorts last, so a group is ordered as it would be in a
    block of its own size. A member's sort key is the high bits of its hash with its position
    in the low bits: the keys of a row are distinct, and two hashes that agree on every high
    bit (a chance of about ``width**2 / 2**(64 - log2 width)``) keep their input order.

    Parameters
    ----------
    key : int
        The draw's key (e.g. from the measure's seeded generator).
    places : numpy.ndarray
        Each group's place (an integer that names it in the whole input).
    sizes : numpy.ndarray
        Members of each group, at most ``width``.
    width : int
        Slots per row.

    Examples
    --------
    >>> block = GroupBlock(7, np.array([0, 1]), np.array([4, 3]), 4)
    >>> orders = block.orders(0)
    >>> sorted(orders[0].tolist()), orders[1, 3].item()  # the padding stays last
    ([0, 1, 2, 3], 3)
    >>> alone = GroupBlock(7, np.array([1]), np.array([3]), 3)
    >>> bool((alone.orders(0)[0] == orders[1, :3]).all())  # the same order in any block
    True
    >>> bool((block.orders(0) == orders).all()), bool((block.orders(1) == orders).all())
    (True, False)
    """

    def __init__(self, key: int, places: np.ndarray, sizes: np.ndarray, width: int) -> None:
        self._low = np.uint64((1 << max(width - 1, 1).bit_length()) - 1)
        high = ~self._low
        places = np.asarray(places, dtype=np.uint64)
        base = splitmix64(splitmix64(places ^ np.uint64(key & _MASK)))
        steps = np.arange(width, dtype=np.uint64) * np.uint64(STEP)
        self._bases = base[:, None] + steps[None, :]
        positions = np.arange(width, dtype=np.uint64)
        padding = positions[None, :] >= np.asarray(sizes, dtype=np.uint64)[:, None]
        # what is ORed into the keys: the position, and every high bit on the padding
        self._fixed = np.where(padding, high, np.uint64(0)) | positions[None, :]

    def orders(self, sample: int) -> np.ndarray:
        """``(rows, width)``: row ``r``'s member at position ``j`` takes the value of member
        ``orders[r, j]`` in sample ``sample`` (a function of the key, the place and the
        sample alone)."""
        shift = np.uint64(((sample + 1) * SAMPLE) & _MASK)
        keys = (splitmix64(self._bases + shift) & ~self._low) | self._fixed
        return (np.sort(keys, axis=1) & self._low).astype(np.intp)
