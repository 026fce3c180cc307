"""annotate(): new Discussion with score columns, batching, and the Parquet score cache."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import dynamics as dyn
from dynamics.text import annotate
from dynamics.text.annotate import scores_dir

ROWS = {
    "id": ["a", "b", "c", "d", "e"],
    "parent": [None, "a", "a", "b", None],
    "user": ["ann", "bob", "cy", "ann", "bob"],
    "body": ["Great news!", "I agree.", "Nonsense.", "I agree.", "[removed]"],
}


def discussion(**changes) -> dyn.Discussion:
    with warnings.catch_warnings():  # the "[removed]" text is reported as a data problem
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        return dyn.load(pl.DataFrame({**ROWS, **changes}))


class CountingScorer:
    """Text length, counting every text it is asked to score (a real scorer, not a mock)."""

    name = "length"
    columns = ("length",)

    def __init__(self, version: str = "1") -> None:
        self.version = version
        self.calls: list[list[str]] = []

    @property
    def n_scored(self) -> int:
        return sum(len(c) for c in self.calls)

    def score(self, texts):
        self.calls.append(list(texts))
        return {"length": np.array([len(t) for t in texts], dtype=np.int64)}


def test_adds_columns_and_returns_a_new_discussion():
    d = discussion()
    a = annotate(d, ["sentiment", "stance"], cache=False)
    assert isinstance(a, dyn.Discussion)
    assert a is not d
    assert "sentiment" not in d.comments.columns  # the input is untouched
    assert {"sentiment", "p_agree", "p_disagree", "p_neutral", "stance"} <= set(a.comments.columns)
    assert a.report is d.report
    assert a.comments.get_column("comment_id").to_list() == ROWS["id"]
    # "I agree." replies agree; the roots (and the removed text) have no stance
    stance = a.comments.get_column("stance").to_list()
    assert [stance[i] for i in (0, 1, 3, 4)] == [None, "agree", "agree", None]
    assert a.comments.get_column("p_agree").is_null().to_list() == [True, False, False, False, True]


def test_stance_model_gets_the_parent_text():
    # the same reply under two different parents: the pair, not the text, is scored
    rows = {
        "id": ["a", "b", "c", "d"],
        "parent": [None, "a", None, "c"],
        "user": ["ann", "bob", "cy", "dan"],
        "body": [
            "Is the library open on Sunday?",
            "Yes it is.",
            "The library is open.",
            "Yes it is.",
        ],
    }
    c = annotate(dyn.load(pl.DataFrame(rows)), ["stance"], cache=False).comments
    p = c.get_column("p_neutral").to_list()
    assert p[1] != p[3]
    s = dyn.text.StanceScorer()
    direct = s.score(["Yes it is."] * 2, parents=[rows["body"][0], rows["body"][2]])
    assert [p[1], p[3]] == pytest.approx(direct["p_neutral"].tolist())


def test_words_given_by_annotate_give_the_same_scores(seed_thread):
    # annotate tokenises every comment once and hands the words (and the parents' words) to
    # the toxicity and stance scorers; their scores must be those they compute alone, also
    # for the modifier letter apostrophe (a word character that the stance features
    # normalise), curly quotes, empty and missing texts
    from dynamics.text._linear import word_lists

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        texts = dyn.load(seed_thread).comments.get_column("text").fill_null("").to_list()
    texts += ["I don\u02bct agree, you\u02bcre wrong", "You\u2019re right!", "", "No."]
    parents = [*texts[-1:], *texts[:-1]]
    for scorer in (dyn.text.StanceScorer(),):
        alone = scorer.score(texts, parents)
        given = scorer.score(
            texts,
            parents,
            words=word_lists(pl.Series(texts)),
            parent_words=word_lists(pl.Series(parents)),
        )
        for column in scorer.columns:
            np.testing.assert_array_equal(alone[column], given[column], err_msg=column)
    toxicity = dyn.text.ToxicityScorer()
    np.testing.assert_array_equal(
        toxicity.score(texts)["toxicity"],
        toxicity.score(texts, words=word_lists(pl.Series(texts)))["toxicity"],
    )
    # and through annotate, against each scorer run on its own (to rounding: a batch of
    # another size may take another BLAS kernel for the dense features' product)
    d = annotate(discussion(), ["toxicity", "stance"], cache=False).comments
    replies = d.filter(pl.col("parent_id").is_not_null() & (pl.col("text") != "[removed]"))
    by_id = dict(zip(ROWS["id"], ROWS["body"], strict=True))
    own = dyn.text.StanceScorer().score(
        replies["text"].to_list(), [by_id[p] for p in replies["parent_id"].to_list()]
    )
    assert replies["p_disagree"].to_list() == pytest.approx(own["p_disagree"].tolist(), rel=1e-12)
    own_toxicity = toxicity.score(d["text"].to_list())["toxicity"]
    kept = d["text"] != "[removed]"
    assert d.filter(kept)["toxicity"].to_list() == pytest.approx(
        own_toxicity[kept.to_numpy()].tolist(), rel=1e-12
    )


def test_changed_parent_text_is_scored_again(tmp_path):
    d = discussion()
    first = annotate(d, ["stance"], cache_dir=tmp_path).comments
    changed = discussion(body=["Is that really great news?", *ROWS["body"][1:]])
    second = annotate(changed, ["stance"], cache_dir=tmp_path).comments
    fresh = annotate(changed, ["stance"], cache=False).comments
    assert_frame_equal(second, fresh)
    # "b" replies to "a", whose text changed: its pair is new; "d" replies to "b", unchanged
    assert second["p_agree"][1] != first["p_agree"][1]
    assert second["p_agree"][3] == first["p_agree"][3]


def test_refuses_to_overwrite_an_input_column():
    gold = discussion(stance=["x", "agree", "disagree", "agree", None])
    with pytest.raises(ValueError, match=r"already has a column 'stance'.*prefix=") as err:
        annotate(gold, ["stance"], cache=False)
    assert "existing='replace'" in str(err.value)
    assert "stance" in gold.comments.columns  # untouched


def test_prefix_keeps_the_input_column():
    gold = discussion(stance=["x", "agree", "disagree", "agree", None])
    a = annotate(gold, ["stance"], cache=False, prefix="pred_").comments
    assert a["stance"].to_list() == ["x", "agree", "disagree", "agree", None]
    assert {"pred_stance", "pred_p_agree", "pred_p_disagree"} <= set(a.columns)
    assert a["pred_stance"][1] == "agree"


def test_existing_replace_overwrites_on_request():
    gold = discussion(stance=["x", "agree", "disagree", "agree", None])
    a = annotate(gold, ["stance"], cache=False, existing="replace").comments
    assert a["stance"][0] is None  # a root: the scorer's null, not the input's "x"


def _id(texts):
    return [0] * len(texts)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"existing": "keep"}, "'existing' parameter"), ({"prefix": "comment"}, "'comment_id' clash")],
)
def test_bad_existing_or_prefix(kwargs, match):
    with pytest.raises(ValueError, match=match):
        annotate(discussion(), [_id], cache=False, **kwargs)


def test_discussion_method_delegates():
    d = discussion()
    assert_frame_equal(
        d.annotate(["stance"], cache=False).comments,
        annotate(d, "stance", cache=False).comments,
    )


def test_removed_texts_get_null_scores():
    a = annotate(discussion(), ["sentiment", "stance"], cache=False).comments
    removed = a.filter(pl.col("comment_id") == "e")
    assert removed.select("sentiment", "agreement", "p_agree", "stance").row(0) == (
        None,
        None,
        None,
        None,
    )


def test_identical_texts_are_scored_once():
    s = CountingScorer()
    a = annotate(discussion(), [s], cache=False)
    # five comments, four distinct texts ("I agree." twice)
    assert s.n_scored == 4
    assert a.comments.get_column("length").to_list() == [11, 8, 9, 8, None]


def test_second_run_scores_nothing(tmp_path):
    s = CountingScorer()
    first = annotate(discussion(), [s], cache_dir=tmp_path)
    assert s.n_scored == 4
    s.calls.clear()
    second = annotate(discussion(), [s], cache_dir=tmp_path)
    assert s.n_scored == 0
    assert_frame_equal(first.comments, second.comments)
    assert list(scores_dir(s, tmp_path).glob("part-*.parquet"))


def test_changed_text_is_rescored_alone(tmp_path):
    s = CountingScorer()
    annotate(discussion(), [s], cache_dir=tmp_path)
    s.calls.clear()
    body = list(ROWS["body"])
    body[2] = "Total nonsense, you are wrong."
    a = annotate(discussion(body=body), [s], cache_dir=tmp_path)
    assert s.calls == [["Total nonsense, you are wrong."]]
    assert a.comments.get_column("length").to_list()[2] == len(body[2])


def test_new_version_rescores_everything(tmp_path):
    annotate(discussion(), [CountingScorer("1")], cache_dir=tmp_path)
    s2 = CountingScorer("2")
    annotate(discussion(), [s2], cache_dir=tmp_path)
    assert s2.n_scored == 4
    assert scores_dir(s2, tmp_path) != scores_dir(CountingScorer("1"), tmp_path)


def test_cache_is_keyed_by_comment_id(tmp_path):
    annotate(discussion(), [CountingScorer()], cache_dir=tmp_path)
    s = CountingScorer()
    annotate(discussion(id=["v", "w", "x", "y", "z"]), [s], cache_dir=tmp_path)
    assert s.n_scored == 4  # same texts, other comments: scored again


def test_default_cache_root_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    s = CountingScorer()
    annotate(discussion(), [s])
    assert list((tmp_path / "dynamics" / "scores").glob("length-*/part-*.parquet"))


def test_cache_false_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    annotate(discussion(), [CountingScorer()], cache=False)
    assert not (tmp_path / "dynamics").exists()


def test_cached_and_fresh_scores_are_identical(tmp_path):
    thread = discussion()
    fresh = annotate(thread, ["sentiment", "stance"], cache=False)
    annotate(thread, ["sentiment", "stance"], cache_dir=tmp_path)
    cached = annotate(thread, ["sentiment", "stance"], cache_dir=tmp_path)
    assert_frame_equal(fresh.comments, cached.comments)


def test_batches_respect_batch_size():
    s = CountingScorer()
    annotate(discussion(), [s], cache=False, batch_size=3)
    assert [len(c) for c in s.calls] == [3, 1]


def test_callable_scorer():
    def shouting(texts):
        return [t.isupper() for t in texts]

    a = annotate(discussion(body=["NO", "yes", "OK", "x", "y"]), [shouting], cache=False)
    assert a.comments.get_column("shouting").to_list() == [True, False, True, False, False]


def test_reannotating_replaces_columns():
    a = annotate(discussion(), ["stance"], cache=False)
    b = annotate(a, ["stance"], cache=False, existing="replace")
    assert b.comments.columns == a.comments.columns
    assert_frame_equal(a.comments, b.comments)


def test_scores_are_deterministic():
    d = discussion()
    one = annotate(d, ["sentiment", "stance"], cache=False).comments
    two = annotate(d, ["sentiment", "stance"], cache=False).comments
    assert_frame_equal(one, two)


def test_empty_discussion_gets_typed_columns():
    empty = discussion().filter(authors="nobody")
    a = annotate(empty, ["sentiment", "stance", CountingScorer()], cache=False)
    assert a.comments.height == 0
    assert a.comments.schema["sentiment"] == pl.Float64
    assert a.comments.schema["length"] == pl.Int64


def test_progress_bar_runs(tmp_path):
    a = annotate(discussion(), ["stance"], cache=False, progress=True)
    assert "stance" in a.comments.columns


def test_scorers_in_threads_give_the_sequential_scores(seed_thread, tmp_path):
    # the seed thread's 49 real comments, the three default scorers, in small batches so
    # that the threads interleave; with a cache too, so their writes interleave
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(seed_thread, infer_replies="adjacent")
    interval = sys.getswitchinterval()
    together = annotate(d, cache_dir=tmp_path / "a", batch_size=7).comments
    assert sys.getswitchinterval() == interval  # the GIL switch interval is restored
    alone = annotate(d, cache_dir=tmp_path / "b", batch_size=7, threads=1).comments
    assert_frame_equal(together, alone)
    again = annotate(d, cache_dir=tmp_path / "a", threads=2).comments  # cache hits
    assert_frame_equal(again, alone)


def test_progress_bars_of_scorers_in_threads_share_one_display():
    # rich allows one live display: bars opened by threads at once must join it
    a = annotate(discussion(), ["toxicity", "sentiment", "stance"], cache=False, progress=True)
    assert {"toxicity", "sentiment", "stance"} <= set(a.comments.columns)
    from dynamics import _progress

    assert _progress._SHARED == {"progress": None, "users": 0}


def test_concurrent_annotate_calls_restore_the_switch_interval():
    from concurrent.futures import ThreadPoolExecutor

    d = discussion()  # (warnings.catch_warnings, in discussion(), is not thread-safe)
    interval = sys.getswitchinterval()
    with ThreadPoolExecutor(3) as pool:
        done = list(pool.map(lambda _: annotate(d, cache=False), range(3)))
    assert sys.getswitchinterval() == interval
    assert all(d.comments.equals(done[0].comments) for d in done)


@pytest.mark.parametrize("threads", [0, -1, 1.5, "2", True])
def test_bad_threads(threads):
    with pytest.raises(ValueError, match="'threads' parameter of annotate"):
        annotate(discussion(), ["stance"], cache=False, threads=threads)


def test_pair_keys_depend_on_both_texts_and_their_order():
    from dynamics.text.annotate import _pair_hashes, _text_hashes

    a, b = _text_hashes(pl.Series(["one", "two"]))
    keys = _pair_hashes(
        pl.Series([a, b, a, a], dtype=pl.UInt64), pl.Series([b, a, a, b], dtype=pl.UInt64)
    )
    assert keys.n_unique() == 3
    assert keys[0] == keys[3]
    assert keys[0] != keys[1]  # (one, two) is not (two, one)


def test_column_conflicts_are_refused():
    def text(texts):
        return list(texts)

    with pytest.raises(ValueError, match="overwrite a column"):
        annotate(discussion(), [text], cache=False)
    with pytest.raises(ValueError, match="both produce column 'length'"):
        annotate(discussion(), [CountingScorer(), CountingScorer()], cache=False)


def test_bad_batch_size_and_bad_scorer_output():
    with pytest.raises(ValueError, match="'batch_size' parameter"):
        annotate(discussion(), ["stance"], cache=False, batch_size=0)

    def short(texts):
        return [1]

    with pytest.raises(ValueError, match="one value per text"):
        annotate(discussion(), [short], cache=False)


def test_seed_thread_annotation(seed_thread):
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(seed_thread, infer_replies="adjacent")
    a = annotate(d, ["sentiment", "stance"], cache=False).comments
    assert a.height == len(d)
    roots = a.filter(pl.col("parent_id").is_null())
    assert roots.get_column("stance").null_count() == roots.height
    replies = a.filter(pl.col("parent_id").is_not_null() & ~pl.col("deleted"))
    assert replies.get_column("stance").null_count() == 0
    assert a.get_column("sentiment").is_between(-1, 1).all()


def test_part_files_are_merged_and_still_hit(tmp_path, monkeypatch):
    # the package's ``annotate`` attribute is the function; the module is in sys.modules
    monkeypatch.setattr(sys.modules["dynamics.text.annotate"], "_MAX_PARTS", 2)
    s = CountingScorer()
    for i in range(4):  # four runs, each adding one new comment text -> four part files
        body = list(ROWS["body"])
        body[1] = f"reply number {i}"
        annotate(discussion(body=body), [s], cache_dir=tmp_path)
    parts = list(scores_dir(s, tmp_path).glob("part-*.parquet"))
    assert len(parts) <= 2
    s.calls.clear()
    body = list(ROWS["body"])
    body[1] = "reply number 0"  # scored in the first run, now inside a merged file
    annotate(discussion(body=body), [s], cache_dir=tmp_path)
    assert s.n_scored == 0


def test_words_made_ahead_only_when_some_text_will_be_scored(tmp_path):
    # annotate tokenises ahead (beside the hashing) only when a scorer that uses words has
    # no cache yet: with a cache, every text may be cached and the words never needed
    from dynamics.text.annotate import _words_surely_needed

    stance, sentiment = dyn.text.StanceScorer(), dyn.text.SentimentScorer()
    assert _words_surely_needed([sentiment, stance], None)  # cache off
    assert _words_surely_needed([stance], tmp_path)  # no cache folder yet
    assert not _words_surely_needed([sentiment], None)  # no scorer uses words
    annotate(discussion(), [stance], cache_dir=tmp_path)
    assert scores_dir(stance, tmp_path).exists()
    assert not _words_surely_needed([stance], tmp_path)
    assert not _words_surely_needed([dyn.text.ToxicityScorer(use_model=False)], None)


def test_large_discussions_tokenise_per_batch_with_the_same_scores(seed_thread, monkeypatch):
    # above SHARED_WORDS_MAX comments the words are not shared (memory stays bounded by the
    # batch); the scores are the same either way
    annotate_module = sys.modules["dynamics.text.annotate"]  # (the package exports the function)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(seed_thread, infer_replies="adjacent")
    shared = annotate(d, ["toxicity", "stance"], cache=False, batch_size=8).comments
    monkeypatch.setattr(annotate_module, "SHARED_WORDS_MAX", 10)
    assert len(d) > 10
    alone = annotate(d, ["toxicity", "stance"], cache=False, batch_size=8).comments
    assert_frame_equal(shared, alone)
