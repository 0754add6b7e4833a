"""Standalone HTML5 page: the clean body in an <article>, with citation metadata in <head>.

The page is also what the PDF writer renders, so its structure (header, body,
provenance footer) is shared by every paged output.
"""

from __future__ import annotations

import functools
from html import escape
from pathlib import Path

from .. import __version__, citation
from ..labels import human_date, label
from ..model import Document

SUFFIX = ".html"
STYLES = Path(__file__).resolve().parents[2] / "styles"


@functools.lru_cache(maxsize=None)
def stylesheet(name: str) -> str:
    """The text of one of Octavo's own stylesheets in styles/."""
    return (STYLES / name).read_text(encoding="utf-8")


def header(doc: Document) -> str:
    """The article header: title, dateline (date and source) and keywords."""
    meta = doc.meta
    parts = [f"<h1>{escape(meta.title)}</h1>"]
    dateline = []
    if meta.date:
        dateline.append(f'<time datetime="{meta.date.isoformat()}">{human_date(meta.date, meta.lang)}</time>')
    if meta.source and 'class="source"' not in doc.body:  # else the body's source line says it
        dateline.append(f'{label(meta.lang, "source")}：{escape(meta.source)}')
    if dateline:
        parts.append(f'<p class="dateline">{" · ".join(dateline)}</p>')
    if meta.keywords:
        items = "".join(f"<li>{escape(k)}</li>" for k in meta.keywords)
        parts.append(f'<ul class="keywords" aria-label="{label(meta.lang, "keywords")}">{items}</ul>')
    return "<header>" + "".join(parts) + "</header>"


def provenance(doc: Document) -> str:
    """The link back to the original article, which the normalizer lifted out of the body."""
    url = doc.meta.canonical_url
    if not url:
        return ""
    return (f'<footer class="provenance"><p>{label(doc.meta.lang, "original")}：'
            f'<a href="{escape(url)}">{escape(url)}</a></p></footer>')


def page(doc: Document, *, css: str | None = None, extra_head: str = "", after: str = "") -> str:
    """The whole HTML5 document for `doc`; `css` defaults to styles/base.css, inlined.

    `after` is HTML placed after the article: the PDF's colophon, which then carries the
    link to the original instead of the article's provenance footer.
    """
    meta = doc.meta
    css = stylesheet("base.css") if css is None else css
    canonical = f'<link rel="canonical" href="{escape(meta.canonical_url)}">\n' if meta.canonical_url else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(meta.lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(meta.title)}</title>\n{canonical}"
        f'<meta name="generator" content="Octavo {__version__}">\n'
        f"{citation.head_tags(meta)}\n"
        f"<style>\n{css}</style>\n{extra_head}</head>\n<body>\n"
        f"<article>\n{header(doc)}\n{doc.body}\n{'' if after else provenance(doc)}\n</article>\n{after}"
        "</body>\n</html>\n"
    )


def write(doc: Document, options: dict) -> bytes:
    return page(doc).encode("utf-8")
