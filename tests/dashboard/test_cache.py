"""The server-side cache: content keys, memoised results, reopening from disk."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn
from dashboard import cache


def _disc(body: str = "hi") -> dyn.Discussion:
    return dyn.load(pl.DataFrame({"id": ["a", "b"], "parent": [None, "a"], "user": ["x", "y"],
                                  "body": [body, "ho"]}))  # fmt: skip


def test_dataset_key_follows_content() -> None:
    assert cache.dataset_key(_disc()) == cache.dataset_key(_disc())
    assert cache.dataset_key(_disc()) != cache.dataset_key(_disc("changed"))


def test_params_key_ignores_order() -> None:
    assert cache.params_key({"a": 1, "b": [1, 2]}) == cache.params_key({"b": [1, 2], "a": 1})


def test_memo_computes_once_per_key() -> None:
    calls: list[int] = []

    def work() -> int:
        calls.append(1)
        return 42

    key = cache.dataset_key(_disc("memo"))
    assert cache.memo(key, "m", {"p": 1}, work) == 42
    assert cache.memo(key, "m", {"p": 1}, work) == 42
    assert len(calls) == 1
    cache.memo(key, "m", {"p": 2}, work)
    assert len(calls) == 2


def test_concurrent_requests_compute_once() -> None:
    store = cache.ResultCache()
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> str:
        calls.append(1)
        gate.wait(5)
        return "done"

    threads = [threading.Thread(target=store.get_or_compute, args=("k", slow)) for _ in range(4)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert calls == [1]
    assert store.get("k") == "done"


def test_lru_evicts_oldest() -> None:
    store = cache.ResultCache(maxsize=2)
    store.put("a", 1)
    store.put("b", 2)
    store.get("a")
    store.put("c", 3)
    assert "a" in store
    assert "b" not in store


def test_discussion_reopens_from_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    disc = _disc("persisted")
    key = cache.put_discussion(disc)
    assert (tmp_path / "dynamics" / "dashboard" / f"{key}.parquet").exists()
    cache._datasets.clear()  # another worker, or after eviction
    again = cache.get_discussion(key)
    assert again.comments["text"].to_list() == ["persisted", "ho"]


def test_unknown_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(KeyError, match="no longer loaded"):
        cache.get_discussion("0" * 20)


def test_library_errors_are_shown_not_cached() -> None:
    """A refused computation comes back as Failed, and the next request computes again."""
    from dynamics.errors import DynamicsError

    calls: list[int] = []

    def refuse() -> int:
        calls.append(1)
        msg = "the sides share no edge"
        raise DynamicsError(msg)

    key = cache.dataset_key(_disc("attempt"))
    got = cache.attempt(key, "m", {}, refuse)
    assert isinstance(got, cache.Failed)
    assert got.message == "DynamicsError: the sides share no edge"
    again = cache.attempt(key, "m", {}, refuse)
    assert isinstance(again, cache.Failed)
    assert len(calls) == 2  # not answered from the cache
    assert cache.attempt(key, "m", {}, lambda: 7) == 7  # a fixed input is computed

    def bug() -> int:
        msg = "a bug, not a refusal"
        raise KeyError(msg)

    # a bug is said on the page too (a blank page tells the user nothing), flagged as one
    got = cache.attempt(key, "bug", {}, bug)
    assert isinstance(got, cache.Failed)
    assert got.bug
    assert got.message.endswith("(an error in the app: its log has the traceback)")


def test_escalation_page_shows_a_refused_parameter_as_an_error(seed_thread: Path) -> None:
    import warnings

    from dashboard.callbacks import escalation as esc_page
    from dashboard.loading import load_discussion

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = load_discussion(seed_thread, infer_replies="adjacent", scorers=("toxicity",))
    key = cache.put_discussion(d, persist=False)
    body, episodes = esc_page.render({"key": key}, "high", 2)  # the library refuses it
    cards = body[0].children
    failed = [c for c in cards if "error" in c.className]
    assert failed, "the refused measures show as error cards"
    assert "threshold" in failed[0].children[2].children
    assert "error" in episodes.className
    assert not any(isinstance(v, cache.Failed) for v in cache.results._data.values())


def test_a_result_stored_by_other_code_is_not_read(monkeypatch) -> None:
    """Background jobs store results for a day; after an update of the library or the app
    (another code version) the page computes them again instead of showing old numbers."""
    import dynamics.report
    from dashboard import background

    name = ("dataset", "echo.insularity", "{}")
    background.store_result(name, 0.5)
    assert background.stored_result(name) == 0.5
    # the app takes the version once and its jobs inherit it through the environment
    assert os.environ["DYNAMICS_CODE_VERSION"] == background.code_version()
    monkeypatch.setattr(dynamics.report, "source_hash", lambda package=None: "other")
    monkeypatch.delenv("DYNAMICS_CODE_VERSION")
    background.code_version.cache_clear()
    try:
        assert background.code_version() == "other-other"
        assert background.stored_result(name) is None
        # an upload is no code's result: it is kept whatever the version
        background.store_result(("labels", "dataset", "abc"), "rows", versioned=False)
        background.code_version.cache_clear()
        monkeypatch.setenv("DYNAMICS_CODE_VERSION", "another")
        assert background.stored_result(("labels", "dataset", "abc"), versioned=False) == "rows"
    finally:
        background.code_version.cache_clear()


def test_a_failed_measure_does_not_keep_a_page_waiting() -> None:
    """A measure the library refuses is never stored, so the page would say "being computed"
    on every visit: that it failed is kept for a while, and the page is ready."""
    from dashboard import background

    def refuse() -> float:
        msg = "no sides"
        raise ValueError(msg)

    params = {"seed": 1, "n": 7}
    got = background.shared_attempt("k-failed", "echo.x", params, refuse, share=True)
    assert isinstance(got, cache.Failed)
    assert background.shared_ready("k-failed", "echo.x", params)
    assert not background.shared_ready("k-failed", "echo.x", {"seed": 2, "n": 7})
    again = background.shared_attempt("k-failed", "echo.x", params, lambda: 0.5, share=True)
    assert again == 0.5  # computed again: a fixed input is never answered with the old error
