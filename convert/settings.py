"""One typed Settings object: every option declared once, with its type, default and doc.

Sources, highest first: command-line flags, `octavo.toml` (or `[tool.octavo]` in a
`pyproject.toml`) in the first input's folder or above, the site's `_config.yml`
(language, time zone, title and URL, per post: see convert/site.py), the defaults here.
Each writer declares its own options next to its code (`Options` in writers/pdf.py and
writers/markdown.py); they appear here as a table (`[pdf]`, `[markdown]` in octavo.toml).
The command line's flags are generated from these declarations, so `convert` and `cite`
take the same options and cannot disagree about a post.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import UsageError
from .options import Declared, setting
from .book import Options as BookOptions
from .writers.markdown import Options as MarkdownOptions
from .writers.pdf import Options as PdfOptions

CONFIG_NAMES = ("octavo.toml", "pyproject.toml")
"""Files searched for settings, in each folder from the first input's upwards."""


def _profile(value: str) -> str:
    from .profiles import AUTO, names

    if value != AUTO and value not in names():
        raise ValueError(f"unknown profile {value!r} (known: {AUTO}, {', '.join(names())})")
    return value


_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _lang(value: str | None) -> str | None:
    if value is not None and not _LANG.match(value):
        raise ValueError(f"{value!r} is not a BCP 47 language tag (e.g. zh-CN, en, ja)")
    return value


def _zone(value: str | None) -> str | None:
    if value is not None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai, UTC)") from None
    return value


def _url(value: str | None) -> str | None:
    if value is not None and not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value.rstrip("/") if value else value


def _folder(value) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if not path.is_dir():
        raise ValueError(f"{value} is not a folder")
    return path.resolve()


def _formats(value) -> tuple[str, ...]:
    from .writers import expand

    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(expand([str(v).strip() for v in items if str(v).strip()]))


def _jobs(value) -> int:
    value = int(value)
    if not 1 <= value <= 256:
        raise ValueError(f"{value} is not between 1 and 256")
    return value


_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$")


def _hosts(value) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    hosts = tuple(dict.fromkeys(str(v).strip().lower() for v in items if str(v).strip()))
    for host in hosts:
        if not _HOST.match(host):
            raise ValueError(f"{host!r} is not HOST or HOST:PORT")
    return hosts


def _seconds(value) -> float:
    value = float(value)
    if not 0 < value <= 3600:
        raise ValueError(f"{value} is not a number of seconds between 0 and 3600")
    return value


@dataclass(frozen=True)
class Settings(Declared):
    """Everything that shapes a conversion besides the post itself (valid once made)."""

    formats: tuple[str, ...] = setting(("html", "pdf", "epub", "md", "cite"), "Formats to write: "
                                       "html, pdf, epub, md, csl, bib, ris, dc, or cite for the last four; "
                                       "also bibtex, datacite, jsonld.",
                                       flag="-t/--to", check=_formats)
    profile: str = setting("auto", "Site profile (convert/profiles/NAME.json: chrome links, source "
                           "lines, news or blog); auto picks it from the site's _config.yml and posts.",
                           flag="--profile", check=_profile)
    lang: str | None = setting(None, "Language of the posts (BCP 47), over front matter and site.",
                               flag="--lang", check=_lang)
    timezone: str | None = setting(None, "Zone for dates without one (default: the site's; "
                                   "else they are kept without an offset).", flag="--timezone", check=_zone)
    site_title: str | None = setting(None, "Site title (the container citations name), over _config.yml.",
                                     flag="--site-title")
    site_url: str | None = setting(None, "Site URL (resolves relative links), over _config.yml.",
                                   flag="--site-url", check=_url)
    styles: Path | None = setting(None, "Folder of stylesheets (base.css, pdf.css, epub.css) to use "
                                  "instead of Octavo's own; missing ones fall back.", flag="--styles",
                                  check=_folder)
    strict: bool = setting(False, "Fail a post that needed any repair (site chrome the profile removes "
                           "by design excepted).",
                           flag="--strict")
    unpublished: bool = setting(False, "Convert posts whose front matter says `published: false` "
                                "(skipped by default, as Jekyll skips them).", flag="--unpublished")
    fetch_assets: bool = setting(False, "Fetch the posts' remote images, video and audio into "
                                 "OUTDIR/resources (once per URL; every exchange recorded in "
                                 "OUTDIR/resources/fetch.warc.gz). "
                                 "Without it nothing is ever fetched.", flag="--fetch-assets")
    allow_hosts: tuple[str, ...] = setting((), "HOST or HOST:PORT that --fetch-assets may reach although "
                                           "its address is private, loopback or link-local (repeatable).",
                                           flag="--allow-host", check=_hosts, multiple=True)
    jobs: int = setting(None, "Worker processes (default: all cores).", flag="-j/--jobs", check=_jobs,
                        factory=lambda: os.cpu_count() or 1)
    cache: bool = setting(True, "Skip posts whose outputs are up to date (OUTDIR/.octavo-cache.json).",
                          flag="--cache/--no-cache")
    read_timeout: float = setting(60.0, "Seconds one post may take to read and normalize.",
                                  check=_seconds)
    pdf: PdfOptions = setting(None, "PDF writer options (writers/pdf.py).", factory=PdfOptions)
    markdown: MarkdownOptions = setting(None, "Markdown writer options (writers/markdown.py).",
                                        factory=MarkdownOptions)
    book: BookOptions = setting(None, "`octavo book` options (book.py).", factory=BookOptions)

    def replace(self, **changes) -> "Settings":
        """A copy with some fields changed (checked again)."""
        return dataclasses.replace(self, **changes)

    def fingerprint(self) -> dict:
        """Every value as JSON-safe data (cache keys, reports)."""
        def plain(value):
            if dataclasses.is_dataclass(value):
                return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return str(value) if isinstance(value, Path) else value
        return plain(self)


SECTIONS = {"pdf": PdfOptions, "markdown": MarkdownOptions, "book": BookOptions}
"""Writer option tables: octavo.toml section → the writer's Options dataclass."""


def declarations() -> list[tuple[str | None, dataclasses.Field]]:
    """(section or None, field) for every leaf option, in declaration order."""
    out: list[tuple[str | None, dataclasses.Field]] = []
    for f in dataclasses.fields(Settings):
        if f.name in SECTIONS:
            out.extend((f.name, sub) for sub in dataclasses.fields(SECTIONS[f.name]))
        else:
            out.append((None, f))
    return out


def from_mapping(data: dict, origin: str, base: Settings | None = None) -> Settings:
    """Settings from a TOML-like mapping (sections for writers) over `base`; unknown keys
    are usage errors naming `origin`."""
    base = base or Settings()
    top = {f.name for f in dataclasses.fields(Settings)} - set(SECTIONS)
    changes: dict = {}
    for key, value in data.items():
        if key in SECTIONS:
            if not isinstance(value, dict):
                raise UsageError(f"{origin}: [{key}] must be a table")
            known = {f.name for f in dataclasses.fields(SECTIONS[key])}
            unknown = sorted(set(value) - known)
            if unknown:
                raise UsageError(f"{origin}: unknown setting {key}.{unknown[0]} (known: {', '.join(sorted(known))})")
            try:
                changes[key] = dataclasses.replace(changes.get(key, getattr(base, key)), **value)
            except UsageError as exc:
                raise UsageError(f"{origin}: {exc.message}") from None
        elif key in top:
            changes[key] = value
        else:
            raise UsageError(f"{origin}: unknown setting {key!r} (known: {', '.join(sorted(top | set(SECTIONS)))})")
    try:
        return dataclasses.replace(base, **changes)
    except UsageError as exc:
        raise UsageError(f"{origin}: {exc.message}") from None


def find_config(start: Path) -> tuple[Path, dict] | None:
    """The nearest octavo.toml, or pyproject.toml with [tool.octavo], at or above `start`."""
    folder = start if start.is_dir() else start.parent
    for candidate in [folder.resolve(), *folder.resolve().parents]:
        for name in CONFIG_NAMES:
            path = candidate / name
            if not path.is_file():
                continue
            import tomllib   # only when there is a file to read: most runs have none

            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise UsageError(f"{path}: not readable TOML ({exc})") from None
            if name == "pyproject.toml":
                data = data.get("tool", {}).get("octavo")
                if data is None:
                    continue
            return path, data
    return None


def load(flags: dict | None = None, start: Path | None = None) -> Settings:
    """Defaults ← octavo.toml found from `start` ← `flags` (None values are not given)."""
    settings = Settings()
    found = find_config(start) if start is not None else None
    if found:
        settings = from_mapping(found[1], str(found[0]), settings)
    given = {k: v for k, v in (flags or {}).items() if v is not None}
    nested = {s: given.pop(s) for s in list(given) if s in SECTIONS}
    settings = from_mapping(given, "command line", settings)
    for section, values in nested.items():
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            settings = from_mapping({section: values}, "command line", settings)
    return settings
