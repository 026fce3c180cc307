"""instigators: when the top share is saturated (pinned at its maximum by construction)."""

from __future__ import annotations

import polars as pl
import pytest

import dynamics as dyn
from dynamics.escalation import instigators
from dynamics.escalation.instigators import saturation_warning


def _flame(name: str, opener: str, other: str, *, bystanders: int = 0) -> pl.DataFrame:
    """opener .2 -> other .6 -> opener .9: one rising episode; then ``bystanders`` calm
    top-level comments by distinct users, who take part in no episode."""
    n = 3 + bystanders
    ids = [f"{name}{i}" for i in range(n)]
    return pl.DataFrame(
        {
            "id": ids,
            "parent": [None, ids[0], ids[1]] + [None] * bystanders,
            "link_id": [name] * n,
            "user": [opener, other, opener] + [f"{name}_b{i}" for i in range(bystanders)],
            "body": ["x"] * n,
            "created_utc": [1_700_000_000 + 60 * i for i in range(n)],
            "toxicity": [0.2, 0.6, 0.9] + [0.1] * bystanders,
        }
    )


def _saturated():
    # 3 episodes opened by 3 authors (ann, bob, cy) among 30: the top 10% are 3 authors,
    # so they include every instigator and the share is 1 whatever top is
    return dyn.load(
        pl.concat(
            [
                _flame("A", "ann", "dan", bystanders=8),
                _flame("B", "bob", "eve", bystanders=8),
                _flame("C", "cy", "fay", bystanders=8),
            ]
        )
    )


def test_saturated_share_says_so() -> None:
    """Before, the 1.0 came with no warning, though every top <= 0.1 gives it by construction
    (on r/CollegeRant, 0.961 for top = 0.1, 0.5 and 1)."""
    d = _saturated()
    r = instigators(d)
    assert (r.value, r.n_authors, r.n_top, r.n_instigators) == (1.0, 30, 3, 3)
    assert len(r.warnings) == 1
    assert r.warnings[0].startswith(
        "saturated: the top 3 of 30 authors include all 3 who started an episode"
    )
    assert "top <= 2/30" in r.warnings[0]
    assert r.to_dict()["n_instigators"] == 3
    # fewer top authors than instigators: not saturated, no warning
    r = instigators(d, top=2 / 30)
    assert (r.n_top, r.value, r.warnings) == (2, pytest.approx(2 / 3), ())


def test_one_instigator_is_always_saturated() -> None:
    d = dyn.load(_flame("A", "ann", "bob", bystanders=20))
    r = instigators(d, top=0.01)
    assert (r.value, r.n_top, r.n_instigators) == (1.0, 1, 1)
    assert r.warnings[0].endswith("(one instigator: no top share can say more)")


def test_saturation_warning_cases() -> None:
    assert saturation_warning(1, 2, 10) is None
    assert saturation_warning(2, 2, 10) is not None
    assert saturation_warning(5, 0, 10) is None  # no known instigator: the share is 0


@pytest.mark.parametrize("given", [{"n_boot": 100}, {"ci": 0.9}, {"null": "auto"}])
def test_instigators_has_no_bootstrap_and_says_what_to_use(given) -> None:
    """A bare "unexpected keyword argument 'n_boot'" before."""
    with pytest.raises(TypeError, match=r"instigators\(\) got the setting .*signal_uncertainty"):
        instigators(_saturated(), **given)


def test_the_top_count_is_not_pushed_up_by_rounding() -> None:
    """7/25 of 25 authors is 7 top authors: 0.28 * 25 is 7.000000000000001 in floating
    point, which a plain ceil made 8 (so the saturation warning's own advice, top <= 7/25,
    did not lift the saturation)."""
    import math

    import polars as pl

    from dynamics.escalation.instigators import from_authors

    assert math.ceil(7 / 25 * 25) == 8  # the floating-point trap
    authors = pl.DataFrame(
        {
            "author": [f"u{i:02d}" for i in range(25)],
            "started": [1] * 8 + [0] * 17,
            "targeted": [0] * 25,
            "deescalated": [0] * 25,
            "participated": [1] * 25,
        }
    )
    r = from_authors(authors, 8, 25, {"top": 7 / 25})
    assert r.n_top == 7
    assert r.value == pytest.approx(7 / 8)
    assert not any(w.startswith("saturated") for w in r.warnings)
