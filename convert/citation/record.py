"""The one citation record of an article, built once from Meta; every format renders it.

`Record` holds cleaned, normalized values (control characters dropped, whitespace
collapsed), so CSL-JSON, BibLaTeX, RIS, Dublin Core, DataCite and JSON-LD all carry
exactly the same strings. `to_csl` is the canonical serialization.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from convert.model import Meta

_SPACE = re.compile(r"[\s\x1c-\x1f\x85\u2028\u2029]+")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")
KEY_WORD_MAX = 16
"""Longest title word kept at the start of a citation key."""

TYPES = {
    "news": {"csl": "article-newspaper", "ris": "NEWS", "datacite": "News article", "schema.org": "NewsArticle",
             "invenio": "publication-article"},
    "blog": {"csl": "post-weblog", "ris": "BLOG", "datacite": "Blog post", "schema.org": "BlogPosting",
             "invenio": "publication-other"},
    "book": {"csl": "book", "ris": "BOOK", "datacite": "Book", "schema.org": "Book",
             "biblatex": "collection", "invenio": "publication-book"},
}
"""Each genre's (Meta.genre) type in every format that has one. BibLaTeX `@online` (a bound
book: `@collection`), BibTeX `@misc` and Dublin Core's DCMI type `Text` fit every genre.
InvenioRDM's (and Zenodo's) resource types have no news or blog type: an article in a
periodical, or "other"."""


@dataclass(frozen=True)
class Record:
    """Citation fields of one article; None means unknown (never invented)."""

    id: str
    key: str
    genre: str
    title: str | None
    authors: tuple[str, ...]
    issued: datetime | None
    accessed: datetime
    language: str | None
    url: str | None
    container: str | None
    publisher: str | None
    abstract: str | None
    keywords: tuple[str, ...]
    authority: str | None
    number: str | None
    original_date: date | None
    original_publisher: str | None

    def type_in(self, fmt: str) -> str:
        """This record's type in format `fmt` (a key of TYPES' entries: csl, ris, …)."""
        return TYPES[self.genre][fmt]

    @property
    def year(self) -> int | None:
        return self.issued.year if self.issued else None


def _allowed(char: str) -> bool:
    """False for controls, surrogates and noncharacters (invalid in XML/HTML, RIS lines)."""
    if unicodedata.category(char) in ("Cc", "Cs"):
        return False
    code = ord(char)
    return not (0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE)


def clean(text: str | None) -> str | None:
    """One-line text safe in every format: whitespace runs → one space, controls dropped.

    Printable text (no control, surrogate, noncharacter or whitespace but the space) skips
    the test of each character, which dominated the HTML page's head tags."""
    if text is None:
        return None
    text = str(text)
    kept = text if text.isprintable() else "".join(c for c in text if _allowed(c) or _SPACE.match(c))
    return _SPACE.sub(" ", kept).strip() or None


def language(tag: str | None) -> str | None:
    """A BCP 47-shaped language tag, else None (it goes into xml:lang and xs:language)."""
    tag = clean(tag)
    return tag if tag and _LANGUAGE.fullmatch(tag) else None


def citation_key(title: str | None, year: int | None, slug: str) -> str:
    """Stable ASCII key: first ASCII word of the title (else `article`) + year + slug."""
    match = _ASCII_WORD.search(title or "")
    word = match.group(0).lower()[:KEY_WORD_MAX] if match else "article"
    return f"{word}{year or 'nd'}{slug}"


def creators(meta: Meta) -> tuple[str, ...]:
    """Who the article is by, for every format: its named authors, cleaned, each once.

    Empty when the post names nobody: it is anonymous, and no format names a creator for
    it. The site or feed stays the publisher (a feed that republishes wire copy is not
    its author, and a reference manager given the site as author files the article
    under it); DataCite, which must have a creator, says `:unkn`; a citation style
    writes its own rule for anonymous works (APA: title first; GB/T 7714: 佚名).
    """
    return tuple(dict.fromkeys(filter(None, map(clean, meta.authors))))


def build(meta: Meta) -> Record:
    """Meta → Record: the single place where citation values are chosen."""
    title = clean(meta.title)
    issued = meta.date.replace(microsecond=0) if meta.date else None
    site = clean(meta.publisher)
    return Record(
        id=meta.identifier,
        key=citation_key(title, issued.year if issued else None, meta.slug),
        genre=meta.genre,
        title=title,
        authors=creators(meta),
        issued=issued,
        accessed=meta.converted.replace(microsecond=0),
        language=language(meta.lang),
        url=clean(meta.canonical_url),
        container=site,
        publisher=site,
        abstract=clean(meta.summary),
        keywords=tuple(dict.fromkeys(filter(None, map(clean, meta.keywords)))),
        authority=clean(meta.issuer),
        number=clean(meta.doc_number),
        original_date=meta.signed_date,
        original_publisher=clean(meta.source),
    )


def iso(value: date | datetime | None) -> str | None:
    """W3C-DTF / ISO 8601: `2022-01-19T17:07:03+08:00` or `2021-12-30`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def day(value: date | datetime | None) -> date | None:
    """The calendar date of a value, in its own time zone."""
    return value.date() if isinstance(value, datetime) else value


def _csl_date(value: date | datetime | None) -> dict | None:
    """CSL date: date-parts for processors plus `raw` keeping time and zone."""
    if value is None:
        return None
    d = day(value)
    return {"date-parts": [[d.year, d.month, d.day]], "raw": iso(value)}


def _own_publisher(rec: Record) -> bool:
    """A blog that is its own publisher: CSL styles would print its name twice
    ("Ahoy Notes, Ahoy Notes"), so the CSL item names it once, as container-title."""
    return rec.genre == "blog" and rec.publisher == rec.container


def to_csl(rec: Record) -> dict:
    """The canonical CSL-JSON item (article-newspaper or post-weblog); empty fields are left out."""
    item = {
        "id": rec.id,
        "type": rec.type_in("csl"),
        "title": rec.title,
        "author": [{"literal": name} for name in rec.authors],
        "container-title": rec.container,
        "publisher": None if _own_publisher(rec) else rec.publisher,
        "URL": rec.url,
        "language": rec.language,
        "abstract": rec.abstract,
        "keyword": ", ".join(rec.keywords),
        "issued": _csl_date(rec.issued),
        "accessed": _csl_date(rec.accessed),
        "authority": rec.authority,
        "number": rec.number,
        "original-date": _csl_date(rec.original_date),
        "original-publisher": rec.original_publisher,
    }
    return {name: value for name, value in item.items() if value}
