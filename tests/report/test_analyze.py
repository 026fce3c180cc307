"""The ``dynamics analyze`` report: files, results.json, determinism, escaping, the CLI."""

from __future__ import annotations

import csv
import hashlib
import html
import importlib
import json
import math
import os
import re
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

import dynamics as dyn
from dynamics._kernel import REGISTRY, measures
from dynamics.cli import app
from dynamics.errors import DataQualityWarning, DynamicsError
from dynamics.report import analyze
from dynamics.report.collect import FAMILIES, Settings, _run, collect

runner = CliRunner()
SEED_THREAD = (
    Path(__file__).resolve().parents[2] / "dynamics" / "data" / "southfront-idlib-thread.txt"
)
#: Small null and bootstrap sizes keep the tests quick; the numbers are still real runs.
FAST = {"n_null": 19, "n_boot": 10}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private score cache for the module (annotate writes Parquet there)."""
    path = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(path))
        yield path


@pytest.fixture(scope="module")
def seed_discussion(cache_dir: Path) -> dyn.Discussion:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return dyn.load(SEED_THREAD, infer_replies="adjacent")


@pytest.fixture(scope="module")
def report_dir(seed_discussion: dyn.Discussion, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    analyze(seed_discussion, out, seed=0, **FAST)
    return out


@pytest.fixture(scope="module")
def results(report_dir: Path) -> dict:
    return json.loads((report_dir / "results.json").read_text(encoding="utf-8"))


def test_report_files_exist(report_dir: Path, results: dict) -> None:
    assert (report_dir / "report.html").stat().st_size > 0
    for name in ("summary.csv", "sides.csv", "ingest_report.csv"):
        assert (report_dir / "tables" / name).is_file()
    listed = [p for m in results["metrics"] for p in m["tables"].values()]
    listed += [p for t in results["tables"].values() for p in t.values()]
    assert listed
    for rel in listed:
        assert (report_dir / rel).is_file(), rel
    # every CSV in the folder is one that results.json points to
    on_disk = {f"tables/{p.name}" for p in (report_dir / "tables").glob("*.csv")}
    assert on_disk == set(listed)


def test_results_json_holds_every_family_and_metric(results: dict) -> None:
    assert set(results["families"]) == set(FAMILIES)
    assert [(m["family"], m["metric"]) for m in results["metrics"]] == [
        (s.family, s.name) for s in measures()
    ]
    # every family exists now: nothing is missing or broken on the bundled thread
    assert [m for m in results["metrics"] if m["status"] == "failed"] == []
    assert all(f["n_ok"] > 0 for f in results["families"].values())
    assert results["parameters"] == {
        "seed": 0,
        "n_null": 19,
        "n_boot": 10,
        "null": "auto",
        "annotate": True,
        "sides": {"method": "leiden", "n_sides": 2, "seeds": 5},
    }
    env = results["environment"]
    assert env["python"]
    assert env["polars"] == pl.__version__
    assert results["dynamics_version"] == dyn.__version__
    assert results["input"]["name"] == "southfront-idlib-thread.txt"
    assert len(results["input"]["sha256"]) == 64
    assert results["ingest_report"]["n_comments"] == 49
    assert results["sides"]["status"] == "ok"
    assert sum(results["sides"]["sizes"].values()) >= 2


def test_results_match_the_metric_called_directly(
    results: dict, seed_discussion: dyn.Discussion
) -> None:
    """The report passes its settings through and copies each number faithfully."""
    d = seed_discussion.annotate()
    sides = dyn.polarization.sides(d, method="leiden", n_sides=2, seed=0)
    by_key = {(m["family"], m["metric"]): m for m in results["metrics"]}
    direct = dyn.polarization.ei_index(d, sides=sides, seed=0, **FAST)
    got = by_key["polarization", "ei_index"]["result"]
    assert got["value"] == direct.value
    assert got["p_value"] == direct.p_value
    assert direct.ci is None  # one thread: no bootstrap interval, and the report says why
    assert got["ci"] is None
    assert got["params"]["ci_reason"] == direct.params["ci_reason"]
    assert got["warnings"] == list(direct.warnings)
    assert got["params"]["n_null"] == 19
    # found sides: the null re-finds them on rewired graphs, and the report shows its mean
    assert got["params"]["null"] == "rewire-refit"
    assert (got["null_mean"], got["excess"]) == (direct.null_mean, direct.excess)
    assert got["excess"] == pytest.approx(got["value"] - got["null_mean"])
    direct = dyn.escalation.contagion(d, seed=0, **FAST)
    got = by_key["escalation", "contagion"]["result"]
    assert got["value"] == direct.value
    assert got["p_value"] == direct.p_value
    assert by_key["structure", "thread_size"]["result"]["value"] == 49.0


def test_summary_csv_agrees_with_results_json(report_dir: Path, results: dict) -> None:
    with (report_dir / "tables" / "summary.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(measures())
    for row, m in zip(rows, results["metrics"], strict=True):
        assert (row["family"], row["metric"], row["status"]) == (
            m["family"],
            m["metric"],
            m["status"],
        )
        value = (m["result"] or {}).get("value")
        if value is None:
            assert row["value"] == ""
        else:
            assert math.isclose(float(row["value"]), value)


def test_no_warning_holds_the_separator(results: dict) -> None:
    """Warnings are joined by "; " in summary.csv, to_frame() and the dashboard, which split
    them there again: no warning may hold it (the two-point leaning warnings once did)."""
    said = [w for m in results["metrics"] if m["result"] for w in m["result"]["warnings"]]
    assert any(w.startswith("every leaning is -1 or +1") for w in said)
    assert [w for w in said if "; " in w] == []


def test_report_shows_warnings_next_to_the_numbers(report_dir: Path, results: dict) -> None:
    """On the bundled thread (small sides, one thread) every warning reaches the report."""
    ei = next(m for m in results["metrics"] if m["metric"] == "ei_index")["result"]
    assert any(w.startswith("sides under the minimum") for w in ei["warnings"])
    assert "no bootstrap interval: 1 thread, under the minimum of 10" in ei["warnings"]
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    section = page[page.index("<h3>ei_index</h3>") :]
    section = section[: section.index("<h3>", 5)]
    assert "CI n/a (no bootstrap interval: 1 thread, under the minimum of 10)" in section
    assert "This input has 1 thread, under the minimum of 10 for a bootstrap interval" in page
    for w in ei["warnings"]:
        assert f'<p class="warning">Warning: {html.escape(w)}</p>' in section
    coverage = results["sides"]["details"]["coverage"]
    assert (
        f"The sides hold {coverage['n_users_on_sides']} of the {coverage['n_users']} users" in page
    )
    with (report_dir / "tables" / "summary.csv").open(encoding="utf-8") as fh:
        rows = {row["metric"]: row for row in csv.DictReader(fh)}
    assert rows["ei_index"]["warnings"] == "; ".join(ei["warnings"])


def test_html_reads_well(report_dir: Path, results: dict) -> None:
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    # plotly.js once, inline: no network needed
    assert page.count("Plotly.newPlot") >= 3
    assert "<script src" not in page
    assert page.count("plotly.js v") == 1  # the library's banner, once
    for heading in ("Input", "Parameters and defaults", "Summary", "Polarization", "Skipped"):
        assert f">{heading}<" in page
    assert "Data problems (IngestReport)" in page
    assert "anonymous_author" in page  # a problem row of the seed thread
    assert "leiden" in page
    assert results["input"]["sha256"] in page
    modularity = next(m for m in results["metrics"] if m["metric"] == "modularity")["result"]
    assert f"<b>{modularity['value']:.4g}</b>" in page
    # the null beside the number: its mean and the excess over it
    assert f"excess {modularity['excess']:.4g}" in page
    assert f"null mean {modularity['null_mean']:.4g}" in page
    assert "rewire-refit null" in page


def test_p_values_say_their_direction(report_dir: Path, results: dict) -> None:
    """Each one-sided p-value names its tail in results.json, summary.csv and the page."""
    by_metric = {m["metric"]: m for m in results["metrics"]}
    assert by_metric["ei_index"]["p_direction"] == "less"
    assert by_metric["modularity"]["p_direction"] == "greater"
    assert by_metric["thread_size"]["p_direction"] is None  # no null model, no p-value
    with (report_dir / "tables" / "summary.csv").open(encoding="utf-8") as fh:
        rows = {row["metric"]: row for row in csv.DictReader(fh)}
    assert (rows["ei_index"]["p_direction"], rows["ei_index"]["null"]) == ("less", "rewire-refit")
    assert rows["ei_index"]["n_null"] == "19"
    assert rows["thread_size"]["p_direction"] == rows["thread_size"]["n_null"] == ""
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    section = page[page.index("<h3>ei_index</h3>") :]
    section = section[: section.index("<h3>", 5)]
    assert "(one-sided: null samples at or below the value; rewire-refit null" in section
    modularity = page[page.index("<h3>modularity</h3>") :]
    assert "(one-sided: null samples at or above the value;" in modularity[:3000]
    assert "Each p-value is one-sided" in page


def test_summary_csv_reason_holds_the_report_note(report_dir: Path, results: dict) -> None:
    """The note the page shows beside a number (how the report ran it) is in the CSV too."""
    with (report_dir / "tables" / "summary.csv").open(encoding="utf-8") as fh:
        rows = {row["metric"]: row for row in csv.DictReader(fh)}
    noted = [m for m in results["metrics"] if m["status"] == "ok" and m["reason"]]
    assert noted
    for m in noted:
        assert m["reason"] in rows[m["metric"]]["reason"]


def test_undefined_metrics_are_counted_and_listed(report_dir: Path, results: dict) -> None:
    """A metric that ran but gave NaN is not passed off as a finding: results.json counts it,
    the Skipped section lists it with its reason, and the page shows n/a, never NaN."""
    undefined = [
        m for m in results["metrics"] if m["status"] == "ok" and (m["result"]["value"] is None)
    ]
    assert undefined  # one thread, few users: several measures have no value here
    for family, counts in results["families"].items():
        expected = sum(1 for m in undefined if m["family"] == family)
        assert counts["n_undefined"] == expected, family
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    skipped = page[page.index('id="skipped"') : page.index('id="reproducibility"')]
    assert "Every metric ran and gave a value" not in skipped
    assert f"{len(undefined)} metric" in skipped
    for m in undefined:
        assert f"<td>{m['metric']}</td>" in skipped
        assert html.escape(m["result"]["reason"]) in skipped
    assert ">NaN<" not in page
    assert "<b>NaN</b>" not in page


def test_durations_carry_their_unit(report_dir: Path, tmp_path: Path) -> None:
    # the bundled thread has no times: n/a, not NaN
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    section = page[page.index("<h3>response_times</h3>") :]
    assert "<b>n/a</b>" in section[: section.index("<h3>", 5)]
    # replies after 30 min, 2 h and 90 s: the median, 1,800 s, with its unit and in minutes
    timed = dyn.load(
        pl.DataFrame(
            {
                "id": ["a", "b", "c", "d", "e"],
                "parent": [None, "a", "a", None, "d"],
                "user": ["ann", "bob", "cy", "dee", "ann"],
                "body": ["x"] * 5,
                "time": [0, 1800, 7200, 100, 190],
            }
        )
    )
    analyze(timed, tmp_path, annotate=False, n_null=5, n_boot=0)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    section = page[page.index("<h3>response_times</h3>") :]
    section = section[: section.index("<h3>", 5)]
    assert "<b>1,800 s (30 min)</b>" in section
    assert re.search(r"mean = [\d,]+ s \(", section)


def test_three_sides_skip_the_two_sided_measures_saying_what_to_do(
    seed_discussion: dyn.Discussion,
) -> None:
    """With n_sides=3 the two-sided measures are skipped; the reason says what a report user
    can change (pair= is the Python API's)."""
    c = collect(seed_discussion, Settings(annotate=False, n_null=5, n_boot=0, n_sides=3))
    skipped = {r.spec.name: r for r in c.runs if r.status == "skipped"}
    assert "random_walk_controversy" in skipped
    assert "--n-sides 2" in skipped["random_walk_controversy"].reason
    assert "ei_index" not in skipped  # defined for any number of groups


def test_sides_sentence_breaks_down_the_users_without_a_side(
    report_dir: Path, results: dict
) -> None:
    coverage = results["sides"]["details"]["coverage"]
    unassigned = results["sides"]["n_unassigned"]
    on_sides = sum(results["sides"]["sizes"].values())
    outside = coverage["n_users"] - coverage["n_users_on_sides"]
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert (
        f"{unassigned} of the {unassigned + on_sides} users in the reply graph have no side: "
        f"{unassigned - outside} have no reply edge (no reply to or from another user), "
        f"{outside} are outside the sides"
    ) in page
    assert "user pairs linked by a reply in either direction" in page
    assert "directed edges (ordered user pairs" in page
    assert "they leave out how much the side search itself varies" in page


def test_side_based_measures_give_their_range_over_side_seeds(
    report_dir: Path, results: dict, seed_discussion: dyn.Discussion
) -> None:
    """Each side-based measure is also given on the sides of seeds 0-4 (the default), the
    first being the report's own value; the others match the measure called on those sides."""
    by_metric = {m["metric"]: m for m in results["metrics"]}
    ei = by_metric["ei_index"]
    spread = ei["side_seeds"]
    assert spread["seeds"] == [0, 1, 2, 3, 4]
    assert spread["values"][0] == ei["result"]["value"]
    d = seed_discussion.annotate()
    again = dyn.polarization.sides(d, method="leiden", n_sides=2, seed=3)
    assert spread["values"][3] == dyn.polarization.ei_index(d, sides=again).value
    assert spread["side_sizes"][3] == sorted(again.sizes.values(), reverse=True)
    assert by_metric["thread_size"]["side_seeds"] is None  # no sides
    with (report_dir / "tables" / "summary.csv").open(encoding="utf-8") as fh:
        rows = {row["metric"]: row for row in csv.DictReader(fh)}
    defined = [v for v in spread["values"] if v is not None]
    assert float(rows["ei_index"]["side_seeds_low"]) == min(defined)
    assert float(rows["ei_index"]["side_seeds_high"]) == max(defined)
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    section = page[page.index("<h3>ei_index</h3>") :]
    section = section[: section.index("<h3>", 5)]
    assert "On the sides found with seeds 0-4:" in section
    assert "The sides were also found with seeds 0 to 4" in page


def test_side_seeds_off_finds_the_sides_once(seed_discussion: dyn.Discussion) -> None:
    c = collect(seed_discussion, Settings(annotate=False, n_null=5, n_boot=0, side_seeds=1))
    assert all(run.side_seeds is None for run in c.runs)
    assert c.settings.to_dict()["sides"]["seeds"] == 1
    with pytest.raises(ValueError, match="side_seeds"):
        Settings(side_seeds=-1)


def test_results_json_names_the_code(results: dict) -> None:
    from dynamics.report import source_hash

    assert results["environment"]["dynamics_source"] == source_hash()
    assert re.fullmatch(r"[0-9a-f]{16}", source_hash())


def test_same_seed_same_bytes(seed_discussion: dyn.Discussion, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    analyze(seed_discussion, a, seed=3, **FAST)
    analyze(seed_discussion, b, seed=3, **FAST)
    assert (a / "results.json").read_bytes() == (b / "results.json").read_bytes()
    for csv_a in sorted((a / "tables").glob("*.csv")):
        assert csv_a.read_bytes() == (b / "tables" / csv_a.name).read_bytes(), csv_a.name


def test_no_null_means_no_null(seed_discussion: dyn.Discussion) -> None:
    c = collect(seed_discussion, Settings(annotate=False, null=None, n_null=5, n_boot=0))
    ei = next(r for r in c.runs if r.spec.name == "ei_index").result
    assert (ei.params["null"], ei.p_value, ei.excess) == (None, None, None)
    c = collect(seed_discussion, Settings(annotate=False, n_null=5, n_boot=0))
    ei = next(r for r in c.runs if r.spec.name == "ei_index").result
    assert (ei.params["null"], ei.params["n_null"]) == ("rewire-refit", 5)
    # n_null=0 (the CLI's --n-null 0) runs none either, as n_boot=0 computes no interval
    c = collect(seed_discussion, Settings(annotate=False, n_null=0, n_boot=0))
    ei = next(r for r in c.runs if r.spec.name == "ei_index").result
    assert (ei.params["null"], ei.p_value) == (None, None)
    with pytest.raises(ValueError, match="'n_null' parameter of analyze must be an int >= 0"):
        Settings(n_null=-1)


def test_workers_do_not_change_the_report(seed_discussion: dyn.Discussion, tmp_path: Path) -> None:
    """``n_jobs`` only spreads the re-inferring null's samples over processes."""
    a, b = tmp_path / "a", tmp_path / "b"
    analyze(seed_discussion, a, annotate=False, n_null=8, n_boot=0)
    analyze(seed_discussion, b, annotate=False, n_null=8, n_boot=0, n_jobs=2)
    assert (a / "results.json").read_bytes() == (b / "results.json").read_bytes()
    with pytest.raises(ValueError, match="'n_jobs' parameter of analyze"):
        analyze(seed_discussion, tmp_path / "c", n_jobs=0)


def test_cli_default_workers_follow_the_size_and_the_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``dynamics analyze`` without ``--n-jobs``: one process on small discussions, else the
    cores this process may use, at most four."""
    collect_module = importlib.import_module("dynamics.report.collect")  # not the function
    for cores, expected in ((1, 1), (2, 2), (16, 4)):
        monkeypatch.setattr(
            collect_module.os, "sched_getaffinity", lambda _, c=cores: set(range(c))
        )
        assert collect_module.default_jobs(4_999) == 1
        assert collect_module.default_jobs(5_000) == expected


def test_existing_report_needs_overwrite(seed_discussion: dyn.Discussion, tmp_path: Path) -> None:
    analyze(seed_discussion, tmp_path, annotate=False, n_null=2, n_boot=0)
    stale = tmp_path / "tables" / "stale.csv"
    stale.write_text("x\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match="already holds a report"):
        analyze(seed_discussion, tmp_path)
    analyze(seed_discussion, tmp_path, annotate=False, n_null=2, n_boot=0, overwrite=True)
    assert not stale.exists()


def test_without_text_signals_escalation_is_skipped_with_reason(
    seed_discussion: dyn.Discussion, tmp_path: Path
) -> None:
    analyze(seed_discussion, tmp_path, annotate=False, n_null=2, n_boot=0)
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    escalation = [m for m in results["metrics"] if m["family"] == "escalation"]
    assert escalation
    assert {m["status"] for m in escalation} == {"skipped"}
    assert all("toxicity" in m["reason"] for m in escalation)
    assert results["families"]["escalation"]["status"] == "skipped"
    assert results["families"]["structure"]["status"] == "ok"
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Text signals were not computed" in page
    assert "skipped: no &#x27;toxicity&#x27; column" in page


def test_refusing_or_broken_measure_is_skipped_or_failed(seed_discussion: dyn.Discussion) -> None:
    """A DynamicsError skips the measure with its message; any other error is a failed run."""
    from dynamics._kernel import REGISTRY, measure
    from dynamics.errors import DynamicsError

    @measure("structure", needs={"discussion"})
    def refuses(discussion, *, seed=0):
        """Always refuses."""
        msg = "nothing to measure here"
        raise DynamicsError(msg)

    @measure("structure", needs={"discussion"})
    def broken(discussion):
        """Always breaks."""
        return 1 / 0

    try:
        c = collect(seed_discussion, Settings(annotate=False, n_null=2, n_boot=0))
        runs = {r.spec.name: r for r in c.by_family("structure")}
        assert runs["refuses"].status == "skipped"
        assert runs["refuses"].reason == "nothing to measure here"
        assert runs["refuses"].kwargs == {"seed": 0}  # what its spec says it takes
        assert runs["broken"].status == "failed"
        assert "ZeroDivisionError" in runs["broken"].reason
        assert runs["thread_size"].status == "ok"  # the others ran
    finally:
        REGISTRY.pop("structure.refuses")
        REGISTRY.pop("structure.broken")
    run = _run(REGISTRY["structure.thread_size"], seed_discussion, c.settings, c.sides)
    assert run.status == "ok"


def test_bad_parameter_or_folder_is_refused(
    seed_discussion: dyn.Discussion, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="The 'n_boot' parameter of analyze"):
        analyze(seed_discussion, tmp_path, n_boot=1)
    assert not (tmp_path / "results.json").exists()
    a_file = tmp_path / "report"
    a_file.write_text("", encoding="utf-8")
    with pytest.raises(NotADirectoryError, match="is a file"):
        analyze(seed_discussion, a_file, annotate=False)
    # a folder that cannot be made is said before any work (it was said after the measures)
    with pytest.raises(OSError, match=r"cannot make the report folder /proc/x/r: /proc takes"):
        analyze(seed_discussion, "/proc/x/r", annotate=False)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if not os.access(locked, os.W_OK):  # root writes anywhere
        with pytest.raises(OSError, match="takes no new folder"):
            analyze(seed_discussion, locked / "r", annotate=False)
    # an empty part: nothing to report, and no folder of NaNs
    empty = seed_discussion.filter(authors="nobody here")
    with pytest.raises(dyn.EmptyInputError, match=r"selected by authors: nobody here \(0 of 49"):
        analyze(empty, tmp_path / "empty", annotate=False)
    assert not (tmp_path / "empty").exists()


# ---------------------------------------------------------------------- attacker-controlled text
PLANTED_SCRIPT = '<script>alert("pwned")</script>'
PLANTED_IMG = "<img src=x onerror=alert(1)>"


def _planted_discussion() -> dyn.Discussion:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        ("a", None, "ann", "What do you all think of the new policy?"),
        ("b", "a", "bob", f"{PLANTED_SCRIPT} you idiot, this is garbage"),
        ("c", "b", PLANTED_IMG, "shut up, you are a stupid liar"),
        ("d", "c", "bob", "no, you are the idiot here"),
        ("e", "a", "cy", "I agree with ann"),
        ("f", "e", "ann", "thanks cy"),
    ]
    frame = pl.DataFrame(
        {
            "id": [r[0] for r in rows],
            "parent": [r[1] for r in rows],
            "user": [r[2] for r in rows],
            "body": [r[3] for r in rows],
            # out of order on purpose, as in real dumps
            "timestamp": [t0 + timedelta(minutes=m) for m in (0, 5, 20, 25, 3, 9)],
        }
    )
    return dyn.load(frame)


def test_comment_text_and_names_are_escaped(cache_dir: Path, tmp_path: Path) -> None:
    analyze(_planted_discussion(), tmp_path, n_null=5, n_boot=0)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    # the planted text is shown, as text
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # and never as a live tag, anywhere in the page (tables, figures, titles)
    assert PLANTED_SCRIPT not in page
    assert PLANTED_IMG not in page
    assert 'alert("pwned")' not in page
    # the only script tags are plotly.js and the figures
    assert page.count("<script") == page.count("</script>")
    assert page.count("<script") == 1 + page.count("Plotly.newPlot")


# ---------------------------------------------------------------------- CLI
def test_cli_analyze_writes_the_report(cache_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["analyze", str(SEED_THREAD), "-o", str(out), "--infer-replies", "adjacent"]
    args += ["--seed", "7", "--n-null", "5", "--n-boot", "0", "--no-progress"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "report.html" in result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["parameters"]["seed"] == 7
    assert results["parameters"]["n_boot"] == 0
    assert results["input"]["read_options"]["infer_replies"] == "adjacent"
    # the absolute path of the input (the user's directories) is not published
    assert results["ingest_report"]["path"] == SEED_THREAD.name
    assert str(SEED_THREAD.parent) not in (out / "results.json").read_text(encoding="utf-8")
    assert all(m["result"] is None or m["result"]["ci"] is None for m in results["metrics"])
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert again.output.startswith("error:")  # checked before the input is read
    assert "already holds a report" in again.output
    assert "(--overwrite)" in again.output
    assert runner.invoke(app, [*args, "--overwrite"]).exit_code == 0


def test_cli_analyze_of_a_saved_part_names_the_file_and_its_origin(
    seed_discussion: dyn.Discussion, cache_dir: Path, tmp_path: Path
) -> None:
    """results.json identifies the file analysed (a part saved with Discussion.save), the
    original input it came from and the part, so the run can be repeated from either."""
    authors = sorted(seed_discussion.authors)[:6]
    part = tmp_path / "part.parquet"
    seed_discussion.filter(authors=authors).save(part)
    out = tmp_path / "out"
    args = ["analyze", str(part), "-o", str(out), "--n-null", "5", "--n-boot", "0"]
    result = runner.invoke(app, [*args, "--no-progress"])
    assert result.exit_code == 0, result.output
    entry = json.loads((out / "results.json").read_text(encoding="utf-8"))["input"]
    assert entry["name"] == "part.parquet"
    assert entry["sha256"] == hashlib.sha256(part.read_bytes()).hexdigest()
    assert entry["original"] == {
        "name": SEED_THREAD.name,
        "sha256": hashlib.sha256(SEED_THREAD.read_bytes()).hexdigest(),
    }
    assert entry["selection"].startswith("authors: 6 given")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "original input" in page
    assert entry["selection"] in html.unescape(page)


def test_cli_analyze_bad_input_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    for args in (
        ["analyze", str(bad), "-o", str(tmp_path / "out")],
        ["analyze", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "out")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert result.output.startswith("error:")
    assert not (tmp_path / "out" / "results.json").exists()


def test_cli_analyze_bad_parameter_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(SEED_THREAD), "-o", str(tmp_path), "--n-boot", "1"])
    assert result.exit_code == 1
    assert result.output.startswith("error: The 'n_boot' parameter of analyze")
    assert len(result.output.strip().splitlines()) == 1


# ---------------------------------------------------------------------- signal uncertainty
def test_default_report_draws_no_labels(results: dict) -> None:
    assert "signal_draws" not in results["parameters"]
    assert all(m["signal_uncertainty"] is None for m in results["metrics"])


def test_cli_analyze_draws_labels_for_the_signal_measures(cache_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["analyze", str(SEED_THREAD), "-o", str(out), "--infer-replies", "adjacent"]
    args += ["--n-null", "5", "--n-boot", "0", "--signal-draws", "6", "--no-progress"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["parameters"]["signal_draws"] == 6
    reads = {m.key for m in measures() if m.needs & {"signal", "signed"}}
    drawn = {}
    for m in results["metrics"]:
        key = f"{m['family']}.{m['metric']}"
        if key in reads and m["status"] == "ok":
            drawn[key] = m["signal_uncertainty"]
        else:
            assert m["signal_uncertainty"] is None, key
    assert "escalation.contagion" in drawn
    for key, entry in drawn.items():
        value = next(
            m["result"]["value"]
            for m in results["metrics"]
            if f"{m['family']}.{m['metric']}" == key
        )
        assert entry["observed"] == value
        assert entry["n_draws"] == 6
        assert len(entry["draws"]) == 6
        assert entry["params"] == {"n_draws": 6, "seed": 0, "level": 0.95}
        assert entry["signals"] == (
            ["stance", "toxicity"] if key == "polarization.frustration" else ["toxicity"]
        )
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "label sets drawn from the toxicity scores" in page
    assert "signal_draws" in page


def test_cli_analyze_calibrates_the_draws_on_labelled_comments(
    cache_dir: Path, tmp_path: Path
) -> None:
    with pytest.warns(dyn.DataQualityWarning, match="2 empty_text"):
        d = dyn.load(SEED_THREAD, infer_replies="adjacent")
    d = d.annotate(progress=False)
    ids = d.comments["comment_id"].to_list()
    # a labelled sample: the comments the scores rank most toxic, and every fourth other
    ranked = d.comments.sort("toxicity", descending=True)["comment_id"].to_list()
    toxic = set(ranked[:5])
    labels = tmp_path / "labels.csv"
    rows = [f"{i},{int(i in toxic)}" for i in ids if i in toxic or ids.index(i) % 4 == 0]
    labels.write_text("comment_id,toxic\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["analyze", str(SEED_THREAD), "-o", str(out), "--infer-replies", "adjacent"]
    args += ["--n-null", "5", "--n-boot", "0", "--signal-draws", "4", "--no-progress"]
    args += ["--signal-calibration", str(labels)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["parameters"]["signal_calibration"] == str(labels)
    contagion = next(m for m in results["metrics"] if m["metric"] == "contagion")
    described = contagion["signal_uncertainty"]["params"]["calibration"]
    assert described.startswith(f"{len(rows)} labelled comments in {labels}, platt scaling")
    assert described.endswith("a bootstrap refit of it in each draw")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Before drawing, the scores were mapped through a calibration" in page
    # the draws are not those from the scores as they are (same seed, same measure)
    plain = dyn.uncertainty.signal_uncertainty(
        d, "escalation.contagion", signals="toxicity", n_draws=4, seed=0
    )
    drawn = contagion["signal_uncertainty"]["draws"]
    assert len(drawn) == 4
    assert drawn != [None if math.isnan(v) else v for v in plain.draws.tolist()]


def test_signal_calibration_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="The 'signal_calibration' parameter of analyze"):
        Settings(signal_calibration="toxichat")  # no draws to calibrate
    with pytest.raises(ValueError, match="The 'signal_calibration' parameter of analyze"):
        Settings(signal_draws=5, signal_calibration=str(tmp_path / "missing.csv"))
    assert (
        Settings(signal_draws=5, signal_calibration="toxichat").to_dict()["signal_calibration"]
        == "toxichat"
    )
    base = ["analyze", str(SEED_THREAD), "-o", str(tmp_path / "out")]
    result = runner.invoke(app, [*base, "--signal-calibration", "toxichat"])
    assert result.output.startswith("error: --signal-calibration calibrates the label draws")
    missing = str(tmp_path / "missing.csv")
    result = runner.invoke(app, [*base, "--signal-draws", "3", "--signal-calibration", missing])
    assert result.output.startswith(f"error: --signal-calibration: no file {missing}")
    # a bad labels file fails before the texts are scored; the ToxiChat map needs our scores
    bad = tmp_path / "bad.csv"
    bad.write_text("comment_id,toxic\na,maybe\n", encoding="utf-8")
    d = dyn.load(pl.DataFrame({"id": ["a"], "parent": [None], "user": ["u"], "body": ["x"]}))
    with pytest.raises(DynamicsError, match="'a': 'toxic' is 'maybe'"):
        collect(d, Settings(signal_draws=3, signal_calibration=str(bad)))
    with pytest.raises(DynamicsError, match="with annotate=False"):
        collect(d, Settings(annotate=False, signal_draws=3, signal_calibration="toxichat"))


def test_signal_draws_are_checked_and_need_a_discussion(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="The 'signal_draws' parameter of analyze"):
        Settings(signal_draws=1)
    with pytest.raises(ValueError, match="signal_draws needs an in-memory Discussion"):
        analyze(object(), tmp_path, signal_draws=5)  # type: ignore[arg-type]


def _two_comments() -> dyn.Discussion:
    """bob (toxicity 0.6) answers ann (0.2)."""
    frame = {"id": ["a", "b"], "parent": [None, "a"], "user": ["ann", "bob"],
             "body": ["x", "y"], "toxicity": [0.2, 0.6]}  # fmt: skip
    return dyn.load(pl.DataFrame(frame))


def test_draws_that_fail_leave_the_measure_and_say_why() -> None:
    """A measure that breaks on drawn labels (a bug) keeps its value; the note says why."""
    from dynamics._kernel import REGISTRY, measure
    from dynamics._results import MetricResult
    from dynamics.report.collect import SidesRun

    @measure("escalation", needs={"signal"})
    def breaks_on_labels(discussion, *, seed=0):
        """Mean toxicity; breaks when the scores are drawn 0/1 labels."""
        toxicity = discussion.comments["toxicity"]
        if toxicity.is_in([0.0, 1.0]).all():
            msg = "labels, not scores"
            raise RuntimeError(msg)
        return MetricResult("breaks_on_labels", float(toxicity.mean()))

    d = _two_comments()
    settings = Settings(annotate=False, n_boot=0, signal_draws=3)
    try:
        run = _run(REGISTRY["escalation.breaks_on_labels"], d, settings, SidesRun("skipped"))
    finally:
        REGISTRY.pop("escalation.breaks_on_labels")
    assert run.status == "ok"
    assert run.result.value == pytest.approx(0.4)
    assert run.signal is None
    assert run.reason == "the label draws failed: RuntimeError: labels, not scores"


def test_report_says_when_the_measure_is_undefined_on_the_scores() -> None:
    from dynamics.report.html import _signal_html
    from dynamics.uncertainty import SignalUncertainty

    undefined = SignalUncertainty("m", ("stance",), math.nan, np.array([0.2, 0.4, 0.3]))
    assert "undefined on the scores as they are" in _signal_html(undefined)
    outside = SignalUncertainty("m", ("stance",), 0.9, np.array([0.2, 0.4, 0.3]))
    assert "outside that interval" in _signal_html(outside)
    inside = SignalUncertainty("m", ("stance",), 0.3, np.array([0.2, 0.4, 0.3]))
    assert "lies within that interval" in _signal_html(inside)
    assert "warning" not in _signal_html(inside)
    assert (undefined.within, outside.within, inside.within) == (None, False, True)
    one = SignalUncertainty("m", ("stance",), 0.3, np.array([0.2, math.nan, math.nan]))
    assert "Defined on 1 of 3 label sets" in _signal_html(one)
    none = SignalUncertainty("m", ("stance",), math.nan, np.array([math.nan, math.nan]))
    assert "Undefined on every one of 2 label sets" in _signal_html(none)


def test_cli_refuses_draws_with_distributed_before_starting_spark(tmp_path: Path) -> None:
    args = ["analyze", str(tmp_path / "dataset"), "-o", str(tmp_path / "out")]
    args += ["--engine", "spark", "--distributed", "--signal-draws", "5"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.output.startswith("error: --signal-draws needs the comments in memory")


# ---------------------------------------------------------------------- threshold sweep
def test_default_report_sweeps_no_thresholds(results: dict) -> None:
    assert "thresholds" not in results["parameters"]
    assert all(m["threshold_sensitivity"] is None for m in results["metrics"])


def test_cli_analyze_computes_the_escalation_measures_at_each_threshold(
    cache_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["analyze", str(SEED_THREAD), "-o", str(out), "--infer-replies", "adjacent"]
    args += ["--n-null", "5", "--n-boot", "0", "--thresholds", "0.7, 0.3,0.5", "--no-progress"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["parameters"]["thresholds"] == [0.3, 0.5, 0.7]
    with pytest.warns(DataQualityWarning):
        d = dyn.load(SEED_THREAD, infer_replies="adjacent")
    d = d.annotate(progress=False)
    scores = d.comments["toxicity"].drop_nulls()
    swept = {}
    for m in results["metrics"]:
        key = f"{m['family']}.{m['metric']}"
        takes = {"signal", "threshold"} <= set(REGISTRY[key].params)
        if takes and m["status"] == "ok":
            swept[key] = m
        else:
            assert m["threshold_sensitivity"] is None, key
    assert {"escalation.contagion", "escalation.episodes", "escalation.derailment"} <= set(swept)
    assert "polarization.frustration" not in swept
    for key, m in swept.items():
        entry = m["threshold_sensitivity"]
        assert entry["thresholds"] == [0.3, 0.5, 0.7]
        assert entry["observed"] == m["result"]["value"], key
        assert entry["flagged"] == pytest.approx([(scores >= t).mean() for t in (0.3, 0.5, 0.7)])
        # the values are the measure's own at those thresholds (point estimates, same seed)
        for t, value in zip(entry["thresholds"], entry["values"], strict=True):
            point = {"n_boot": 0} if "n_boot" in REGISTRY[key].takes else {}
            direct = REGISTRY[key].func(d, threshold=t, seed=0, **point).value
            if math.isnan(direct):  # undefined there (one thread: no size trend)
                assert value is None, (key, t)
            else:
                assert value == pytest.approx(direct), (key, t)
    # at the report's own threshold the sweep gives the reported value
    derail = swept["escalation.derailment"]
    assert derail["threshold_sensitivity"]["values"][1] == derail["result"]["value"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "By the toxicity threshold (the share of scored comments at or over it): 0.3 (" in page
    assert "was also computed at the thresholds 0.3, 0.5, 0.7" in page


def test_thresholds_are_checked_and_need_a_discussion(tmp_path: Path) -> None:
    assert Settings(thresholds=[0.6, 0.4, 0.6]).thresholds == (0.4, 0.6)
    for bad in ([math.nan], [True], ["x"], ["0.5"], "5", None):
        with pytest.raises(ValueError, match="The 'thresholds' parameter of analyze"):
            Settings(thresholds=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="thresholds needs an in-memory Discussion"):
        analyze(object(), tmp_path, thresholds=[0.5])  # type: ignore[arg-type]
    for text in ("0.3,,0.5", "low", "nan"):
        result = runner.invoke(
            app, ["analyze", str(SEED_THREAD), "-o", str(tmp_path), "--thresholds", text]
        )
        assert result.exit_code == 1
        assert result.output.startswith("error: --thresholds: give comma-separated numbers")
        assert len(result.output.strip().splitlines()) == 1
    # a percentage given for a probability: refused before anything runs (it warned twice)
    result = runner.invoke(
        app, ["analyze", str(SEED_THREAD), "-o", str(tmp_path / "pct"), "--thresholds", "50,0.7"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: --thresholds: toxicity lies in [0, 1], so 50 flags")
    assert not (tmp_path / "pct").exists()
    args = ["analyze", str(tmp_path / "dataset"), "-o", str(tmp_path / "out")]
    args += ["--engine", "spark", "--distributed", "--thresholds", "0.5"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.output.startswith("error: --thresholds needs the comments in memory")


def test_a_sweep_that_fails_leaves_the_measure_and_says_why() -> None:
    from dynamics._kernel import measure
    from dynamics._results import MetricResult
    from dynamics.report.collect import SidesRun

    @measure("escalation", needs={"signal"})
    def breaks_off_default(discussion, *, signal="toxicity", threshold=0.5, seed=0):
        """Share of toxic comments; breaks at any other threshold."""
        if threshold != 0.5:
            msg = "only 0.5"
            raise RuntimeError(msg)
        return MetricResult(
            "breaks_off_default", float((discussion.comments[signal] >= 0.5).mean())
        )

    d = _two_comments()
    settings = Settings(annotate=False, n_boot=0, thresholds=[0.4])
    try:
        run = _run(REGISTRY["escalation.breaks_off_default"], d, settings, SidesRun("skipped"))
    finally:
        REGISTRY.pop("escalation.breaks_off_default")
    assert run.status == "ok"
    assert run.result.value == pytest.approx(0.5)
    assert run.thresholds is None
    assert run.reason == "the threshold sweep failed: RuntimeError: only 0.5"


def test_a_report_on_a_part_of_the_input_says_so(
    seed_discussion: dyn.Discussion, tmp_path: Path
) -> None:
    part = seed_discussion.filter(authors=["Tudor Miron", "Willing Conscience (The Truths"])
    out = tmp_path / "part"
    analyze(part, out, n_null=5, n_boot=0, annotate=False, progress=False)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    ingest = results["ingest_report"]
    assert ingest["n_comments"] == len(part) < len(seed_discussion)
    assert ingest["selection"] == (
        f"authors: 2 given ({len(part)} of {len(seed_discussion)} comments)"
    )
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "part of the input" in page
    saved = part.save(tmp_path / "part.parquet")
    shown = runner.invoke(app, ["info", str(saved)])
    assert shown.exit_code == 0, shown.output
    assert "part of the input" in shown.output
    assert f"{len(part)} of {len(seed_discussion)} comments" in shown.output
