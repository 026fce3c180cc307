"""Sides by label propagation from seed users: the harmonic function, by iteration or CG.

Used by :func:`~dynamics.polarization.sides` for ``method="propagation"``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from dynamics._validation import edge_list_array, undirected
from dynamics.polarization._sides_type import _result, _sorted_labels

if TYPE_CHECKING:
    import igraph as ig
    import scipy.sparse as sp

    from dynamics.polarization._sides_type import Sides


def _propagation(g: ig.Graph, seeds: Mapping[Hashable, Hashable], params: dict[str, Any]) -> Sides:
    """``method="propagation"``: harmonic label propagation from ``seeds``."""
    import scipy.sparse as sp

    h = undirected(g, weight=params["weight"])
    n = h.vcount()
    neg, pos = _sorted_labels({v for v in seeds.values() if v is not None})
    index = {name: i for i, name in enumerate(h.vs["name"])}
    pairs = [
        (index[a], -1.0 if lab == neg else 1.0)
        for a, lab in seeds.items()
        if lab is not None and a in index
    ]
    details: dict[str, Any] = {"n_seeds": len(pairs), "n_iter": 0, "converged": True}
    if not pairs:
        return _result(
            g,
            "propagation",
            [None] * n,
            params,
            scores=np.full(n, math.nan),
            details=details,
            reason="no seed user is in the graph",
            order=(neg, pos),
        )
    seed_idx = np.array([i for i, _ in pairs], dtype=np.int64)
    x = np.zeros(n)
    x[seed_idx] = [val for _, val in pairs]
    is_seed = np.zeros(n, dtype=bool)
    is_seed[seed_idx] = True
    # users in a connected component that holds a seed
    membership = np.asarray(h.connected_components().membership, dtype=np.int64)
    reached = np.isin(membership, np.unique(membership[seed_idx]))
    free = np.flatnonzero(reached & ~is_seed)
    tol, max_iter = params["tol"], params["max_iter"]
    if len(free):
        ends = edge_list_array(h)
        w = np.asarray(h.es["weight"], dtype=float)
        a = sp.coo_matrix(
            (
                np.concatenate([w, w]),
                (
                    np.concatenate([ends[:, 0], ends[:, 1]]),
                    np.concatenate([ends[:, 1], ends[:, 0]]),
                ),
            ),
            shape=(n, n),
        ).tocsr()
        converged, it, change = _harmonic(a, x, free, tol, max_iter, params["solver"])
        details.update(n_iter=it, converged=converged)
        if not converged:
            msg = (
                f"sides(method='propagation', solver={params['solver']!r}) did not converge in "
                f"{max_iter} iterations (last change {change:.3g} > tol={tol}); raise max_iter "
                "or tol, or use solver='cg'"
            )
            warnings.warn(msg, RuntimeWarning, stacklevel=3)
    x[~reached] = math.nan
    labels = [
        None if not (abs(s) > tol) else (neg if s < 0 else pos)  # NaN and ~0 give no side
        for s in x.tolist()
    ]
    for i, val in pairs:
        labels[i] = neg if val < 0 else pos
    reason = None
    if len({v for _, v in pairs}) < 2:
        reason = "the seeds in the graph are all on one side"
    details["n_unreached"] = int((~reached).sum())
    return _result(
        g,
        "propagation",
        labels,
        params,
        scores=x,
        details=details,
        reason=reason,
        order=(neg, pos),
    )


def _harmonic(
    a: sp.csr_matrix, x: np.ndarray, free: np.ndarray, tol: float, max_iter: int, solver: str
) -> tuple[bool, int, float]:
    """Fill ``x[free]`` with the harmonic extension of the other entries (in place).

    ``"iterate"``: x_f <- (D^-1 A x)_f until no entry moves by more than ``tol``.
    ``"cg"``: conjugate gradient (Jacobi-preconditioned) on (D - A)_ff x_f = A_fs x_s, the same
    fixed point, until the relative residual is below ``tol``. Returns (converged, iterations,
    last change or residual).
    """
    import scipy.sparse as sp

    rows = a[free]
    deg = np.asarray(rows.sum(axis=1)).ravel()
    if solver == "iterate":
        p = sp.diags(1.0 / deg) @ rows
        converged, it, change = False, 0, math.inf
        while it < max_iter and not converged:  # one sparse product per iteration
            new = p @ x
            change = float(np.abs(new - x[free]).max())
            x[free] = new
            it += 1
            converged = change <= tol
        return converged, it, change
    from scipy.sparse.linalg import cg

    fixed = np.ones(x.size, dtype=bool)
    fixed[free] = False
    b = rows[:, fixed] @ x[fixed]
    lap = sp.diags(deg) - rows[:, free]
    count = [0]

    def step(_: np.ndarray) -> None:
        count[0] += 1

    sol, info = cg(
        lap, b, rtol=tol, atol=0.0, maxiter=max_iter, M=sp.diags(1.0 / deg), callback=step
    )
    x[free] = sol
    residual = float(np.linalg.norm(lap @ sol - b) / max(np.linalg.norm(b), 1e-300))
    return info == 0, count[0], residual
