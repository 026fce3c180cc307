"""Finding metric functions that other parts of dynamics provide."""

from __future__ import annotations

from dashboard import library


def test_finds_existing_functions() -> None:
    from dynamics.polarization import sides

    assert library.function("polarization", "sides") is sides


def test_missing_family_or_function() -> None:
    assert library.function("no_such_family", "x") is None
    assert library.function("polarization", "no_such_measure") is None
    assert "not available" in library.missing_message("x", ["y"]).lower()
