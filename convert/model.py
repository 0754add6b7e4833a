"""Meta and Document: the one intermediate form between every reader and every writer.

Every metadata field any output carries lives in `Meta`, filled once (from front
matter, site config and the body), so the HTML head, EPUB OPF, PDF XMP, Markdown
front matter and citation records never disagree.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from .errors import PostWarning
from .locales import Locale, for_tag

OCTAVO_NAMESPACE = uuid.UUID("6f1b2a5e-8c0d-5f3a-9a7e-0c7a1d0e5b21")


@functools.lru_cache(maxsize=256)
def _urn(basis: str) -> str:
    """The article URN for `basis` (a post's identifier is asked for by its id and its slug)."""
    return f"urn:uuid:{uuid.uuid5(OCTAVO_NAMESPACE, basis)}"


def conversion_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that outputs are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


@dataclass
class Meta:
    """Everything known about one article; each writer reads only from here."""

    genre: str = "news"
    """What kind of work the post is, "news" or "blog", decided once from the site profile
    (profiles/*.json `genre`): news cites as a newspaper article, a blog post as one;
    "book" for a bound collection (convert/book.py)."""
    title: str = ""
    """The article's title (front matter, else the first heading, else the file name)."""
    subtitle: str | None = None
    """A bound book's subtitle (`octavo book --subtitle`); articles have none."""
    coverage: str | None = None
    """The period a bound book's articles span, an ISO 8601 interval (2021-12-01/2022-06-01):
    the book's dc:coverage. None for one article."""
    date: datetime | None = None
    """Publication date-time: aware when the post or its site gives a zone, else naive
    (floating: written without an offset everywhere, see convert/dates.py)."""
    categories: list[str] = field(default_factory=list)
    """Jekyll categories, in order, without duplicates."""
    tags: list[str] = field(default_factory=list)
    """Jekyll tags, in order, without duplicates."""
    lang: str = "zh-CN"
    """BCP 47 language tag of the text; drives fonts and every output's language field."""
    authors: list[str] = field(default_factory=list)
    """Named authors: front matter's, else (a blog's only) the site's `author`; ids found in
    the site's `_data/authors.yml` become its names. Never invented (news flashes have none)."""
    summary: str | None = None
    """The lead/summary blockquote's text: the abstract of every citation format."""
    canonical_url: str | None = None
    """The original article's URL (the body's trailing autolink, or front matter)."""
    source: str | None = None
    """Original publisher the article credits (文章来源：中国政府网 → 中国政府网)."""
    source_in_body: bool = False
    """The body keeps its own attribution line (`p.source`), so headers need not repeat it."""
    container: str | None = None
    """The site/feed the article appeared in (东方财富网 for the eastmoney feed)."""
    site_title: str | None = None
    """Title of the Jekyll site that republished the post (_config.yml `title`, else `name`)."""
    site_url: str | None = None
    """Base URL of that site (_config.yml `url`)."""
    doc_number: str | None = None
    """Number of an official document the article republishes (国办发〔2021〕59号)."""
    issuer: str | None = None
    """Issuing body named in the signature block (国务院办公厅)."""
    signed_date: date | None = None
    """Signing date from the signature block (2021-12-30)."""
    source_path: str = ""
    """Path of the post file as given, for error messages and attachments."""
    source_sha256: str = ""
    """SHA-256 of the post file's bytes: fixity, cache key, identifier fallback."""
    converted: datetime = field(default_factory=conversion_time)
    """When the conversion ran (SOURCE_DATE_EPOCH when set)."""
    extra: dict = field(default_factory=dict)
    """Front-matter keys Octavo does not interpret, kept verbatim (JSON-safe values)."""

    @property
    def keywords(self) -> list[str]:
        """Tags then categories, without duplicates: the subject/keyword list."""
        return list(dict.fromkeys([*self.tags, *self.categories]))

    @property
    def published(self) -> bool:
        """Jekyll's `published` (kept in `extra`): false or empty means the site does not
        build the post, so Octavo skips it unless asked (Settings.unpublished)."""
        return self.extra.get("published", True) not in (False, None)

    @property
    def publisher(self) -> str | None:
        """Who published the article being cited: the container site, else the Jekyll site.

        The one answer every output gives (OPF, XMP, colophons, front matter, citations).
        """
        return self.container or self.site_title

    @property
    def identifier(self) -> str:
        """Stable URN for this article, shared by the EPUB, PDF and citations.

        Derived from the canonical URL when known (so re-scrapes keep it), else from
        the file's content hash.
        """
        return _urn(self.canonical_url or f"sha256:{self.source_sha256}")

    @property
    def slug(self) -> str:
        """Short stable key (citation keys, file-safe ids)."""
        return hashlib.sha1(self.identifier.encode()).hexdigest()[:8]

    def replace(self, **changes) -> "Meta":
        """A copy with some fields changed (dataclasses.replace)."""
        return dataclasses.replace(self, **changes)


@dataclass
class Document:
    """One article (or one bound book): metadata plus a clean HTML5 body fragment.

    `body` is serialized HTML (not a live tree) so Documents pickle cheaply across
    worker processes and compare by value in idempotence tests.
    """

    meta: Meta
    body: str
    warnings: list[PostWarning] = field(default_factory=list)
    """What was repaired, assumed or dropped while reading and normalizing."""
    source_bytes: bytes = b""
    """The post file exactly as read, for PDF/A attachments and archives."""
    chapters: list["Document"] = field(default_factory=list)
    """A bound book's articles, in reading order (their bodies are already in `body`, as
    chapter sections): what the writers attach and cite. Empty for one article."""
    resources: list = field(default_factory=list)
    """The body's images, resolved once for every writer (`convert.resources.Resource`:
    the local copy or why it was left out, with provenance)."""
    profile: str = ""
    """The site profile the post was read with (`profiles.choose`, once per post), which
    normalize applies when asked for `auto`; empty for a Document made in code."""

    @property
    def locale(self) -> Locale:
        """Labels, punctuation and date formats for the document's language."""
        return for_tag(self.meta.lang)

    @property
    def stem(self) -> str:
        """Base name for output files: the input's file name without its suffix."""
        return Path(self.meta.source_path).stem if self.meta.source_path else self.meta.slug
