"""Post file → Document: decode bytes, read front matter leniently, render Markdown+HTML."""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import html as html_lib
import re
import threading
from datetime import datetime, timezone
from pathlib import Path

import yaml
from . import authors, dates, embeds, kramdown, permalink, profiles, sanitize, yamlsafe
from .controls import strip_meta_controls
from .errors import PostError, PostWarning
from .lang import choose as choose_language, normalize_tag
from .model import Document, Meta
from .paths import real
from .settings import Settings
from .site import Site, site_for

MAX_BYTES = 8 * 1024 * 1024
"""Largest post accepted; scraped articles are a few hundred KB at most."""
MAX_FRONT_MATTER = 64 * 1024

HTML_SUFFIXES = {".html", ".htm"}
"""Inputs whose body is HTML as it stands (not Markdown: indentation must not become code)."""
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)

_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""Characters no output format may carry (XML forbids them; they print as nothing or tofu)."""


MAX_INVALID_SHARE = 0.05
"""Bytes invalid in the best-fitting encoding (plus characters decoded as controls or
private use), as a share of the file, above which it is not a damaged text but no text at
all (binary, or an encoding Octavo does not know). Below it each invalid run becomes
U+FFFD, with one warning: a scraped page with a truncated or corrupted character is still
an article worth keeping."""
_JUNK = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")


def decode(raw: bytes, path: str) -> tuple[str, list[PostWarning]]:
    """Bytes → text with Unix newlines; UTF-8 (BOM or not), UTF-16 (with a BOM, or without
    one when its NUL bytes show it), or GB18030.

    Invalid bytes become U+FFFD with one warning; other NUL bytes, or invalid bytes and junk
    characters over MAX_INVALID_SHARE of the file, are a PostError (a binary file).
    """
    warnings: list[PostWarning] = []
    bom16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    bomless = b"\x00" in raw and not bom16 and _bomless_utf16(raw)
    if b"\x00" in raw and not bom16 and not bomless:
        raise PostError("binary file (contains NUL bytes), not a text post", path)
    if bomless:
        encoding = bomless
        warnings.append(PostWarning(path, f"decoded as {_LABEL[encoding]} (no byte-order mark: every NUL byte "
                                          "is the high byte of a character)", kind="encoding"))
    elif bom16:
        encoding = "utf-16"
        warnings.append(PostWarning(path, "decoded as UTF-16 (byte-order mark)", kind="encoding"))
    else:
        encoding = _guess_encoding(raw)
        if encoding != "utf-8-sig":
            warnings.append(PostWarning(path, "not UTF-8; decoded as GB18030", kind="encoding"))
    text, invalid = _decode_counting(raw, encoding)
    if invalid:
        first, count = invalid[0][0], sum(end - start for start, end in invalid)
        line = raw.count(b"\n", 0, first) + 1
        if count + len(_JUNK.findall(text)) > MAX_INVALID_SHARE * len(raw):
            if encoding != "utf-16":   # point at the first byte that is not UTF-8, the default
                first = _decode_counting(raw, "utf-8-sig")[1][0][0]
                line = raw.count(b"\n", 0, first) + 1
            tried = "UTF-16" if encoding == "utf-16" else "UTF-8 or GB18030"
            raise PostError(f"undecodable bytes at offset {first}: not text in {tried} "
                            f"({count} of {len(raw)} bytes invalid even in the best fit)", path, line)
        warnings.append(PostWarning(
            path, f"{count} byte(s) invalid in {_LABEL[encoding]} replaced with U+FFFD (first at byte offset {first})",
            line, kind="invalid-bytes"))
    if "\x00" in text:
        raise PostError("text contains NUL characters", path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    stray = _CONTROL.search(text)
    if stray:
        line = text.count("\n", 0, stray.start()) + 1
        count = len(_CONTROL.findall(text))
        warnings.append(PostWarning(path, f"removed {count} control character(s) (U+{ord(stray.group()):04X} first)",
                                    line))
        text = _CONTROL.sub("", text)
    return text, warnings


_LABEL = {"utf-8-sig": "UTF-8", "gb18030": "GB18030", "utf-16": "UTF-16",
          "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}


def _bomless_utf16(raw: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 saved without a byte-order mark: every NUL byte
    on one side of the byte pairs (the high byte of ASCII characters, as `---` and YAML keys
    are), the whole decoding strictly to lines without a NUL character, and the text opening
    as a post does, with an ASCII character (front matter, a heading, markup). A binary file
    has NUL bytes on both sides; ASCII bytes read in pairs open with U+2D2D-like junk: None."""
    if len(raw) % 2:
        return None
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    if even and odd:
        return None
    encoding = "utf-16-le" if odd else "utf-16-be"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None
    opening = text.lstrip()[:1]
    return encoding if "\n" in text and "\x00" not in text and opening.isascii() and opening else None


_INVALID = threading.local()
"""Byte ranges the "octavo-count" error handler replaced, per thread."""


def _count_invalid(exc: UnicodeDecodeError):
    _INVALID.ranges.append((exc.start, exc.end))
    return "\ufffd", exc.end


codecs.register_error("octavo-count", _count_invalid)


def _decode_counting(raw: bytes, encoding: str) -> tuple[str, list[tuple[int, int]]]:
    """(text with U+FFFD for each invalid run, the (start, end) byte ranges replaced)."""
    _INVALID.ranges = []
    text = raw.decode(encoding, errors="octavo-count")
    return text, _INVALID.ranges


def _guess_encoding(raw: bytes) -> str:
    """UTF-8 when the bytes are (mostly) well-formed UTF-8, else GB18030 when that reads
    them all as plausible Chinese text, else whichever of the two has fewer invalid bytes."""
    try:
        raw.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    utf8_text, utf8_invalid = _decode_counting(raw, "utf-8-sig")
    utf8_bad = sum(end - start for start, end in utf8_invalid)
    multibyte = sum(1 for ch in utf8_text if ch > "\x7f" and ch != "\ufffd")
    if multibyte >= 10 * utf8_bad:
        return "utf-8-sig"   # UTF-8 text with a few damaged characters, not another encoding
    gb_text, gb_invalid = _decode_counting(raw, "gb18030")
    if not gb_invalid:
        # GB18030 maps almost any byte pair to something; text that is mostly private-use
        # or controls is binary junk turned into mojibake, not Chinese.
        odd = sum(1 for ch in gb_text if "\ue000" <= ch <= "\uf8ff" or (ord(ch) < 32 and ch not in "\n\r\t"))
        return "gb18030" if odd <= max(2, len(gb_text) // 100) else "utf-8-sig"
    return "gb18030" if sum(end - start for start, end in gb_invalid) < utf8_bad else "utf-8-sig"


def split_front_matter(text: str, path: str) -> tuple[dict, str, list[PostWarning]]:
    """(metadata, body, warnings); lenient on broken YAML, errors name the file's line."""
    warnings: list[PostWarning] = []
    stripped = text.lstrip("\n")
    skipped = len(text) - len(stripped)
    if skipped and _FENCE.match(stripped):
        warnings.append(PostWarning(path, "blank line before front matter (Jekyll would ignore it); read anyway", 1))
        text = stripped
    match = _FENCE.match(text)
    if not match:
        return {}, text, warnings
    block = match.group(1) or ""
    if len(block) > MAX_FRONT_MATTER:
        raise PostError("front matter larger than 64 KB", path, skipped + 1)
    try:
        yamlsafe.refuse_alias_bombs(block, MAX_YAML_NODES)
        data = yaml.load(block, Loader=yamlsafe.Loader) or {}
    except yamlsafe.AliasBomb as exc:
        raise PostError(f"front matter {exc}", path, skipped + 2 + exc.line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = skipped + 2 + (mark.line if mark else 0)
        data, unread = _lenient_yaml(block)
        if not data:
            raise PostError(f"front matter is not valid YAML ({getattr(exc, 'problem', exc)})", path, line) from None
        left = "" if not unread else "; left out " + "; ".join(
            f"line {skipped + 2 + number}: {text!r}" for number, text in unread[:10]) + ("; …" if len(unread) > 10 else "")
        warnings.append(PostWarning(path, f"front matter is not valid YAML; recovered {len(data)} fields field by "
                                          f"field{left}", line))
    if not isinstance(data, dict):
        raise PostError("front matter is not a mapping of fields", path, skipped + 2)
    return data, text[match.end():], warnings


MAX_YAML_NODES = 10_000
"""Values front matter may stand for once every alias is expanded (see yamlsafe)."""


_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


_PLAIN_SCALARS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}


def _lenient_yaml(block: str) -> tuple[dict, list[tuple[int, str]]]:
    """Front matter YAML refuses (unescaped quotes), read field by field: each top-level
    field (its key line and the indented or `- ` lines under it) as YAML alone, else as a
    `key: value` line with outer quotes dropped. Returns the fields and the (0-based line,
    text) of every line neither way read, for the warning to name.

    An unquoted `false` or `~` is still a boolean or null, as YAML reads it, so that
    `published: false` keeps its meaning in a block whose other lines are broken.
    """
    data: dict = {}
    unread: list[tuple[int, str]] = []
    for first, lines in _top_level_fields(block):
        try:
            yamlsafe.refuse_alias_bombs("\n".join(lines), MAX_YAML_NODES)
            field = yaml.load("\n".join(lines), Loader=yamlsafe.Loader)
        except yamlsafe.AliasBomb:
            raise
        except yaml.YAMLError:
            field = None
        if isinstance(field, dict) and field and all(isinstance(key, str) for key in field):
            data.update(field)
            continue
        match = _LINE.match(lines[0])
        if match:
            data[match.group(1)] = _lenient_value(match.group(2))
        unread += [(first + n, text) for n, text in enumerate(lines) if text.strip() and (n or not match)]
    return data, unread


_ITEM = re.compile(r"-(?:[ \t]|$)")
"""A YAML block sequence item (`- x`, or `-` alone), which may sit at the margin under its key."""


def _top_level_fields(block: str):
    """(0-based first line, lines) of each top-level field of a YAML mapping: a line at the
    left margin starts one; indented lines, `- ` items and blank lines belong to the field
    above. Comment lines at the margin belong to none."""
    field: list[str] = []
    first = 0
    for number, line in enumerate(block.splitlines()):
        if line[:1] not in ("", " ", "\t", "#") and not _ITEM.match(line):
            if field:
                yield first, field
            field, first = [line], number
        elif line.startswith("#") and not field:
            continue
        elif field:
            field.append(line)
        elif line.strip():
            yield number, [line]
    if field:
        yield first, field


def _lenient_value(value: str):
    """A `key: value` line's value: outer quotes dropped, an unquoted boolean or null as YAML reads it."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    if any(tag in _PLAIN_SCALARS and rx.match(value)
           for tag, rx in yamlsafe.Loader.yaml_implicit_resolvers.get(value[:1], ())):
        return yaml.load(value, Loader=yamlsafe.Loader)
    return value


def _as_list(value) -> list[str]:
    """Jekyll list fields: the scalars of a YAML list (nested lists flattened; a mapping is
    no list), or a string split on whitespace (as Jekyll does)."""
    if value is None or isinstance(value, dict):
        return []
    if isinstance(value, (list, tuple)):
        items = [leaf for leaf in _leaves(value, keys=False) if leaf is not _MAPPING]
    else:
        items = _scalar(value).split()
    return list(dict.fromkeys(" ".join(item.split()) for item in items if item.strip()))


def _as_text(value) -> str | None:
    if value is None or isinstance(value, (dict, list, tuple)):
        return None
    text = " ".join(_scalar(value).split())
    return text or None


def _as_url(value) -> str | None:
    """A URL field: its text with what no URL may hold (space, double quote, angle brackets,
    backslash, caret, backquote, braces, bar) percent-encoded, so each output's `href` is a
    valid URL; an IRI keeps its letters."""
    text = _as_text(value)
    return text.translate(_URL_UNSAFE) if text else None


_URL_UNSAFE = {ord(c): f"%{ord(c):02X}" for c in ' "<>\\^`{|}'}


def _scalar(value) -> str:
    """A YAML scalar as it reads in the post: booleans as YAML writes them, not Python's True."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


_MAPPING = object()
"""What `_leaves` yields where a list holds a mapping (with keys=False)."""


def _leaves(value, keys: bool = True, limit: int = 1000) -> list:
    """The scalars in a YAML value as text, depth first, at most `limit` (aliases are bounded
    before, nesting is not: no recursion). With keys=False a mapping inside yields _MAPPING
    once and none of its text."""
    found: list = []
    stack = [value]
    while stack and len(found) < limit:
        item = stack.pop()
        if isinstance(item, dict):
            if not keys:
                found.append(_MAPPING)
                continue
            for key, sub in reversed(list(item.items())):
                stack += [sub, key]
        elif isinstance(item, (list, tuple)):
            stack += reversed(item)
        elif item is not None and _scalar(item).strip():
            found.append(" ".join(_scalar(item).split()))
    return found


def _left_out(value, kept) -> list[str]:
    """The text of a mapping or list in a text or list field that its coercion did not keep
    (a title given as a mapping, tags holding mappings), for a warning naming it."""
    if not isinstance(value, (dict, list, tuple)):
        return []
    kept = set(kept or []) if isinstance(kept, list) else {kept}
    return [leaf for leaf in _leaves(value) if leaf not in kept]


def _as_date(value):
    """A calendar date from YAML (string or date); None when it is not one."""
    parsed, _ = dates.parse_datetime(value, timezone.utc)
    return parsed.date() if parsed else None


MAX_EXTRA_NODES = 2000
"""Values kept from unknown front-matter keys, all keys together (YAML aliases can nest
a few lines into millions of values: a "billion laughs")."""


def _json_safe(value, budget: list[int]):
    """A front-matter value Octavo keeps but does not interpret, JSON-safe and bounded.

    `budget` is a one-element counter of values still allowed; past it, "…" stands in.
    """
    budget[0] -= 1
    if budget[0] < 0:
        return "…"
    if isinstance(value, dict):
        return {str(k): _json_safe(v, budget) for k, v in value.items() if budget[0] > 0}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v, budget) for v in value if budget[0] > 0]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value[:10000] if isinstance(value, str) else value
    return str(value)[:10000]


FIELDS = {
    "title": ("title", _as_text),
    "categories": ("categories", _as_list),
    "category": ("categories", _as_list),
    "tags": ("tags", _as_list),
    "author": ("authors", authors.names),
    "authors": ("authors", authors.names),
    "summary": ("summary", _as_text),
    "excerpt": ("summary", _as_text),
    "description": ("summary", _as_text),
    "canonical_url": ("canonical_url", _as_url),
    "source": ("source", _as_text),
    "container": ("container", _as_text),
    "doc_number": ("doc_number", _as_text),
    "issuer": ("issuer", _as_text),
    "signed_date": ("signed_date", _as_date),
}
"""Front-matter key → (Meta field, coercion), as pelican keeps its per-field table.
`date` and `lang` are handled apart: they need the site's defaults and a fallback."""

LANGUAGE_KEYS = ("lang", "locale", "language")
"""Front-matter keys that declare the post's language, first found first (convert/lang.py)."""

def read_post(path, settings: Settings | None = None, *, site: Site | None = None) -> Document:
    """Read one post file into a sanitized (not yet normalized) Document.

    `site` defaults to the `_config.yml` found beside or above the file; the settings'
    `lang`, `timezone`, `site_title` and `site_url` override it. Raises PostError naming
    the file (and line) when unreadable.
    """
    settings = settings or Settings()
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PostError(f"file is {size} bytes, over the {MAX_BYTES}-byte limit", name)
        raw = path.read_bytes()
    except OSError as exc:
        raise PostError(f"cannot read: {exc.strerror or exc}", name) from None
    site = site or site_for(real(path).parent)
    if settings.timezone or settings.site_title or settings.site_url:
        site = dataclasses.replace(site, timezone=settings.timezone or site.timezone,
                                   title=settings.site_title or site.title, url=settings.site_url or site.url)
    text, warnings = decode(raw, name)
    warnings = [*(PostWarning(name, message, kind="site-config") for message in site.warnings), *warnings]
    data, body_md, fm_warnings = split_front_matter(text, name)
    warnings += fm_warnings

    profile = profiles.choose(settings.profile, path, site=site, text=raw).name
    meta = Meta(source_path=name, source_sha256=hashlib.sha256(raw).hexdigest(),
                site_title=site.title, site_url=site.url, genre=profiles.load(profile).genre)
    budget = [MAX_EXTRA_NODES]
    for key, value in data.items():
        target = FIELDS.get(str(key))
        if target:
            field_name, coerce = target
            coerced = coerce(value)
            if coerced and not getattr(meta, field_name):
                setattr(meta, field_name, coerced)
            lost = _left_out(value, coerced) if coerce in (_as_text, _as_list) else []
            if lost:
                shown = ", ".join(repr(leaf) for leaf in lost[:10]) + (", …" if len(lost) > 10 else "")
                shape = "mapping" if isinstance(value, dict) else "list"
                form = "text" if coerce is _as_text else "a list of names"
                warnings.append(PostWarning(name, f"front matter {key} is a {shape}, not {form}; left out: {shown}"))
        elif key != "date" and not (key in LANGUAGE_KEYS and normalize_tag(value)):
            meta.extra[str(key)] = _json_safe(value, budget)
    meta.date = _post_date(data.get("date"), path.name, site, name, warnings)
    meta.authors = _post_authors(meta, site)

    is_html = path.suffix.lower() in HTML_SUFFIXES
    if is_html and not meta.title:
        meta.title = _html_title(body_md)
    if data.get("render_with_liquid") is not False and ("{{" in body_md or "{%" in body_md):
        from . import liquid  # only here: python-liquid's import costs ~85 ms, most news posts have none
        body_md, liquid_warnings = liquid.render(body_md, site, _page(data, meta, path, site), name,
                                                 offset=text.count("\n") - body_md.count("\n"))
        warnings += liquid_warnings
    try:
        rendered = render(body_md, is_html, site.config)
        rendered, embedded = embeds.to_figures(rendered)
        html = sanitize.clean(rendered)
    except sanitize.NestingError as exc:
        raise PostError(str(exc), name) from None
    warnings += [PostWarning(name, message, kind="embed") for message in embedded]
    warnings += [PostWarning(name, message, kind="dropped") for message in sanitize.removed(rendered)]
    if meta.genre == "blog" and not meta.canonical_url and site.url:
        meta.canonical_url = site.url + permalink.permalink_path(site.config, path, data)
    if meta.genre == "blog" and not meta.title and not _H1.search(html):
        meta.title = slug_title(path.name)
        if meta.title:
            warnings.append(PostWarning(name, f"no title in front matter; using the file name's, as Jekyll "
                                              f"does: {meta.title!r}", kind="title-from-file-name"))
    declared = [settings.lang, *(data.get(key) for key in LANGUAGE_KEYS)]
    meta.lang = choose_language(declared, site.lang, meta.title, html)
    warnings += [PostWarning(name, f"front matter {key}: {data[key]!r} is not a language tag; "
                                 "kept, not used as the post's language")
                 for key in LANGUAGE_KEYS if data.get(key) not in (None, "") and not normalize_tag(data[key])]
    warnings += strip_meta_controls(meta, name)
    return Document(meta=meta, body=html, warnings=warnings, source_bytes=raw, profile=profile)


def _post_authors(meta: Meta, site: Site) -> list[str]:
    """Front matter's authors (ids of `_data/authors.yml` as names), else a blog's site author.

    A news site's `author` is whoever runs the feed, not the article's author: never used.
    """
    named = authors.names(meta.authors, dict(site.authors))
    return named or (list(site.author) if meta.genre == "blog" else [])


_H1 = re.compile(r"<h1[\s>]", re.I)
_JEKYLL_NAME = re.compile(r"^(?:\d{2,4}-\d{1,2}-\d{1,2})-(.*)\.[^.]+$|^(.*)\.[^.]+$", re.S)


def slug_title(filename: str) -> str:
    """The title Jekyll gives a post without one: the file name's slug, each word capitalized
    ("2016-02-24-codeblocks-ahoy.md" → "Codeblocks Ahoy"), as Utils.titleize_slug does."""
    match = _JEKYLL_NAME.match(filename)
    slug = next(group for group in match.groups() if group is not None) if match else filename
    return " ".join(word.capitalize() for word in slug.rstrip(".").split("-")).strip()


def render(body: str, is_html: bool = False, config: dict | None = None) -> str:
    """A post's body (Liquid already rendered) as HTML before sanitizing: Markdown rendered
    as the site's Jekyll would (convert/kramdown.py, from `config`, its `_config.yml`), or
    HTML as it stands."""
    return body if is_html else kramdown.render(body, config)


def markdown_html(text: str, config: dict | None = None) -> str:
    """Markdown → HTML with the posts' own renderer (Liquid's `markdownify`)."""
    return kramdown.render(text, config)


def _page(data: dict, meta: Meta, path: Path, site: Site) -> dict:
    """Liquid's `page`: the front matter, with the date, URL and slug Jekyll adds."""
    page = {str(key): value for key, value in data.items()}
    url = permalink.permalink_path(site.config, path, data)
    page.update(date=meta.date, url=url, path=path.name, id=url.rsplit(".", 1)[0].rstrip("/"),
                slug=data.get("slug") or permalink.placeholders(site.config, path, data)["slug"])
    return page


def _html_title(text: str) -> str:
    """The <title> of an HTML document, entities decoded and whitespace folded."""
    match = _TITLE.search(text)
    return " ".join(html_lib.unescape(match.group(1)).split()) if match else ""


def _post_date(value, filename: str, site: Site, name: str, warnings: list[PostWarning]) -> datetime | None:
    """Front-matter date, else the file name's date, else None; warns on each fallback."""
    if value not in (None, ""):
        parsed, assumed = dates.parse_datetime(value, site.zone)
        if parsed:
            if assumed:
                taken = (f"taken as {site.timezone}" if site.timezone else
                         "kept as written, without an offset (no timezone in _config.yml or settings)")
                warnings.append(PostWarning(name, f"date without a time zone {taken}", kind="assumed-timezone"))
            return parsed
        warnings.append(PostWarning(name, f"invalid date {str(value)!r}; using the file name's date"))
    return dates.from_filename(filename, site.zone)
