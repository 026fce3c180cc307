"""What one measure prepared on a bootstrap sample or a null graph, kept for the next measure.

The measures of a report draw the same samples (seeded thread bootstraps share their sample
graphs, the re-inferring null shares its rewired graphs), and several measures prepare a sample
the same way: the same sides, weights and edge mode give the same labelled undirected graph.
A :class:`Memo` belongs to one sample and keeps those prepared forms; every memo of one draw
spends from one :class:`Budget`, so the kept forms stay within a fixed number of bytes
whatever the graph size: past it, the least recently used forms of other kinds make room
(and are built again if asked for, as they were before).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

__all__ = ["EDGE_ENDS", "Budget", "Memo", "Scoped", "graph_bytes", "reuse"]

#: The memo key of a graph's ``(m, 2)`` edge array (``dynamics._validation.edge_ends``); a
#: bootstrap sample keeps the array its graph was built from under it.
EDGE_ENDS = ("edge_ends",)

#: Bytes the memos of one draw (all samples of one bootstrap or one null) may keep.
MEMO_BYTES = 256 * 2**20


class Budget:
    """The bytes the memos of one draw may keep (``limit``, default :data:`MEMO_BYTES`), and
    which kept values to drop first (see :meth:`admit`), whichever memo holds them.

    ``value_bytes`` is what one attribute value of a kept igraph graph is counted
    (:func:`graph_bytes`): 8 where the graphs share their values with another graph.

    Examples
    --------
    >>> budget = Budget(3000)
    >>> a, b, c = Memo(budget), Memo(budget), Memo(budget)
    >>> a.get("x", (), lambda: "kept"), b.get("x", (), lambda: "kept")
    ('kept', 'kept')
    >>> _ = c.get("x", (), lambda: "no room beside two of its kind: not kept")
    >>> c.get("x", (), lambda: "built again")
    'built again'
    >>> a.get("x", (), lambda: "not built")  # used: now the most recent
    'kept'
    >>> _ = c.get("y", (), lambda: "another kind: b's older x made room")
    >>> b.get("x", (), lambda: "built again"), a.get("x", (), lambda: "not built")
    ('built again', 'kept')
    """

    def __init__(self, limit: int | None = None, *, value_bytes: int = 16) -> None:
        self.limit = MEMO_BYTES if limit is None else limit
        self.value_bytes = value_bytes  # an attribute value of a kept graph (graph_bytes)
        self.used = 0
        self._order: OrderedDict[tuple[int, Hashable], tuple[Memo, int]] = OrderedDict()

    def admit(self, memo: Memo, key: Hashable, size: int) -> bool:
        """Make room for ``size`` bytes under ``(memo, key)``; False when there is none.

        Room is made by dropping the least recently used values kept under *other* keys: the
        measures of a run visit the samples in the same order, so a key's own values, dropped
        to make room for each other, would all be built again (a cycle defeats LRU); a key that
        does not fit beside those of its kind is not kept.
        """
        if self.used + size > self.limit:
            for memo_id, old in list(self._order):
                if old == key:
                    continue
                holder, freed = self._order.pop((memo_id, old))
                holder._kept.pop(old, None)
                self.used -= freed
                if self.used + size <= self.limit:
                    break
        if self.used + size > self.limit:
            return False
        self._order[(id(memo), key)] = (memo, size)
        self.used += size
        return True

    def release(self, memo: Memo, key: Hashable) -> None:
        """Forget ``(memo, key)`` (its value was dropped)."""
        _, size = self._order.pop((id(memo), key))
        self.used -= size

    def touch(self, memo: Memo, key: Hashable) -> None:
        """``(memo, key)`` was just used: drop it last."""
        self._order.move_to_end((id(memo), key))


class Memo:
    """Prepared forms of one sample, keyed by how they were prepared and from what.

    A value is kept with the objects it was made from (``owners``: e.g. the sides and the
    graph) and served again only for those very objects (compared by identity, and kept alive
    with the value, so an identity is never reused while the value is kept).

    Parameters
    ----------
    budget : Budget
        Shared by the memos of one draw.

    Examples
    --------
    >>> memo = Memo(Budget())
    >>> sides = {"a": 0}
    >>> memo.get(("ei", None), (sides,), lambda: [1, 2])
    [1, 2]
    >>> memo.get(("ei", None), (sides,), lambda: "not built again")
    [1, 2]
    >>> memo.get(("ei", None), ({"a": 0},), lambda: "other sides (an equal copy): built")
    'other sides (an equal copy): built'
    """

    def __init__(self, budget: Budget) -> None:
        self._budget = budget
        self._kept: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}

    def __getstate__(self) -> dict[str, Any]:
        """Pickled empty (worker processes keep nothing; the values can be large graphs)."""
        return {"_budget": Budget(0), "_kept": {}}

    def get(self, key: Hashable, owners: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """The value kept under ``key`` for the same ``owners``, or ``build()``.

        A built value is kept when the budget has or makes room (:meth:`Budget.admit`); one
        with an unhashable ``key`` is not kept.
        """
        try:
            hit = self._kept.get(key)
        except TypeError:
            return build()
        if hit is not None and _same(hit[0], owners):
            self._budget.touch(self, key)
            return hit[1]
        value = build()
        if hit is not None:  # made from other owners: this value replaces it
            self._kept.pop(key)
            self._budget.release(self, key)
        if self._budget.admit(self, key, _value_bytes(value, self._budget.value_bytes)):
            self._kept[key] = (owners, value)
        return value


class Scoped:
    """A view of a :class:`Memo` whose keys carry ``scope`` and whose values also belong to
    ``owners`` (e.g. one way of rebuilding a null graph from one original graph).

    Examples
    --------
    >>> memo, original = Memo(Budget()), object()
    >>> view = Scoped(memo, ("unit weights",), (original,))
    >>> view.get("x", (), lambda: 1), memo.get("x", (), lambda: 2)
    (1, 2)
    """

    def __init__(self, memo: Memo, scope: Hashable, owners: tuple[Any, ...]) -> None:
        self._memo, self._scope, self._owners = memo, scope, owners

    def get(self, key: Hashable, owners: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """As :meth:`Memo.get`, within the scope."""
        return self._memo.get((self._scope, key), owners + self._owners, build)


def reuse(sample: Any, key: Hashable, owners: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """``build()``, kept on ``sample`` when it carries a :class:`Memo` or :class:`Scoped`
    (attribute ``memo``).

    Samples without one (the data a user passed in, unseeded bootstrap samples) build every
    time.
    """
    memo = getattr(sample, "memo", None)
    return build() if memo is None else memo.get(key, owners, build)


def graph_bytes(g: Any, value_bytes: int = 16) -> int:
    """A rough size of an igraph graph with its attributes.

    igraph keeps 32 bytes per edge (two ends, two index vectors) and 16 per vertex; an
    attribute value costs its list slot (8 bytes) plus the object when the graph owns it
    (``value_bytes=16`` is a middle between small shared ints and floats of 24 bytes; 8 for
    graphs whose attribute lists refer to another graph's values).
    """
    values = g.ecount() * len(g.es.attributes()) + g.vcount() * len(g.vs.attributes())
    return 32 * g.ecount() + 16 * g.vcount() + value_bytes * values


def _same(kept: tuple[Any, ...], owners: tuple[Any, ...]) -> bool:
    return len(kept) == len(owners) and all(a is b for a, b in zip(kept, owners, strict=True))


def _value_bytes(value: Any, value_bytes: int) -> int:
    """A rough size: an array's or polars table's bytes, or the graph it holds (or is) and its
    numpy arrays; 1 KiB for the rest."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 128
    if callable(getattr(value, "estimated_size", None)):  # a polars DataFrame or Series
        return int(value.estimated_size()) + 128
    graph = getattr(value, "graph", value)
    size = graph_bytes(graph, value_bytes) if hasattr(graph, "ecount") else 1024
    fields = getattr(value, "__dict__", {})
    return size + sum(int(getattr(v, "nbytes", 0)) for v in fields.values())
