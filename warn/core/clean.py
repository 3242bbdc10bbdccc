"""Turn feed HTML into plain text and links into canonical links.

Both functions are total: any ``str`` goes in, a value comes out, nothing raises.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urlsplit, urlunsplit

#: Elements whose contents are never text a reader sees.
_SKIP = frozenset({"script", "style", "iframe", "noscript", "template", "svg", "object", "head"})
#: Elements that separate words: their edges become a space.
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "img", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot",
    "th", "thead", "title", "tr", "ul"
})  # fmt: skip
_TAG = re.compile(r"<[^>]*>?")
#: Feed boilerplate that trails the real summary: (cheap lower-case needles, exact pattern).
#: Applied repeatedly to the last ~700 characters; a pattern runs only if a needle is there.
_TAILS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    # WordPress: "The post <title> appeared first on <site>." after the excerpt.
    (
        ("appeared first on",),
        re.compile(
            r"(?<=[.!?…\]\"”])\s*The post .{1,400}? appeared first on .{1,200}?$", re.DOTALL
        ),
    ),
    # "Continue reading <title> →" after a finished sentence (or alone).
    (
        ("continue reading", "read more", "read the full", "read full"),
        re.compile(
            r"(?:^|(?<=[.!?…\]»”\"')]))\s*\(?(?:continue reading|read more|read the full "
            r"(?:story|article)|read full (?:story|article))\b[^.!?]{0,200}?"
            r"(?:\.{3}|…|→|»|›|>>|\))?\s*$",
            re.IGNORECASE,
        ),
    ),
    # A bare "Read more »" link glued to the last sentence.
    (
        ("continue reading", "read more"),
        re.compile(
            r"\s*\b(?:Read [Mm]ore|READ MORE|Continue [Rr]eading)\s*(?:\.{3}|…|→|»|›|>>)?\s*$"
        ),
    ),
    (("]", "(more"), re.compile(r"\s*(?:\[(?:…|\.\.\.)\]|\(more…\)|\(more\.\.\.\))\s*$")),
)


class _TextParser(HTMLParser):
    """Collects visible text, with a space at every block edge."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _extract(markup: str) -> str:
    parser = _TextParser()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:
        # The stdlib parser raises AssertionError on a few malformed declarations
        # ("<![bogus"); fall back to a blunt tag strip so one odd entry loses nothing.
        return html.unescape(_TAG.sub(" ", markup))
    return "".join(parser.parts)


def _strip_tails(text: str) -> str:
    """Drop trailing boilerplate; only the last ~700 characters are searched."""
    stripped = True
    while stripped:
        stripped = False
        window = max(0, len(text) - 700)
        end = text[window:].lower()
        for needles, tail in _TAILS:
            found = any(n in end for n in needles) and tail.search(text, window)
            if found:
                text, stripped = text[: found.start()].rstrip(), True
                break
    return text


def _truncate(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return (cut[:space] if space > max_chars // 2 else cut).rstrip()


def html_to_text(html_text: str, max_chars: int | None = None) -> str:
    """Visible text of an HTML fragment, whitespace collapsed, feed boilerplate removed.

    With ``max_chars``, the result is cut at a word boundary to at most that length
    (and only the first ``20 * max_chars`` characters of markup are parsed).
    """
    if max_chars is not None:
        html_text = html_text[: max(0, max_chars) * 20]
    if "<" in html_text:
        text = _extract(html_text)
    else:  # plain text, perhaps with entities: no need for the parser
        text = html.unescape(html_text) if "&" in html_text else html_text
    text = _strip_tails(" ".join(text.split()))
    return text if max_chars is None else _truncate(text, max(0, max_chars))


# -- links ---------------------------------------------------------------------------------

#: Query parameters that only say where a click came from (compared case-insensitively).
_TRACKING = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "li_fat_id", "mc_cid", "mc_eid", "ocid", "cmpid", "cmp", "at_medium", "at_campaign",
    "at_campaign_type", "at_creation", "at_platform", "at_ptr_name", "ns_mchannel", "ns_source",
    "ns_campaign", "ns_linkname", "ns_fee", "xtor", "_ga", "_gl", "igshid", "igsh", "spm", "ito",
    "ref_src", "ref_url", "smid", "smtyp", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "vero_conv",
    "oly_enc_id", "oly_anon_id", "wt_mc", "wt.mc_id", "__twitter_impression", "sr_share", "s_cid",
    "rss_id", "cid_source"
})  # fmt: skip
#: Values of ``ref``/``source`` that name a referrer rather than content.
_REFERRERS = frozenset({
    "rss", "feed", "feeds", "twitter", "tw", "x", "facebook", "fb", "linkedin", "reddit", "hn",
    "newsletter", "email", "mail", "share", "social", "homepage", "hp", "google", "bing", "yahoo",
    "msn", "flipboard"
})  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(pair: str) -> bool:
    key, _, value = pair.partition("=")
    key = unquote_plus(key).strip().lower()
    if key.startswith(("utm_", "at_custom", "pk_", "hmb_")) or key in _TRACKING:
        return True
    return key in {"ref", "source", "src"} and unquote_plus(value).strip().lower() in _REFERRERS


def _netloc(scheme: str, host: str, port: int | None, userinfo: str) -> str:
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return f"{userinfo}@{host}" if userinfo else host


def canonical_link(url: str | None) -> str | None:
    """The link without tracking parameters, fragment or default port; None if not http(s)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    # Components are stripped one by one: whitespace left before a dropped fragment or tracking
    # parameter would otherwise end up at the end of the URL (and a second pass would differ).
    pairs = (p.strip() for p in parts.query.split("&"))
    query = "&".join(p for p in pairs if p and not _is_tracking(p))
    netloc = _netloc(scheme, host.rstrip("."), port, userinfo)
    return urlunsplit((scheme, netloc, parts.path.strip() or "/", query, ""))
