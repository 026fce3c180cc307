"""The HTML-to-text helper shared by the Hacker News and Disqus readers."""

from __future__ import annotations

import pytest

from dynamics.io._html import html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("It&#x27;s &quot;fine&quot; &gt; ok", 'It\'s "fine" > ok'),
        ("one<p>two<p>three", "one\n\ntwo\n\nthree"),
        ("<p>one</p>\n  <p>two</p>\n", "one\n\ntwo"),
        ('see <a href="https://x.org/a" rel="nofollow">x.org/a</a>.', "see x.org/a."),
        ("<i>really</i> <b>bold</b>", "really bold"),
        ("a<br>b<br/>c", "a\nb\nc"),
        (
            "code:<p><pre><code>  x = 1\n    y = 2\n</code></pre>after",
            "code:\n\n  x = 1\n    y = 2\n\nafter",
        ),
        ("<blockquote>quoted</blockquote>reply", "quoted\n\nreply"),
        ("a  lot\nof   space", "a lot of space"),
        ("a < b and c > d", "a < b and c > d"),
        ("<p>unclosed <i>tags", "unclosed tags"),
        ("", ""),
        (None, None),
    ],
)
def test_html_to_text(html: str | None, text: str | None) -> None:
    assert html_to_text(html) == text
