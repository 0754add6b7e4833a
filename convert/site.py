"""Jekyll site defaults: the `_config.yml` beside or above a post (language, zone, title, URL)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from . import authors as _authors
from .lang import normalize_tag

MAX_LEVELS = 4
"""How many folders above a post are searched for `_config.yml` (a site root holds `_posts/`)."""


@dataclass(frozen=True)
class Site:
    """What Octavo takes from a Jekyll site's configuration."""

    lang: str | None = None
    """`lang`, else `locale` (as minimal-mistakes spells it), as a BCP 47 tag (`en_US` → `en-US`)."""
    timezone: str | None = None
    """`timezone`; None when the site gives none. Jekyll then uses the building machine's
    zone, which Octavo cannot know and must not depend on: such dates stay floating."""
    title: str | None = None
    url: str | None = None
    author: tuple[str, ...] = ()
    """The site's `author` (a name, or a mapping's `name`): a blog post's author when it names none."""
    authors: tuple[tuple[str, str], ...] = ()
    """`_data/authors.yml` as (id, name) pairs, so front matter may name an author by id."""
    warnings: tuple[str, ...] = ()
    """Problems with the configuration file, reported with every post that uses it."""

    @property
    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None


def _read_config(path: Path) -> Site:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return Site(warnings=(f"{path}: ignored, not readable YAML ({exc.__class__.__name__})",))
    if not isinstance(data, dict):
        return Site()
    zone = str(data["timezone"]) if data.get("timezone") else None
    warnings = ()
    try:
        if zone:
            ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        warnings = (f"{path}: unknown timezone {zone!r}; dates without a zone are kept floating",)
        zone = None
    lang = next(filter(None, (normalize_tag(data.get(key)) for key in ("lang", "locale"))), None)
    url = data.get("url")
    baseurl = data.get("baseurl") or ""
    title = data.get("title") or data.get("name")   # Jekyll's own site has `name`, no `title`
    directory, problems = _authors_data(path.parent)
    return Site(
        lang=lang,
        timezone=zone,
        title=str(title) if title and not isinstance(title, (dict, list)) else None,
        url=(str(url).rstrip("/") + str(baseurl)) if url else None,
        author=tuple(_authors.names(data.get("author"), directory)),
        authors=tuple(directory.items()),
        warnings=warnings + problems,
    )


AUTHORS_DATA = ("authors.yml", "authors.yaml", "authors.json")
MAX_AUTHORS_BYTES = 1024 * 1024


def _authors_data(root: Path) -> tuple[dict[str, str], tuple[str, ...]]:
    """The site's `_data/authors.yml` as id → name, and problems with it. Read only when it is
    a regular file inside the site root (not a link out of it) and under a megabyte."""
    for name in AUTHORS_DATA:
        path = root / "_data" / name
        try:
            if not path.is_file():
                continue
            if not path.resolve().is_relative_to(root.resolve()):
                return {}, (f"{path}: ignored, it leads outside the site",)
            if path.stat().st_size > MAX_AUTHORS_BYTES:
                return {}, (f"{path}: ignored, larger than {MAX_AUTHORS_BYTES} bytes",)
            return _authors.directory(yaml.safe_load(path.read_text(encoding="utf-8-sig"))), ()
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            return {}, (f"{path}: ignored, not readable YAML ({exc.__class__.__name__})",)
    return {}, ()


@functools.lru_cache(maxsize=256)
def site_for(folder: Path) -> Site:
    """The Site of the nearest `_config.yml` at or above `folder` (at most MAX_LEVELS up)."""
    for level, candidate in enumerate([folder, *folder.parents]):
        if level > MAX_LEVELS:
            break
        config = candidate / "_config.yml"
        if config.is_file():
            return _read_config(config)
    return Site()
