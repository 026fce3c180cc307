"""Signed spectral sides: the two-way partition of the signed user graph (Bonchi et al. 2019).

Used by :func:`~dynamics.polarization.sides` for ``method="signed"``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from dynamics._params import rng
from dynamics._validation import edge_list_array, float_values
from dynamics.errors import GraphKindError
from dynamics.polarization._sides_type import _DENSE_MAX, _result

if TYPE_CHECKING:
    import igraph as ig
    import scipy.sparse as sp

    from dynamics.polarization._sides_type import Sides

#: Eigenvector entries below this share of the largest one count as exactly zero.
_ZERO = 1e-9


def _signed_adjacency(g: ig.Graph, weight: str | None) -> sp.csr_matrix:
    """Symmetric signed adjacency matrix (see :func:`sides`, ``method="signed"``)."""
    import scipy.sparse as sp

    n = g.vcount()
    if g.ecount() == 0:
        return sp.csr_matrix((n, n))
    if "sign" not in g.es.attributes():
        msg = (
            "sides(method='signed') needs signed edges: annotate the Discussion first "
            "(Discussion.annotate()) or give a graph with a 'sign' edge attribute"
        )
        raise GraphKindError(msg)
    ends = edge_list_array(g)
    sign = float_values(g.es["sign"], missing=0.0)
    sign = np.sign(np.nan_to_num(sign))
    if weight is not None:
        sign *= float_values(g.es[weight], missing=1.0)
    lo, hi = ends.min(axis=1), ends.max(axis=1)
    keep = lo != hi
    upper = sp.coo_matrix((sign[keep], (lo[keep], hi[keep])), shape=(n, n)).tocsr()
    upper.sum_duplicates()
    if weight is None:
        upper.data = np.sign(upper.data)
    upper.eliminate_zeros()
    return (upper + upper.T).tocsr()


def _leading_eigenvector(a: sp.csr_matrix, seed: int | None) -> tuple[float, np.ndarray]:
    """Largest eigenvalue of the symmetric ``a`` and its unit eigenvector."""
    n = a.shape[0]
    if n <= _DENSE_MAX:
        values, vectors = np.linalg.eigh(a.toarray())
        return float(values[-1]), vectors[:, -1]
    from scipy.sparse.linalg import eigsh

    v0 = rng(seed).uniform(-1.0, 1.0, n)
    values, vectors = eigsh(a.astype(np.float64), k=1, which="LA", v0=v0)
    return float(values[0]), vectors[:, 0]


def _signed(g: ig.Graph, params: dict[str, Any]) -> Sides:
    """``method="signed"``: Bonchi et al. (2019) spectral partition of the signed graph."""
    n = g.vcount()
    a = _signed_adjacency(g, params["weight"])
    if a.nnz == 0:
        return _result(
            g, "signed", [None] * n, params, reason="the graph has no edge with a non-zero sign"
        )
    # restrict to users with a signed edge: the others are neutral (and would only add zeros)
    active = np.flatnonzero(np.diff(a.indptr) > 0)
    sub = a[active][:, active]
    value, vec = _leading_eigenvector(sub, params["seed"])
    v = np.zeros(n)
    v[active] = vec / np.linalg.norm(vec)
    top = np.abs(v).max()
    v[np.abs(v) <= _ZERO * top] = 0.0
    # sign convention: the user with the largest |v| (ties: smallest name) is on side +1
    names = np.array([str(x) for x in g.vs["name"]], dtype=object)
    candidates = np.flatnonzero(np.abs(v) >= top * (1 - 1e-9))
    pivot = candidates[np.argmin(names[candidates])] if len(candidates) > 1 else candidates[0]
    if v[pivot] < 0:
        v = -v
    if params["rounding"] == "eigensign":
        x = np.sign(v)
    else:
        draw = rng(params["seed"]).random(n)
        x = np.where(draw < np.abs(v), np.sign(v), 0.0)
    nz = x != 0
    polarity = float(x @ (a @ x) / nz.sum()) if nz.any() else math.nan
    labels = [None if s == 0 else int(s) for s in x.tolist()]
    details = {
        "eigenvalue": value,
        "polarity": polarity,
        "n_neutral": int(n - nz.sum()),
        "n_unsigned": int(n - len(active)),
    }
    # a user without a signed edge has no leaning (NaN), not the middle one: nothing they
    # wrote took a stance towards anyone; nor has a user where the eigenvector is zero
    # (another component of the signed graph): they are neutral, with no side, as in
    # Bonchi et al., but the split says nothing about where they lean
    scores = np.where(v == 0.0, np.nan, v / top)
    return _result(g, "signed", labels, params, scores=scores, details=details, order=(-1, 1))
