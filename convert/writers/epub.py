"""EPUB 3 through pandoc: full OPF metadata, a title page, a nav from the headings, a colophon.

pandoc writes the book from the clean body (one chapter for the article, one for the
colophon); every metadata field comes from `doc.meta`. Images are never fetched or
embedded: each becomes its description, linked when it was on the web (see
convert/data/octavo.lua). Afterwards the archive is rebuilt with Octavo's stylesheet,
`dcterms:modified` = meta.converted and every zip entry dated meta.converted, so that
with SOURCE_DATE_EPOCH two runs (and the single and batch paths) give identical bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timezone
from html import escape

from .. import images
from ..colophon import cite_as, definition_list
from ..model import Document, Meta
from ..pandoc import Job, reader_html, run, run_many
from .html import stylesheet

SUFFIX = ".epub"
STYLESHEET = "EPUB/styles/stylesheet1.css"
OPF = "EPUB/content.opf"
_MODIFIED = re.compile(r'(<meta property="dcterms:modified">)[^<]*(</meta>)')
_FILE_TITLE = re.compile(r"<title>ch\d+\.xhtml</title>")
_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _chapter_title(xhtml: str) -> str:
    """A chapter's <title> from its first heading (pandoc writes the file name there)."""
    heading = _HEADING.search(xhtml)
    if not heading:
        return xhtml
    text = " ".join(_TAG.sub("", heading.group(1)).split())
    return _FILE_TITLE.sub(lambda _: f"<title>{text}</title>", xhtml, count=1)

ACCESSIBILITY = {
    "accessModes": ["textual"],
    "accessModeSufficient": ["textual"],
    "accessibilityFeatures": ["structuralNavigation", "tableOfContents", "readingOrder",
                              "displayTransformability"],
    "accessibilityHazards": ["none"],
}
"""schema.org accessibility metadata: text only (images are replaced by their description)."""


def write(doc: Document, settings) -> bytes:
    """The EPUB 3 file for one document, from its own sandboxed pandoc process."""
    return _finish(run(job(doc)), doc.meta, settings)


def write_many(docs: list[Document], settings) -> list[bytes | Exception]:
    """EPUBs for many documents from one pandoc process; a failed one is its ExportError."""
    results = run_many([job(doc) for doc in docs])
    return [r if isinstance(r, Exception) else _finish(r, doc.meta, settings) for r, doc in zip(results, docs)]


def job(doc: Document) -> Job:
    """The pandoc job: the article as chapter one, the colophon as the last chapter.

    The book holds no images (nothing is fetched): each becomes its description; math
    (TeX in the body) becomes MathML.
    """
    title = doc.meta.title or doc.stem
    body = images.describe(doc.body, doc.locale, keep=lambda src: False)
    html = f"<h1>{escape(title)}</h1>\n{reader_html(body)}\n{colophon(doc)}"
    return Job(html=html, to="epub3", path=doc.meta.source_path, standalone=True,
               meta=metadata(doc), options={"toc_depth": 2, "split_level": 1, "html_math_method": "mathml"})


def metadata(doc: Document) -> dict:
    """pandoc metadata → the OPF's dc:* and schema:* elements and the title page.

    dc:date is the publication day (pandoc drops dates with a time part); an undated
    post gets the conversion day, this edition's date, rather than pandoc's clock.
    """
    meta, loc = doc.meta, doc.locale
    fields = {
        "title": meta.title or meta.slug,
        "lang": meta.lang,
        "identifier": meta.identifier,
        "date": (meta.date or meta.converted).strftime("%Y-%m-%d"),
        "author": meta.authors,
        "publisher": meta.publisher,
        "source": meta.canonical_url,
        "subject": meta.tags,
        "description": meta.summary,
        "toc-title": loc.label("contents"),
        **ACCESSIBILITY,
        "accessibilitySummary": loc.label("accessibility"),
    }
    return {name: value for name, value in fields.items() if value}


def colophon(doc: Document) -> str:
    """The last chapter: how to cite the article, where it came from, and which file it is."""
    return (f'<h1 class="colophon">{doc.locale.label("colophon")}</h1>'
            f'<div class="citation"><p>{cite_as(doc.meta)}</p></div>'
            f"{definition_list(doc.meta)}")


def _finish(epub: bytes, meta: Meta, settings) -> bytes:
    """Rebuild the archive: Octavo's stylesheet, chapter titles, dcterms:modified and entry
    dates = meta.converted."""
    when = meta.converted.astimezone(timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    date_time = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(epub)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == STYLESHEET:
                data = stylesheet("epub.css", settings.styles).encode("utf-8")
            elif item.filename == OPF:
                data = _MODIFIED.sub(rf"\g<1>{stamp}\g<2>", data.decode("utf-8")).encode("utf-8")
            elif item.filename.startswith("EPUB/text/ch"):
                data = _chapter_title(data.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_STORED if item.filename == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)
    return out.getvalue()
