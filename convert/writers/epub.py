"""EPUB 3 through pandoc: full OPF metadata, a title page, a nav from the headings, a colophon.

pandoc writes the book from the clean body (one chapter for the article, one for the
colophon); every metadata field comes from `doc.meta`. pandoc fetches nothing: an archived
image (convert/resources.py) reaches it as a data: URI of its embedding copy (downscaled,
in a core EPUB 3 type, convert/imaging.py), which pandoc stores in the book and lists in
the OPF; every other image is its description and URL (convert/images.py). Afterwards the archive is rebuilt with Octavo's stylesheet,
`dcterms:modified` = meta.converted and every zip entry dated meta.converted, so that
with SOURCE_DATE_EPOCH two runs (and the single and batch paths) give identical bytes.
A bound book (a Document with `chapters`, convert/book.py) goes the same way, one file
per chapter, with a cover and its citation records added to the archive (_book_job).
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from datetime import timezone
from html import escape

from .. import fragment, imaging
from ..citation import creators
from ..colophon import cite_as, definition_list, prepare
from ..model import Document
from ..pandoc import Job, reader_html, run, run_many
from . import epub_media
from .html import stylesheet
from . import SUFFIXES

SUFFIX = SUFFIXES["epub"]
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
    return _bound(_finish(run(job(doc)), doc, settings), doc, settings)


def write_many(docs: list[Document], settings) -> list[bytes | Exception]:
    """EPUBs for many documents from one pandoc process; a failed one is its ExportError.
    Their colophons' citations are formatted first, together."""
    prepare([doc.meta for doc in docs])
    results = run_many([job(doc) for doc in docs])
    return [r if isinstance(r, Exception) else _bound(_finish(r, doc, settings), doc, settings)
            for r, doc in zip(results, docs)]


def job(doc: Document) -> Job:
    """The pandoc job: the article as chapter one, the colophon as the last chapter.

    Archived images go in as data: URIs (pandoc embeds them); the rest are placeholders;
    math (TeX in the body) becomes MathML.
    """
    from .html import with_images

    if doc.chapters:
        return _book_job(doc)
    title = doc.meta.title or doc.stem
    body = with_images(doc, _data_uri, epub_media.marker([], doc.locale)).body
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
        "author": list(creators(meta)),
        "publisher": meta.publisher,
        "source": meta.canonical_url,
        "subject": meta.tags,
        "description": meta.summary,
        "subtitle": meta.subtitle,
        "coverage": meta.coverage,
        "toc-title": loc.label("contents"),
        "page-progression-direction": loc.direction if loc.direction == "rtl" else None,
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
    """Access modes and summary, honest about the images and recordings: visual as well as
    textual when the book holds images, and the summary says how many have no description
    in words; a book with video or audio (epub_media) is also auditory (and visual), needs
    those senses, and says its recordings have no transcript and were not checked for hazards."""
    from ..images import description
    from ..resources import by_src, images_of

    known = by_src(doc)
    shown = [img for img in images_of(doc.body)
             if known.get((img.get("src") or "").strip()) is not None
             and known[(img.get("src") or "").strip()].archived]
    undescribed = sum(1 for img in shown if not description(img))
    players = epub_media.players_of(doc)
    loc = doc.locale
    if not shown and not players:
        return {"accessModes": ["textual"], "accessModeSufficient": ["textual"],
                "accessibilitySummary": loc.label("accessibility")}
    senses = {"visual"} if shown else set()
    senses |= {"auditory"} if players else set()
    senses |= {"visual"} if any(p.tag == "video" for p in players) else set()
    modes = sorted({"textual"} | senses)
    if players:     # recordings have no transcript: their senses are always needed
        sufficient = [",".join(modes), ",".join(sorted(senses))]
    elif undescribed:
        sufficient = ["textual,visual", "visual"]
    else:
        sufficient = ["textual", "textual,visual"]
    # (always two sets: a one-item list would reach pandoc as a scalar, which it ignores)
    described = [] if undescribed or not shown else ["alternativeText"]
    result = {"accessModes": modes, "accessModeSufficient": sufficient,
              "accessibilityFeatures": ACCESSIBILITY["accessibilityFeatures"] + described}
    if players:
        result["accessibilityHazards"] = ["unknownFlashingHazard", "unknownMotionSimulationHazard",
                                          "unknownSoundHazard"]
        result["accessibilitySummary"] = loc.label("accessibility_media").format(
            count=len(shown), undescribed=undescribed, media=len(players))
    else:
        result["accessibilitySummary"] = loc.label("accessibility_images").format(
            count=len(shown), undescribed=undescribed)
    return result


def colophon(doc: Document) -> str:
    """The last chapter: how to cite the article, where it came from, and which file it is."""
    ltr = doc.locale.labels_dir
    rows = f'<div class="citation"><p>{cite_as(doc.meta)}</p></div>{definition_list(doc.meta)}'
    return (f'<h1 class="colophon"{ltr}>{doc.locale.label("colophon")}</h1>'
            + (f"<div{ltr}>{rows}</div>" if ltr else rows))


def _book_job(doc: Document) -> Job:
    """A bound book (convert/book.py): its parts and chapters, one file each (the headings
    at the top level, where pandoc splits), a visible contents page and the navigation
    two levels deep when there are parts, pandoc's title page."""
    from ..bookmatter import contents

    from .html import with_images

    root = fragment.parse(with_images(doc, _data_uri, epub_media.marker([], doc.locale)).body)
    for wrapper in list(root.iter("article", "header")) + root.findall("section[@class='part']"):
        wrapper.drop_tag()
    depth = 2 if any(level == 2 for level, _, _ in contents(doc)) else 1
    return Job(html=reader_html(fragment.serialize(root)), to="epub3", path=doc.meta.source_path,
               standalone=True, meta=metadata(doc),
               options={"toc_depth": depth, "split_level": depth, "table_of_contents": True})


_NOTE_ID = re.compile(r'((?:id|href)="#?)(fn\d+|fnref\d+|footnotes)"')


def _book_file(name: str, data: bytes) -> bytes:
    """A book chapter file: pandoc numbers notes per file (fn1 in every chapter), so their
    ids take the file's name and no id repeats anywhere in the book."""
    stem = name.rsplit("/", 1)[-1].split(".")[0]
    return _NOTE_ID.sub(lambda m: f'{m.group(1)}{stem}-{m.group(2)}"', data.decode("utf-8")).encode("utf-8")


def _book_extras(doc: Document, settings) -> tuple[dict[str, bytes], list[str], str]:
    """The files a bound book adds to pandoc's (cover, citation records), their manifest
    items, and the cover's spine entry."""
    from ..bookmatter import COVER_MEDIA, cover_page, cover_svg, records

    cover = settings.book.cover
    if cover is not None:
        name, kind, image = f"media/cover{cover.suffix.lower()}", COVER_MEDIA[cover.suffix.lower()], cover.read_bytes()
    else:
        name, kind, image = "media/cover.svg", "image/svg+xml", cover_svg(doc.meta).encode("utf-8")
    files = {f"EPUB/{name}": image, "EPUB/text/cover.xhtml": cover_page(doc.meta, f"../{name}").encode("utf-8")}
    items = [f'<item id="cover-image" href="{name}" media-type="{kind}" properties="cover-image" />',
             '<item id="cover_xhtml" href="text/cover.xhtml" media-type="application/xhtml+xml" />']
    for n, (file_name, media, data, _, relation) in enumerate(records(doc)):
        if relation == "Data":
            files[f"EPUB/records/{file_name}"] = data
            items.append(f'<item id="record-{n}" href="records/{file_name}" media-type="{media}" />')
    return files, items, '<itemref idref="cover_xhtml" linear="yes" />'


def _bound(epub: bytes, doc: Document, settings) -> bytes:
    """A bound book's archive completed (an article's returned as it is): the cover and the
    citation records added and listed in the OPF, the cover first in the spine, and note
    ids made unique across chapter files. Entries keep the finished archive's dates."""
    if not doc.chapters:
        return epub
    extras, items, cover_ref = _book_extras(doc, settings)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(epub)) as src, zipfile.ZipFile(out, "w") as dst:
        stamp = src.infolist()[0].date_time
        for item in src.infolist():
            data = src.read(item)
            if item.filename == OPF:
                text = data.decode("utf-8").replace("</manifest>", "".join(f"  {i}\n" for i in items) + "  </manifest>")
                data = re.sub(r"(<spine[^>]*>\n)", lambda m: f"{m.group(1)}    {cover_ref}\n", text, count=1).encode("utf-8")
            elif item.filename.startswith("EPUB/text/ch"):
                data = _book_file(item.filename, data)
            dst.writestr(item, data)
        for name, data in extras.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            dst.writestr(info, data)
    return out.getvalue()


def _finish(epub: bytes, doc: Document, settings) -> bytes:
    """Rebuild the archive: Octavo's stylesheet, chapter titles, the players and their files
    (epub_media), dcterms:modified and entry dates = meta.converted, and `dir="rtl"` on every
    page of a right-to-left book (EPUB forbids CSS `direction`)."""
    when = doc.meta.converted.astimezone(timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    date_time = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(io.BytesIO(epub)) as src:
        files = {item.filename: src.read(item) for item in src.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in epub_media.put_in(files, doc).items():
            if name == STYLESHEET:
                data = stylesheet("epub.css", settings.styles).encode("utf-8")
            elif name == OPF:
                data = _MODIFIED.sub(rf"\g<1>{stamp}\g<2>", data.decode("utf-8")).encode("utf-8")
            elif name.startswith("EPUB/text/ch"):
                data = _chapter_title(data.decode("utf-8")).encode("utf-8")
            if name.endswith(".xhtml") and doc.locale.direction == "rtl":   # pandoc's template has no dir
                data = data.replace(b"<html ", b'<html dir="rtl" ', 1)
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)
    return out.getvalue()
