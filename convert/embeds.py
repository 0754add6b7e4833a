"""Embedded players → a figure that links to what they showed.

An archive cannot play a YouTube frame, a video file or a CodePen demo, and the allowlist
would remove a frame with everything in it. Before sanitizing, each iframe, video, audio,
object or embed becomes `<figure class="embed">`: a link to each URL it showed (the public
page where the player URL has a known form: YouTube, Vimeo, CodePen…), its fallback text,
and its title as the caption; a warning of kind `embed` names the URL. Never a live frame,
never nothing. So does a `<script>` that writes a work into the page (a gist's code:
SCRIPT_FORMS); other scripts only run the page and go with the allowlist. A `<video>` or `<audio>` that names its files also keeps a plain copy of itself
at the figure's start (sources, poster, tracks; nothing else): its files may be archived
(convert/resources.py), and convert/media.py then shows it as each format can, or removes it;
convert/resources.py, not this module, names the files that could not be archived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, urlsplit

from lxml.etree import Element, SubElement
from lxml.html import fragment_fromstring, fragments_fromstring, tostring

from .sanitize import REMOVED, check_nesting

PLAYERS = ("iframe", "video", "audio", "object", "embed")
"""The elements that embed something played rather than read."""
_FOUND = re.compile(r"<(?:iframe|video|audio|object|embed|script\b[^>]*\bsrc)\b", re.I)
_VOID = ("embed", "source", "track", "param")
"""Void elements lxml's HTML 4 parser does not know: it nests what follows them inside."""
_INNER = ("source", "track", "param")
"""What a player holds that is not its fallback: where to play from, never text."""
_PARAM_URL = {"movie", "src", "url", "filename", "data"}
"""<param name=…> values that are the object's source (Flash players of old embeds)."""
_PHRASING = {"p", "a", "span", "em", "strong", "b", "i", "u", "s", "small", "big", "font", "label",
             "sub", "sup", "mark", "abbr", "cite", "q", "code", "kbd", "del", "ins", "tt"}
"""Elements a figure may not stand in: the player is moved out of them, splitting them."""
_BLANK = re.compile(r"\s*about:", re.I)
"""`about:blank`, the placeholder of a player loaded later by script: no URL at all."""
MEDIA = ("video", "audio")
"""Players whose files Octavo can archive: they keep a plain copy of themselves (_media)."""
_TRACK_KINDS = {"subtitles", "captions", "descriptions", "chapters", "metadata"}
"""HTML's `<track kind>` values; any other is read as `subtitles`, as browsers do."""
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+(?:\s*;\s*codecs\s*=\s*\"?[\w., +-]*\"?)?$", re.I)
"""A `<source type>` kept: a media type with at most a `codecs` parameter."""
MAX_SHOWN = 120
"""A longer URL (a data: URL) is named by its start in the text and the warning."""


@dataclass(frozen=True)
class PageForm:
    """A player URL with a known public page: `pattern` matches host + path, `page` is the
    page's URL from the pattern's groups and the query's values; `start` adds a start time."""

    pattern: re.Pattern
    page: str
    start: str = ""


PAGE_FORMS = [
    PageForm(re.compile(r"(?:www\.|m\.)?youtube(?:-nocookie)?\.com/embed/videoseries"),
             "https://www.youtube.com/playlist?list={list}"),
    PageForm(re.compile(r"(?:www\.|m\.)?youtube(?:-nocookie)?\.com/(?:embed|v)/(?P<id>[\w-]{6,})/?"),
             "https://www.youtube.com/watch?v={id}", "&t={start}s"),
    PageForm(re.compile(r"player\.vimeo\.com/video/(?P<id>\d+)/?"), "https://vimeo.com/{id}"),
    PageForm(re.compile(r"codepen\.io/(?P<user>[\w-]+)/embed/(?:preview/)?(?P<id>\w+)/?"),
             "https://codepen.io/{user}/pen/{id}"),
    PageForm(re.compile(r"(?:www\.)?dailymotion\.com/embed/video/(?P<id>\w+)/?"),
             "https://www.dailymotion.com/video/{id}"),
    PageForm(re.compile(r"player\.bilibili\.com/player\.html"), "https://www.bilibili.com/video/{bvid}"),
    PageForm(re.compile(r"v\.qq\.com/txp/iframe/player\.html"), "https://v.qq.com/x/page/{vid}.html"),
    PageForm(re.compile(r"player\.youku\.com/embed/(?P<id>[\w=]+)/?"), "https://v.youku.com/v_show/id_{id}.html"),
    PageForm(re.compile(r"open\.spotify\.com/embed/(?P<kind>track|album|playlist|episode|show|artist)/(?P<id>\w+)/?"),
             "https://open.spotify.com/{kind}/{id}"),
    PageForm(re.compile(r"jsfiddle\.net/(?P<path>[\w-]+(?:/[\w-]+)*?)/embedded(?:/.*)?"), "https://jsfiddle.net/{path}/"),
]
"""Player URLs whose public page is known: the page is what a reader can still open."""

SCRIPT_FORMS = [
    PageForm(re.compile(r"gist\.github\.com/(?P<path>(?:[\w-]+/)?\w+)\.js"), "https://gist.github.com/{path}"),
    PageForm(re.compile(r"asciinema\.org/a/(?P<id>\w+)\.js"), "https://asciinema.org/a/{id}"),
    PageForm(re.compile(r"pastebin\.com/embed_js/(?P<id>\w+)"), "https://pastebin.com/{id}"),
]
"""Scripts that write a work into the page, and that work's page: the script itself is code
the allowlist removes, so without its page the work would vanish without a word."""


def page_url(url: str) -> str:
    """The public page of a player URL when its form is known, else the URL itself.

    `https://www.youtube-nocookie.com/embed/l2Of1-d5E5o?controls=0` → `https://www.youtube.com/watch?v=l2Of1-d5E5o`;
    `//player.vimeo.com/video/97649261` → `https://vimeo.com/97649261`.
    """
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    return _known_page(url, PAGE_FORMS) or url


def script_page(url: str) -> str | None:
    """The page of the work a script writes into the page, or None for any other script.

    `https://gist.github.com/ada/77c6.js` → `https://gist.github.com/ada/77c6`;
    `//platform.twitter.com/widgets.js` → None.
    """
    url = url.strip()
    return _known_page("https:" + url if url.startswith("//") else url, SCRIPT_FORMS)


def _known_page(url: str, forms: list[PageForm]) -> str | None:
    """The page one of `forms` makes of a web URL, or None (no form matches, or a value the
    page needs is missing from the URL)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    where = (parts.hostname or "") + parts.path
    for form in forms:
        match = form.pattern.fullmatch(where)
        if not match:
            continue
        values = {**query, **{k: v for k, v in match.groupdict().items() if v}}
        try:
            page = form.page.format(**values)
        except KeyError:
            return None
        start = values.get("start") or values.get("t")
        if form.start and start and start.isdigit():
            page += form.start.format(start=start)
        return page
    return None


def to_figures(html: str) -> tuple[str, list[str]]:
    """Replace each player in rendered HTML by `<figure class="embed">`; returns the HTML and
    one warning message per player (none for a video or audio naming its files, whose
    archiving convert/resources.py reports). Raises sanitize.NestingError for markup nested
    too deep.

    `<iframe src="https://player.vimeo.com/video/1" title="Film"></iframe>` →
    `<figure class="embed"><p><a href="https://vimeo.com/1">https://vimeo.com/1</a></p><figcaption>Film</figcaption></figure>`.
    """
    if not _FOUND.search(html):
        return html, []
    check_nesting(html)
    root = fragment_fromstring(html, create_parent="div")
    _unnest_voids(root)
    players = _outermost_players(root)
    if not players:   # only scripts that run the page: the allowlist takes them
        return html, []
    messages = []
    for player in players:
        figure, message = _figure(player)
        _lift(player)
        if figure is None:
            _remove(player)
        else:
            figure.tail, player.tail = player.tail, None
            player.getparent().replace(player, figure)
        if message:
            messages.append(message)
    return (escape(root.text or "", quote=False)
            + "".join(tostring(child, encoding="unicode") for child in root)), messages


def _unnest_voids(root) -> None:
    """Give void elements' children and text back to their parent (lxml nests what follows
    an <embed> or <source> inside it; an HTML5 parser never does)."""
    for void in reversed(list(root.iter(*_VOID))):
        if not len(void) and not void.text:
            continue
        children, text, tail = list(void), void.text, void.tail
        void.text = None
        void.tail = text
        anchor = void
        for child in children:
            anchor.addnext(child)
            anchor = child
        anchor.tail = (anchor.tail or "") + (tail or "")


def _outermost_players(root) -> list:
    """Players not inside another player, nor inside an element the allowlist removes with
    its content (sanitize names that text)."""
    found = []
    for player in root.iter(*PLAYERS, "script"):
        if player.tag == "script" and not script_page(player.get("src") or ""):
            continue
        ancestors = {a.tag for a in player.iterancestors()}
        if not ancestors & (set(PLAYERS) | REMOVED):
            found.append(player)
    return found


def _urls(player) -> list[str]:
    """Every URL the player (and any player or source inside it) would load, in order, once."""
    urls = []
    for tag in player.iter():
        if tag.tag in ("iframe", "embed", "video", "audio", "source", "track"):
            urls += [tag.get("src"), tag.get("data-src")]   # data-src: a lazily loaded player's
        elif tag.tag == "object":
            urls.append(tag.get("data"))
        elif tag.tag == "script":
            urls.append(script_page(tag.get("src")))
        elif tag.tag == "param" and (tag.get("name") or "").lower() in _PARAM_URL:
            urls.append(tag.get("value"))
    return list(dict.fromkeys(page_url(u) for u in urls if u and u.strip() and not _BLANK.match(u)))


def _fallback(player) -> list:
    """What the player shows a reader who cannot play it: its content (an iframe's is raw
    text, parsed here; `srcdoc` is the document it showed), without sources and players."""
    parts = []
    for markup in (player.get("srcdoc"), player.text if player.tag == "iframe" else None):
        if markup and markup.strip():
            parts += fragments_fromstring(markup)
    if player.tag == "script":   # its text is code, not a fallback
        return parts
    if player.tag != "iframe":
        if player.text and player.text.strip():
            parts.insert(0, player.text)
        for child in player:
            if child.tag in _INNER or child.tag in PLAYERS:
                if child.tail and child.tail.strip():
                    parts.append(child.tail)
                continue
            parts.append(child)
    return parts


def _linkable(url: str) -> bool:
    """A web address or a path on the post's site: what the allowlist keeps as a link."""
    scheme = urlsplit(url).scheme.lower()
    return scheme in ("http", "https") or (not scheme and not url.startswith("//"))


def _shown(url: str) -> str:
    return url if len(url) <= MAX_SHOWN else url[:MAX_SHOWN] + "…"


def _src(element) -> str | None:
    """The element's `src` when a file could be archived from it (a web or site path)."""
    src = (element.get("src") or "").strip()
    return src if src and not _BLANK.match(src) and _linkable(src) else None


def _media(player):
    """A plain copy of a `<video>`/`<audio>` naming its files (`src`, each `<source src type>`,
    `poster`, each `<track>` with kind, srclang, label, default), or None when it names none."""
    sources = [s for s in player.iter("source") if _src(s)]
    if player.tag not in MEDIA or not (_src(player) or sources):
        return None
    media = Element(player.tag, {"controls": ""})
    if _src(player):
        media.set("src", _src(player))
    poster = (player.get("poster") or "").strip()
    if player.tag == "video" and poster and _linkable(poster):
        media.set("poster", poster)
    for source in sources:
        kept = SubElement(media, "source", {"src": _src(source)})
        if _MEDIA_TYPE.match((source.get("type") or "").strip()):
            kept.set("type", source.get("type").strip())
    for track in player.iter("track"):
        if _src(track):
            kept = SubElement(media, "track", {"src": _src(track)})
            kind = (track.get("kind") or "subtitles").strip().lower()
            kept.set("kind", kind if kind in _TRACK_KINDS else "subtitles")
            for name in ("srclang", "label"):
                if (track.get(name) or "").strip():
                    kept.set(name, " ".join(track.get(name).split()))
            if track.get("default") is not None:
                kept.set("default", "")
    return media


def _figure(player):
    """(the figure standing for the player, or None when it showed nothing, and the warning,
    or None when the player is a video or audio whose files convert/resources.py names)."""
    urls, fallback = _urls(player), _fallback(player)
    title = " ".join((player.get("title") or player.get("aria-label") or "").split())
    figure = Element("figure", {"class": "embed"})
    media = _media(player)
    if media is not None:
        figure.append(media)
    for url in urls:
        line = SubElement(figure, "p")
        if _linkable(url):
            SubElement(line, "a", {"href": url}).text = _shown(url)
        else:   # file:, javascript:, data:… the allowlist would drop the link: name it as text
            line.text = _shown(url)
    if any(not isinstance(part, str) or part.strip() for part in fallback):
        holder = SubElement(figure, "div")
        for part in fallback:
            if isinstance(part, str):
                if len(holder):
                    holder[-1].tail = (holder[-1].tail or "") + part
                else:
                    holder.text = (holder.text or "") + part
            else:
                holder.append(part)
    if title:
        SubElement(figure, "figcaption").text = title
    named = f" {title!r}" if title else ""
    if not len(figure):
        return None, f"removed an embedded <{player.tag}>{named} that named no source and held no text"
    if not urls:
        return figure, f"embedded <{player.tag}>{named} named no source URL; its text is kept"
    if media is not None:
        return figure, None
    linked = all(_linkable(u) for u in urls)
    return figure, (f"embedded <{player.tag}>{named} kept as {'a link' if linked else 'text'}: "
                    + ", ".join(_shown(u) for u in urls))


def _lift(player) -> None:
    """Move the player out of paragraphs and inline elements (a figure cannot stand in them),
    splitting each: `<p>a<iframe></iframe>b</p>` → `<p>a</p><iframe></iframe><p>b</p>`."""
    while (parent := player.getparent()) is not None and parent.tag in _PHRASING \
            and parent.getparent() is not None:
        after = Element(parent.tag, dict(parent.attrib))
        after.text, player.tail = player.tail, None
        for sibling in list(player.itersiblings()):
            after.append(sibling)
        tail, parent.tail = parent.tail, None
        parent.addnext(player)
        if after.text or len(after):
            player.addnext(after)
            after.tail = tail
        else:
            player.tail = tail
        if not (parent.text or len(parent)):
            _remove(parent)


def _remove(element) -> None:
    """Remove an element, keeping its tail text in place."""
    parent, tail = element.getparent(), element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
