"""Jekyll site defaults: the `_config.yml` beside or above a post (language, zone, title, URL),
the whole configuration as `site.*` for Liquid, and the site's `_data/` files, read safely."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import authors as _authors
from .lang import normalize_tag

MAX_LEVELS = 4
"""How many folders above a post are searched for `_config.yml` (a site root holds `_posts/`)."""

MAX_CONFIG_BYTES = 256 * 1024
MAX_DATA_FILES = 200
"""`_data/` files read at most (in name order); the rest are named in a warning."""
MAX_DATA_BYTES = 1024 * 1024
"""Largest `_data/` file read, and the budget for all of them together."""
MAX_YAML_NODES = 50_000
"""YAML values one configuration or data file may expand to (refuses alias bombs)."""
SITE_FOLDERS = ("_includes", "_data")
"""Folders of the site root whose files a post's Liquid may read (they key the cache)."""
DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")


@dataclass(frozen=True)
class Site:
    """What Octavo takes from a Jekyll site: its root, configuration and `_data/` (kept as
    JSON text, so a Site stays hashable and its repr keys the cache)."""

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
    root: Path | None = None
    """The folder holding `_config.yml` (None when no configuration was found)."""
    config_json: str = "{}"
    data_json: str = "{}"

    @property
    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    @functools.cached_property
    def config(self) -> dict:
        """`_config.yml` as a whole mapping (what Liquid sees as `site.*`)."""
        return json.loads(self.config_json)

    @functools.cached_property
    def data(self) -> dict:
        """`_data/` as nested mappings: `_data/team/members.yml` is `data["team"]["members"]`."""
        return json.loads(self.data_json)


def _plain(value):
    """A YAML/JSON value with dates as ISO strings, so it can be kept as JSON text."""
    return json.loads(json.dumps(value, default=str))


def _read_yaml(path: Path):
    from . import yamlsafe

    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ValueError(f"larger than {MAX_CONFIG_BYTES} bytes")
    return yamlsafe.load(path.read_text(encoding="utf-8-sig"), MAX_YAML_NODES)


def _read_config(path: Path) -> Site:
    import yaml   # here: a rerun keys a site on its files' states and parses none

    try:
        data = _read_yaml(path)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        return Site(root=path.parent, warnings=(f"{path}: ignored, not readable YAML ({exc.__class__.__name__})",))
    if not isinstance(data, dict):
        return Site(root=path.parent)
    zone = str(data["timezone"]) if data.get("timezone") else None
    warnings: tuple[str, ...] = ()
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
    site_data, data_warnings = read_data(path.parent / "_data")
    directory = _authors.directory(site_data.get("authors"))
    return Site(
        lang=lang,
        timezone=zone,
        title=str(title) if title and not isinstance(title, (dict, list)) else None,
        url=(str(url).rstrip("/") + ("/" + str(baseurl).strip("/") if str(baseurl).strip("/") else "")) if url else None,
        author=tuple(_authors.names(data.get("author"), directory)),
        authors=tuple(directory.items()),
        warnings=warnings + data_warnings,
        root=path.parent,
        config_json=json.dumps(_plain(data), sort_keys=True, ensure_ascii=False),
        data_json=json.dumps(site_data, sort_keys=True, ensure_ascii=False),
    )


def read_data(folder: Path) -> tuple[dict, tuple[str, ...]]:
    """The `_data/` folder as nested mappings, within MAX_DATA_FILES and MAX_DATA_BYTES;
    files not read (unreadable, too large, a link leading out) are named in the warnings."""
    import yaml

    data: dict = {}
    outside: list[Path] = []
    files = site_files(folder, DATA_SUFFIXES, outside)
    warnings = [f"{path}: not read, it leads outside the site" for path in outside]
    budget = MAX_DATA_BYTES
    for path in files[:MAX_DATA_FILES]:
        size = path.stat().st_size
        if size > budget:
            warnings.append(f"{path}: not read, over the {MAX_DATA_BYTES}-byte budget for _data/")
            continue
        budget -= size
        try:
            value = _read_data_file(path)
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError, csv.Error) as exc:
            warnings.append(f"{path}: ignored, not readable ({exc.__class__.__name__})")
            continue
        *parents, leaf = path.relative_to(folder).with_suffix("").parts
        target = data
        for part in parents:
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        target[leaf] = _plain(value)
    if len(files) > MAX_DATA_FILES:
        warnings.append(f"{folder}: only the first {MAX_DATA_FILES} data files read")
    return data, tuple(warnings)


def _read_data_file(path: Path):
    suffix = path.suffix.lower()
    if suffix in (".yml", ".yaml"):
        return _read_yaml(path)
    text = path.read_text(encoding="utf-8-sig")
    if suffix == ".json":
        return json.loads(text)
    return list(csv.DictReader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ","))


def site_files(folder: Path, suffixes: tuple[str, ...] | None = None,
               outside: list[Path] | None = None) -> list[Path]:
    """Regular files under `folder` (recursively, name order) whose real path stays inside
    it: a symbolic link leading out of the site is not followed (and is added to `outside`).
    Only links are resolved (a site's `_posts/` may hold thousands of files)."""
    return [path for path, _ in _site_entries(folder, suffixes, outside)]


def _site_entries(folder: Path, suffixes: tuple[str, ...] | None = None,
                  outside: list[Path] | None = None) -> list[tuple[Path, os.stat_result]]:
    """site_files, each with its status (links followed)."""
    if not folder.is_dir():
        return []
    real = folder.resolve()
    found: list[tuple[Path, os.stat_result]] = []

    def inside(link: str) -> bool:
        return Path(os.path.realpath(link)).is_relative_to(real)

    def visit(current: str) -> None:
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            return
        folders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            link = entry.is_symlink()
            if entry.is_dir():
                if not link:   # as os.walk: a link to a folder is not descended
                    folders.append(entry.path)
                continue
            if suffixes is not None and not name.lower().endswith(suffixes):
                continue
            if link and not inside(entry.path):
                if outside is not None:
                    outside.append(Path(entry.path))
                continue
            try:
                info = entry.stat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                found.append((Path(entry.path), info))
        for sub in folders:
            visit(sub)

    visit(os.fspath(folder))
    return found


def _states(root: Path, files: list[tuple[Path, os.stat_result]]) -> str:
    """Each file's name (relative to `root`), size and mtime, one a line."""
    return "\n".join(f"{path.relative_to(root)}\0{info.st_size}\0{info.st_mtime_ns}" for path, info in files)


def site_fingerprint(root: Path | None) -> str:
    """The files of a site's `_includes/` and `_data/` (name, size, mtime), for the cache key."""
    if root is None:
        return ""
    return "\n".join(_states(root, _site_entries(root / folder)) for folder in SITE_FOLDERS)


def posts_fingerprint(root: Path | None) -> str:
    """The site's post files (`_posts/`, `*/_posts/`: name, size, mtime): what `post_url` and
    `link` read, for the cache key of a post that uses them."""
    if root is None:
        return ""
    folders = [root / "_posts", *sorted(root.glob("*/_posts"))]
    return "\n".join(_states(root, _site_entries(folder)) for folder in folders)


def config_for(folder: Path) -> Path | None:
    """The nearest `_config.yml` at or above `folder` (at most MAX_LEVELS up), unread."""
    for level, candidate in enumerate([folder, *folder.parents]):
        if level > MAX_LEVELS:
            break
        config = candidate / "_config.yml"
        if config.is_file():
            return config
    return None


@functools.lru_cache(maxsize=256)
def site_for(folder: Path) -> Site:
    """The Site of the nearest `_config.yml` at or above `folder` (at most MAX_LEVELS up)."""
    config = config_for(folder)
    return _read_config(config) if config else Site()
