"""Loading into the app: local paths stay inside --data-dir, uploads have a limit."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from dashboard.loading import (
    LoadError,
    decode_upload,
    load_discussion,
    resolve_local_path,
    safe_filename,
)

CSV = "id,parent,user,body\n1,,ann,hello\n2,1,bob,no way\n"


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """An allowed data dir with a file, and a secret file outside it."""
    allowed = tmp_path / "data"
    allowed.mkdir()
    (allowed / "ok.csv").write_text(CSV)
    (allowed / "sub").mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text(CSV)
    return allowed, secret


def test_path_inside_allowed_dir(tree: tuple[Path, Path]) -> None:
    allowed, _ = tree
    assert resolve_local_path(str(allowed / "ok.csv"), [allowed]) == allowed / "ok.csv"
    # relative paths are taken from the first allowed directory
    assert resolve_local_path("sub/../ok.csv", [allowed]) == allowed / "ok.csv"


def test_dotdot_cannot_escape(tree: tuple[Path, Path]) -> None:
    allowed, secret = tree
    with pytest.raises(LoadError, match="outside the allowed data directories"):
        resolve_local_path(str(allowed / ".." / secret.name), [allowed])
    with pytest.raises(LoadError, match="outside the allowed"):
        resolve_local_path(f"../{secret.name}", [allowed])


def test_symlink_cannot_escape(tree: tuple[Path, Path]) -> None:
    allowed, secret = tree
    (allowed / "link.csv").symlink_to(secret)
    (allowed / "linkdir").symlink_to(secret.parent, target_is_directory=True)
    with pytest.raises(LoadError, match="outside the allowed"):
        resolve_local_path(str(allowed / "link.csv"), [allowed])
    with pytest.raises(LoadError, match="outside the allowed"):
        resolve_local_path(str(allowed / "linkdir" / secret.name), [allowed])


def test_a_prefix_of_the_allowed_name_is_not_inside(tmp_path: Path) -> None:
    allowed = tmp_path / "data"
    allowed.mkdir()
    sibling = tmp_path / "data-private"
    sibling.mkdir()
    (sibling / "x.csv").write_text(CSV)
    with pytest.raises(LoadError, match="outside the allowed"):
        resolve_local_path(str(sibling / "x.csv"), [allowed])


def test_path_loading_off_without_data_dirs(tree: tuple[Path, Path]) -> None:
    allowed, _ = tree
    with pytest.raises(LoadError, match="--data-dir"):
        resolve_local_path(str(allowed / "ok.csv"), [])


def test_missing_path(tree: tuple[Path, Path]) -> None:
    allowed, _ = tree
    with pytest.raises(LoadError, match="No such file"):
        resolve_local_path("nope.csv", [allowed])


def _data_url(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def test_upload_limit() -> None:
    assert decode_upload(_data_url(b"x" * 100), "a.csv", 100) == b"x" * 100
    with pytest.raises(LoadError, match=r"a\.csv is larger than the upload limit of 0\.0 MB"):
        decode_upload(_data_url(b"x" * 101), "a.csv", 100)


def test_damaged_upload() -> None:
    with pytest.raises(LoadError, match="damaged"):
        decode_upload("not a data url", "a.csv", 100)
    with pytest.raises(LoadError, match="damaged"):
        decode_upload("data:text/csv;base64,@@@@", "a.csv", 100)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("../../etc/passwd", "passwd"), ("..\\..\\win.ini", "win.ini"), (".hidden", "hidden"),
     ("dump 1.jsonl.gz", "dump_1.jsonl.gz"), ("", "upload")],
)  # fmt: skip
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_unreadable_file_gives_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "garbage.json"
    bad.write_bytes(b"\x00\x01 this is { not json [")
    with pytest.raises(LoadError, match=r"^Could not read garbage\.json: "):
        load_discussion(bad, scorers=())


def test_load_scores_and_reports_progress(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text(CSV)
    steps: list[tuple[float, str]] = []
    disc = load_discussion(path, progress=lambda f, m: steps.append((f, m)))
    assert {"toxicity", "sentiment", "stance"} <= set(disc.comments.columns)
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert any("toxicity" in m for _, m in steps)


def test_the_path_box_never_says_which_files_exist_outside(tree: tuple[Path, Path]) -> None:
    """A missing file outside the allowed directories gets the same answer as an existing
    one (it once said "No such file"); inside, a missing file is said to be missing."""
    allowed, secret = tree
    for outside in (secret, secret.parent / "no-such-file.csv"):
        with pytest.raises(LoadError, match="outside the allowed"):
            resolve_local_path(str(outside), [allowed])
    with pytest.raises(LoadError, match=r"No such file or directory: missing\.csv"):
        resolve_local_path("missing.csv", [allowed])


def test_a_reader_option_the_app_cannot_set_comes_with_the_way_to_set_it(tmp_path: Path) -> None:
    """A table without an id column: the library advises columns=, which the app has no
    control for; the message says how to convert the file with those options."""
    f = tmp_path / "mine.csv"
    f.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_discussion(f, scorers=[])
    text = str(caught.value)
    assert text.startswith("Could not read mine.csv: mine.csv: field 'comment_id' not found")
    assert "`dynamics convert mine.csv -o mine.parquet --columns ...`" in text
    assert str(tmp_path) not in text
