"""The colophon the PDF and the EPUB end with: where the text comes from, when it was
converted, which file it is, and how to cite it — one list, so both say the same."""

from __future__ import annotations

from datetime import timezone
from html import escape

from . import citation
from .locales import for_tag
from .model import Meta


def rows(meta: Meta) -> list[tuple[str, str]]:
    """(label, HTML value) pairs, in reading order; fields the article lacks are left out
    (an anonymous article has no author row: citation.creators is the one rule)."""
    loc = for_tag(meta.lang)
    out = []
    names = citation.creators(meta)
    if names:
        out.append(("author", escape(loc.list_separator.join(names))))
    if meta.canonical_url:
        url = escape(meta.canonical_url)
        out.append(("original", f'<a href="{url}">{url}</a>'))
    for key, value in (("source", meta.source), ("publisher", meta.publisher),
                       ("document_number", meta.doc_number), ("issuer", meta.issuer)):
        if value:
            out.append((key, escape(value)))
    if meta.signed_date:
        out.append(("signed", loc.date(meta.signed_date)))
    if meta.date:
        out.append(("published", f"{loc.date(meta.date)} ({meta.date.isoformat()})"))
    out.append(("converted", meta.converted.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")))
    out.append(("identifier", escape(meta.identifier)))
    return [(loc.label(key), value) for key, value in out]


def definition_list(meta: Meta) -> str:
    """The rows as a <dl>."""
    return "<dl>" + "".join(f"<dt>{key}</dt><dd>{value}</dd>" for key, value in rows(meta)) + "</dl>"


def prepare(metas: list[Meta]) -> None:
    """Format the citations of a batch's colophons in one pandoc process (see cite_as)."""
    citation.prepare(metas)


def cite_as(meta: Meta) -> str:
    """`引用格式：…` / `Cite as: …`, the formatted citation escaped as text."""
    return for_tag(meta.lang).labelled("cite", escape(citation.formatted(meta)))
