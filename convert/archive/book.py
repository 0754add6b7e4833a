"""`archive --include-book`: the archived articles bound into one book (convert/book.py, with
the `[book]` options of octavo.toml), as EPUB and PDF, with the book's own citation records,
at package level (`book/`).

The book is staged in DIR/.octavo/book/KEY/, where KEY is a digest of everything it is made
from (each article's staged files: name, size, mtime, inode, as the package's own digest;
the settings, Octavo's code, pandoc, WeasyPrint, the fonts): a run whose articles did not
change reuses it unread, a run that adds or re-converts an article binds it again. Like a
package, it is made in `tmp-KEY` and renamed whole, so a kill leaves no half-made book.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import batch
from ..batch import Job
from ..errors import ArchiveError, OctavoError, PostWarning, collecting
from ..resources import Store
from ..settings import Settings
from ..writers import writer
from .articles import BOOK, MEDIA, Article, Entry, Staging

BOUND = {"epub": ("application/epub+zip", "The archived articles bound into one EPUB 3 book: contents, "
                  "one chapter per article, Sources and colophon"),
         "pdf": ("application/pdf", "The archived articles bound into one archival PDF ({variant}) book, "
                 "each article's source and citation attached")}
"""The book's formats: media type and description."""
RECORDS = ("csl", "bib", "ris", "dc", "bibtex", "datacite", "jsonld")
"""The book's own citation records: the writers that make an article's, given the book."""


@dataclass
class Book:
    """The staged book: its files as package entries, its schema.org and Dublin Core records,
    and what binding it said (only when it was bound in this run)."""

    folder: Path
    entries: list[Entry]
    warnings: list[PostWarning] = field(default_factory=list)

    @property
    def record(self) -> dict:
        return json.loads((self.folder / f"{BOOK}.jsonld").read_text(encoding="utf-8"))

    @property
    def dc(self) -> bytes:
        return (self.folder / f"{BOOK}.dc.xml").read_bytes()


def stage(articles: list[Article], staging: Staging, settings: Settings) -> Book:
    """The book of `articles` (bound now unless the staged one was made from the same state);
    ArchiveError when an article cannot be read again or the book cannot be written."""
    root = staging.root / BOOK
    root.mkdir(parents=True, exist_ok=True)
    key = _key(articles, staging, settings)
    folder = root / key[:32]
    warnings: list[PostWarning] = []
    if not folder.is_dir():
        building = root / f"tmp-{key[:32]}"
        building.mkdir()
        try:
            warnings = _bind(articles, staging, settings, building)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        os.rename(building, folder)
    for old in root.iterdir():
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    return Book(folder, entries(folder, settings.pdf.variant), warnings)


def entries(folder: Path, pdf_variant: str) -> list[Entry]:
    """The book's files, in a fixed order: EPUB, PDF, then its citation records."""
    out = []
    for fmt in (*BOUND, *RECORDS):
        media, text = BOUND.get(fmt) or MEDIA[fmt]
        name = f"{BOOK}{writer(fmt).SUFFIX}"
        out.append(Entry(name, folder / name, fmt, media, text.format(variant=pdf_variant.upper())
                         .replace("Citation record", "The book's citation record")))
    return out


def _key(articles: list[Article], staging: Staging, settings: Settings) -> str:
    """A digest of what the book is made from (see the module's docstring)."""
    digest = hashlib.sha256(batch.environment_fingerprint(settings.replace(formats=("epub", "pdf"))).encode())
    for article in articles:
        digest.update(f"\n{article}".encode())
        for entry in staging.entries(article, settings.pdf.variant):
            try:
                info = entry.path.stat()
            except FileNotFoundError:
                continue   # the package's own digest reports a missing staged file
            digest.update(f"\n{entry.rel}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}".encode())
    return digest.hexdigest()


def _post(article: Article, staging: Staging) -> tuple[Path, list[PostWarning]]:
    """The post to read for the article's chapter: where it was archived from, else (moved or
    deleted since) the copy the archive kept, read without its site, which a warning says."""
    source = Path(article.source)
    if source.is_file():
        return source, []
    return staging.original(article), [PostWarning(article.source, "moved or deleted since it was archived: the "
                                                   "book binds the archive's copy, read without its site "
                                                   "(_config.yml, images)")]


def _bind(articles: list[Article], staging: Staging, settings: Settings, folder: Path) -> list[PostWarning]:
    """Read the articles again (their images from the archive's store: nothing fetched twice),
    bind them and write the book and its records into `folder`; the warnings binding gave."""
    from .. import book as binding

    posts = [_post(article, staging) for article in articles]
    warnings = [w for _, said in posts for w in said]
    jobs = [Job(path=path, name=article.name) for article, (path, _) in zip(articles, posts)]
    read = batch.read_all(jobs, settings, Store(staging.work))
    failed = [result for result, doc in read if doc is None]
    if failed:
        first = failed[0]
        reason = next(iter(first.errors.values()), None) or f"{first.path}: not published any more"
        raise ArchiveError(f"cannot bind the book: {reason}"
                           + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""), str(staging.root.parent))
    bound = binding.bind([doc for _, doc in read], settings.book, folder / f"{BOOK}.epub")
    warnings += bound.warnings
    if not bound.chapters:
        raise ArchiveError("cannot bind the book: the [book] selection (since, until, category, tag) "
                           "leaves no article", str(staging.root.parent))
    for fmt in (*BOUND, *RECORDS):
        with collecting() as given:
            try:
                data = writer(fmt).write(bound, settings)
            except OctavoError as exc:
                raise ArchiveError(f"cannot write the book's {fmt.upper()}: {exc.message}",
                                   str(staging.root.parent)) from exc
        warnings += given
        batch.atomic_write(folder / f"{BOOK}{writer(fmt).SUFFIX}", data)
    return warnings
