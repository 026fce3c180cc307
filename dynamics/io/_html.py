"""HTML comment bodies to plain text, for sources that store comments as HTML.

Hacker News (Firebase and Algolia ``text``) and Disqus (``<message>``) keep comment bodies as
HTML fragments. :func:`html_to_text` turns one into the plain text a reader of the page sees:
entities decoded (``&#x27;`` -> ``'``), paragraphs (``<p>``, ``<blockquote>``, ``<pre>``)
separated by one blank line, ``<br>`` as a line break, links replaced by their text, other
inline markup (``<i>``, ``<b>``, ``<code>``) dropped with its text kept, and the whitespace
inside ``<pre>`` kept as written. Only the standard library's :mod:`html.parser` is used.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text"]

_BLOCKS = frozenset({"p", "div", "blockquote", "pre", "ul", "ol", "table", "h1", "h2", "h3"})
_LINES = frozenset({"br", "li", "tr", "h4", "h5", "h6"})
_SKIP = frozenset({"script", "style"})
_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"[<&]")


class _TextParser(HTMLParser):
    """Collects the visible text of an HTML fragment (see :func:`html_to_text`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pending = 0  # newlines owed before the next text
        self.pre = 0  # depth of <pre> elements
        self.skip = 0  # depth of <script>/<style> elements

    def _break(self, newlines: int) -> None:
        if self.parts:
            self.pending = max(self.pending, newlines)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._break(2)
        elif tag in _LINES:
            self._break(1)
        if tag == "pre":
            self.pre += 1
        elif tag in _SKIP:
            self.skip += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._break(2)
        elif tag in _LINES:
            self._break(1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        if tag in _BLOCKS:
            self._break(2)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not self.pre:
            data = _SPACE.sub(" ", data)
            if self.pending or not self.parts or self.parts[-1].endswith((" ", "\n")):
                data = data.lstrip(" ")
            if not data:
                return
        elif data.strip("\n") == "" and self.pending:
            return
        if self.pending:
            if self.parts:
                self.parts[-1] = self.parts[-1].rstrip(" \n")
                self.parts.append("\n" * self.pending)
            self.pending = 0
        self.parts.append(data)

    def text(self) -> str:
        self.close()
        lines = "".join(self.parts).split("\n")
        return "\n".join(line.rstrip(" ") for line in lines).strip("\n")


def html_to_text(value: str | None) -> str | None:
    r"""Return the plain text of an HTML comment body.

    Parameters
    ----------
    value : str or None
        An HTML fragment as the source stores it (Hacker News ``text``, Disqus ``message``).

    Returns
    -------
    str or None
        The visible text: entities decoded, paragraphs separated by ``"\n\n"``, ``<br>`` as
        ``"\n"``, links replaced by their text, ``<pre>`` kept verbatim. None stays None.

    Notes
    -----
    Whitespace outside ``<pre>`` collapses to single spaces, as a browser shows it. Text without
    ``<`` or ``&`` only has its whitespace collapsed. Malformed markup never raises: the parser
    keeps whatever text it can see.

    Examples
    --------
    >>> html_to_text('It&#x27;s <i>fine</i><p>See <a href="https://x.org/a">x.org/a</a> &gt; 2')
    "It's fine\n\nSee x.org/a > 2"
    >>> html_to_text("<p>One</p><p>Two<br>lines</p>")
    'One\n\nTwo\nlines'
    >>> html_to_text("Code:<pre><code>  a = 1\n  b = 2\n</code></pre>")
    'Code:\n\n  a = 1\n  b = 2'
    """
    if value is None:
        return None
    if not _MARKUP.search(value):
        return _SPACE.sub(" ", value).strip()
    parser = _TextParser()
    parser.feed(value)
    return parser.text()
