"""The one media policy: a post's video or audio plays from its archived copies, or is left
as the links its figure holds (convert/embeds.py made the figure; convert/resources.py
archived the files and named those it could not).

A player with at least one archived source is shown the way its writer can (`show`): the
HTML keeps a `<video controls>`/`<audio controls>` on the copies (`player`), the PDF and the
Markdown show its poster, or a placeholder naming it (`still`), and the EPUB puts the
player in after pandoc (convert/writers/epub.py). In every format the figure's links to
archived files point at their copies, their text still the original URL. A player with
no archived source is removed: its figure keeps the links to where the files were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urljoin, urlsplit

from lxml.html import Element

from . import fragment
from .locales import Locale
from .resources import IMAGE, TRACK, Resource

PLAYERS = ("video", "audio")


@dataclass
class Player:
    """What a player of the body plays, every file archived: the writers' `show` reads it."""

    tag: str
    """`video` or `audio`."""
    sources: list[Resource]
    """Its archived files, in the body's order (the player's `src` first)."""
    poster: Resource | None = None
    """A video's archived poster image."""
    tracks: list[tuple[dict, Resource]] = field(default_factory=list)
    """Its archived `<track>`s: (kind, srclang, label, default attributes; the file)."""
    description: str = ""
    """Its figure's caption, else empty."""
    poster_src: str = ""
    """The poster's `src` as the body has it (what the image policy looks up)."""


def place(body: str, resources: dict[str, Resource], show: Callable, link_for: Callable,
          site_url: str | None = None) -> str:
    """Replace each player of `body` by `show(Player)` (an lxml element), or remove it when
    none of its files was archived; the links of its figure to archived files (as
    rules.chrome.resolve_links made them, on `site_url`) go to `link_for(resource)`."""
    if "<video" not in body and "<audio" not in body:
        return body
    links = links_to(resources, site_url)
    root = fragment.parse(body)
    for element in list(root.iter(*PLAYERS)):
        player = _player(element, resources)
        if player is None:
            _replace(element, None)
            continue
        figure = element.getparent()
        if figure is not None and figure.tag == "figure":
            for link in figure.iter("a"):
                resource = links.get((link.get("href") or "").strip())
                if resource is not None:
                    link.set("href", link_for(resource))
        _replace(element, show(player))
    return fragment.serialize(root)


def links_to(resources: dict[str, Resource], site_url: str | None) -> dict[str, Resource]:
    """Archived media files by each form a link to them takes: as the player names them,
    and resolved on the site's URL (rules.chrome.resolve_links)."""
    base = (site_url or "").rstrip("/") + "/"
    links = {}
    for src, resource in resources.items():
        if resource.archived and resource.kind != IMAGE:
            links[src] = resource
            if site_url and not urlsplit(src).scheme and not src.startswith("//"):
                links.setdefault(urljoin(base, src), resource)
    return links


def _player(element, resources: dict[str, Resource]) -> Player | None:
    """The player's archived files, or None when no source was archived."""
    def archived(src, kinds):
        resource = resources.get((src or "").strip())
        return resource if resource is not None and resource.archived and resource.kind in kinds else None

    media = (element.tag,)
    sources = [archived(element.get("src"), media)] + [archived(s.get("src"), media) for s in element.iter("source")]
    sources = list(dict.fromkeys(r for r in sources if r is not None))
    if not sources:
        return None
    tracks = []
    for track in element.iter("track"):
        resource = archived(track.get("src"), (TRACK,))
        if resource is not None:
            tracks.append(({k: v for k, v in track.attrib.items() if k in ("kind", "srclang", "label", "default")},
                           resource))
    poster = archived(element.get("poster"), (IMAGE,)) if element.tag == "video" else None
    figure = element.getparent()
    caption = figure.find("figcaption") if figure is not None and figure.tag == "figure" else None
    description = " ".join(caption.text_content().split()) if caption is not None else ""
    return Player(element.tag, sources, poster, tracks, description,
                  (element.get("poster") or "").strip() if poster else "")


def player(link_for: Callable) -> Callable:
    """`show` for a page that plays: `<video controls>` / `<audio controls>` on the copies."""
    def show(player: Player):
        element = Element(player.tag, {"controls": ""})
        if player.poster is not None:
            element.set("poster", link_for(player.poster))
        for resource in player.sources:
            element.append(Element("source", {"src": link_for(resource), "type": resource.media_type}))
        for attributes, resource in player.tracks:
            element.append(Element("track", {**attributes, "src": link_for(resource)}))
        return element
    return show


def still(locale: Locale) -> Callable:
    """`show` for a page that cannot play: the poster (an `<img>` the image policy then
    places), else a placeholder naming the video or audio: ［视频：说明］ / [Audio: description]."""
    def show(player: Player):
        if player.poster is not None:
            return Element("img", {"src": player.poster_src, "alt": player.description or locale.label(player.tag)})
        return placeholder(player, locale)
    return show


def placeholder(player: Player, locale: Locale):
    """A paragraph naming the player in the Locale's words: `[Video: A blue square]`."""
    stand_in = Element("p", {"class": "media-placeholder"})
    stand_in.text = locale.placeholder(player.description, player.tag)
    return stand_in


def _replace(element, replacement) -> None:
    """Put `replacement` (or nothing) where `element` is, keeping its tail."""
    parent, tail = element.getparent(), element.tail
    if replacement is not None:
        replacement.tail = tail
        parent.replace(element, replacement)
        return
    previous = element.getprevious()
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
