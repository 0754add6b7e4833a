"""One archived article: the post it holds, a stable folder name, and the files of its
folder (the original post byte for byte, every output, every citation record, its archived
images and the WARC of what was fetched for them), read from the archive's staging area so
that every package format carries the same files."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from ..inputs import safe_name
from ..remote import WARC_NAME
from ..resources import STORE
from ..writers import WRITERS, writer

FORMATS = tuple(WRITERS)
"""Every format an archived article carries: a package holds every output and record."""

BOOK = "book"
"""The package-level folder of the bound book (`--include-book`)."""
RESERVED = {"ro-crate-metadata.json", "ro-crate-preview.html", "bagit.txt", BOOK}
"""Names an article folder may not take: the package's own files beside the articles."""

MEDIA = {
    "html": ("text/html", "Normalized HTML5 (clean semantic markup, metadata in the head)"),
    "pdf": ("application/pdf", "Archival PDF ({variant}), the original post attached"),
    "epub": ("application/epub+zip", "EPUB 3 e-book"),
    "md": ("text/markdown", "Markdown with YAML front matter (pandoc)"),
    "csl": ("application/vnd.citationstyles.csl+json", "Citation record, CSL-JSON (canonical)"),
    "bib": ("application/x-bibtex", "Citation record, BibLaTeX"),
    "ris": ("application/x-research-info-systems", "Citation record, RIS"),
    "dc": ("application/xml", "Citation record, simple Dublin Core (oai_dc)"),
    "bibtex": ("application/x-bibtex", "Citation record, BibTeX"),
    "datacite": ("application/xml", "Citation record, DataCite kernel 4"),
    "jsonld": ("application/ld+json", "Citation record, schema.org JSON-LD"),
}
"""Each format's media type and a description a reader in fifty years can follow."""

SOURCE_MEDIA = {".md": "text/markdown", ".markdown": "text/markdown", ".html": "text/html",
                ".htm": "text/html"}
STORED = re.compile(rf"{STORE}/[0-9a-f]{{64}}\.[a-z0-9]{{1,5}}")
"""An archived image's path as the HTML and the Markdown point at it (`resources/<sha256>.<ext>`,
relative to the output), which is also its path inside the article's folder."""
WARC_REL = f"{STORE}/{WARC_NAME}"


def nfc_name(stem: str) -> str:
    """A payload name: safe on every file system (convert/inputs.py) and NFC-normalized,
    so a name written on macOS and one written on Linux are the same bytes in the manifests."""
    return unicodedata.normalize("NFC", safe_name(unicodedata.normalize("NFC", stem)))


@dataclass(frozen=True)
class Article:
    """An article of the archive: its folder name and the post it was made from."""

    name: str
    """The article's folder name, stable across runs (the registry keeps it)."""
    source: str
    """The post's resolved path when it was archived (what names the same post next time)."""
    original: str
    """File name of the original post in the article's `source/` folder."""


@dataclass(frozen=True)
class Entry:
    """One file of an article's folder."""

    rel: str
    """Path inside the article's folder (`NAME.pdf`, `source/POST.md`)."""
    path: Path
    """Where the staging area holds it."""
    fmt: str | None
    """The format that made it (a key of WRITERS); None for the original post and resources."""
    media: str
    description: str
    taken: bool = False
    """Taken in by the conversion (the post, its images) rather than made by it."""


class Staging:
    """The archive's working area in DIR/.octavo: conversions (batch.run's OUTDIR, with its
    cache), the originals as archived, and the registry of article names."""

    def __init__(self, root: Path):
        self.root = root
        self.work = root / "work"
        self.originals = root / "originals"
        self.fetched = root / "fetched"
        """`NAME.json`: each article's images (Resource records); `NAME.warc.gz`: its fetches."""
        self.registry_path = root / "articles.json"

    def original(self, article: Article) -> Path:
        return self.originals / article.name / article.original

    def output(self, article: Article, fmt: str) -> Path:
        return self.work / f"{article.name}{writer(fmt).SUFFIX}"

    def images(self, article: Article) -> Path:
        """The article's images as its last conversion resolved them (Resource records)."""
        return self.fetched / f"{article.name}.json"

    def warc(self, article: Article) -> Path:
        """The requests and responses that fetched the article's images (absent when none)."""
        return self.fetched / f"{article.name}.warc.gz"

    def entries(self, article: Article, pdf_variant: str) -> list[Entry]:
        """The files of the article's folder, in a fixed order: the original, each format,
        its archived images (`resources/<sha256>.<ext>`, where its HTML and Markdown point),
        then the WARC of their fetches (`resources/fetch.warc.gz`)."""
        suffix = Path(article.original).suffix.lower()
        out = [Entry(f"source/{article.original}", self.original(article), None,
                     SOURCE_MEDIA.get(suffix, "text/plain"), "The original post, byte for byte", taken=True)]
        for fmt in FORMATS:
            media, description = MEDIA[fmt]
            out.append(Entry(f"{article.name}{writer(fmt).SUFFIX}", self.output(article, fmt), fmt, media,
                             description.format(variant=pdf_variant.upper())))
        seen = set()
        for record in self.image_records(article):
            rel = record.get("path")
            if not (rel and STORED.fullmatch(rel)) or rel in seen:
                continue
            seen.add(rel)
            origin = "fetched from" if record.get("fetched") else "the site's file"
            out.append(Entry(rel, self.work / rel, None, record.get("media_type") or "application/octet-stream",
                             f"Image of the article as archived ({origin} {record['url']}; sha256 of the "
                             f"original bytes {record.get('sha256')})", taken=True))
        if self.warc(article).is_file():
            out.append(Entry(WARC_REL, self.warc(article), None, "application/warc",
                             "Every HTTP request and response that fetched the article's images "
                             "(WARC, ISO 28500)"))
        return out

    def image_records(self, article: Article) -> list[dict]:
        try:
            return json.loads(self.images(article).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []

    def jsonld(self, article: Article) -> dict:
        """The article's schema.org record (the metadata RO-Crate and InvenioRDM take)."""
        return json.loads(self.output(article, "jsonld").read_text(encoding="utf-8"))

    def load_registry(self) -> dict[str, Article]:
        """Article name → Article, as the last run left it (empty for a new archive)."""
        try:
            data = json.loads(self.registry_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {item["name"]: Article(**item) for item in data}

    def registry_bytes(self, articles: dict[str, Article]) -> bytes:
        items = [asdict(articles[name]) for name in sorted(articles)]
        return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")


def assign(paths: list[Path], registry: dict[str, Article]) -> dict[Path, Article]:
    """The Article of each post: the registry's when the same file was archived before,
    else a new one whose name is unique (case-insensitively) among all the archive's names."""
    by_source = {article.source: article for article in registry.values()}
    used = {name.casefold() for name in registry} | RESERVED
    out: dict[Path, Article] = {}
    for path in paths:
        source = str(path.resolve())
        if source in by_source:
            out[path] = by_source[source]
            continue
        base = nfc_name(path.stem)
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name.casefold())
        out[path] = by_source[source] = Article(name, source, nfc_name(path.name))
    return out
