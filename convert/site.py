"""Jekyll site defaults: the `_config.yml` beside or above a post (language, zone, title, URL)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

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
    return Site(
        lang=lang,
        timezone=zone,
        title=str(data["title"]) if data.get("title") else None,
        url=(str(url).rstrip("/") + str(baseurl)) if url else None,
        warnings=warnings,
    )


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
