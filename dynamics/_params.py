"""Parameter checks and seeding shared by every layer (the ground floor, like ``errors``).

:func:`check_param` gives the sklearn-style message for a bad parameter; :func:`rng` and
:func:`igraph_seed` are the only sources of randomness, so the same seed gives the same result.
"""

from __future__ import annotations

import functools
import random
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "DrawnSeed",
    "check_param",
    "check_seed",
    "draw_seed",
    "draws_seed",
    "igraph_seed",
    "is_int",
    "rng",
    "seeded",
]

_F = TypeVar("_F", bound=Callable[..., Any])


def check_param(ok: bool, name: str, func: str, expected: str, got: Any) -> None:
    """Raise the sklearn-style ``ValueError`` unless ``ok``.

    >>> check_param(False, "ci", "ei_index", "in (0, 1)", 1.5)
    Traceback (most recent call last):
    ...
    ValueError: The 'ci' parameter of ei_index must be in (0, 1). Got 1.5 instead.
    """
    if not ok:
        msg = f"The {name!r} parameter of {func} must be {expected}. Got {got!r} instead."
        raise ValueError(msg)


def is_int(x: Any) -> bool:
    """True for Python and numpy integers, False for bools (a bool is not a count)."""
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy generator from a seed (the only source of randomness in metrics).

    >>> rng(-1)
    Traceback (most recent call last):
    ...
    ValueError: The 'seed' parameter must be None, an integer >= 0 or a numpy Generator. Got -1 instead.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    check_seed(seed)
    return np.random.default_rng(seed)


def check_seed(seed: Any, func: str | None = None) -> None:
    """Raise the sklearn-style ``ValueError`` unless ``seed`` is None, an integer >= 0 or a
    numpy Generator (numpy's seeds cannot be negative)."""
    if seed is None or isinstance(seed, np.random.Generator) or (is_int(seed) and seed >= 0):
        return
    where = f" of {func}" if func else ""
    msg = (
        f"The 'seed' parameter{where} must be None, an integer >= 0 or a numpy Generator. "
        f"Got {seed!r} instead."
    )
    raise ValueError(msg)


class DrawnSeed(int):
    """A seed drawn for ``seed=None`` (see :func:`draw_seed`): an ``int`` in every way.

    The type only tells the caches that keep null samples or bootstrap graphs by seed not to
    keep them under it: no later call asks for the same drawn seed, so they would only hold
    memory. Passing the number back as ``seed=`` (a plain int) gives the same results.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return int.__repr__(self)


#: Drawn seeds are below this bound: exact in JSON readers that hold numbers as doubles (the
#: HTML report, the dashboard) and in Java's ``int`` (Spark).
SEED_BOUND = 2**31


def draw_seed() -> DrawnSeed:
    """A fresh seed from the operating system's entropy, for a measure given ``seed=None``.

    The measure runs with it and records it in ``result.params["seed"]``, so the run can be
    repeated exactly by passing that number back as ``seed``.

    >>> s = draw_seed()
    >>> isinstance(s, int) and 0 <= s < 2**31
    True
    """
    return DrawnSeed(secrets.randbelow(SEED_BOUND))


def draws_seed(func: _F) -> _F:
    """``func`` with ``seed=None`` replaced by :func:`draw_seed` before it runs.

    ``seed`` must be keyword-only in ``func``. Everything ``func`` records (``params["seed"]``,
    so ``to_dict()``, ``results.json``, the report) then holds the seed actually used, and
    ``func(..., seed=result.params["seed"])`` gives the same result. Integers and numpy
    Generators are passed on unchanged.

    >>> @draws_seed
    ... def f(*, seed=0):
    ...     return seed
    >>> f(seed=3), f(), isinstance(f(seed=None), DrawnSeed)
    (3, 0, True)
    """

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **seeded(kwargs))

    return call  # type: ignore[return-value]


def seeded(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with ``seed=None`` replaced by :func:`draw_seed` (in place, and returned).

    >>> seeded({"seed": 4}), isinstance(seeded({"seed": None})["seed"], DrawnSeed), seeded({})
    ({'seed': 4}, True, {})
    """
    if "seed" in kwargs and kwargs["seed"] is None:
        kwargs["seed"] = draw_seed()
    return kwargs


#: igraph's random number generator is process-wide: blocks that seed it run one at a time, so
#: two threads (e.g. two dashboard callbacks) cannot interleave and break "same seed, same
#: result".
_IGRAPH_RNG = threading.RLock()


@contextmanager
def igraph_seed(seed: int | None) -> Iterator[None]:
    """Make igraph's own random functions (Leiden, rewiring) deterministic inside the block."""
    import igraph as ig

    with _IGRAPH_RNG:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)
