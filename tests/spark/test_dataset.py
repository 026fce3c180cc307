"""SparkDataset answers as the in-memory Discussion does: edges, nodes, graphs, tables, subsets."""

from __future__ import annotations

import polars as pl
import pytest

from tests.spark.conftest import ingest_both


@pytest.mark.parametrize("anonymous", ["exclude", "separate", "pool"])
def test_edge_and_node_tables_equal(planted_both, anonymous):
    memory, _, dataset = planted_both
    edges = dataset.user_edges(anonymous=anonymous)
    assert edges.height > 100
    assert edges.equals(memory.user_edges(anonymous=anonymous))
    assert dataset.user_nodes(anonymous=anonymous).equals(memory.user_nodes(anonymous=anonymous))


def test_self_loops_kept_on_request(planted_both):
    memory, _, dataset = planted_both
    edges = dataset.user_edges(self_loops=True)
    assert edges.filter(pl.col("source") == pl.col("target")).height > 0
    assert edges.equals(memory.user_edges(self_loops=True))


def test_user_graphs_equal(college_both):
    memory, _, dataset = college_both
    g, h = memory.user_graph("igraph"), dataset.user_graph("igraph")
    assert g.vs["name"] == h.vs["name"]
    assert g.get_edgelist() == h.get_edgelist()
    assert g.es["count"] == h.es["count"]
    assert g.vs["n_comments"] == h.vs["n_comments"]
    nx_mem, nx_spark = memory.user_graph(), dataset.user_graph("networkx")
    assert nx_mem.number_of_edges() == nx_spark.number_of_edges() == g.ecount()
    assert sorted(nx_mem.edges(data="count")) == sorted(nx_spark.edges(data="count"))


def test_to_discussion_selects_whole_threads(planted_both):
    memory, _, dataset = planted_both
    firsts = memory.comments.group_by("thread_id").agg(pl.col("created_at").min().alias("t0"))
    chosen = sorted(firsts["thread_id"].to_list())[:3]
    sub = dataset.to_discussion(threads=chosen)
    expected = memory.comments.filter(pl.col("thread_id").is_in(chosen))
    assert sub.comments.select(expected.columns[:14]).equals(expected.select(expected.columns[:14]))
    cut = firsts["t0"].sort()[len(firsts) // 2]
    late = dataset.to_discussion(start=cut)
    keep = firsts.filter(pl.col("t0") >= cut)["thread_id"]
    assert set(late.comments["thread_id"].unique()) == set(keep)
    assert late.report.n_comments == late.comments.height
    assert dataset.to_discussion(subreddits=["nowhere"]).comments.height == 0
    with pytest.raises(ValueError, match="max_comments"):
        dataset.to_discussion(max_comments=10)
    # without text and extra columns: the rest as loaded, the same user graph
    slim = dataset.to_discussion(text=False, columns=["score"])
    assert slim.comments.get_column("text").null_count() == slim.comments.height
    assert set(slim.comments.columns) < set(memory.comments.columns)
    assert "score" in slim.comments.columns
    same = [c for c in slim.comments.columns if c != "text"]
    assert slim.comments.select(same).equals(memory.comments.select(same))
    assert slim.user_edges().equals(memory.user_edges())


def test_thread_and_author_tables(college_both):
    memory, _, dataset = college_both
    c = memory.comments
    threads = pl.from_arrow(dataset.thread_table().toArrow()).sort("thread_id")
    expected = (
        c.group_by("thread_id")
        .agg(
            pl.len().cast(pl.Int64).alias("n_comments"),
            pl.col("author").drop_nulls().n_unique().cast(pl.Int64).alias("n_authors"),
            pl.col("parent_id").is_not_null().sum().cast(pl.Int64).alias("n_replies"),
        )
        .sort("thread_id")
    )
    assert threads.select(expected.columns).equals(expected)
    authors = pl.from_arrow(dataset.author_table().toArrow()).sort("author")
    received = (
        c.filter(pl.col("parent_author").is_not_null())
        .group_by(pl.col("parent_author").alias("author"))
        .agg(pl.len().cast(pl.Int64).alias("n_replies_received"))
    )
    mine = (
        c.filter(pl.col("author").is_not_null())
        .group_by("author")
        .agg(pl.len().cast(pl.Int64).alias("n_comments"))
        .join(received, on="author", how="left")
        .with_columns(pl.col("n_replies_received").fill_null(0))
        .sort("author")
    )
    assert authors.select(mine.columns).equals(mine)


def test_annotate_on_executors_as_in_memory(planted_both):
    """Scores computed on the executors give the in-memory scores and scored edges."""
    memory, _, dataset = planted_both
    scorers = ["toxicity", "sentiment", "stance"]
    scored = dataset.annotate(scorers)
    on_spark = scored.to_discussion()
    expected = memory.annotate(scorers, cache=False)
    for col in ("toxicity", "sentiment", "agreement", "disagreement", "stance"):
        a, b = on_spark.comments.get_column(col), expected.comments.get_column(col)
        assert a.null_count() == b.null_count(), col
        if a.dtype.is_float():
            assert (a - b).abs().max() < 1e-9, col
        else:
            assert a.equals(b), col
    edges, want = scored.user_edges(), expected.user_edges()
    assert {"mean_toxicity", "sign", "hostile", "sign_weight"} <= set(edges.columns)
    means = ["mean_toxicity", "sign_weight"]  # float means: summation order may differ
    assert edges.columns == want.columns
    assert edges.drop(means).equals(want.drop(means))
    for col in means:
        assert (edges[col] - want[col]).abs().max() < 1e-9, col


def test_thread_measures_as_grouped_maps_equal_in_memory(planted_both):
    """Per-thread tables and exact summaries (mean, median, max over threads) as in memory."""
    from dynamics import structure
    from dynamics.spark import thread_measure, thread_stat
    from dynamics.spark.per_thread import THREAD_MEASURES

    memory, _, dataset = planted_both
    assert sorted(p.name for p in (dataset.path / "comments").glob("thread_bucket=*")) == [
        "thread_bucket=0",
        "thread_bucket=1",
        "thread_bucket=2",
    ]
    for name, column in THREAD_MEASURES.items():
        table, summary = thread_measure(dataset, name)
        expected = getattr(structure, name)(memory)
        want = expected.table("per_thread", backend="polars").sort("thread_id")
        got = pl.from_arrow(table.toArrow()).sort("thread_id").select(want.columns)
        assert got.height == want.height == len(memory.thread_ids), name
        assert got.drop(column).equals(want.drop(column)), name
        diff = (got[column].cast(pl.Float64) - want[column].cast(pl.Float64)).abs().max()
        assert diff is None or diff < 1e-9, name
        assert summary["n_threads"] == expected.n_threads, name
        assert summary["value"] == pytest.approx(expected.value, rel=1e-12), name
        assert summary["median"] == pytest.approx(expected.median, rel=1e-12), name
        assert summary["maximum"] == pytest.approx(expected.maximum, rel=1e-12), name
        result = thread_stat(dataset, name)  # the result object, per_thread table in order
        assert (result.n_threads, result.reason) == (expected.n_threads, expected.reason), name
        for field in ("value", "median", "maximum"):
            assert getattr(result, field) == pytest.approx(getattr(expected, field), rel=1e-12)
        ordered = result.table("per_thread", backend="polars")
        in_memory = expected.table("per_thread", backend="polars")
        assert ordered.drop(column).equals(in_memory.drop(column)), name
        diff = (ordered[column].cast(pl.Float64) - in_memory[column].cast(pl.Float64)).abs()
        assert diff.max() is None or diff.max() < 1e-9, name


def test_derailment_on_spark_equals_in_memory(planted_both):
    """Derailment from per-thread tables built on the executors: the in-memory result, interval
    included (the threads come to the driver in the input's order, so the bootstrap draws the
    same threads)."""
    from dynamics.escalation import derailment as derailment_in_memory
    from dynamics.spark import derailment

    memory, _, dataset = planted_both
    scored = dataset.annotate(["toxicity"])
    expected = memory.annotate(["toxicity"], cache=False)
    got = derailment(scored, threshold=0.3, recovery=2, n_boot=50, seed=3)
    want = derailment_in_memory(expected, threshold=0.3, recovery=2, n_boot=50, seed=3)
    assert want.n_derailed > 0
    assert want.ci is not None
    assert (got.value, got.n_threads, got.n_derailed) == (
        want.value,
        want.n_threads,
        want.n_derailed,
    )
    assert got.recovered_share == pytest.approx(want.recovered_share, nan_ok=True)
    assert got.ci == want.ci
    assert got.params == want.params
    assert got.warnings == want.warnings
    table, expected_table = (
        got.table("threads", backend="polars"),
        want.table("threads", backend="polars"),
    )
    assert table.columns == expected_table.columns
    assert table.equals(expected_table)
    with pytest.raises(ValueError, match="'recovery' parameter of derailment"):
        derailment(scored, recovery=0)
    with pytest.raises(ValueError, match="derailment needs a numeric hostility column 'toxicity'"):
        derailment(dataset)  # not scored


def test_episodes_on_spark_equal_in_memory(planted_both):
    """Episodes detected per bucket and ranked on the driver: the in-memory tables, row for row."""
    from dynamics.escalation import episodes as episodes_in_memory
    from dynamics.spark import episodes

    memory, _, dataset = planted_both
    scored = dataset.annotate(["toxicity"])
    expected = memory.annotate(["toxicity"], cache=False)
    for options in ({"threshold": 0.3, "min_turns": 2}, {"threshold": 0.3, "kind": "exchanges"}):
        got = episodes(scored, **options)
        want = episodes_in_memory(expected, **options)
        assert want.value > 0, options
        assert got.value == want.value, options
        assert got.params == want.params, options
        for name in ("episodes", "comments"):
            table = got.table(name, backend="polars")
            assert table.equals(want.table(name, backend="polars")), (options, name)
        assert got.episodes[0].comments().equals(want.episodes[0].comments())
    with pytest.raises(ValueError, match="episodes needs a numeric hostility column 'toxicity'"):
        episodes(dataset)  # not scored


def test_instigators_on_spark_equal_in_memory(planted_both):
    """Per-author counts summed over buckets, ranked on the driver: the in-memory result."""
    from dynamics.escalation import instigators as instigators_in_memory
    from dynamics.spark import instigators

    memory, _, dataset = planted_both
    scored = dataset.annotate(["toxicity"])
    expected = memory.annotate(["toxicity"], cache=False)
    for options in (
        {"threshold": 0.3, "min_turns": 2},
        {"threshold": 0.3, "top": 0.5, "calm": 0.2},
    ):
        got = instigators(scored, **options)
        want = instigators_in_memory(expected, **options)
        assert want.n_episodes > 0, options
        assert (got.value, got.n_episodes, got.n_authors, got.n_top, got.n_instigators) == (
            want.value,
            want.n_episodes,
            want.n_authors,
            want.n_top,
            want.n_instigators,
        ), options
        assert got.params == want.params, options
        assert got.warnings == want.warnings, options  # the saturation warning included
        table = got.table("authors", backend="polars")
        assert table.equals(want.table("authors", backend="polars")), options
        assert table.get_column("deescalated").sum() > 0, options
    none = instigators(scored, threshold=0.99, min_turns=5)
    assert none.reason == instigators_in_memory(expected, threshold=0.99, min_turns=5).reason
    with pytest.raises(ValueError, match="'top' parameter of instigators"):
        instigators(scored, top=0)
    with pytest.raises(ValueError, match="instigators needs a numeric hostility column 'toxicity'"):
        instigators(dataset)  # not scored


def test_settings_on_spark_as_in_memory(planted_both):
    """The Spark versions refuse the settings the in-memory measures refuse, with the same
    message, and record the seed drawn for seed=None as the in-memory ones do."""
    from dynamics import escalation
    from dynamics.spark import derailment, episodes, instigators

    memory, _, dataset = planted_both
    scored = dataset.annotate(["toxicity"])
    expected = memory.annotate(["toxicity"], cache=False)
    for on_spark, in_memory in (
        (episodes, escalation.episodes),
        (instigators, escalation.instigators),
    ):
        with pytest.raises(TypeError) as spark_error:
            on_spark(scored, n_boot=50)
        with pytest.raises(TypeError) as memory_error:
            in_memory(expected, n_boot=50)
        assert str(spark_error.value) == str(memory_error.value)
        assert "has no thread bootstrap" in str(spark_error.value)
    got = derailment(scored, threshold=0.3, n_boot=50, seed=None)
    seed = got.params["seed"]
    assert isinstance(seed, int)
    want = escalation.derailment(expected, threshold=0.3, n_boot=50, seed=seed)
    assert want.ci is not None
    assert (got.ci, got.params) == (want.ci, want.params)


def test_escalation_profiles_on_spark_equal_in_memory(planted_both):
    """Depth, turn and size profiles from per-thread cells built on the executors: the
    in-memory slopes, tables and bootstrap intervals (same threads drawn in the same order)."""
    from dynamics import escalation
    from dynamics import spark as dsp

    memory, _, dataset = planted_both
    scored = dataset.annotate(["toxicity"])
    expected = memory.annotate(["toxicity"], cache=False)
    cases = [
        ("toxicity_by_depth", {}),
        ("toxicity_by_depth", {"within": True, "threshold": 0.3}),
        ("toxicity_by_turn", {}),
        ("toxicity_by_turn", {"within": True, "min_turns": 3}),
        ("toxicity_by_thread_size", {"n_bins": 6, "min_threads": 3}),
        ("toxicity_by_thread_size", {"threshold": None, "min_threads": 3}),
    ]
    for name, options in cases:
        got = getattr(dsp, name)(scored, n_boot=50, seed=3, **options)
        want = getattr(escalation, name)(expected, n_boot=50, seed=3, **options)
        case = (name, options)
        assert want.reason is None, case
        assert want.ci is not None, case
        assert want.n_threads >= 10, case
        assert got.value == pytest.approx(want.value, rel=1e-9), case
        assert got.ci == pytest.approx(want.ci, rel=1e-9), case
        assert got.intercept == pytest.approx(want.intercept, rel=1e-9, nan_ok=True), case
        assert (got.n_obs, got.n_threads) == (want.n_obs, want.n_threads), case
        assert (got.params, got.warnings) == (want.params, want.warnings), case
        (table_name,) = want.tables
        table = got.table(table_name, backend="polars")
        expected_table = want.table(table_name, backend="polars")
        assert table.schema == expected_table.schema, case
        floats = [c for c, t in expected_table.schema.items() if t.is_float()]
        assert table.drop(floats).equals(expected_table.drop(floats)), case
        for col in floats:
            assert table[col].null_count() == expected_table[col].null_count(), (case, col)
            diff = (table[col] - expected_table[col]).abs().max()
            assert diff is None or diff < 1e-12, (case, col)
    with pytest.raises(ValueError, match="'min_turns' parameter of toxicity_by_turn"):
        dsp.toxicity_by_turn(scored, min_turns=1)
    with pytest.raises(ValueError, match="'n_bins' parameter of toxicity_by_thread_size"):
        dsp.toxicity_by_thread_size(scored, n_bins=1)
    with pytest.raises(ValueError, match="toxicity_by_depth needs a numeric hostility column"):
        dsp.toxicity_by_depth(dataset)  # not scored


def test_contagion_on_spark_equals_in_memory(planted_both):
    """R, its thread and depth tables, its thread-bootstrap intervals and its within-thread
    null from counts built on the executors (three buckets): the in-memory ContagionResult."""
    from dynamics.escalation import contagion as contagion_in_memory
    from dynamics.spark import contagion

    memory, _, dataset = planted_both
    scored = dataset.annotate(["toxicity"])
    expected = memory.annotate(["toxicity"], cache=False)
    cases = (
        {"threshold": 0.3, "n_boot": 50, "seed": 3},
        {"threshold": 0.2},
        {"threshold": 0.3, "n_boot": 20, "n_null": 60, "seed": 5},
        {"threshold": 0.2, "null": True, "n_null": 30, "seed": 11},
    )
    for options in cases:
        got = contagion(scored, **options)
        want = contagion_in_memory(expected, **options)
        assert want.reason is None, options
        assert want.n_toxic_after_toxic > 0, options
        assert got.value == want.value, options
        assert got.ci == want.ci, options
        assert (want.ci is not None) == ("n_boot" in options), options
        for field in ("n_replies", "n_toxic_parents", "n_toxic_replies", "n_toxic_after_toxic"):
            assert getattr(got, field) == getattr(want, field), (options, field)
        assert (got.params, got.warnings) == (want.params, want.warnings), options
        # the null: the same permutations, thread by thread, so the same z and p exactly
        assert (want.p_value is not None) == ("n_null" in options), options
        assert (got.z, got.p_value, got.null_mean) == (want.z, want.p_value, want.null_mean)
        for name in ("threads", "depths"):
            table = got.table(name, backend="polars")
            assert table.equals(want.table(name, backend="polars")), (options, name)
    assert contagion(scored, threshold=0.99).reason == (
        contagion_in_memory(expected, threshold=0.99, null=False).reason
    )
    with pytest.raises(ValueError, match="'n_boot' parameter of contagion"):
        contagion(scored, n_boot=1)
    with pytest.raises(ValueError, match="contagion needs a numeric hostility column 'toxicity'"):
        contagion(dataset)  # not scored


def test_reply_heat_on_spark_equals_in_memory(planted_both):
    """Latencies marked inside episodes per bucket; exact per-side quantiles on Spark; the
    thread bootstrap on the driver draws the same threads: the in-memory ReplyHeatResult."""
    import copy

    from pyspark.sql import functions as F

    from dynamics.escalation import reply_heat as reply_heat_in_memory
    from dynamics.spark import reply_heat

    memory, _, dataset = planted_both
    scored = dataset.annotate(["toxicity"])
    expected = memory.annotate(["toxicity"], cache=False)
    for options in (
        {"threshold": 0.3, "min_turns": 2, "n_boot": 40, "seed": 2},
        {"threshold": 0.3, "kind": "exchanges", "min_turns": 2},
    ):
        got = reply_heat(scored, **options)
        want = reply_heat_in_memory(expected, **options)
        assert want.reason is None, options
        assert want.n_inside > 0, options
        assert (want.ci is not None) == ("n_boot" in options), options
        assert got.value == pytest.approx(want.value, rel=1e-12), options
        assert got.ci == (None if want.ci is None else pytest.approx(want.ci, rel=1e-12))
        assert (got.n_inside, got.n_outside) == (want.n_inside, want.n_outside), options
        assert got.mean_ratio == pytest.approx(want.mean_ratio, rel=1e-9), options
        assert (got.params, got.warnings) == (want.params, want.warnings), options
        table, expected_table = (
            got.table("latency", backend="polars"),
            want.table("latency", backend="polars"),
        )
        assert table.select("side", "n").equals(expected_table.select("side", "n")), options
        for col in ("median", "mean", "q25", "q75"):
            assert (table[col] - expected_table[col]).abs().max() < 1e-6, (options, col)
    no_episode = reply_heat(scored, threshold=0.99, min_turns=6, rule="steps")
    assert no_episode.reason == "no escalation episodes"
    none = reply_heat_in_memory(expected, threshold=0.99, min_turns=6, rule="steps")
    assert no_episode.reason == none.reason
    untimed = copy.copy(scored)
    untimed.comments = scored.comments.withColumn("created_at", F.lit(None).cast("timestamp"))
    assert reply_heat(untimed).reason == "created_at missing: no comment has a time"
    with pytest.raises(ValueError, match="'min_turns' parameter of reply_heat"):
        reply_heat(scored, min_turns=0)
    with pytest.raises(ValueError, match="reply_heat needs a numeric hostility column 'toxicity'"):
        reply_heat(dataset)  # not scored


def test_thread_stat_keeps_the_in_memory_thread_order_with_posts(college_both):
    """Real Pushshift comments and submissions: threads ordered by first comment, then the
    posts that drew no comment, as the in-memory per_thread table."""
    from dynamics import structure
    from dynamics.spark import thread_stat

    memory, _, dataset = college_both
    assert dataset.posts is not None
    got = thread_stat(dataset, "thread_size")
    want = structure.thread_size(memory)
    table = want.table("per_thread", backend="polars")
    assert (table.get_column("n_comments") == 0).sum() > 0  # posts without a comment
    assert got.table("per_thread", backend="polars").equals(table)
    assert (got.value, got.median, got.maximum, got.n_threads) == (
        want.value,
        want.median,
        want.maximum,
        want.n_threads,
    )
    # the order is computed once per dataset and kept on it
    order = dataset.memo["thread_order"]
    assert order.get_column("thread_id").to_list() == table.get_column("thread_id").to_list()


def test_participation_inequality_on_spark_equals_in_memory(college_both):
    """Real CollegeRant comments and posts: the Gini, its per-thread table and its thread
    bootstrap interval (per-(thread, author) counts from Spark, the same draws) as in memory."""
    from dynamics import spark as dsp
    from dynamics import structure

    memory, _, dataset = college_both
    for options in ({"n_boot": 40, "seed": 2}, {"n_boot": 0}, {"n_boot": 25, "ci": 0.8}):
        got = dsp.participation_inequality(dataset, **options)
        want = structure.participation_inequality(memory, **options)
        assert got.value == want.value, options
        assert got.ci == want.ci, options
        assert (got.ci is not None) == bool(options["n_boot"]), options
        assert (got.params, got.warnings, got.reason) == (want.params, want.warnings, want.reason)
        table = got.table("per_thread", backend="polars")
        assert table.equals(want.table("per_thread", backend="polars")), options
    with pytest.raises(ValueError, match="'n_boot' parameter of participation_inequality"):
        dsp.participation_inequality(dataset, n_boot=1)


def test_exchanges_and_response_times_on_spark_equal_in_memory(college_both):
    """Real CollegeRant comments and posts: values and per-thread tables as in memory (the
    tables with a row per exchange or per reply stay on Spark)."""
    from dynamics import spark as dsp
    from dynamics import structure

    memory, _, dataset = college_both
    got, want = (
        dsp.dyadic_exchanges(dataset, min_turns=3),
        structure.dyadic_exchanges(memory, min_turns=3),
    )
    assert want.value > 0
    assert (got.value, got.mean_turns, got.max_turns, got.params) == (
        want.value,
        want.mean_turns,
        want.max_turns,
        want.params,
    )
    assert list(got.tables) == ["per_thread"]
    assert got.table("per_thread", backend="polars").equals(
        want.table("per_thread", backend="polars")
    )
    got, want = dsp.response_times(dataset), structure.response_times(memory)
    assert want.n_replies > 0
    assert (got.n_replies, got.n_negative, got.params) == (
        want.n_replies,
        want.n_negative,
        want.params,
    )
    assert got.value == pytest.approx(want.value, rel=1e-12)
    assert got.mean == pytest.approx(want.mean, rel=1e-9)
    assert sorted(got.tables) == ["per_thread", "quantiles"]
    for name in ("quantiles", "per_thread"):
        a, b = got.table(name, backend="polars"), want.table(name, backend="polars")
        assert a.columns == b.columns, name
        assert a.schema == b.schema, name
        for col in a.columns:
            if a.schema[col].is_float():
                assert a[col].is_nan().equals(b[col].is_nan()), (name, col)
                diff = (a[col].fill_nan(0) - b[col].fill_nan(0)).abs().max()
                assert diff is None or diff < 1e-6, (name, col)
            else:
                assert a[col].equals(b[col]), (name, col)
    with pytest.raises(ValueError, match="'quantiles' parameter of response_times"):
        dsp.response_times(dataset, quantiles=(1.5,))


def test_pulled_back_whole_the_dataset_keeps_the_posts_without_comments(college_both):
    """The whole dataset pulled back equals the in-memory load, posts that drew no comment
    included; a selection by thread keeps the posts it names (2,234 threads were pulled
    back for 2,480 once)."""
    memory, _, dataset = college_both
    pulled = dataset.to_discussion()
    assert pulled.n_threads == memory.n_threads
    assert pulled.report.n_threads == memory.report.n_threads
    assert pulled.posts.sort("thread_id").equals(memory.posts.sort("thread_id"))
    commented = memory.comments.get_column("thread_id").unique().implode()
    silent = memory.posts.filter(~pl.col("thread_id").is_in(commented))
    assert silent.height > 0
    chosen = silent.get_column("thread_id").head(2).to_list()
    part = dataset.to_discussion(threads=chosen)
    assert part.comments.height == 0
    assert sorted(part.posts.get_column("thread_id").to_list()) == sorted(chosen)
    assert part.n_threads == 2
    assert part.report.selection == f"threads: 2 given (0 of {memory.report.n_comments:,} comments)"
    # adjacent time windows share no thread: a thread with comments comes with them
    cut = memory.comments.get_column("created_at").sort()[memory.comments.height // 2]
    early, late = dataset.to_discussion(end=cut), dataset.to_discussion(start=cut)
    early_ids = set(early.posts.get_column("thread_id").to_list())
    late_ids = set(late.posts.get_column("thread_id").to_list())
    assert not early_ids & late_ids
    assert early.n_threads + late.n_threads <= memory.n_threads
    assert early.report.selection.startswith("end ")
    assert dataset.to_discussion().report.selection is None


def test_a_time_selection_needs_times(spark, tmp_path):
    """A table without times: selecting threads by time is an error, not an empty part."""
    table = tmp_path / "untimed.csv"
    table.write_text("id,parent,thread,user,body\na,,t,x,p\nb,a,t,y,q\n", encoding="utf-8")
    _, _, dataset = ingest_both(spark, table, tmp_path / "ds")
    with pytest.raises(ValueError, match=r"select threads by time, but no comment of .* has one"):
        dataset.to_discussion(start="2020-01-01")
    assert len(dataset.to_discussion(threads=["t"])) == 2
