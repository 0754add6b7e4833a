"""Site profiles: site-specific knowledge (chrome links, source lines, ticker markup) as data,
and which profile a post gets when none is given (`auto`): see `choose`."""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

FILES = resources.files(__package__)
"""This package's folder, wherever it is installed: one NAME.json per profile."""
AUTO = "auto"
"""The profile setting that lets `choose` pick from the site's configuration and posts."""
FALLBACK = "generic"
"""The profile of a post no profile's detection claims: generic rules only."""
GENRES = ("news", "blog")
"""What kind of work a profile's posts are (Meta.genre): it picks the citation types;
the rules that read a news article's shape (rules/__init__.py) run only for news."""
MAX_SCANNED = 400
"""Posts of a site read to recognise it (evenly chosen from a larger site)."""
SCANNED_BYTES = 256 * 1024
"""How much of each post is searched for markers."""


@dataclass(frozen=True)
class Detection:
    """How `auto` recognises a profile's sites (the JSON's `detect`): `markers` (one pattern
    over a post's raw text) found in at least `share` of the site's posts, and, when the
    site's `_config.yml` declares a language, one of `languages` (primary subtags)."""

    about: str
    markers: re.Pattern
    share: float
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Choice:
    """The profile a post gets, and why (reported once per batch by the CLI)."""

    name: str
    reason: str


@dataclass(frozen=True)
class Profile:
    """One site profile, read from `profiles/NAME.json` (each key documented there by example)."""

    name: str
    genre: str
    unwrap_link_classes: frozenset[str]
    unwrap_link_hosts: tuple[str, ...]
    drop_image_hosts: tuple[str, ...]
    navigation_link_text: re.Pattern
    navigation_separators: re.Pattern
    source_line_classes: frozenset[str]
    source_line_pattern: re.Pattern
    trailing_credit_pattern: re.Pattern
    document_number_pattern: re.Pattern
    containers: dict[str, str]
    detect: Detection | None = None


def names() -> list[str]:
    """The known profile names (the JSON files shipped with the package)."""
    return sorted(r.name.removesuffix(".json") for r in FILES.iterdir() if r.name.endswith(".json"))


@functools.lru_cache(maxsize=None)
def load(name: str = FALLBACK) -> Profile:
    """The named profile; ValueError listing the known ones when it does not exist."""
    if name not in names():
        raise ValueError(f"unknown profile {name!r} (known: {', '.join(names())})")
    data = json.loads((FILES / f"{name}.json").read_text(encoding="utf-8"))
    if data["genre"] not in GENRES:
        raise ValueError(f"profile {name!r}: genre {data['genre']!r} is not one of {', '.join(GENRES)}")
    return Profile(
        name=name,
        genre=data["genre"],
        unwrap_link_classes=frozenset(data["unwrap_link_classes"]),
        unwrap_link_hosts=tuple(data["unwrap_link_hosts"]),
        drop_image_hosts=tuple(data["drop_image_hosts"]),
        navigation_link_text=re.compile(data["navigation_link_text"], re.I),
        navigation_separators=re.compile(data["navigation_separators"]),
        source_line_classes=frozenset(data["source_line_classes"]),
        source_line_pattern=re.compile(data["source_line_pattern"]),
        trailing_credit_pattern=re.compile(data["trailing_credit_pattern"]),
        document_number_pattern=re.compile(data["document_number_pattern"]),
        containers=dict(data["containers"]),
        detect=_detection(data["detect"]) if "detect" in data else None,
    )


def _detection(data: dict) -> Detection:
    return Detection(about=data["about"], markers=re.compile("|".join(data["markers"])),
                     share=float(data["share"]), languages=tuple(data.get("languages", ())))


def choose(value: str, path: Path | None, *, site=None, text: bytes | None = None) -> Choice:
    """The profile for the post at `path`: `value` itself unless it is `auto`; then the first
    profile (by name) whose detection claims the post's site (its `_config.yml`'s language,
    its posts' markers), or, for a post outside any site, the post itself; else FALLBACK.

    The same post always gets the same answer (convert and cite never disagree): a site is
    judged on its own files (its root's posts and `_posts/`), not on what a batch holds.
    `text` is the post's bytes when the caller has read them already; `path` None: a post
    that is not a file (a Document made in code), judged on `text` alone.
    """
    if value != AUTO:
        return Choice(value, "given")
    from ..paths import real
    from ..site import site_for

    if site is None and path is not None:
        site = site_for(real(Path(path)).parent)
    choice = site_choice(site) if site is not None else None
    if choice is not None:
        return choice
    if text is None:
        text = _head(Path(path)) if path is not None else b""
    text = text[:SCANNED_BYTES]
    for profile in _detecting():
        if profile.detect.markers.search(text.decode("utf-8", "replace")):
            return Choice(profile.name, f"{profile.detect.about} in the post")
    return Choice(FALLBACK, "no profile's markers in the post")


def _detecting() -> list[Profile]:
    """The profiles that can be detected, in name order."""
    return [profile for profile in map(load, names()) if profile.detect is not None]


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(SCANNED_BYTES)
    except OSError:
        return b""


@functools.lru_cache(maxsize=64)
def _site_choice(root: Path, lang: str | None) -> Choice | None:
    """The profile of the site at `root` (None when it has no posts to judge by)."""
    posts = site_posts(root)
    if not posts:
        return None
    texts = [_head(path).decode("utf-8", "replace") for path in posts]
    for profile in _detecting():
        detect = profile.detect
        if lang and detect.languages and lang.split("-")[0].lower() not in detect.languages:
            continue
        found = sum(1 for text in texts if detect.markers.search(text))
        if found and found >= detect.share * len(texts):
            return Choice(profile.name, f"{detect.about} in {found} of {len(texts)} posts of the site at {root}")
    return Choice(FALLBACK, f"no profile's markers in most posts of the site at {root}"
                            + (f" (language {lang})" if lang else ""))


def site_choice(site) -> Choice | None:
    """What `auto` gives every post of `site` (a `Site`), judged on its posts; None for no
    site, or one with no posts to judge by (each post is then judged on its own text)."""
    return _site_choice(site.root, site.lang) if site.root is not None else None


def forget_choices() -> None:
    """Drop the remembered choices of sites (a run starts afresh: their posts may have changed)."""
    _site_choice.cache_clear()


def site_posts(root: Path) -> list[Path]:
    """The site's posts that `auto` reads: post files in its root folder and under `_posts/`
    (no link leading out of the site), at most MAX_SCANNED, evenly chosen."""
    from ..inputs import SKIP_NAMES, SUFFIXES
    from ..site import site_files

    suffixes = tuple(SUFFIXES)
    try:
        with os.scandir(root) as listing:
            top = sorted(entry.path for entry in listing if entry.is_file(follow_symlinks=False)
                         and entry.name.lower().endswith(suffixes) and not SKIP_NAMES.match(entry.name))
    except OSError:
        top = []
    posts = top + [p for p in site_files(root / "_posts", suffixes) if not SKIP_NAMES.match(p.name)]
    if len(posts) > MAX_SCANNED:
        step = len(posts) / MAX_SCANNED
        posts = [posts[int(i * step)] for i in range(MAX_SCANNED)]
    return [Path(p) for p in posts]   # only the sampled ones made Paths: a site may hold thousands


def site_state(root: Path) -> str:
    """What `auto` would judge the site at `root` by, without reading it: the posts it
    reads, each with its size and mtime (the cache's stat-first key of the choice)."""
    from ..paths import states

    return states((str(path), path) for path in site_posts(root))
