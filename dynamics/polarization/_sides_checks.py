"""Parameter checks of :func:`~dynamics.polarization.sides` (sklearn wording)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from dynamics._params import check_param, is_int
from dynamics.polarization._sides_type import METHODS, ROUNDINGS


def _check_params(**p: Any) -> None:
    """Validate :func:`sides` parameters (sklearn wording)."""
    func = "sides"
    method = p["method"]
    check_param(
        method in METHODS, "method", func, f"one of {', '.join(map(repr, METHODS))}", method
    )
    if method == "labels":
        check_param(
            (p["labels"] is None) != (p["column"] is None),
            "labels",
            func,
            "given (or 'column' given instead) when method='labels'",
            p["labels"],
        )
        if p["labels"] is not None and not isinstance(p["labels"], Mapping):
            msg = (
                "The 'labels' parameter of sides must be a mapping author -> side label. "
                f"Got {type(p['labels']).__name__} instead."
            )
            raise TypeError(msg)
        check_param(
            p["column"] is None or isinstance(p["column"], str),
            "column",
            func,
            "a str",
            p["column"],
        )
    else:
        check_param(p["labels"] is None, "labels", func, "None unless method='labels'", p["labels"])
        check_param(p["column"] is None, "column", func, "None unless method='labels'", p["column"])
    if method == "propagation":
        seeds = p["seeds"]
        if not isinstance(seeds, Mapping):
            msg = (
                "The 'seeds' parameter of sides must be a mapping author -> side label when "
                f"method='propagation'. Got {type(seeds).__name__} instead."
            )
            raise TypeError(msg)
        distinct = {v for v in seeds.values() if v is not None}
        check_param(
            len(distinct) == 2,
            "seeds",
            func,
            "a mapping author -> label with exactly two distinct labels",
            sorted(map(repr, distinct)),
        )
    else:
        check_param(
            p["seeds"] is None, "seeds", func, "None unless method='propagation'", p["seeds"]
        )
    n_sides = p["n_sides"]
    check_param(
        n_sides is None or (is_int(n_sides) and n_sides >= 2),
        "n_sides",
        func,
        "an int >= 2 or None",
        n_sides,
    )
    others = p["others"]
    check_param(others in ("drop", "merge"), "others", func, "'drop' or 'merge'", others)
    weight = p["weight"]
    check_param(weight is None or isinstance(weight, str), "weight", func, "a str or None", weight)
    res = p["resolution"]
    check_param(
        _is_real(res) and math.isfinite(res) and res > 0, "resolution", func, "a float > 0", res
    )
    check_param(is_int(p["n_iterations"]), "n_iterations", func, "an int", p["n_iterations"])
    check_param(
        p["rounding"] in ROUNDINGS,
        "rounding",
        func,
        f"one of {', '.join(map(repr, ROUNDINGS))}",
        p["rounding"],
    )
    tol = p["tol"]
    check_param(_is_real(tol) and math.isfinite(tol) and tol > 0, "tol", func, "a float > 0", tol)
    max_iter = p["max_iter"]
    check_param(is_int(max_iter) and max_iter >= 1, "max_iter", func, "an int >= 1", max_iter)
    solver = p["solver"]
    check_param(solver in ("iterate", "cg"), "solver", func, "'iterate' or 'cg'", solver)
    seed = p["seed"]
    check_param(seed is None or is_int(seed), "seed", func, "an int or None", seed)


def _is_real(x: Any) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)
