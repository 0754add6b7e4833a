"""Videos and audios in the EPUB: pandoc reads no raw HTML, so each archived player goes to
it as a numbered marker (`<div class="octavo-media" id="octavo-media-3">` holding its
placeholder), and the finished book gets the player in the marker's place, its files in
`EPUB/media/` and listed in the OPF.

What EPUB 3.3 allows decides what goes in (§3.2 core media types, §3.4 exempt resources,
§3.5.2.1 audio and video fallbacks): video from any container is exempt from fallbacks, and
so are WebVTT tracks; audio must be one of the core types (MP3, AAC in MP4, Opus in Ogg),
so a source of another type (WAV, FLAC, Vorbis) is left out of the book, and a player left
with no source stays its placeholder, with a warning (the HTML and Markdown still link
the archived copy). The poster goes in as its embedding copy (a core image type,
convert/imaging.py). The player's fallback content is its placeholder, for reading systems
that cannot play it.
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from pathlib import Path

from lxml.etree import SubElement
from lxml.html import Element

from .. import imaging, media, mediatypes
from ..errors import warn
from ..resources import LEFT_OUT, by_src

MARKER = "octavo-media"
_MARKER = re.compile(r'<div id="octavo-media-(\d+)" class="octavo-media">.*?</div>', re.S)


def marker(players: list, locale):
    """`show` (convert/media.py) for the pandoc input: a numbered marker holding the
    placeholder; `players` collects the Players in the body's order."""
    def show(player: media.Player):
        div = Element("div", {"class": MARKER, "id": f"{MARKER}-{len(players)}"})
        players.append(player)
        SubElement(div, "p").text = locale.placeholder(player.description, player.tag)
        return div
    return show


def players_of(doc) -> list[media.Player]:
    """The document's archived players, numbered as `marker` numbered them for pandoc."""
    players: list[media.Player] = []
    media.place(doc.body, by_src(doc), marker(players, doc.locale), lambda r: r.path or r.src,
                doc.meta.site_url)
    return players


class Package:
    """The files the players add to the book (name under EPUB/ → bytes, media type)."""

    def __init__(self):
        self.files: dict[str, tuple[bytes, str]] = {}

    def add(self, data: bytes, media_type: str, suffix: str) -> str:
        """The file's href from a chapter (`../media/octavo-….mp4`), added once."""
        name = f"media/{MARKER}-{hashlib.sha256(data).hexdigest()[:20]}{suffix}"
        self.files.setdefault(name, (data, media_type))
        return f"../{name}"

    def manifest(self) -> str:
        return "".join(f'    <item id="{Path(name).stem}" href="{name}" media-type="{escape(kind)}" />\n'
                       for name, (_, kind) in sorted(self.files.items()))


def playable(resource) -> bool:
    """In the book without a fallback: any video (exempt), audio of a core type."""
    return resource.media_type.startswith("video/") or resource.media_type in mediatypes.EPUB_CORE_AUDIO


def xhtml(player: media.Player, package: Package, locale, path: str) -> str:
    """The player as XHTML for a chapter, its files added to `package`; its placeholder
    alone, with a warning, when none of its sources may be in an EPUB."""
    fallback = f"<p>{escape(locale.placeholder(player.description, player.tag))}</p>"
    sources = [r for r in player.sources if playable(r)]
    for resource in player.sources:
        if resource not in sources:
            warn(path, f"EPUB: {resource.url} ({resource.media_type}) left out of the book: not an EPUB 3 "
                       "core audio type; the archived copy is linked", kind=LEFT_OUT)
    if not sources:
        return fallback
    attributes = ' controls="controls"'
    if player.poster is not None:
        data, media_type = imaging.for_embedding(Path(player.poster.file).read_bytes(), player.poster.media_type)
        attributes += f' poster="{package.add(data, media_type, imaging.SUFFIXES[media_type])}"'
    inner = []
    for resource in sources:
        href = package.add(Path(resource.file).read_bytes(), resource.media_type,
                           mediatypes.SUFFIXES[resource.media_type])
        inner.append(f'<source src="{href}" type="{escape(resource.media_type)}" />')
    for track_attributes, resource in player.tracks:
        href = package.add(Path(resource.file).read_bytes(), "text/vtt", ".vtt")
        extra = "".join(f' {name}="{escape(value or name)}"' for name, value in sorted(track_attributes.items()))
        inner.append(f'<track src="{href}"{extra} />')
    return f"<{player.tag}{attributes}>{''.join(inner)}{fallback}</{player.tag}>"


def put_in(files: dict[str, bytes], doc) -> dict[str, bytes]:
    """The book's files (name → bytes) with each marker replaced by its player, the players'
    files added and listed in the OPF."""
    players = players_of(doc)
    if not players:
        return files
    package = Package()
    done = {}
    for name, data in files.items():
        if name.startswith("EPUB/text/") and MARKER.encode() in data:
            text = _MARKER.sub(lambda m: xhtml(players[int(m.group(1))], package, doc.locale,
                                               doc.meta.source_path), data.decode("utf-8"))
            data = text.encode("utf-8")
        done[name] = data
    opf = "EPUB/content.opf"
    done[opf] = done[opf].decode("utf-8").replace("  </manifest>", package.manifest() + "  </manifest>").encode("utf-8")
    for name, (data, _) in sorted(package.files.items()):
        done[f"EPUB/{name}"] = data
    return done
