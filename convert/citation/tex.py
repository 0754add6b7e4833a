"""BibLaTeX (`@online`) and classic BibTeX (`@misc`) entries from a Record.

Text is escaped so that BibTeX, biber, pybtex and bibtexparser all read it: braces
become `\\textbraceleft{}`/`\\textbraceright{}` (BibTeX counts `\\{` as a brace, so
an odd brace would end the entry), the other specials their LaTeX text commands.
"""

from __future__ import annotations

import re

from .record import TYPES, Record, day, iso

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_TABLE = str.maketrans(_ESCAPES)
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)|(?<=<)(?=<)|(?<=>)(?=>)|(?<=,)(?=,)")
"""Between the characters of a TeX ligature (-- `` '' ?` !` << >> ,,), which `{}` breaks."""
_URL_TABLE = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"})
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def escape(text: str) -> str:
    """Plain text → LaTeX text: special characters escaped, ligatures broken (`-{}-`)."""
    return _LIGATURE.sub("{}", text.translate(_TABLE))


def safe_url(url: str) -> str:
    """A URL for a verbatim `url` field: braces, backslashes and spaces percent-encoded."""
    return url.translate(_URL_TABLE)


def _names(rec: Record) -> str | None:
    """Authors as literal names: double braces so no part is taken as family/given."""
    return " and ".join("{" + escape(name) + "}" for name in rec.authors) or None


def _keywords(rec: Record) -> str | None:
    """Comma-separated keywords; one holding a comma is braced so it stays whole."""
    parts = (escape(k) if "," not in k else "{" + escape(k) + "}" for k in rec.keywords)
    return ", ".join(parts) or None


def _text(value: str | None) -> str | None:
    return escape(value) if value else None


def _entry(kind: str, key: str, fields: list[tuple[str, str | None]]) -> str:
    """Serialize one entry; `month` values are bare macros, the rest braced."""
    lines = [f"@{kind}{{{key},"]
    for name, value in fields:
        if value:
            rhs = value if name == "month" else "{" + value + "}"
            lines.append(f"  {name} = {rhs},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _common(rec: Record) -> list[tuple[str, str | None]]:
    return [
        ("author", _names(rec)),
        ("title", _text(rec.title)),
        ("url", safe_url(rec.url) if rec.url else None),
        ("urldate", day(rec.accessed).isoformat()),
        ("number", _text(rec.number)),
        ("publisher", _text(rec.publisher)),
        ("abstract", _text(rec.abstract)),
        ("keywords", _keywords(rec)),
    ]


def biblatex(rec: Record) -> str:
    """`@online` entry (`@collection` for a bound book): ISO date-time with zone, urldate,
    langid, organization, origdate."""
    return _entry(TYPES[rec.genre].get("biblatex", "online"), rec.key, [
        *_common(rec),
        ("date", iso(rec.issued)),
        ("langid", _text(rec.language)),
        ("organization", _text(rec.container)),
        ("origdate", iso(rec.original_date)),
        ("origpublisher", _text(rec.original_publisher)),
        ("note", _text(rec.authority)),
    ])


def bibtex(rec: Record) -> str:
    """Classic `@misc` entry (year, month macro, howpublished) for BibTeX-only tools."""
    d = day(rec.issued)
    return _entry("misc", rec.key, [
        *_common(rec),
        ("howpublished", _text(rec.container)),
        ("year", str(d.year) if d else None),
        ("month", _MONTHS[d.month - 1] if d else None),
        ("language", _text(rec.language)),
        ("note", _text(rec.authority)),
    ])
