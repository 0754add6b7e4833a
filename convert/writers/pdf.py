"""PDF writer: the HTML page typeset by WeasyPrint into an archival PDF/A-3b with CJK
typography, full metadata, bookmarks, a colophon and the post's sources attached.
A bound book (a Document with `chapters`, convert/book.py) is typeset the same way, after
a cover, a title page and a contents page (_book_page), with its records attached."""

from __future__ import annotations

import atexit
import dataclasses
import functools
import json
import logging
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from dataclasses import dataclass

from .. import dates
from ..errors import warn
from ..model import Document, Meta
from ..options import Declared, setting
from . import SUFFIXES

SUFFIX = SUFFIXES["pdf"]

PDF_VARIANTS = ("pdf/a-3b", "pdf/a-3u", "pdf/a-2b", "pdf/a-2u", "pdf/ua-1", "pdf/ua-2")
"""Variants `--pdf-variant` accepts; the A-3 ones keep the attached sources."""

_PAGE_SIZE = re.compile(
    r"(?i)^(?:(?:a[3-6]|b[4-6]|jis-b[4-6]|letter|legal|ledger)(?: (?:portrait|landscape))?"
    r"|\d{1,4}(?:\.\d+)?(?:mm|cm|in|pt) \d{1,4}(?:\.\d+)?(?:mm|cm|in|pt))$")

PAGE_SIZES_MM = {
    "a3": (297, 420), "a4": (210, 297), "a5": (148, 210), "a6": (105, 148),
    "b4": (250, 353), "b5": (176, 250), "b6": (125, 176), "jis-b4": (257, 364),
    "jis-b5": (182, 257), "jis-b6": (128, 182), "letter": (215.9, 279.4),
    "legal": (215.9, 355.6), "ledger": (279.4, 431.8)}
"""CSS named page sizes (portrait width, height) in millimetres."""

BODY_PT = 11
"""Body text size; the text column is a whole number of these (see page_css)."""
RECURSION_LIMIT = 20_000
"""WeasyPrint lays boxes out recursively (about five frames per nesting level): markup at the
reader's limit of 256 levels needs more than Python's default 1000 (set in the render child)."""
MIN_SIDE_MM = 24
BOOK_CHAPTERS_PER_TIMEOUT = 16
BOOK_CHAPTERS_PER_MEMORY = 128
"""A bound book may take one render's time per 16 chapters, and its memory per 128, over one's
(117 finews chapters: 41 s and 353 MB on 2 shared cores)."""
PT_PER_MM = 72 / 25.4



def _page_size(value: str) -> str:
    size = " ".join(str(value).split())
    if not _PAGE_SIZE.match(size):
        raise ValueError(f"{value!r} is not a page size (e.g. A4, A5 landscape, letter, 148mm 210mm)")
    if _page_width_mm(size) < 2 * MIN_SIDE_MM + 40:
        raise ValueError(f"{value!r} is too narrow for a text column")
    return size


def _positive(value) -> float:
    if not float(value) > 0:
        raise ValueError(f"{value!r} is not a positive number")
    return value


@dataclass(frozen=True)
class Options(Declared):
    """The PDF writer's settings (`[pdf]` in octavo.toml)."""

    SECTION = "pdf"

    page_size: str = setting("A4", "PDF page size: a CSS @page size (A4, A5 landscape, letter, 148mm 210mm).",
                             flag="--page-size", check=_page_size)
    variant: str = setting("pdf/a-3b", "PDF variant; the A-3 ones keep the attached sources.",
                           flag="--pdf-variant", choices=PDF_VARIANTS)
    timeout: float = setting(120, "Seconds one PDF may take to render.", check=_positive)
    memory_mb: int = setting(1536, "Memory (MB) one PDF render may use beyond its worker's.", check=_positive)


_FONT_CONFIG = None
"""WeasyPrint's font configuration, built once per process by warm() and reused."""


def warm(settings) -> None:
    """Import WeasyPrint and load the fonts once, so each later render skips that cost."""
    global _FONT_CONFIG
    if _FONT_CONFIG is not None:
        return
    from weasyprint.text.fonts import FontConfiguration

    _FONT_CONFIG = FontConfiguration()
    render(_sample(), settings)


def _sample() -> Document:
    """A small post using every element and face of the print stylesheet (for warm())."""
    from datetime import datetime, timezone

    meta = Meta(title="样张：内外贸一体化 Sample", lang="zh-CN", tags=["新闻"], source="来源网",
                container="平台", date=datetime(2022, 1, 19, tzinfo=timezone.utc),
                canonical_url="http://example.com/news/1345,2022.html")
    body = ('<div class="summary"><p>摘要：国务院办公厅关于促进发展的意见。</p></div>'
            '<h2 class="centered">关于促进内外贸一体化发展的意见</h2>'
            '<p class="centered doc-number">国办发〔2021〕59号</p><h2>一、总体要求</h2>'
            '<p>(一)指导思想。以新时代为指导，到2025年，实现更高水平开放 <b>粗体</b> abc。</p>'
            '<footer class="signature"><p>国务院办公厅</p><p><time datetime="2021-12-30">'
            '2021年12月30日</time></p></footer><p class="source">（文章来源：中国政府网）</p>')
    return Document(meta, body, source_bytes=body.encode())


def write(doc: Document, settings) -> bytes:
    """The PDF for `doc`, rendered in a time- and memory-capped child of this process.

    Characters no installed font can draw are warnings (the render's, sent back from the
    child), never a failure.
    """
    from ..sandbox import run_limited   # here, not at the top: Settings imports this module for Options

    warm(settings)
    chapters = len(doc.chapters)
    source = _page(doc, settings)   # here: the colophon's citation is this process's (prepare)
    pdf, warnings = run_limited(_render_reporting, doc, settings, source,
                                timeout=settings.pdf.timeout * (1 + chapters // BOOK_CHAPTERS_PER_TIMEOUT),
                                memory_mb=settings.pdf.memory_mb * (1 + chapters // BOOK_CHAPTERS_PER_MEMORY),
                                path=doc.meta.source_path)
    for warning in warnings:
        warn(*warning)
    return pdf


def write_many(docs: list[Document], settings) -> list[bytes | Exception]:
    """Each PDF as write() makes it, after one pandoc process has formatted every
    colophon's citation (rather than one process per PDF)."""
    from ..colophon import prepare

    prepare([doc.meta for doc in docs])
    out: list[bytes | Exception] = []
    for doc in docs:
        try:
            out.append(write(doc, settings))
        except Exception as exc:  # one post's failure is that post's alone, as in batch._render
            out.append(exc)
    return out


def _render_reporting(doc: Document, settings, source: str) -> tuple[bytes, list[tuple]]:
    """render() with the warnings it gave, as picklable tuples (it runs in a child)."""
    from ..errors import collecting

    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    with collecting() as warnings:
        pdf = render(doc, settings, source)
    return pdf, [(w.path, w.message, w.line, w.kind) for w in warnings]


def render(doc: Document, settings, source: str | None = None) -> bytes:
    """Typeset `doc` in this process (no caps): page (`source`, else _page's) → WeasyPrint
    → PDF bytes."""
    from weasyprint import HTML

    from ..fetcher import STYLES_DIR, SafeFetcher, image_url

    fetcher = SafeFetcher({image_url(n): (r.file, r.media_type) for n, r in enumerate(doc.resources)
                           if r.archived and r.kind == "image"})
    source = _page(doc, settings) if source is None else source
    with _weasyprint_warnings() as watch:
        document = HTML(string=source, base_url=STYLES_DIR.as_uri() + "/", url_fetcher=fetcher).render(
            stylesheets=[_stylesheet(settings.styles, settings.pdf.page_size)], font_config=_FONT_CONFIG)
        document.metadata = _metadata(doc.meta)
        pdf = document.write_pdf(pdf_variant=settings.pdf.variant, attachments=_attachments(doc))
    path = doc.meta.source_path
    hidden = beyond_the_page(document)
    if hidden:
        shown = " | ".join(hidden)
        shown = shown if len(shown) <= MAX_NAMED else shown[:MAX_NAMED] + "…"
        warn(path, f"PDF: {len(hidden)} piece(s) of text laid out beyond the page's right edge (a table "
                   f"wider than the page), not visible there; the other formats keep them: {shown!r}",
             kind="off-page")
    if watch.missing:
        chars = ", ".join(f"U+{ord(c):04X} {c!r}" for c in sorted(set(watch.missing)))
        warn(path, f"PDF: no installed font has glyphs for {chars}; drawn as empty boxes", kind="missing-glyph")
    for message in dict.fromkeys(watch.messages):
        warn(path, f"PDF: {message}", kind="renderer")
    return pdf


MAX_NAMED = 4000
"""Characters of off-page text a warning quotes."""


def beyond_the_page(document) -> list[str]:
    """The text of each table cell, or line of other text, that WeasyPrint laid out past the
    right edge of its page (it does not split a table too wide for the page across pages):
    text no reader of the PDF can see. Walking the boxes costs about 1% of the render."""
    from weasyprint.formatting_structure.boxes import ParentBox, TableCellBox, TextBox

    found: list[str] = []
    for page in document.pages:
        edge = page.width + 1   # points; a rounding error is no overflow
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, (TextBox, TableCellBox)) and box.position_x + box.width > edge:
                text = box.text if isinstance(box, TextBox) else "".join(
                    b.text for b in box.descendants() if isinstance(b, TextBox))
                if text.strip():
                    found.append(" ".join(text.split()))
            elif isinstance(box, ParentBox):
                stack.extend(reversed(box.children))
    return found


@functools.lru_cache(maxsize=8)
def _stylesheet(styles: Path | None, page_size: str):
    """base + print CSS and the page size, parsed once per worker (not once per post: parsing
    and compiling its selectors was a quarter of a short post's render). Given to WeasyPrint
    as an author stylesheet, as an inline <style> would be (the page carries none)."""
    from weasyprint import CSS

    from ..fetcher import STYLES_DIR, SafeFetcher
    from .html import stylesheet

    if not _stylesheet.cache_info().currsize:
        atexit.register(_stylesheet.cache_clear)   # released while GLib lives: freed in the
        # interpreter's final collection instead, its Pango objects crashed the exit (SIGSEGV)
    css = stylesheet("base.css", styles) + stylesheet("pdf.css", styles) + page_css(page_size)
    return CSS(string=css, base_url=STYLES_DIR.as_uri() + "/", url_fetcher=SafeFetcher(),
               font_config=_FONT_CONFIG)


def _page(doc: Document, settings) -> str:
    """The standalone HTML page (html.page), without CSS (_stylesheet), with the colophon after
    it; archived images are named by their index (served by the fetcher), the rest placeholders."""
    from ..fetcher import image_url
    from .html import page, with_images

    index = {id(r): n for n, r in enumerate(doc.resources)}
    doc = with_images(doc, lambda r: image_url(index[id(r)]))
    doc = dataclasses.replace(doc, body=addresses_shown(doc.body))
    if doc.chapters:
        return _book_page(doc, doc.body, settings)
    return page(doc, css="", after=colophon(doc))


_WEB = re.compile(r"(?:https?|ftp)://", re.I)
_BARE = re.compile(r"^(?:https?|ftp)://(?:www\.)?|/+$", re.I)


def addresses_shown(body: str) -> str:
    """Each web link whose text does not show its address gets the class `shows-url`, and
    pdf.css prints the address after the text: on paper a link is its text alone.

    `<a href="https://jekyllrb.com/docs/">our docs</a>` → `<a class="shows-url" href="https://jekyllrb.com/docs/">our docs</a>`;
    `<a href="https://x.org/a/">x.org/a</a>`, `<a href="#fn1">1</a>` stay as they are.
    """
    if "<a" not in body:
        return body
    from .. import fragment

    root, marked = fragment.parse(body), False
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not _WEB.match(href) or _BARE.sub("", href).lower() in " ".join(link.text_content().split()).lower():
            continue
        link.set("class", " ".join(filter(None, [link.get("class"), "shows-url"])))
        marked = True
    return fragment.serialize(root) if marked else body


def _book_page(doc: Document, body: str, settings) -> str:
    """A bound book's page: cover, title page and contents, then its body (parts, chapters,
    Sources and colophon, which close it: no article colophon after them)."""
    from html import escape

    from ..bookmatter import pdf_front
    from ..locales import dir_attribute

    meta = doc.meta
    return ("<!DOCTYPE html>\n"
            f'<html lang="{escape(meta.lang)}"{dir_attribute(meta.lang)}>\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(meta.title)}</title>\n</head>\n"
            f'<body class="book">\n{pdf_front(doc, settings.book.cover)}\n{body}</body>\n</html>\n')


def page_css(page_size: str) -> str:
    """@page size plus side margins that make the text column a whole number of body ems.

    WeasyPrint justifies only at spaces, so CJK lines (no spaces) are set on a character
    grid instead: with full-width characters every line then ends flush right.
    """
    size = page_size.strip()
    width_mm = _page_width_mm(size)
    ems = int((width_mm - 2 * MIN_SIDE_MM) * PT_PER_MM // BODY_PT)
    side = (width_mm - ems * BODY_PT / PT_PER_MM) / 2
    return (f"\n@page {{ size: {size}; margin-left: {side:.3f}mm; margin-right: {side:.3f}mm; }}"
            f"\nhtml {{ font-size: {BODY_PT}pt; }}\n")


def _page_width_mm(size: str) -> float:
    """Width in mm of a page size that matches _PAGE_SIZE."""
    words = size.lower().split()
    if words[0] in PAGE_SIZES_MM:
        width, height = PAGE_SIZES_MM[words[0]]
        return height if words[-1] == "landscape" else width
    number, unit = re.match(r"([\d.]+)([a-z]+)", words[0]).groups()
    return float(number) * {"mm": 1, "cm": 10, "in": 25.4, "pt": 1 / PT_PER_MM}[unit]


def colophon(doc: Document) -> str:
    """The closing section: where the text comes from, when it was converted, how to cite it."""
    from ..colophon import cite_as, definition_list   # here: Settings import this module for Options

    return (f'<section class="colophon"{doc.locale.labels_dir}><h2>{doc.locale.label("colophon")}</h2>'
            f'{definition_list(doc.meta)}<p class="citation">{cite_as(doc.meta)}</p></section>\n')


def _metadata(meta: Meta):
    """WeasyPrint document metadata from Meta (never from the page head): Info + XMP."""
    from xml.etree.ElementTree import fromstring, tostring

    from weasyprint.pdf.metadata import DocumentMetadata

    class ArchivalMetadata(DocumentMetadata):
        """Adds Dublin Core publisher, identifier, source and language to the XMP packet."""

        def generate_rdf_metadata(self, variant, version, conformance):
            rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
            _add_dublin_core(rdf, meta)
            return tostring(rdf, encoding="utf-8")

    from ..citation import creators

    return ArchivalMetadata(
        title=meta.title or None,
        authors=list(creators(meta)),
        description=meta.summary or None,
        keywords=meta.keywords,
        generator="Octavo",
        created=dates.w3c(meta.date) if meta.date else None,
        modified=meta.converted.replace(microsecond=0).isoformat(),
        lang=meta.lang)


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"


def _add_dublin_core(rdf, meta: Meta) -> None:
    """Append one rdf:Description with dc:publisher, dc:identifier, dc:source, dc:language."""
    from xml.etree.ElementTree import SubElement

    node = SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    if meta.publisher:
        bag = SubElement(SubElement(node, f"{{{DC}}}publisher"), f"{{{RDF}}}Bag")
        SubElement(bag, f"{{{RDF}}}li").text = meta.publisher
    SubElement(node, f"{{{DC}}}identifier").text = meta.identifier
    if meta.coverage:
        SubElement(node, f"{{{DC}}}coverage").text = meta.coverage
    if meta.canonical_url:
        SubElement(node, f"{{{DC}}}source").text = meta.canonical_url
    bag = SubElement(SubElement(node, f"{{{DC}}}language"), f"{{{RDF}}}Bag")
    SubElement(bag, f"{{{RDF}}}li").text = meta.lang


def _attachments(doc: Document) -> list:
    """The post's own bytes (/AFRelationship /Source) and its CSL-JSON record (/Data)."""
    from weasyprint import Attachment

    from .. import citation

    meta = doc.meta
    when = {"created": meta.converted, "modified": meta.converted}
    if doc.chapters:
        from ..bookmatter import records

        return [Attachment(string=data, name=name, description=what, relationship=relation, **when)
                for name, _, data, what, relation in records(doc)]
    record = json.dumps(citation.csl(meta), ensure_ascii=False, indent=2, sort_keys=True)
    return [
        Attachment(string=doc.source_bytes, name=Path(meta.source_path).name or f"{doc.stem}.md",
                   description="Original post (source file)", relationship="Source", **when),
        Attachment(string=record.encode("utf-8"), name=f"{doc.stem}.csl.json",
                   description="Citation record (CSL-JSON)", relationship="Data", **when),
    ]


class _Watch(logging.Handler):
    """Collects WeasyPrint's warnings while rendering: characters drawn as .notdef (tofu)
    apart, every other message as it is."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.missing: list[str] = []
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(".notdef glyph") and record.args:
            self.missing.append(str(record.args[0]))
        else:
            self.messages.append(" ".join(record.getMessage().split())[:300])


@contextmanager
def _weasyprint_warnings():
    """Yield a _Watch that fills while the block runs; WeasyPrint's log prints nothing itself."""
    watch = _Watch()
    logger = logging.getLogger("weasyprint")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    logger.addHandler(watch)
    try:
        yield watch
    finally:
        logger.removeHandler(watch)
        logger.setLevel(level)
        logger.propagate = propagate
