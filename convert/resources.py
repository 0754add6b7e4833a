"""The resources a post uses (its images, and its videos' and audios' files), resolved once
per post before the writers.

Each `<img src>`, and each file a `<video>` or `<audio>` names (its `src`, `<source>`s,
`poster` and `<track>`s), becomes a `Resource`: the local file every writer uses (a copy in the
content-addressed store `OUTDIR/resources/`, or the site's own file when there is no
store), or the reason it was left out. The site's own files are always archived: a
site-root path (`/assets/a.png`), an absolute URL on the site's `url`, or a path relative
to the post, resolved inside the site root only (no `..` or symbolic link leading out).
Remote ones are fetched only with `--fetch-assets` (convert/remote.py). Each is checked for
what its element needs (an image, audio or video, WebVTT) and capped by kind (CAPS). What
was left out is named in one warning per post and kind; `Document.resources` is the
provenance.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .errors import PostWarning
from .site import site_for

if TYPE_CHECKING:
    from .model import Document
    from .settings import Settings

STORE = "resources"
"""The store's folder in OUTDIR: `resources/<sha256>.<ext>`, shared by every post."""
IMAGE, VIDEO, AUDIO, TRACK = "image", "video", "audio", "track"
"""What a resource is used as: an `<img>` or a poster, a video's or an audio's file, subtitles."""
MB = 1024 * 1024
CAPS = {IMAGE: (20 * MB, 30.0), VIDEO: (200 * MB, 300.0), AUDIO: (100 * MB, 300.0), TRACK: (1 * MB, 30.0)}
"""Kind → (largest file kept, in bytes, a site file or a fetched body; seconds one fetch may
take). Media are bigger than images: an hour of 192 kbit/s MP3 is 86 MB, a few minutes of
720p video about 100 MB; a fetched body is held in memory while it is checked and stored."""
OFFLINE = "offline-resource"
"""Warning kind for remote images not fetched because --fetch-assets was not given: by design."""
LEFT_OUT = "resource"
"""Warning kind for resources that could not be archived (a repair: --strict refuses it)."""
NOT_FETCHED = "not fetched (offline: --fetch-assets was not given)"


@dataclass(frozen=True)
class Resource:
    """One image or media file of a post: where it came from, and the local copy or why
    there is none."""

    src: str
    """The `src` as the body has it."""
    url: str
    """Where it came from: the remote URL, or the site file's path (relative to the site root)."""
    sha256: str | None = None
    """Of the bytes as found (the site's file, the server's body)."""
    path: str | None = None
    """The archived copy, relative to OUTDIR (`resources/<sha256>.png`); None without a store."""
    file: str | None = None
    """Absolute path of the bytes the writers embed (the store's copy, else the site's file)."""
    media_type: str | None = None
    status: int | None = None
    """The final HTTP status of a fetch (None for a site file)."""
    fetched: str | None = None
    """When it was fetched (ISO 8601, UTC), for a remote resource."""
    reason: str | None = None
    """Why it was left out (None when archived)."""
    origin: str | None = None
    """The site file it was copied from (absolute), which the cache re-checks."""
    kind: str = IMAGE
    """What the post uses it as: IMAGE (an `<img>` or a video's poster), VIDEO, AUDIO or TRACK."""

    @property
    def archived(self) -> bool:
        return self.reason is None and self.file is not None

    def record(self) -> dict:
        """The provenance entry for reports and archives (JSON-safe)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class Store:
    """The content-addressed folder of archived copies in OUTDIR; safe to share between
    processes (each file written once, atomically, named by its own sha256)."""

    def __init__(self, outdir: Path, run: str | None = None):
        self.outdir = Path(outdir)
        self.folder = self.outdir / STORE
        self.run = run or uuid.uuid4().hex
        """This batch's id: a fetch that failed is not tried again within it (convert/remote.py)."""

    def put(self, data: bytes, media_type: str) -> tuple[str, Path]:
        """Store `data`; its path relative to OUTDIR and its absolute path."""
        from . import imaging, mediatypes
        from .batch import atomic_write

        suffix = imaging.SUFFIXES.get(media_type) or mediatypes.SUFFIXES[media_type]
        name = hashlib.sha256(data).hexdigest() + suffix
        target = self.folder / name
        if not target.is_file():
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(target, data)
        return f"{STORE}/{name}", target.resolve()


def resolve(doc: Document, settings: Settings, store: Store | None = None) -> None:
    """Fill `doc.resources` for every image and media file of the body and warn about those
    left out."""
    sources = sources_of(doc.body)
    if not sources:
        return
    post = Path(doc.meta.source_path).resolve() if doc.meta.source_path else None
    site = site_for(post.parent) if post else None
    root = (site.root if site and site.root else post.parent if post else None)
    baseurl = "/" + str(site.config.get("baseurl") or "").strip("/") if site and site.root else "/"
    fetcher = None
    if settings.fetch_assets and store is not None:
        from .remote import Fetcher

        fetcher = Fetcher.for_store(store, settings)
    doc.resources = [_resolve_one(src, kind, doc.meta.site_url, baseurl, post, root, store, settings, fetcher)
                     for src, kind in sources.items()]
    _warn(doc)


def images_of(body: str):
    """The `<img>` elements of a body fragment (none parsed when the body has no image)."""
    from . import fragment   # here: the cache imports this module, and a rerun parses no body

    return list(fragment.parse(body).iter("img")) if "<img" in body else []


def sources_of(body: str) -> dict[str, str]:
    """Each `src` the body uses → what it is used as (the first use decides): `<img>`s and
    posters are images; a video's or audio's own `src` and `<source>`s its files; `<track>`s
    subtitles. Players are the plain copies convert/embeds.py left."""
    if "<img" not in body and "<video" not in body and "<audio" not in body:
        return {}
    from . import fragment   # here: the cache imports this module, and a rerun parses no body

    found: dict[str, str] = {}
    for element in fragment.parse(body).iter("img", "video", "audio"):
        if element.tag == "img":
            uses = [(element.get("src", ""), IMAGE)]
        else:
            uses = [(element.get("poster"), IMAGE), (element.get("src"), element.tag)]
            uses += [(child.get("src"), element.tag if child.tag == "source" else TRACK)
                     for child in element.iter("source", "track")]   # lxml may nest a track in a source
            uses = [(src, kind) for src, kind in uses if src and src.strip()]
        for src, kind in uses:
            if src is not None:
                found.setdefault(src.strip(), kind)
    return found


def _resolve_one(src, kind, site_url, baseurl, post, root, store, settings, fetcher) -> Resource:
    parts = urlsplit(src)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        local = _on_site(src, site_url)
        if local is None:
            return _remote(src, kind, settings, fetcher)
        return _local(src, kind, local, post, root, store, site_url=True)
    if scheme or parts.netloc:
        return Resource(src, src, reason=f"{scheme or 'network'}: sources are not archived", kind=kind)
    path = unquote(parts.path)
    if baseurl != "/" and path.startswith(baseurl + "/"):    # `relative_url` puts the baseurl first
        path = path[len(baseurl):]
    return _local(src, kind, path, post, root, store)


def _on_site(url: str, site_url: str | None) -> str | None:
    """The site-root path of a URL on the site's own `url` (baseurl included), else None."""
    if not site_url:
        return None
    base = urlsplit(site_url)
    parts = urlsplit(url)
    if parts.hostname != base.hostname or (parts.port or None) != (base.port or None):
        return None
    prefix = base.path.rstrip("/")
    path = unquote(parts.path)
    if prefix and not (path == prefix or path.startswith(prefix + "/")):
        return None
    return path[len(prefix):] or "/"


def _local(src: str, kind: str, path: str, post: Path | None, root: Path | None, store: Store | None,
           site_url: bool = False) -> Resource:
    """A file of the site: a site-root path or one relative to the post, inside the root."""
    if root is None or post is None:
        return Resource(src, path, reason="no site folder to find it in", kind=kind)
    candidate = root / path.lstrip("/") if path.startswith("/") or site_url else post.parent / path
    shown = path
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return Resource(src, shown, reason="no such file in the site", kind=kind)
    if not real.is_relative_to(root.resolve()):
        return Resource(src, shown, reason="outside the site's folder", kind=kind)
    if not real.is_file():
        return Resource(src, shown, reason="not a regular file", kind=kind)
    cap = CAPS[kind][0]
    if real.stat().st_size > cap:
        return Resource(src, shown, reason=f"larger than {cap} bytes", kind=kind)
    data = real.read_bytes()
    shown = str(real.relative_to(root.resolve()))
    return keep(src, shown, data, store, kind=kind, fallback=real, origin=str(real))


def keep(src: str, url: str, data: bytes, store: Store | None, *, kind: str = IMAGE,
         fallback: Path | None = None, **provenance) -> Resource:
    """Check `data` is what its element needs (an image: cleaned; audio, video or WebVTT:
    kept byte for byte) and store it (or, without a store, point at `fallback`, the site's
    own file, when cleaning changed nothing)."""
    from . import imaging, mediatypes

    digest = hashlib.sha256(data).hexdigest()
    provenance["kind"] = kind
    try:
        if kind == IMAGE:
            media_type = imaging.sniff(data)
            kept = imaging.clean(data, media_type)
        else:
            media_type = mediatypes.sniff_track(data) if kind == TRACK else mediatypes.sniff(data, kind)
            kept = data
    except (imaging.NotAnImage, mediatypes.NotMedia) as exc:
        return Resource(src, url, sha256=digest, reason=str(exc), **provenance)
    if store is not None:
        path, file = store.put(kept, media_type)
        return Resource(src, url, digest, path, str(file), media_type, **provenance)
    if fallback is not None and kept == data:
        return Resource(src, url, digest, None, str(fallback), media_type, **provenance)
    return Resource(src, url, digest, reason="its EXIF holds a location or a rotation, and without an "
                    "output folder there is no cleaned copy to show", **provenance)


def _remote(src: str, kind: str, settings: Settings, fetcher) -> Resource:
    if fetcher is None:
        return Resource(src, src, reason=NOT_FETCHED if not settings.fetch_assets
                        else "not fetched (no output folder to keep it in)", kind=kind)
    return fetcher.resource(src, kind)


def _warn(doc: Document) -> None:
    """One warning per kind listing every resource left out, with its reason."""
    path = doc.meta.source_path
    offline = [r for r in doc.resources if r.reason == NOT_FETCHED]
    failed = [r for r in doc.resources if not r.archived and r.reason != NOT_FETCHED]
    if offline:
        doc.warnings.append(PostWarning(
            path, f"{_count(offline, 'remote ')} not archived, {NOT_FETCHED}: "
            + ", ".join(r.url for r in offline), kind=OFFLINE))
    if failed:
        doc.warnings.append(PostWarning(
            path, f"{_count(failed)} not archived: " + "; ".join(f"{r.url} ({r.reason})" for r in failed),
            kind=LEFT_OUT))


def _count(left_out: list[Resource], adjective: str = "") -> str:
    """`2 remote images`, `1 image and 1 media file`."""
    images = sum(1 for r in left_out if r.kind == IMAGE)
    media = len(left_out) - images
    counts = [(n, noun) for n, noun in ((images, "image"), (media, "media file")) if n]
    return " and ".join(f"{n} {adjective}{noun}{'s' if n > 1 else ''}" for n, noun in counts)


def fetch_budget(settings: Settings) -> float:
    """Seconds added to a post's reading time when its images may be fetched."""
    if not settings.fetch_assets:
        return 0.0
    from .remote import POST_BUDGET

    return POST_BUDGET


def by_src(doc: Document) -> dict[str, Resource]:
    """The document's resources by the `src` the body uses."""
    return {r.src: r for r in getattr(doc, "resources", [])}


def fingerprint(records: list[dict]) -> dict[str, str]:
    """What the cache re-checks before reusing a post's outputs (given its resources'
    records): the size and mtime of each site file used and of each stored copy, so a
    changed or deleted one redoes the post."""
    files = [f for r in records for f in (r.get("origin"), r.get("file")) if f]
    return {file: file_state(file) for file in dict.fromkeys(files)}


def file_state(file: str) -> str:
    try:
        info = os.stat(file)
    except OSError:
        return "missing"
    return f"{info.st_size}:{info.st_mtime_ns}"
