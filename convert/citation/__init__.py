"""Citation metadata: one canonical record per article (CSL-JSON), every format from it.

Each public function takes a `Meta`; all of them render the same `Record`, so CSL-JSON,
BibLaTeX, BibTeX, RIS, Dublin Core, DataCite, JSON-LD and the HTML head never disagree.
"""

from __future__ import annotations

import json

from convert.locales import for_tag
from convert.model import Meta

from . import repository, tex, web
from . import ris as _ris
from .record import Record, build, creators, to_csl

__all__ = [
    "Record", "build", "creators", "csl", "biblatex", "bibtex", "ris", "dublin_core", "datacite",
    "jsonld", "head_tags", "formatted", "prepare", "format_record", "RECORD_FORMATS",
]


def csl(meta: Meta) -> dict:
    """The canonical CSL-JSON item (type article-newspaper, or post-weblog for a blog post)."""
    return to_csl(build(meta))


def biblatex(meta: Meta) -> str:
    """BibLaTeX `@online` entry."""
    return tex.biblatex(build(meta))


def bibtex(meta: Meta) -> str:
    """Classic BibTeX `@misc` entry."""
    return tex.bibtex(build(meta))


def ris(meta: Meta) -> str:
    """RIS `TY  - NEWS` record (`TY  - BLOG` for a blog post)."""
    return _ris.ris(build(meta))


def dublin_core(meta: Meta) -> str:
    """Simple Dublin Core as an `oai_dc` XML document."""
    return repository.dublin_core(build(meta))


def datacite(meta: Meta) -> str:
    """DataCite kernel-4 XML document."""
    return repository.datacite(build(meta))


def jsonld(meta: Meta) -> dict:
    """schema.org NewsArticle (BlogPosting for a blog post) JSON-LD."""
    return web.jsonld(build(meta))


def head_tags(meta: Meta) -> str:
    """Highwire `citation_*` and `DC.*` <meta> tags plus the JSON-LD <script>."""
    return web.head_tags(build(meta))


def formatted(meta: Meta, style: str | None = None, fmt: str = "text") -> str:
    """A human-readable citation in a CSL style (pandoc's citeproc, offline); fmt text or html.

    `style` defaults to the article language's convention (Locale.citation_style).
    """
    from . import styles  # only `cite --style` and colophons need it; -t html does not

    return styles.formatted(csl(meta), style or for_tag(meta.lang).citation_style, fmt)


def prepare(metas: list[Meta], fmt: str = "text", style: str | None = None) -> None:
    """Format the citations of many articles at once (one pandoc process per style) in
    `style`, else each one's default, so that formatted() for each is answered from memory."""
    from . import styles

    styles.prepare([(csl(meta), style or for_tag(meta.lang).citation_style) for meta in metas], fmt)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


RECORD_FORMATS = {
    "csl": lambda meta: _json([csl(meta)]),
    "biblatex": biblatex,
    "bibtex": bibtex,
    "ris": ris,
    "dc": dublin_core,
    "datacite": datacite,
    "jsonld": lambda meta: _json(jsonld(meta)),
}
"""`octavo cite -f NAME` → the text it prints."""


def format_record(meta: Meta, fmt: str) -> str:
    """The record in format `fmt` as text; ValueError for an unknown format."""
    try:
        render = RECORD_FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown citation format {fmt!r} (known: {', '.join(RECORD_FORMATS)})") from None
    return render(meta)
