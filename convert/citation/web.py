"""Web metadata from a Record: schema.org NewsArticle or BlogPosting JSON-LD and the HTML <head> tags
(Highwire `citation_*` for Google Scholar and Zotero, `DC.*` for Dublin Core readers)."""

from __future__ import annotations

import functools
import json
from html import escape

from .record import Record, day, iso
from .repository import dc_elements


def _prune(data: dict) -> dict:
    return {key: value for key, value in data.items() if value}


def _based_on(rec: Record) -> dict | None:
    """The republished document (number, signing date, issuer, original publisher)."""
    if not (rec.number or rec.original_date or rec.authority or rec.original_publisher):
        return None
    return _prune({
        "@type": "CreativeWork",
        "identifier": rec.number,
        "dateCreated": iso(rec.original_date),
        "author": rec.authority and {"@type": "Organization", "name": rec.authority},
        "publisher": rec.original_publisher
        and {"@type": "Organization", "name": rec.original_publisher},
    })


def jsonld(rec: Record) -> dict:
    """schema.org NewsArticle or BlogPosting (part of its Blog); authors stay plain names
    (person or body is unknown)."""
    blog = {"@type": "Blog", "name": rec.container} if rec.genre == "blog" and rec.container else None
    return _prune({
        "@context": "https://schema.org",
        "@type": rec.type_in("schema.org"),
        "@id": rec.id,
        "identifier": rec.id,
        "headline": rec.title,
        "author": list(rec.authors),
        "datePublished": iso(rec.issued),
        "inLanguage": rec.language,
        "url": rec.url,
        "description": rec.abstract,
        "keywords": list(rec.keywords),
        "publisher": rec.publisher and {"@type": "Organization", "name": rec.publisher},
        "isBasedOn": _based_on(rec),
        "isPartOf": blog,
        "sdDatePublished": iso(rec.accessed),
    })


def script(data: dict) -> str:
    """A JSON-LD <script>; `<`, `>`, `&` are JSON-escaped so no text can close it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def _highwire(rec: Record) -> list[tuple[str, str | None]]:
    d = day(rec.issued)
    return [
        ("citation_title", rec.title),
        *(("citation_author", name) for name in rec.authors),
        ("citation_publication_date", d and f"{d.year:04d}/{d.month:02d}/{d.day:02d}"),
        ("citation_language", rec.language),
        ("citation_public_url", rec.url),
        ("citation_publisher", rec.publisher),
        *(("citation_keywords", keyword) for keyword in rec.keywords),
        ("citation_abstract", rec.abstract),
    ]


@functools.lru_cache(maxsize=256)
def _escaped(text: str) -> str:
    """escape() for the few tag names and languages that recur on every page."""
    return escape(text)


def _meta(name: str, content: str, lang: str | None = None) -> str:
    lang_attr = f' lang="{_escaped(lang)}"' if lang else ""
    return f'<meta name="{_escaped(name)}" content="{escape(content)}"{lang_attr}>'


def head_tags(rec: Record) -> str:
    """Highwire and DC.* <meta> tags plus the JSON-LD block, one per line, HTML-escaped."""
    lines = ['<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">']
    lines += [_meta(name, value) for name, value in _highwire(rec) if value]
    lines += [
        _meta(f"DC.{name}", value, rec.language if name in ("title", "description") else None)
        for name, value in dc_elements(rec)
    ]
    lines.append(script(jsonld(rec)))
    return "\n".join(lines) + "\n"
