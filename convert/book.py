"""Bound books: many posts → one Document of chapters (one per post) in parts (one per group).

`octavo book` reads the posts as `convert` does (batch.read_all), then here: selects them
(dates, category, tag), leaves out duplicates (same original URL, same title and date,
or the same text), sorts and groups them, and binds them into one Document whose body
is the parts and chapters followed by the Sources and the colophon (bookmatter.py). The
EPUB and PDF writers render that Document as they render one article (their book entry
point adds only the front matter each format makes its own way: pandoc's title page and
navigation, or the PDF's cover, title page and contents with page numbers).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from html import escape
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .errors import PostWarning
from .locales import dir_attribute
from .model import Document, Meta, conversion_time
from .options import Declared, setting

GROUPINGS = ("none", "category", "month", "tag")
ORDERS = ("date", "title", "path")

_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_HEADING = re.compile(r"^h([1-6])$")


def _day(value) -> str:
    """A `--since`/`--until` value: YYYY, YYYY-MM or YYYY-MM-DD (checked, kept as given)."""
    text = str(value).strip()
    if not _DAY.match(text):
        raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    period(text)
    return text


def period(text: str) -> tuple[date, date]:
    """The first and last day a `--since`/`--until` value names (2022-01 → Jan 1 … Jan 31)."""
    year, month, day = _DAY.match(text).groups()
    first = date(int(year), int(month or 1), int(day or 1))
    if day:
        return first, first
    if month:
        following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    else:
        following = date(first.year + 1, 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


def _cover(value) -> Path:
    path = Path(value)
    from .bookmatter import COVER_MEDIA

    if path.suffix.lower() not in COVER_MEDIA:
        raise ValueError(f"{value} is not a cover image ({', '.join(COVER_MEDIA)})")
    if not path.is_file():
        raise ValueError(f"{value} is not a file")
    return path.resolve()


def _style(value: str) -> str:
    from .citation.styles import style_path

    style_path(value)
    return value


def _lang(value: str) -> str:
    from .settings import _lang as check

    return check(value)


@dataclass(frozen=True)
class Options(Declared):
    """`octavo book`'s own settings (`[book]` in octavo.toml)."""

    SECTION = "book"

    title: str | None = setting(None, "The book's title (default: the posts' site title).", flag="--title")
    subtitle: str | None = setting(None, "The book's subtitle (default: the period its articles span).",
                                   flag="--subtitle")
    author: str | None = setting(None, "The book's creator (editor or compiler).", flag="--author")
    lang: str | None = setting(None, "The book's language (labels, citation style; default: its "
                               "articles' most common); each chapter keeps its own.", flag="--lang",
                               check=_lang)
    group_by: str = setting("none", "Parts of the book: one per category, month or tag, or none.",
                            flag="--group-by", choices=GROUPINGS)
    sort: str = setting("date", "Order of the chapters (in each part): date, title or path.",
                        flag="--sort", choices=ORDERS)
    since: str | None = setting(None, "Only posts dated on or after this day (YYYY, YYYY-MM, YYYY-MM-DD).",
                                flag="--since", check=_day)
    until: str | None = setting(None, "Only posts dated on or before this day (YYYY, YYYY-MM, YYYY-MM-DD).",
                                flag="--until", check=_day)
    category: str | None = setting(None, "Only posts in this category.", flag="--category")
    tag: str | None = setting(None, "Only posts with this tag.", flag="--tag")
    cover: Path | None = setting(None, "Cover image (PNG, JPEG, GIF, SVG, WebP; default: one made from "
                                 "the title, subtitle and period).", flag="--cover", check=_cover)
    style: str | None = setting(None, "CSL style of the Sources chapter (default: the book language's, "
                                "GB/T 7714 for Chinese).", flag="--style", check=_style)
    keep_duplicates: bool = setting(False, "Keep every copy of an article published twice.",
                                    flag="--keep-duplicates")


@dataclass
class Chapter:
    """One article of the book: its Document, its anchor, the copies left out for it."""

    doc: Document
    anchor: str = ""
    """The id of its heading (`ch-` + the article's slug): links and the contents point here."""
    copies: list[Document] = field(default_factory=list)
    """Duplicates of this article that the book leaves out (named in its provenance)."""


@dataclass
class Part:
    """One group of chapters (a month, a category, a tag); `title` None when ungrouped."""

    title: str | None
    chapters: list[Chapter]
    anchor: str = ""
    """The id of its heading (`part-1`, `part-2`…)."""


@dataclass
class Plan:
    """What goes into the book, in order, and what was left out and why."""

    parts: list[Part]
    left_out: list[PostWarning] = field(default_factory=list)
    """What the selection (an undated post outside --since/--until) and the merging of
    duplicates left out, one warning each."""

    @property
    def chapters(self) -> list[Chapter]:
        return [chapter for part in self.parts for chapter in part.chapters]


def plan(docs: list[Document], options: Options, book_lang: str) -> Plan:
    """Select, deduplicate, sort and group `docs` (in the order they were given)."""
    from .locales import for_tag

    left_out: list[PostWarning] = []
    chosen = [doc for doc in docs if _selected(doc, options, left_out)]
    chapters = merge_duplicates(chosen) if not options.keep_duplicates else [Chapter(d) for d in chosen]
    for chapter in chapters:
        for copy in chapter.copies:
            left_out.append(PostWarning(copy.meta.source_path, f"a copy of {chapter.doc.meta.source_path} "
                                        f"({_why(chapter.doc, copy)}); left out of the book, named in that "
                                        "chapter (--keep-duplicates keeps it)", kind="duplicate"))
    chapters.sort(key=_order(options.sort))
    _anchor(chapters)
    parts = _group(chapters, options.group_by, for_tag(book_lang))
    return Plan(parts, left_out)


def _selected(doc: Document, options: Options, left_out: list[PostWarning]) -> bool:
    """Whether the post passes --since/--until/--category/--tag; an undated post cannot pass
    a date bound, and says so."""
    meta = doc.meta
    if options.category is not None and options.category not in meta.categories:
        return False
    if options.tag is not None and options.tag not in meta.tags:
        return False
    if options.since or options.until:
        if meta.date is None:
            left_out.append(PostWarning(meta.source_path, "undated, so outside --since/--until; left out of the "
                                        "book", kind="book-selection"))
            return False
        day = meta.date.date()
        if options.since and day < period(options.since)[0]:
            return False
        if options.until and day > period(options.until)[1]:
            return False
    return True


_SPACE = re.compile(r"\s+")


def _text_key(doc: Document) -> str | None:
    """The article's text without markup or spacing, hashed; None for a short text (two
    short notices may well say the same words)."""
    from . import fragment

    root = fragment.parse(doc.body)
    text = _SPACE.sub("", root.text_content())
    return hashlib.sha256(text.encode()).hexdigest() if len(text) >= 80 else None


def _why(kept: Document, copy: Document) -> str:
    """What makes `copy` the same article as `kept`, as the warning says it."""
    if kept.meta.canonical_url and kept.meta.canonical_url == copy.meta.canonical_url:
        return "the same original URL"
    if kept.meta.title == copy.meta.title and kept.meta.date and kept.meta.date == copy.meta.date:
        return "the same title and date"
    return "the same text"


def _completeness(doc: Document) -> tuple:
    """Which copy of an article to keep: one with a date, then a title from its front
    matter (fewer repairs), then the first given."""
    repairs = sum(w.is_repair for w in doc.warnings)
    return (doc.meta.date is None, repairs)


def merge_duplicates(docs: list[Document]) -> list[Chapter]:
    """One Chapter per article: posts with the same original URL, the same title and date,
    or the same text (a re-dated or retitled copy) are one article; the most complete copy
    stays, the others are kept in its `copies`."""
    keys: dict[tuple, int] = {}
    owner: list[int] = list(range(len(docs)))

    def root(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    for i, doc in enumerate(docs):
        meta = doc.meta
        candidates = [("url", meta.canonical_url) if meta.canonical_url else None,
                      ("title-date", meta.title, meta.date.isoformat()) if meta.title and meta.date else None,
                      ("text", _text_key(doc))]
        for key in candidates:
            if key is None or key[-1] is None:
                continue
            if key in keys:
                a, b = root(keys[key]), root(i)
                owner[max(a, b)] = min(a, b)
            else:
                keys[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(docs)):
        groups.setdefault(root(i), []).append(i)
    chapters = []
    for members in groups.values():
        best = min(members, key=lambda i: (_completeness(docs[i]), i))
        chapters.append(Chapter(docs[best], copies=[docs[i] for i in members if i != best]))
    return chapters


def _order(sort: str):
    """Sort key for chapters: by date (undated last), title or path; the path breaks ties."""
    def key(chapter: Chapter):
        meta = chapter.doc.meta
        path = meta.source_path
        if sort == "title":
            return (meta.title.casefold(), path)
        if sort == "path":
            return (path,)
        return (meta.date is None, _timestamp(meta.date), path)
    return key


def _timestamp(value: datetime | None) -> float:
    """Seconds since the epoch for sorting (a floating date is read as UTC)."""
    if value is None:
        return 0.0
    if value.tzinfo is None:
        return (value - datetime(1970, 1, 1)).total_seconds()
    return value.timestamp()


def _anchor(chapters: list[Chapter]) -> None:
    """Give each chapter a unique id from its article's slug (stable across runs)."""
    used: set[str] = set()
    for chapter in chapters:
        base = f"ch-{chapter.doc.meta.slug}"
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        chapter.anchor = anchor


def _group(chapters: list[Chapter], by: str, locale) -> list[Part]:
    """Parts in order: months chronologically (undated last), categories and tags in the
    order their first chapter comes; the chapters keep their order within a part."""
    if by == "none":
        return [Part(None, chapters)] if chapters else []
    parts: dict[str, Part] = {}
    for chapter in chapters:
        meta = chapter.doc.meta
        if by == "month":
            key = meta.date.strftime("%Y-%m") if meta.date else "~"
            title = locale.month(meta.date) if meta.date else locale.label("undated")
        else:
            values = meta.categories if by == "category" else meta.tags
            key = values[0] if values else "\uffff"
            title = values[0] if values else locale.label("ungrouped")
        parts.setdefault(key, Part(title, [])).chapters.append(chapter)
    keys = sorted(parts) if by == "month" else sorted(parts, key=lambda k: k == "\uffff")
    ordered = [parts[k] for k in keys]
    for n, part in enumerate(ordered, 1):
        part.anchor = f"part-{n}"
    return ordered


def book_lang(docs: list[Document], options: Options) -> str:
    """The book's language: --lang, else its articles' most common (the first on a tie)."""
    if options.lang:
        return options.lang
    counts = Counter(doc.meta.lang for doc in docs)    # most_common keeps the first of a tie
    return counts.most_common(1)[0][0] if counts else "en"


def coverage(chapters: list[Chapter]) -> tuple[datetime, datetime] | None:
    """The first and last date of the chapters (None when none is dated)."""
    dated = [c.doc.meta.date for c in chapters if c.doc.meta.date]
    if not dated:
        return None
    return min(dated, key=_timestamp), max(dated, key=_timestamp)


def book_meta(book: Plan, options: Options, lang: str, output: Path) -> Meta:
    """The book's own metadata: title, subtitle, creator, language, period, identifier.

    The identifier is derived from the articles it holds (in order) and its title, so the
    same selection bound again keeps it.
    """
    from .locales import for_tag

    loc = for_tag(lang)
    chapters = book.chapters
    span = coverage(chapters)
    sites = {c.doc.meta.site_title for c in chapters if c.doc.meta.site_title}
    title = options.title or (sites.pop() if len(sites) == 1 else loc.label("book"))
    subtitle = options.subtitle
    if subtitle is None and span:
        first, last = (loc.date(d.date()) for d in span)
        subtitle = first if first == last else f"{first}—{last}"
    basis = "\n".join([title, *(c.doc.meta.identifier for c in chapters)])
    return Meta(
        genre="book", title=title, subtitle=subtitle, lang=lang, date=conversion_time(),
        authors=[options.author] if options.author else [],
        coverage=f"{span[0].date().isoformat()}/{span[1].date().isoformat()}" if span else None,
        source_path=str(output), source_sha256=hashlib.sha256(basis.encode()).hexdigest())


def chapter_html(chapter: Chapter, depth: int) -> tuple[str, list]:
    """One article as a chapter, and its archived images: its header (title, date, source),
    its body and its provenance (original URL, the copies left out), headings demoted by
    `depth` (h1 → h2 under a part), every id prefixed with the chapter's anchor so none
    collides, and each archived image renamed for the book (see _chapter_images)."""
    from . import fragment
    from .writers.html import header, provenance

    doc, anchor = chapter.doc, chapter.anchor
    foot = provenance(doc)
    if chapter.copies:
        also = "; ".join(_copy_text(copy) for copy in chapter.copies)
        note = f'<p class="duplicates">{doc.locale.labelled("also", also)}</p>'
        foot = foot.replace("</footer>", note + "</footer>") if foot else \
            f'<footer class="provenance">{note}</footer>'
    root = fragment.parse(f"{header(doc)}\n{doc.body}\n{foot}")
    _prefix_ids(root, anchor)
    for element in root.iter():
        match = _HEADING.match(element.tag) if isinstance(element.tag, str) else None
        if match:
            element.tag = f"h{min(6, int(match.group(1)) + depth)}"
    title = root.find("header")[0]
    title.set("id", anchor)
    title.set("class", "chapter-title")
    title.set("lang", doc.meta.lang)
    images = _chapter_images(root, doc, anchor)
    return (f'<article class="chapter" lang="{escape(doc.meta.lang)}"{dir_attribute(doc.meta.lang)}>'
            f"{fragment.serialize(root)}</article>\n"), images


def _copy_text(copy: Document) -> str:
    meta = copy.meta
    where = meta.canonical_url or Path(meta.source_path).name
    return escape(f"{where} ({meta.date.isoformat()})" if meta.date else where)


def _prefix_ids(root, anchor: str) -> None:
    """`id="fn1"` → `id="ch-x-fn1"` and `href="#fn1"` → `href="#ch-x-fn1"` in one chapter."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("id"):
            element.set("id", f"{anchor}-{element.get('id')}")
        href = element.get("href")
        if href and href.startswith("#") and len(href) > 1:
            element.set("href", f"#{anchor}-{href[1:]}")


def _chapter_images(root, doc: Document, anchor: str) -> list:
    """The chapter's archived images and media files (convert/resources.py), each `src`
    made unique in the book (`ch-x:3`: two chapters may both say `a.png`), and the links of
    a player's figure to its files with them, so the writers find every file as they do one
    article's; a file not archived keeps its `src` for its placeholder."""
    from .media import links_to
    from .resources import by_src

    known, renamed = by_src(doc), {}
    uses = [(e, "src") for e in root.iter("img", "video", "audio", "source", "track")]
    uses += [(e, "poster") for e in root.iter("video")]
    links = links_to(known, doc.meta.site_url)
    uses += [(a, "href") for a in root.iter("a") if (a.get("href") or "").strip() in links]
    for element, attribute in uses:
        value = (element.get(attribute) or "").strip()
        resource = links.get(value) if attribute == "href" else known.get(value)
        if resource is None or not resource.archived:
            continue
        if id(resource) not in renamed:
            renamed[id(resource)] = dataclasses.replace(resource, src=f"{anchor}:{len(renamed)}")
        element.set(attribute, renamed[id(resource)].src)
    return list(renamed.values())


def bind(docs: list[Document], options: Options, output: Path, *, failed: list[str] = ()) -> Document:
    """The book: its Meta, a body of parts and chapters then Sources and colophon, and its
    chapters (the article Documents, for the writers' attachments). Warnings name what
    the selection and the merging of duplicates left out."""
    from . import bookmatter

    lang = book_lang(docs, options)
    book = plan(docs, options, lang)
    meta = book_meta(book, options, lang, output)
    depth = 1 if options.group_by != "none" else 0
    html, images = [], []
    for part in book.parts:
        made = [chapter_html(c, depth) for c in part.chapters]
        chapters = "".join(text for text, _ in made)
        images += [image for _, chapter_images in made for image in chapter_images]
        if part.title is None:
            html.append(chapters)
        else:
            html.append(f'<section class="part"><h1 class="part-title" id="{part.anchor}">'
                        f"{escape(part.title)}</h1>\n{chapters}</section>\n")
    html.append(bookmatter.sources(book, meta, options.style))
    html.append(bookmatter.colophon(book, meta, options, failed))
    return Document(meta, "".join(html), warnings=book.left_out,
                    chapters=[c.doc for c in book.chapters], resources=images)
