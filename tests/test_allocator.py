"""dynamics sets polars' allocator options when it is imported first, and never overrides the
user's (each case in a fresh interpreter: jemalloc reads its options once per process)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dynamics._allocator import SETTING, VARIABLE

SHOW = f"import os; print(os.environ.get({VARIABLE!r}))"


def _options(imports: str, **env: str) -> str:
    """The allocator options a fresh interpreter ends with after ``imports``."""
    clean = {k: v for k, v in os.environ.items() if k != VARIABLE}
    result = subprocess.run(
        [sys.executable, "-c", f"{imports}; {SHOW}"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize("first", ["import dynamics", "import dashboard"])
def test_set_before_polars_loads(first: str) -> None:
    # polars puts its own options first and appends the variable's: ours come last and win
    options = _options(f"{first}; import polars")
    assert options.endswith("," + SETTING)


def test_set_after_options_polars_passed_down() -> None:
    # a process that imported polars hands its own options to its children (a benchmark's
    # parent, a notebook's joblib workers): they are not the user's, so ours are appended
    inherited = "dirty_decay_ms:500,muzzy_decay_ms:1000"
    options = _options("import dynamics", **{VARIABLE: inherited})
    assert options.endswith(f"{inherited},{SETTING}")


def test_user_value_wins() -> None:
    options = _options("import dynamics", **{VARIABLE: "dirty_decay_ms:2000"})
    assert options.endswith(",dirty_decay_ms:2000")
    assert SETTING not in options


def test_empty_value_keeps_polars_options() -> None:
    assert SETTING not in _options("import dynamics", **{VARIABLE: ""})


def test_not_set_once_polars_is_loaded() -> None:
    # too late: jemalloc has read its options already, so the variable is left alone
    assert SETTING not in _options("import polars; import dynamics")
