"""EPUB 3 through pandoc: full OPF metadata, a title page, a nav from the headings, a colophon.

pandoc writes the book from the clean body (one chapter for the article, one for the
colophon); every metadata field comes from `doc.meta`. pandoc fetches nothing: an archived
image (convert/resources.py) reaches it as a data: URI of its embedding copy (downscaled,
in a core EPUB 3 type, convert/imaging.py), which pandoc stores in the book and lists in
the OPF; every other image is its description and URL (convert/images.py). Afterwards the archive is rebuilt with Octavo's stylesheet,
`dcterms:modified` = meta.converted and every zip entry dated meta.converted, so that
with SOURCE_DATE_EPOCH two runs (and the single and batch paths) give identical bytes.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from datetime import timezone
from html import escape

from .. import imaging
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
    "accessibilityFeatures": ["structuralNavigation", "tableOfContents", "readingOrder",
                              "displayTransformability"],
    "accessibilityHazards": ["none"],
}
"""schema.org accessibility metadata every book shares; the access modes and the summary
depend on its images (accessibility())."""


def write(doc: Document, settings) -> bytes:
    """The EPUB 3 file for one document, from its own sandboxed pandoc process."""
    return _finish(run(job(doc)), doc.meta, settings)


def write_many(docs: list[Document], settings) -> list[bytes | Exception]:
    """EPUBs for many documents from one pandoc process; a failed one is its ExportError."""
    results = run_many([job(doc) for doc in docs])
    return [r if isinstance(r, Exception) else _finish(r, doc.meta, settings) for r, doc in zip(results, docs)]


def job(doc: Document) -> Job:
    """The pandoc job: the article as chapter one, the colophon as the last chapter.

    Archived images go in as data: URIs (pandoc embeds them); the rest are placeholders.
    """
    from .html import with_images

    title = doc.meta.title or doc.stem
    body = with_images(doc, _data_uri).body
    html = f"<h1>{escape(title)}</h1>\n{reader_html(body)}\n{colophon(doc)}"
    return Job(html=html, to="epub3", path=doc.meta.source_path, standalone=True,
               meta=metadata(doc), options={"toc_depth": 2, "split_level": 1})


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
        **accessibility(doc),
    }
    return {name: value for name, value in fields.items() if value}


def _data_uri(resource) -> str:
    """The embedding copy of an archived image as a data: URI (pandoc stores it in the book)."""
    with open(resource.file, "rb") as handle:
        data, media_type = imaging.for_embedding(handle.read(), resource.media_type)
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def accessibility(doc: Document) -> dict:
    """Access modes and summary, honest about the images: visual as well as textual when the
    book holds any, and the summary says how many have no description in words."""
    from ..images import description
    from ..resources import by_src, images_of

    known = by_src(doc)
    shown = [img for img in images_of(doc.body)
             if known.get((img.get("src") or "").strip()) is not None
             and known[(img.get("src") or "").strip()].archived]
    loc = doc.locale
    if not shown:
        return {"accessModes": ["textual"], "accessModeSufficient": ["textual"],
                "accessibilitySummary": loc.label("accessibility")}
    undescribed = sum(1 for img in shown if not description(img))
    # a one-item list would reach pandoc as a scalar, which it ignores: always two sets
    sufficient = ["textual,visual", "visual"] if undescribed else ["textual", "textual,visual"]
    summary = loc.label("accessibility_images").format(count=len(shown), undescribed=undescribed)
    described = [] if undescribed else ["alternativeText"]
    return {"accessModes": ["textual", "visual"], "accessModeSufficient": sufficient,
            "accessibilityFeatures": ACCESSIBILITY["accessibilityFeatures"] + described,
            "accessibilitySummary": summary}


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
