"""Text encodings of table files: decode with the encoding the user names, count what is lost.

Every reader of text takes ``encoding=``. Tables and plain-text scrapes are read as UTF-8
unless it names another codec (``"cp1252"``, ``"latin-1"``, ``"utf-16"``, ...). Bytes that the
codec cannot decode become U+FFFD and the rows holding them are counted as ``non_utf8_text``,
with a policy that names the ``encoding=`` option; a file that is valid in its encoding but
merely contains U+FFFD characters is not counted. Formats whose
specification fixes the encoding (JSON is UTF-8, RFC 8259; an XML file declares its own) take
``encoding="utf-8"`` and refuse any other codec, saying why (:func:`require_utf8`).
"""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl

from dynamics._problems import ProblemLog
from dynamics.errors import ReaderOptionError
from dynamics.io._base import open_binary

__all__ = ["check_encoding", "count_replaced_rows", "read_as_utf8", "require_utf8"]


def check_encoding(encoding: str) -> str:
    """Return the codec's canonical name; refuse an unknown one.

    Examples
    --------
    >>> check_encoding("CP1252")
    'cp1252'
    """
    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError) as exc:
        msg = (
            f"encoding={encoding!r} is not a known text encoding (try 'utf-8', 'cp1252', 'latin-1')"
        )
        raise ReaderOptionError(msg) from exc


def read_as_utf8(path: Path, encoding: str = "utf-8") -> tuple[bytes, bool]:
    """The file's bytes as UTF-8, and whether undecodable bytes were replaced by U+FFFD.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes("id,text\\n1,caf\\u00e9".encode("cp1252"))
    >>> read_as_utf8(p, "cp1252")[0].decode()[-6:], read_as_utf8(p)[1]
    ('1,café', True)
    """
    codec = check_encoding(encoding)
    with open_binary(path) as fh:
        data = fh.read()
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return data.decode(codec, errors="replace").encode("utf-8"), True
    if codec == "utf-8":
        return data, False
    return text.encode("utf-8"), False


def count_replaced_rows(df: pl.DataFrame, problems: ProblemLog, encoding: str) -> None:
    """Count the rows of a lossily decoded table that hold U+FFFD (``non_utf8_text``)."""
    text_cols = [c for c, t in df.schema.items() if t == pl.String]
    if not text_cols or df.height == 0:
        return
    bad = df.select(
        pl.any_horizontal(
            pl.col(c).str.contains("\ufffd", literal=True).fill_null(value=False) for c in text_cols
        )
    ).to_series()
    n = int(bad.sum())
    if not n:
        return
    if "comment_id" in df.columns:
        rows = df.get_column("comment_id").filter(bad).head(10).cast(pl.String).to_list()
    else:
        rows = [f"record {i + 1}" for i in bad.arg_true().head(10).to_list()]
    problems.add_many("non_utf8_text", rows, total=n)
    problems.policies["non_utf8_text"] = (
        f"bytes not valid {check_encoding(encoding)} decoded as U+FFFD; "
        "pass the file's encoding, e.g. encoding='cp1252'"
    )


#: Codecs whose text is UTF-8 as it stands.
_UTF8 = frozenset({"utf-8", "utf-8-sig", "ascii"})


def require_utf8(encoding: str, fmt: str, why: str) -> None:
    """Refuse ``encoding=`` other than UTF-8 for a format whose specification fixes it.

    Parameters
    ----------
    encoding : str
        The codec the user named.
    fmt : str
        The reader's name, for the message.
    why : str
        Why the format is UTF-8 (its specification), for the message.

    Raises
    ------
    ReaderOptionError
        For any codec but UTF-8 (or ASCII, a part of it), and for an unknown one.

    Examples
    --------
    >>> require_utf8("UTF8", "reddit", "JSON is UTF-8")
    >>> try:
    ...     require_utf8("latin-1", "reddit", "JSON is UTF-8, RFC 8259")
    ... except ReaderOptionError as e:
    ...     print(e)
    the reddit reader reads UTF-8 only (JSON is UTF-8, RFC 8259), so encoding='latin-1' cannot apply: convert the file to UTF-8 first (e.g. iconv -f latin-1 -t utf-8 IN > OUT)
    """
    codec = check_encoding(encoding)
    if codec in _UTF8:
        return
    msg = (
        f"the {fmt} reader reads UTF-8 only ({why}), so encoding={encoding!r} cannot apply: "
        f"convert the file to UTF-8 first (e.g. iconv -f {encoding} -t utf-8 IN > OUT)"
    )
    raise ReaderOptionError(msg)
