"""Standalone HTML5 page: the clean body in an <article>, with citation metadata in <head>.

The page is also what the PDF writer renders, so its structure (header, body,
provenance footer) is shared by every paged output.
"""

from __future__ import annotations

import dataclasses
import functools
from html import escape
from pathlib import Path

from .. import __version__, assets, citation, images, math, media, resources
from ..locales import dir_attribute
from ..model import Document
from . import SUFFIXES

SUFFIX = SUFFIXES["html"]


@functools.lru_cache(maxsize=None)
def stylesheet(name: str, folder: Path | None = None) -> str:
    """The text of stylesheet `name`: from `folder` (`--styles`) when it has one, else Octavo's own
    (the packaged styles/, see convert/assets.py)."""
    if folder is not None and (folder / name).is_file():
        return (folder / name).read_text(encoding="utf-8")
    return (assets.styles() / name).read_text(encoding="utf-8")


def header(doc: Document) -> str:
    """The article header: title, dateline (date and source) and keywords."""
    meta, loc = doc.meta, doc.locale
    parts = [f"<h1>{escape(meta.title)}</h1>"]
    dateline = []
    if meta.date:
        dateline.append(f'<time datetime="{meta.date.isoformat()}">{loc.date(meta.date)}</time>')
    if meta.source and not meta.source_in_body:
        dateline.append(loc.labelled("source", escape(meta.source)))
    if dateline:
        parts.append(f'<p class="dateline">{" · ".join(dateline)}</p>')
    if meta.keywords:
        items = "".join(f"<li>{escape(k)}</li>" for k in meta.keywords)
        parts.append(f'<ul class="keywords" aria-label="{loc.label("keywords")}">{items}</ul>')
    return "<header>" + "".join(parts) + "</header>"


def provenance(doc: Document) -> str:
    """The link back to the original article, which the normalizer lifted out of the body."""
    url = doc.meta.canonical_url
    if not url:
        return ""
    link = f'<a href="{escape(url)}">{escape(url)}</a>'
    return f'<footer class="provenance"{doc.locale.labels_dir}><p>{doc.locale.labelled("original", link)}</p></footer>'


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
        f'<html lang="{escape(meta.lang)}"{dir_attribute(meta.lang)}>\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(meta.title)}</title>\n{canonical}"
        f'<meta name="generator" content="Octavo {__version__}">\n'
        f"{citation.head_tags(meta)}\n"
        f"<style>\n{css}</style>\n{extra_head}</head>\n<body>\n"
        f"<article>\n{header(doc)}\n{doc.body}\n{'' if after else provenance(doc)}\n</article>\n{after}"
        "</body>\n</html>\n"
    )


def write(doc: Document, settings) -> bytes:
    """The standalone page, UTF-8; images point at their copies in the store beside it
    (`resources/…`, relative, so the folder moves as a whole); math as MathML (the PDF,
    made from `page`, keeps TeX)."""
    doc = with_images(doc, lambda r: r.path or r.src, media.player(lambda r: r.path or r.src))
    body = math.mathml(doc.body, doc.meta.source_path)
    if body is not doc.body:
        doc = dataclasses.replace(doc, body=body)
    return page(doc, css=stylesheet("base.css", settings.styles)).encode("utf-8")


def with_images(doc: Document, src_for, show=None) -> Document:
    """`doc` with each archived image pointed at by `src_for(resource)` and every other
    image a placeholder (the one image policy, convert/images.py); each video or audio with
    an archived file shown by `show` (convert/media.py; default: its poster or a
    placeholder), the others removed, leaving their figure's links."""
    known = resources.by_src(doc)
    body = media.place(doc.body, known, show or media.still(doc.locale), lambda r: r.path or r.src,
                       doc.meta.site_url)
    body = images.place(body, doc.locale, known, src_for)
    return dataclasses.replace(doc, body=body)
