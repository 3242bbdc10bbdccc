"""html_to_text and canonical_link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warn.core.clean import canonical_link, html_to_text

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "clean"


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.html")), ids=lambda p: p.stem)
def test_golden_html(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert html_to_text(path.read_text(encoding="utf-8")) == expected["text"]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hello <b>world</b></p><p>again</p>", "Hello world again"),
        ("a<script>alert(1)</script>b<style>p{}</style>c<iframe>x</iframe>d", "abcd"),
        ("Tom &amp; Jerry &lt;3 &#8220;q&#8221; &nbsp;end", "Tom & Jerry <3 \u201cq\u201d end"),
        ("line<br>break<br/>twice", "line break twice"),
        ("<li>one</li><li>two</li>", "one two"),
        ("5 < 6 and AT&T", "5 < 6 and AT&T"),
        ("unclosed <b>bold <i>italic", "unclosed bold italic"),
        ("   plain\n\ttext  ", "plain text"),
        ("Troops fired on the crowd. Continue reading...", "Troops fired on the crowd."),
        ("Troops fired. <a href='x'>Read more &raquo;</a>", "Troops fired."),
        ("Troops fired on the crowd Read more", "Troops fired on the crowd"),
        ("Fighting resumed [&#8230;]", "Fighting resumed"),
        ("I would like to read more books", "I would like to read more books"),
        (
            "The post office appeared first on the list.",
            "The post office appeared first on the list.",
        ),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_wordpress_footer_removed() -> None:
    html = (
        "<p>Aid convoys were blocked again.</p>"
        '<p>The post <a href="https://x.org/a">Convoys blocked</a> appeared first on '
        '<a href="https://x.org">Relief Weekly</a>.</p>'
    )
    assert html_to_text(html) == "Aid convoys were blocked again."


def test_max_chars_cuts_at_a_word() -> None:
    assert html_to_text("alpha beta gamma delta", max_chars=13) == "alpha beta"
    assert len(html_to_text("<p>" + "word " * 10_000 + "</p>", max_chars=100)) <= 100


@given(st.text())
def test_html_to_text_never_raises(text: str) -> None:
    assert isinstance(html_to_text(text), str)


@given(
    st.lists(
        st.sampled_from(
            [
                "<",
                ">",
                "<!",
                "<![",
                "<?",
                "</",
                "&",
                "&#",
                ";",
                "a",
                " ",
                "CDATA[",
                "-->",
                "<!--",
                "<script>",
                "</p>",
                'x="',
            ]
        )
    ).map("".join)
)
def test_html_to_text_survives_markup_fragments(text: str) -> None:
    result = html_to_text(text, max_chars=50)
    assert isinstance(result, str)
    assert len(result) <= 50


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://News.Example.COM:443/a/b?utm_source=rss&id=5&fbclid=x&CMP=abc#frag",
            "https://news.example.com/a/b?id=5",
        ),
        (
            "https://www.bbc.co.uk/news/world-1?at_medium=RSS&at_campaign=rss",
            "https://www.bbc.co.uk/news/world-1",
        ),
        ("http://x.org:80", "http://x.org/"),
        ("http://x.org:8080/p", "http://x.org:8080/p"),
        ("https://x.org/p?b=2&a=1&ref=rss", "https://x.org/p?b=2&a=1"),
        ("https://x.org/p?ref=main", "https://x.org/p?ref=main"),
        ("https://x.org/p?q=a%20b&xtor=RSS-1&ocid=u", "https://x.org/p?q=a%20b"),
        ("  https://x.org/p?mc_cid=1&mc_eid=2  ", "https://x.org/p"),
        ("ftp://x.org/file", None),
        ("javascript:alert(1)", None),
        ("mailto:a@b.org", None),
        ("not a url", None),
        ("http://[broken", None),
        ("", None),
        (None, None),
    ],
)
def test_canonical_link(url: str | None, canonical: str | None) -> None:
    assert canonical_link(url) == canonical


@given(st.text())
def test_canonical_link_never_raises(text: str) -> None:
    result = canonical_link(text)
    assert result is None or result.startswith(("http://", "https://"))


@given(st.text())
def test_canonical_link_is_idempotent(text: str) -> None:
    once = canonical_link(f"https://example.org/{text}")
    assert once is None or canonical_link(once) == once
