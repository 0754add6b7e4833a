"""A bound book's front and back matter: the Sources chapter and the colophon (part of the
book's body, so every format shows them), and what each format makes its own way: the
cover (an SVG for the EPUB, a page for the PDF) and the PDF's title page and contents."""

from __future__ import annotations

import base64
import mimetypes
from html import escape
from pathlib import Path

from . import __version__, fragment
from .locales import for_tag
from .model import Document, Meta

COVER_SIZE = (1200, 1600)
"""The made cover's SVG canvas (3:4, the usual e-book cover shape)."""


def formatted_citation(meta: Meta, style: str | None) -> str:
    """One formatted citation as HTML: the single call the book makes for it (the Sources
    chapter and the colophon), so the citation engine can be switched here."""
    from . import citation

    return citation.formatted(meta, style, fmt="html")


def sources(book, meta: Meta, style: str | None) -> str:
    """The Sources chapter: every article's citation in one CSL style (the book's: --style,
    else its language's), in reading order, each linked to its chapter."""
    from . import citation

    loc = for_tag(meta.lang)
    style = style or loc.citation_style
    citation.prepare([c.doc.meta for c in book.chapters], "html", style)   # one pandoc run, not one per chapter
    items = "".join(f'<li><a class="source" href="#{c.anchor}">{formatted_citation(c.doc.meta, style)}</a></li>\n'
                    for c in book.chapters)
    return (f'<section class="sources"><h1 id="sources">{loc.label("sources")}</h1>\n'
            f'<ol class="references">\n{items}</ol></section>\n')


def period_text(meta: Meta) -> str | None:
    """The book's period as the reader reads it (2021年12月8日—2022年6月1日), from dc:coverage."""
    if not meta.coverage:
        return None
    from datetime import date

    loc = for_tag(meta.lang)
    first, last = (loc.date(date.fromisoformat(day)) for day in meta.coverage.split("/"))
    return first if first == last else f"{first}—{last}"


def colophon(book, meta: Meta, options, failed: list[str]) -> str:
    """The book's colophon: what it holds, the period, how it was arranged and selected,
    what was left out, when and with what it was made, its identifier and how to cite it."""
    loc = for_tag(meta.lang)
    count = loc.label("count").format(n=len(book.chapters))
    rows = [("articles", escape(count))]
    if meta.coverage:
        rows.append(("period", f"{escape(period_text(meta))} ({meta.coverage})"))
    rows.append(("arrangement", f"--group-by {options.group_by}, --sort {options.sort}"))
    chosen = [f"--{name} {escape(str(value))}" for name, value in
              (("since", options.since), ("until", options.until), ("category", options.category),
               ("tag", options.tag)) if value]
    if chosen:
        rows.append(("selection", ", ".join(chosen)))
    copies = [Path(copy.meta.source_path).name for c in book.chapters for copy in c.copies]
    if copies:
        rows.append(("duplicates", escape(", ".join(copies))))
    if failed:
        rows.append(("failed", escape(", ".join(Path(p).name for p in failed))))
    made = meta.converted.strftime("%Y-%m-%dT%H:%M:%SZ")
    rows.append(("made", f"Octavo {escape(__version__)} (octavo book), {made}"))
    rows.append(("book_identifier", escape(meta.identifier)))
    items = "".join(f"<dt>{loc.label(key)}</dt><dd>{value}</dd>" for key, value in rows)
    cite = loc.labelled("cite", formatted_citation(meta, options.style or loc.citation_style))
    return (f'<section class="colophon book-colophon"{loc.labels_dir}><h1 class="colophon" id="colophon">'
            f'{loc.label("colophon")}</h1>\n<dl>{items}</dl>\n<p class="citation">{cite}</p></section>\n')


def cover_svg(meta: Meta) -> str:
    """A plain cover drawn from the title, subtitle and period (no image, nothing fetched)."""
    width, height = COVER_SIZE
    lines: list[str] = []
    y = 520
    for text in _wrap(meta.title, 20):
        lines.append(_svg_text(text, y, 84, "bold"))
        y += 110
    y += 40
    period = period_text(meta)
    for text in [*(_wrap(meta.subtitle, 30) if meta.subtitle and meta.subtitle != period else []),
                 *([period] if period else [])]:
        lines.append(_svg_text(text, y, 48, "normal"))
        y += 70
    if meta.authors:
        lines.append(_svg_text(", ".join(meta.authors), height - 220, 44, "normal"))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" xml:lang="{escape(meta.lang)}">\n'
            f'<title>{escape(meta.title)}</title>\n'
            f'<rect width="{width}" height="{height}" fill="#f4f1ea"/>\n'
            f'<rect x="60" y="60" width="{width - 120}" height="{height - 120}" fill="none" '
            'stroke="#8a2b1e" stroke-width="6"/>\n' + "".join(lines) + "</svg>\n")


def _svg_text(text: str, y: int, size: int, weight: str) -> str:
    return (f'<text x="{COVER_SIZE[0] // 2}" y="{y}" text-anchor="middle" font-family="serif" '
            f'font-size="{size}" font-weight="{weight}" fill="#1a1a1a">{escape(text)}</text>\n')


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` units (a CJK character counts two), broken at spaces when
    the text has them, else anywhere."""
    lines, line, used = [], "", 0
    for word in _pieces(text):
        size = sum(2 if ord(c) > 0x2E80 else 1 for c in word)
        if line and used + size > width:
            lines.append(line.strip())
            line, used = "", 0
        line += word
        used += size
    if line.strip():
        lines.append(line.strip())
    return lines


def _pieces(text: str) -> list[str]:
    """Words with their trailing space; each CJK character is a piece of its own."""
    pieces, word = [], ""
    for char in text:
        if ord(char) > 0x2E80:
            if word:
                pieces.append(word)
                word = ""
            pieces.append(char)
        else:
            word += char
            if char == " ":
                pieces.append(word)
                word = ""
    if word:
        pieces.append(word)
    return pieces


def data_uri(path: Path) -> str:
    """A local image as a data: URL (the PDF's cover: no file access while rendering)."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def contents(doc: Document) -> list[tuple[int, str, str]]:
    """The book's tree as (level, id, text): parts and the top-level chapters (Sources,
    colophon) at 1, chapters under a part at 2. The PDF's contents page and bookmarks and
    the EPUB's navigation all follow these headings."""
    root = fragment.parse(doc.body)
    entries = []
    for heading in root.iter("h1", "h2"):
        classes = (heading.get("class") or "").split()
        if heading.tag == "h1" or "chapter-title" in classes:
            if heading.get("id"):
                level = 2 if heading.tag == "h2" else 1
                entries.append((level, heading.get("id"), " ".join(heading.text_content().split())))
    return entries


def pdf_front(doc: Document, cover: Path | None) -> str:
    """The PDF's cover, title page and contents page (with page numbers, by CSS
    `target-counter`)."""
    meta, loc = doc.meta, doc.locale
    period = period_text(meta)
    if cover is not None:
        front = f'<section class="cover"><img src="{data_uri(cover)}" alt="{escape(loc.label("cover"))}"></section>'
    else:
        lines = [f'<p class="cover-title">{escape(meta.title)}</p>']
        if meta.subtitle and meta.subtitle != period:
            lines.append(f'<p class="cover-subtitle">{escape(meta.subtitle)}</p>')
        if period:
            lines.append(f'<p class="cover-period">{escape(period)}</p>')
        front = f'<section class="cover">{"".join(lines)}</section>'
    title = [f'<p class="book-title">{escape(meta.title)}</p>']
    if meta.subtitle:
        title.append(f'<p class="book-subtitle">{escape(meta.subtitle)}</p>')
    if meta.authors:
        title.append(f'<p class="book-author">{escape(", ".join(meta.authors))}</p>')
    front += f'<section class="title-page">{"".join(title)}</section>'
    items, open_part = [], False
    for level, anchor, text in contents(doc):
        link = f'<a href="#{escape(anchor)}">{escape(text)}</a>'
        if level == 1:
            if open_part:
                items.append("</ol></li>")
            items.append(f'<li class="toc-part">{link}<ol>')
            open_part = True
        else:
            items.append(f'<li class="toc-chapter">{link}</li>')
    if open_part:
        items.append("</ol></li>")
    toc = "".join(items).replace("<ol></ol>", "")
    return (front + f'<nav class="toc"><h1 id="contents">{loc.label("contents")}</h1>'
            f'<ol>{toc}</ol></nav>\n')


def records(doc: Document) -> list[tuple[str, str, bytes, str, str]]:
    """What a bound book carries besides its text, as (file name, media type, bytes,
    description, PDF/A relationship): every article's CSL-JSON, the book's own record in
    every citation format, and each article's source file."""
    import json

    from . import citation

    def text(value: str) -> bytes:
        return value.encode("utf-8")

    articles = [citation.csl(chapter.meta) for chapter in doc.chapters]
    out = [
        ("articles.csl.json", "application/vnd.citationstyles.csl+json",
         text(json.dumps(articles, ensure_ascii=False, indent=2, sort_keys=True) + "\n"),
         "Citation records of every article (CSL-JSON)", "Data"),
        ("book.csl.json", "application/vnd.citationstyles.csl+json",
         text(citation.format_record(doc.meta, "csl")), "Citation record of the book (CSL-JSON)", "Data"),
        ("book.bib", "application/x-bibtex", text(citation.biblatex(doc.meta)),
         "Citation record of the book (BibLaTeX)", "Data"),
        ("book.ris", "application/x-research-info-systems", text(citation.ris(doc.meta)),
         "Citation record of the book (RIS)", "Data"),
        ("book.dc.xml", "application/xml", text(citation.dublin_core(doc.meta)),
         "Citation record of the book (Dublin Core)", "Data"),
    ]
    for n, chapter in enumerate(doc.chapters, 1):
        name = Path(chapter.meta.source_path).name or f"{chapter.stem}.md"
        out.append((f"{n:03d}-{name}", "text/markdown", chapter.source_bytes,
                    f"Original post {n} (source file)", "Source"))
    return out


COVER_MEDIA = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
"""Cover image types (EPUB core media types) and their media type."""


def cover_page(meta: Meta, href: str) -> str:
    """The EPUB's cover page: the cover image, full page, described by the book's title."""
    lang = escape(meta.lang)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            f'lang="{lang}" xml:lang="{lang}">\n<head>\n<meta charset="utf-8" />\n'
            f'<title>{escape(meta.title)}</title>\n'
            '<style>html, body { margin: 0; padding: 0; height: 100%; text-align: center; } '
            'img { max-width: 100%; max-height: 100%; }</style>\n</head>\n'
            '<body epub:type="cover">\n<section epub:type="cover">'
            f'<img role="doc-cover" src="{escape(href)}" alt="{escape(meta.title)}" /></section>\n</body>\n</html>\n')
