"""The allowlist: rendered HTML → safe HTML, keeping presentational meaning as classes.

Alignment that carries meaning (centered titles, right-aligned signatures) and hidden
paragraphs are turned into classes first; then nh3 (ammonia) drops everything not on
the allowlist: scripts, styles, frames, forms, event handlers, javascript:/data: URLs.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import unquote

import nh3
from lxml.etree import Element
from lxml.html import fragment_fromstring, tostring

TAGS = {
    "a", "abbr", "address", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "u", "ul", "video", "audio", "source", "track",
}
ATTRIBUTES = {
    "*": {"class", "id", "lang", "title"},
    "a": {"href", "name", "role"},
    "section": {"role"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
    "video": {"src", "poster", "controls"},
    "audio": {"src", "controls"},
    "source": {"src", "type"},
    "track": {"src", "kind", "srclang", "label", "default"},
}
URL_SCHEMES = {"http", "https", "mailto"}
REMOVED = {"script", "style", "iframe", "embed", "noscript", "head", "title", "template", "svg", "math",
           "select", "textarea"}
"""Elements removed with their content. Players (iframe, embed, video, audio, object) reach
the allowlist only inside one of these: convert/embeds.py has made the others figures (a
video or audio naming its files keeps a plain copy there: its sources, poster and tracks,
which the allowlist keeps). An <object> is not among them: were one to arrive, its content is
a fallback for readers."""
CODE = {"script", "style", "head", "title"}
"""Removed elements whose content is code or document metadata, not the post's text."""
_READABLE = REMOVED - CODE - {"embed"}
"""Removed elements whose text a reader could have read (<embed> is void: it has none, though
lxml's HTML 4 parser gives it the text that follows)."""
_REMOVED_TEXT = re.compile(r"<(?:%s)\b" % "|".join(sorted(_READABLE)), re.I)
_SAFE_ID = re.compile(r"^[\w:.-]{1,200}$")
"""Ids kept (author ids, kramdown header ids, footnote anchors): in-page links need them.
Letters of any script, digits, `_ : . -`; nothing an attribute, a URL fragment or an XML
name could trip on. De-duplicated by the rules (`unique_ids`)."""
_ROLES = {"doc-noteref", "doc-endnotes", "doc-backlink"}
"""The only ARIA roles kept: those of footnotes (pandoc reads notes back by them)."""


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: safe ids (and old `<a name>` anchors); roles only of footnotes."""
    if attribute in ("id", "name") and not _SAFE_ID.match(value):
        return None
    if attribute == "role" and value not in _ROLES:
        return None
    return value

_ALIGN = re.compile(r"text-align\s*:\s*(center|right|middle)", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PRESENTATIONAL = ("style", "align")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_NOT_NESTING = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot", "rt", "rp",
}
"""Void elements, and elements whose end tag is optional (HTML parsers close them implicitly)."""
MAX_DEPTH = 256
"""Deeper markup is hostile (html5ever's tree building is quadratic in depth)."""


class NestingError(ValueError):
    """The markup nests deeper than MAX_DEPTH elements."""


def check_nesting(html: str, limit: int = MAX_DEPTH) -> None:
    """Raise NestingError when elements nest deeper than `limit` (a linear scan, no parsing)."""
    if html.count("<") <= limit:  # every level opens with a "<": too few to nest that deep
        return
    depth = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _NOT_NESTING:
            continue
        depth += -1 if closing else 1
        if depth > limit:
            line = html.count("\n", 0, match.start()) + 1
            raise NestingError(f"markup nested deeper than {limit} elements (rendered line {line})")


def mark_presentation(html: str) -> str:
    """Turn meaningful presentation into classes: centered, right, hidden.

    `<p style="text-align:center;">` → `<p class="centered">`;
    `<p align=right>` → `<p class="right">`; `<center>x</center>` → `<div class="centered">x</div>`;
    `<p style="display:none">` → `<p class="hidden">`.
    """
    lowered = html.lower()
    if "style" not in lowered and "align" not in lowered and "<center" not in lowered and "hidden" not in lowered:
        return html
    root = fragment_fromstring(html, create_parent="div")
    for tag in root.iter(Element):
        style = tag.get("style", "")
        align = _ALIGN.search(style)
        value = (align.group(1) if align else tag.get("align", "")).lower()
        added = []
        if tag.tag == "center" or value in ("center", "middle"):
            added.append("centered")
        elif value == "right":
            added.append("right")
        if _HIDDEN.search(style) or tag.get("hidden") is not None:
            added.append("hidden")
        if tag.tag == "center":
            tag.tag = "div"
        if added:
            tag.set("class", " ".join([*tag.get("class", "").split(), *added]))
        for attr in _PRESENTATIONAL:
            tag.attrib.pop(attr, None)
    return (escape(root.text or "", quote=False)
            + "".join(tostring(child, encoding="unicode") for child in root))


_SRCSET = re.compile("srcset", re.I)
_CANDIDATE = re.compile(r"\s*(\S+?)(?:\s+(\d+(?:\.\d+)?)[wx])?\s*(?:,|$)")


def srcset_as_src(html: str) -> str:
    """An <img> without a src takes the largest candidate of its srcset, or of its
    <picture>'s first <source srcset>: the allowlist keeps no srcset, and the image would go
    with its URL (then it is archived or a placeholder naming the URL, as any image).

    `<img srcset="a.png 1x, b.png 2x" alt="图">` → `<img srcset="a.png 1x, b.png 2x" alt="图" src="b.png">`.
    """
    if not _SRCSET.search(html):
        return html
    root = fragment_fromstring(html, create_parent="div")
    for img in root.iter("img"):
        if (img.get("src") or "").strip():
            continue
        picture = next(img.iterancestors("picture"), None)   # lxml may nest it in a <source>
        sources = [img.get("srcset")] + ([s.get("srcset") for s in picture.iter("source")] if picture is not None else [])
        srcset = next((value for value in sources if value and value.strip()), None)
        if srcset:
            candidates = [(float(size or 1), url) for url, size in _CANDIDATE.findall(srcset) if url]
            if candidates:
                img.set("src", max(candidates, key=lambda c: c[0])[1])
    return (escape(root.text or "", quote=False)
            + "".join(tostring(child, encoding="unicode") for child in root))


def removed(html: str) -> list[str]:
    """What `clean` will remove that a reader could have read, one line each.

    `<noscript>请启用脚本</noscript>` → `["removed <noscript> and its text: '请启用脚本'"]`;
    scripts and styles are code and go without a word.
    """
    if not _REMOVED_TEXT.search(html):
        return []
    root = fragment_fromstring(html, create_parent="div")
    lines = []
    for tag in root.iter(*_READABLE):
        if any(parent.tag in REMOVED for parent in tag.iterancestors()):
            continue
        text = " ".join(tag.text_content().split())
        if text:
            quoted = text if len(text) <= 300 else text[:300] + "…"
            lines.append(f"removed <{tag.tag}> and its text: {quoted!r}")
    return lines


_CLEANER = nh3.Cleaner(
    tags=TAGS,
    attributes=ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    clean_content_tags=REMOVED,
    strip_comments=True,
    link_rel=None,
    attribute_filter=_keep_attribute,
)
"""The allowlist built once: nh3.clean() builds it again on every call, half of its time."""


_SPAN = re.compile(r"<span\b([^>]*)>|</span>")
_MATH_SPAN = re.compile(r'\bclass="math (?:inline|display)"')
_SPAN_ID = re.compile(r'\bid="([^"]*)"')
_FRAGMENT = re.compile(r'href="#([^"]+)"')


def unwrap_spans(html: str) -> str:
    """Spans are presentation (a news site's stock tickers), except math (`<span class="math
    inline">` holds TeX) and a span some link of the post points to (`<span id>`): others
    leave, their content kept.

    `<p><span id="q">甲</span><span class="math inline">\\(x\\)</span></p>` →
    `<p>甲<span class="math inline">\\(x\\)</span></p>`.
    """
    if "<span" not in html:
        return html
    targets = {unquote(m) for m in _FRAGMENT.findall(html)} if 'href="#' in html else set()
    kept: list[bool] = []

    def replace(match: re.Match) -> str:
        if match.group(0) == "</span>":
            return "</span>" if kept and kept.pop() else ""
        ident = _SPAN_ID.search(match.group(1))
        keep = bool(_MATH_SPAN.search(match.group(1)) or (ident and ident.group(1) in targets))
        kept.append(keep)
        return match.group(0) if keep else ""

    return _SPAN.sub(replace, html)


def clean(html: str) -> str:
    """Sanitize rendered HTML against the allowlist, after keeping alignment as classes.

    Raises NestingError for markup nested deeper than MAX_DEPTH.
    """
    check_nesting(html)
    return unwrap_spans(_CLEANER.clean(mark_presentation(srcset_as_src(html))))
