"""The URL Jekyll gives a post: its permalink style or pattern filled from the post's date,
categories and slug (the post's own `permalink` winning), and Jekyll's `slugify`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import dates

STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
"""Jekyll's built-in permalink styles; any other value is a pattern of `:placeholders`."""

DATE_PLACEHOLDERS = {
    "year": "%Y", "month": "%m", "day": "%d", "short_year": "%y", "hour": "%H", "minute": "%M",
    "second": "%S", "y_day": "%j", "week": "%V", "w_year": "%G", "w_day": "%u", "short_day": "%a",
    "long_day": "%A", "short_month": "%b", "long_month": "%B",
}
_POST_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)$")
_PLACEHOLDER = re.compile(r":([a-z_]+)")
_URL_SAFE = "-._~!$&'()*+,;=:@/"
"""Characters Jekyll's `URL.escape_path` leaves as they are (besides letters and digits)."""
_PRETTY_KEEP = set("._~!$&'()+,;=@")


def slugify(text, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's `Utils.slugify`: runs of characters the mode does not keep become one hyphen,
    hyphens at either end go, and the result is lower-cased unless `cased`."""
    text = "" if text is None else str(text)
    if mode == "none":
        return text if cased else text.lower()
    if mode == "latin":
        text = "".join(c if c.isascii() else "?" for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    if mode == "raw":
        keep = lambda c: not c.isspace()  # noqa: E731
    elif mode == "ascii":
        keep = lambda c: c.isascii() and c.isalnum()  # noqa: E731
    else:
        pretty = mode == "pretty"
        keep = lambda c: (unicodedata.category(c)[0] in "LM" or unicodedata.category(c) == "Nd"  # noqa: E731
                          or (pretty and c in _PRETTY_KEEP))
    slug, gap = [], False
    for char in text:
        if keep(char):
            slug.append(char)
            gap = False
        elif not gap:
            slug.append("-")
            gap = True
    result = "".join(slug)
    result = result[1:] if result.startswith("-") else result
    result = result[:-1] if result.endswith("-") else result
    return result if cased else result.lower()


def _template(config: Mapping, front_matter: Mapping) -> str:
    """The post's own `permalink`, else the posts collection's, else the site's style."""
    own = front_matter.get("permalink")
    if isinstance(own, str) and own.strip():
        return own.strip()
    collections = config.get("collections")
    posts = collections.get("posts") if isinstance(collections, Mapping) else None
    chosen = posts.get("permalink") if isinstance(posts, Mapping) else None
    chosen = chosen or config.get("permalink") or "date"
    return STYLES.get(str(chosen), str(chosen))


def _categories(post: Path, front_matter: Mapping) -> list[str]:
    """Folders between the site root and `_posts/`, then front matter's `category` and
    `categories` (a string of categories is split on spaces), each once."""
    found: list[str] = []
    parts = post.parts
    if "_posts" in parts:
        above = Path(*parts[:parts.index("_posts")])
        root = next((p for p in [above, *above.parents] if (p / "_config.yml").is_file()), None)
        if root is not None:
            found += list(above.relative_to(root).parts)
    single = front_matter.get("category")
    if single not in (None, ""):
        found.append(str(single))
    many = front_matter.get("categories")
    if isinstance(many, str):
        found += many.split()
    elif isinstance(many, (list, tuple)):
        found += [str(c) for c in many if c not in (None, "")]
    return list(dict.fromkeys(found))


def _date(config: Mapping, post: Path, front_matter: Mapping) -> datetime | None:
    try:
        zone = ZoneInfo(str(config.get("timezone") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    if front_matter.get("date") not in (None, ""):
        parsed, _assumed = dates.parse_datetime(front_matter["date"], zone)
        if parsed:
            return parsed
    return dates.from_filename(post.name, zone)


def placeholders(config: Mapping, post: Path, front_matter: Mapping) -> dict[str, str]:
    """Each `:name` of a permalink pattern → its value for this post, as Jekyll's URL drop gives it."""
    stem = post.stem
    match = _POST_NAME.match(stem)
    name_slug = match.group(2) if match else stem
    slug_source = front_matter.get("slug") or name_slug
    values = {
        "title": slugify(slug_source, "pretty", cased=True),
        "slug": slugify(slug_source),
        "name": slugify(stem),
        "categories": "/".join(c.lower() for c in _categories(post, front_matter)),
        "collection": "posts",
        "output_ext": ".html",
    }
    when = _date(config, post, front_matter)
    if when is not None:
        values |= {key: when.strftime(code) for key, code in DATE_PLACEHOLDERS.items()}
        values |= {"i_month": str(when.month), "i_day": str(when.day)}
    return values


def permalink_path(config: Mapping, post: Path, front_matter: Mapping) -> str:
    """The site-relative URL path Jekyll gives the post, e.g. `/jekyll/update/2023/01/29/welcome.html`.

    A placeholder this post has no value for (a date on an undated file) becomes empty; an
    unknown one is kept as written."""
    values = placeholders(config, Path(post), front_matter)

    def fill(match: re.Match) -> str:
        name = match.group(1)
        for key in (name, name[:-1]) if name.endswith("_") else (name,):
            if key in values:
                return quote(values[key], safe=_URL_SAFE) + match.group(0)[1 + len(key):]
            if key in DATE_PLACEHOLDERS or key in ("i_month", "i_day"):
                return ""
        return match.group(0)

    url = _PLACEHOLDER.sub(fill, _template(config, front_matter))
    url = re.sub(r"/+", "/", url)
    url = re.sub(r"/\.{1,2}(?=/|$)", "", url)
    return url if url.startswith("/") else "/" + url


def permalink_url(config: Mapping, post: Path, front_matter: Mapping) -> str | None:
    """The absolute URL: `url` + `baseurl` + the permalink path; None when the site has no `url`."""
    base = config.get("url")
    if not base:
        return None
    baseurl = str(config.get("baseurl") or "").strip("/")
    prefix = str(base).rstrip("/") + ("/" + baseurl if baseurl else "")
    return prefix + permalink_path(config, post, front_matter)
